// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// A call's request as it goes on the wire, built once per call: the HTTP message that every
// attempt sends, and the view of that same message that every attempt signs (its target's path
// and query, Host, Content-Type and body). Nothing is built twice, so what is signed is what is
// sent.

#include <ivsrt/connection_pool.hpp>
#include <ivsrt/detail/call.hpp>
#include <ivsrt/detail/uri.hpp>
#include <ivsrt/endpoint.hpp>
#include <ivsrt/sigv4.hpp>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace ivsrt::detail {

inline constexpr std::string_view json_content_type = "application/json";

inline boost::beast::http::verb to_verb(model::http_method m) {
    using boost::beast::http::verb;
    switch (m) {
        case model::http_method::get:
            return verb::get;
        case model::http_method::put:
            return verb::put;
        case model::http_method::delete_:
            return verb::delete_;
        case model::http_method::post:
            break;
    }
    return verb::post;
}

class wire_request {
  public:
    // The request's path and query go after the endpoint's base path, each encoded once; its
    // body moves into the message.
    wire_request(const ivsrt::endpoint& endpoint, std::string_view user_agent,
                 prepared_request&& request)
        : op_(request.op), query_(std::move(request.query)) {
        namespace http = boost::beast::http;
        std::string target = endpoint.base_path;
        target += request.path();
        path_size_ = target.size();
        query_view_.reserve(query_.size());
        char separator = '?';
        for (const auto& [key, value] : query_) {
            target += separator;
            percent_encode(target, key, unreserved_chars);
            target += '=';
            percent_encode(target, value, unreserved_chars);
            separator = '&';
            query_view_.push_back({key, value});
        }
        message_.version(11);
        message_.method(to_verb(op_->method));
        message_.target(target);
        message_.set(http::field::host, endpoint.authority);
        message_.set(http::field::user_agent, user_agent);
        if (op_->has_body) {
            message_.set(http::field::content_type, json_content_type);
            message_.body() = std::move(request.body);
        }
        message_.prepare_payload();
    }

    // The views into query_ must not be copied away from it (moving keeps them valid).
    wire_request(const wire_request&) = delete;
    wire_request& operator=(const wire_request&) = delete;

    const operation_info& operation() const noexcept { return *op_; }
    connection_pool::request_type& message() noexcept { return message_; }
    const connection_pool::request_type& message() const noexcept { return message_; }

    // What SigV4 signs, read from the message. `headers` is scratch space for the signed
    // headers' views; it must outlive the returned view.
    sigv4::request_view signing_view(std::array<sigv4::header, 2>& headers) const {
        namespace http = boost::beast::http;
        const std::string_view target = message_.target();
        std::size_t count = 0;
        headers[count++] = {"host", message_[http::field::host]};
        if (op_->has_body) headers[count++] = {"content-type", message_[http::field::content_type]};
        return {
            .method = message_.method_string(),
            .path = target.substr(0, path_size_),
            .query = query_view_,
            .headers = std::span<const sigv4::header>(headers.data(), count),
            .body = message_.body(),
        };
    }

  private:
    const operation_info* op_;
    model::query_params query_;                   // decoded, in wire order
    std::vector<sigv4::query_param> query_view_;  // views of query_
    std::size_t path_size_ = 0;                   // where the path ends in the target
    connection_pool::request_type message_;
};

}  // namespace ivsrt::detail
