// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// A call's request as it goes on the wire, built once per call as text: the request line's
// target, the header lines every attempt sends, and the body; each attempt adds its signature's
// lines. What SigV4 signs (the path and query, Host, Content-Type and body) is read from the same
// parts, so what is signed is what is sent.

#include <ivsrt/detail/call.hpp>
#include <ivsrt/detail/request_writer.hpp>
#include <ivsrt/detail/uri.hpp>
#include <ivsrt/endpoint.hpp>
#include <ivsrt/sigv4.hpp>

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace ivsrt::detail {

inline constexpr std::string_view json_content_type = "application/json";

inline std::string_view method_name(model::http_method m) noexcept {
    switch (m) {
        case model::http_method::get:
            return "GET";
        case model::http_method::put:
            return "PUT";
        case model::http_method::delete_:
            return "DELETE";
        case model::http_method::post:
            break;
    }
    return "POST";
}

class wire_request {
  public:
    // The request's path and query go after the endpoint's base path, each encoded once; its
    // body moves here. `endpoint` must outlive this object.
    wire_request(const ivsrt::endpoint& endpoint, std::string_view user_agent,
                 prepared_request&& request)
        : op_(request.op), host_(endpoint.authority), query_(std::move(request.query)) {
        target_ = endpoint.base_path;
        target_ += request.path();
        path_size_ = target_.size();
        query_view_.reserve(query_.size());
        char separator = '?';
        for (const auto& [key, value] : query_) {
            target_ += separator;
            percent_encode(target_, key, unreserved_chars);
            target_ += '=';
            percent_encode(target_, value, unreserved_chars);
            separator = '&';
            query_view_.push_back({key, value});
        }
        fields_.reserve(96 + host_.size() + user_agent.size());  // one allocation
        append_field(fields_, "Host", host_);
        append_field(fields_, "User-Agent", user_agent);
        if (op_->has_body) {
            append_field(fields_, "Content-Type", json_content_type);
            body_ = std::move(request.body);
        }
        // As an HTTP/1.1 client must: a length for any body, and 0 for an empty POST or PUT.
        if (!body_.empty() || op_->method == model::http_method::post ||
            op_->method == model::http_method::put) {
            append_field(fields_, "Content-Length", std::to_string(body_.size()));
        }
    }

    // The views into query_ must not be copied away from it (moving keeps them valid).
    wire_request(const wire_request&) = delete;
    wire_request& operator=(const wire_request&) = delete;

    const operation_info& operation() const noexcept { return *op_; }

    // What SigV4 signs. `headers` is scratch space for the signed headers' views; it must
    // outlive the returned view.
    sigv4::request_view signing_view(std::array<sigv4::header, 2>& headers) const {
        std::size_t count = 0;
        headers[count++] = {"host", host_};
        if (op_->has_body) headers[count++] = {"content-type", json_content_type};
        return {
            .method = method_name(op_->method),
            .path = std::string_view(target_).substr(0, path_size_),
            .query = query_view_,
            .headers = std::span<const sigv4::header>(headers.data(), count),
            .body = body_,
        };
    }

    // The headers of one attempt: its signature's, then the SDK's invocation id and attempt
    // count; they replace the previous attempt's.
    void set_attempt_fields(const sigv4::signing_result& signing, std::string_view invocation_id,
                            std::string_view request_header) {
        attempt_fields_.clear();
        attempt_fields_.reserve(512);  // a signature's lines and the SDK's, in one allocation
        for (const sigv4::header& h : signing.headers())
            append_field(attempt_fields_, h.name, h.value);
        append_field(attempt_fields_, "amz-sdk-invocation-id", invocation_id);
        append_field(attempt_fields_, "amz-sdk-request", request_header);
    }

    // What the pool sends: this request, as it stands when the exchange starts.
    request_writer writer() const noexcept {
        return {this, [](const void* self, std::string& out, const proxy_route* proxy) {
                    static_cast<const wire_request*>(self)->write(out, proxy);
                }};
    }

  private:
    void write(std::string& out, const proxy_route* proxy) const {
        out.clear();
        out.reserve(64 + target_.size() + fields_.size() + attempt_fields_.size() + body_.size());
        write_request_head(out, method_name(op_->method), target_, proxy);
        out.append(fields_).append(attempt_fields_).append("\r\n").append(body_);
    }

    const operation_info* op_;
    std::string_view host_;                       // the endpoint's authority
    model::query_params query_;                   // decoded, in wire order
    std::vector<sigv4::query_param> query_view_;  // views of query_
    std::string target_;                          // path and encoded query
    std::size_t path_size_ = 0;                   // where the path ends in the target
    std::string fields_;                          // the header lines every attempt sends
    std::string attempt_fields_;                  // this attempt's header lines
    std::string body_;
};

}  // namespace ivsrt::detail
