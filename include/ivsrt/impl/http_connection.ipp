// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <ivsrt/detail/http_connection.hpp>

#include <boost/asio/error.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <limits>

#include <sys/socket.h>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

namespace ivsrt::detail {

IVSRT_DECL boost::system::error_code classify_io_error(boost::system::error_code cause,
                                                       io_phase phase, bool cancelled) noexcept {
    namespace http = boost::beast::http;
    if (cancelled) return errc::cancelled;
    if (cause == boost::beast::error::timeout) return errc::timeout;
    if (phase == io_phase::handshake) return errc::tls;
    if (phase == io_phase::exchange &&
        cause.category() == http::make_error_code(http::error::end_of_stream).category() &&
        cause != http::error::end_of_stream && cause != http::error::partial_message) {
        return errc::invalid_response;  // the bytes arrived but are not a valid response
    }
    return errc::connection;
}

IVSRT_DECL const boost::system::error_category& proxy_category() noexcept {
    struct category final : boost::system::error_category {
        const char* name() const noexcept override { return "ivsrt.proxy"; }
        std::string message(int v) const override {
            if (v == 1) return "the proxy sent bytes after accepting the tunnel";
            return "the proxy refused the tunnel: HTTP " + std::to_string(v);
        }
    };
    static const category instance;
    return instance;
}

IVSRT_DECL void serialize_request(const string_request& req, std::string& out,
                                  const proxy_route* proxy) {
    out.clear();
    out.reserve(256 + req.body().size());
    out.append(req.method_string());
    out += ' ';
    if (proxy) out.append(proxy->absolute_prefix);
    out.append(req.target());
    out.append(" HTTP/1.1\r\n");
    if (proxy && !proxy->authorization.empty()) {
        out.append("Proxy-Authorization: ");
        out.append(proxy->authorization);
        out.append("\r\n");
    }
    for (const auto& field : req) {
        out.append(field.name_string());
        out.append(": ");
        out.append(field.value());
        out.append("\r\n");
    }
    out.append("\r\n");
    out.append(req.body());
}

IVSRT_DECL http_connection::http_connection(const boost::asio::any_io_executor& ex,
                                            tls_client_context* tls, http_limits limits,
                                            const proxy_route* proxy)
    : tls_context_(tls),
      proxy_(proxy),
      limits_(limits),
      // Room for a head at its limit plus what follows it; a longer chunk-size line or an
      // endless chunk extension fills it and ends the read with buffer_overflow.
      buffer_(std::max<std::size_t>(limits.max_head, 1024) + 16 * 1024) {
    if (tls_context_) {
        tls_.emplace(ex, tls_context_->native());
    } else {
        plain_.emplace(ex);
    }
    // Room for a whole typical response: Beast reads at most the buffer's free capacity at a
    // time (512 bytes when empty), so a small buffer costs several reads per response.
    buffer_.reserve(16 * 1024);
    start_response();
}

IVSRT_DECL http_connection::~http_connection() {
    // OpenSSL marks the session of a connection freed without a shutdown as not resumable, so
    // declare the shutdown done: we close the TCP socket without a close_notify, which HTTP/1.1
    // over TLS tolerates since every response is delimited.
    if (tls_) SSL_set_shutdown(tls_->native_handle(), SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
}

IVSRT_DECL void http_connection::start_response() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(limits_.max_head, std::numeric_limits<std::uint32_t>::max())));
    parser_->body_limit(limits_.max_body);
}

IVSRT_DECL bool http_connection::interim(boost::system::error_code& ec) {
    const unsigned status = parser_->get().result_int();
    // No protocol switch was asked for; an endless run of interim responses is not HTTP either.
    if (status == 101 || (status < 200 && ++interim_ > 16)) {
        ec = boost::beast::http::error::bad_status;
        return false;
    }
    if (status >= 200) return false;
    // Interim responses carry no body; the final one follows on the same connection.
    start_response();
    return true;
}

IVSRT_DECL bool http_connection::idle_and_silent() noexcept {
    if (buffer_.size() != 0) return false;
    if (tls_ && SSL_pending(tls_->native_handle()) != 0) return false;
    auto& socket = tcp().socket();
    if (!socket.is_open()) return false;
    char byte;
    const auto n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

}  // namespace ivsrt::detail
