// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// What an exchange sends, as a view: a request that writes itself as HTTP/1.1 wire bytes. A Beast
// message is one such request (writer_of); the client's wire_request is another, kept as text so
// that building and signing it costs no header container.

#include <ivsrt/detail/config.hpp>
#include <ivsrt/detail/http_text.hpp>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string>
#include <string_view>

namespace ivsrt::detail {

struct proxy_route;

using string_request = boost::beast::http::request<boost::beast::http::string_body>;

// Writes a request into `out` (replacing what it held). `request` must outlive the exchange.
struct request_writer {
    const void* request;
    void (*write)(const void* request, std::string& out, const proxy_route* proxy);
};

// Appends the request line and, through a proxy to an http origin, the absolute-form target and
// Proxy-Authorization.
IVSRT_DECL void write_request_head(std::string& out, std::string_view method,
                                   std::string_view target, const proxy_route* proxy);

// Writes `req` as HTTP/1.1 wire bytes into `out`: request line, fields as set, blank line, body.
// The caller has set Content-Length (prepare_payload).
IVSRT_DECL void serialize_request(const string_request& req, std::string& out,
                                  const proxy_route* proxy = nullptr);

inline request_writer writer_of(const string_request& req) noexcept {
    return {&req, [](const void* r, std::string& out, const proxy_route* proxy) {
                serialize_request(*static_cast<const string_request*>(r), out, proxy);
            }};
}

}  // namespace ivsrt::detail
