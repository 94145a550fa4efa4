// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <ivsrt/detail/config.hpp>
#include <ivsrt/detail/proxy.hpp>
#include <ivsrt/detail/tls.hpp>
#include <ivsrt/error.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/coroutine.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ivsrt::detail {

using string_request = boost::beast::http::request<boost::beast::http::string_body>;
using string_response = boost::beast::http::response<boost::beast::http::string_body>;

// Where an I/O failure happened, which decides how it is classified.
enum class io_phase { connect, handshake, exchange };

// Bounds on what one response may make the connection hold in memory.
struct http_limits {
    std::size_t max_body = 8 * 1024 * 1024;
    std::size_t max_head = 16 * 1024;  // also bounds a chunk-size line and the trailers
};

// Maps a transport error to errc::{cancelled, timeout, tls, connection, invalid_response}.
IVSRT_DECL boost::system::error_code classify_io_error(boost::system::error_code cause,
                                                       io_phase phase, bool cancelled) noexcept;

// A proxy's refusal of a CONNECT tunnel: the value is the HTTP status of its answer, or 1 when
// it sent bytes after a 2xx answer (before the TLS handshake, nothing may come).
IVSRT_DECL const boost::system::error_category& proxy_category() noexcept;

// One HTTP/1.1 connection, plain TCP or TLS, for its whole life: connect once, then any number of
// request/response exchanges, one at a time. Never reconnects: a broken one is destroyed.
// Operations complete with an ivsrt error code; cause() keeps the transport error behind it.
// The stream's executor is what the constructor receives (the pool passes a strand).
class http_connection {
  public:
    using clock = std::chrono::steady_clock;

    using endpoints = std::vector<boost::asio::ip::tcp::endpoint>;

    // `tls` null means plain TCP; otherwise it must outlive the connection. So must `proxy`,
    // when the connection goes through one (then connecting means connecting to the proxy).
    IVSRT_DECL http_connection(const boost::asio::any_io_executor& ex, tls_client_context* tls,
                               http_limits limits = {}, const proxy_route* proxy = nullptr);
    // Closes the socket without a TLS close_notify, keeping the session resumable.
    IVSRT_DECL ~http_connection();
    http_connection(const http_connection&) = delete;
    http_connection& operator=(const http_connection&) = delete;

    boost::asio::any_io_executor get_executor() noexcept { return tcp().get_executor(); }

    // Connects to the first reachable endpoint and, for TLS, handshakes with SNI and
    // verification for `host`. Completes with void(error_code) by `deadline` at the latest.
    template <class Token>
    auto async_connect(const endpoints& to, const std::string& host, clock::time_point deadline,
                       Token&& token);

    // Writes `req` and reads the response into `res`, by `deadline` at the latest: interim 1xx
    // responses are skipped, 101 is invalid_response. Completes with void(error_code).
    template <class Token>
    auto async_exchange(const string_request& req, string_response& res, clock::time_point deadline,
                        Token&& token);

    // After a failed exchange: whether any byte of the response had arrived.
    bool response_started() const noexcept {
        return buffer_.size() > 0 || (parser_ && parser_->got_some());
    }
    // After a successful exchange: whether the connection may serve another request (keep-alive,
    // and nothing left unread after the response).
    bool reusable() const noexcept { return reusable_; }
    // Before reusing an idle connection: true when the peer sent nothing, not even EOF, since the
    // last response. Anything else (an unsolicited response, a 408, a close) retires it.
    IVSRT_DECL bool idle_and_silent() noexcept;
    // Whether the TLS handshake resumed an earlier session (false for plain TCP).
    bool resumed_session() const noexcept { return resumed_; }
    // The transport error behind the last failure.
    const boost::system::error_code& cause() const noexcept { return cause_; }

  private:
    struct connect_op;
    struct exchange_op;

    boost::beast::tcp_stream& tcp() noexcept { return tls_ ? tls_->next_layer() : *plain_; }
    IVSRT_DECL void start_response();  // a fresh parser with the limits
    // After a complete response: true for an interim 1xx to skip; sets `ec` for a 101.
    IVSRT_DECL bool interim(boost::system::error_code& ec);

    tls_client_context* tls_context_;
    const proxy_route* proxy_;
    http_limits limits_;
    std::optional<boost::beast::tcp_stream> plain_;
    std::optional<boost::asio::ssl::stream<boost::beast::tcp_stream>> tls_;
    boost::beast::flat_buffer buffer_;  // reused by every exchange; its size is bounded
    std::string write_buffer_;          // the serialized request, reused by every exchange
    std::optional<boost::beast::http::response_parser<boost::beast::http::string_body>> parser_;
    boost::system::error_code cause_;
    bool reusable_ = false;
    bool resumed_ = false;
    unsigned interim_ = 0;  // 1xx responses skipped in this exchange
};

#include <boost/asio/yield.hpp>

struct http_connection::connect_op : boost::asio::coroutine {
    http_connection& conn;
    endpoints to;
    std::string host;  // a copy: connecting is off the hot path
    clock::time_point deadline;
    using tunnel_answer = boost::beast::http::response_parser<boost::beast::http::empty_body>;
    std::unique_ptr<tunnel_answer> tunnel;  // the proxy's answer to CONNECT

    template <class Self>
    void operator()(Self& self, boost::system::error_code ec,
                    const boost::asio::ip::tcp::endpoint&) {
        (*this)(self, ec);
    }
    template <class Self>
    void operator()(Self& self, boost::system::error_code ec, std::size_t) {
        (*this)(self, ec);
    }

    template <class Self>
    void operator()(Self& self, boost::system::error_code ec = {}) {
        reenter(*this) {
            conn.tcp().expires_at(deadline);
            yield start_connect(self);
            if (ec) return fail(self, ec, io_phase::connect);
            conn.tcp().socket().set_option(boost::asio::ip::tcp::no_delay(true), ec);
            if (conn.tls_ && conn.proxy_) {
                // A tunnel to the origin through the proxy; TLS with the origin runs inside.
                yield boost::asio::async_write(
                    conn.tcp(), boost::asio::buffer(conn.proxy_->connect_request), std::move(self));
                if (ec) return fail(self, ec, io_phase::connect);
                tunnel = std::make_unique<tunnel_answer>();
                tunnel->skip(true);  // a 2xx answer to CONNECT has no body
                tunnel->header_limit(8 * 1024);
                yield boost::beast::http::async_read_header(conn.tcp(), conn.buffer_, *tunnel,
                                                            std::move(self));
                if (ec) return fail(self, ec, io_phase::connect);
                if (const unsigned status = tunnel->get().result_int();
                    status < 200 || status > 299) {
                    return fail(self, {static_cast<int>(status), proxy_category()},
                                io_phase::connect);
                }
                if (conn.buffer_.size() != 0) {
                    return fail(self, {1, proxy_category()}, io_phase::connect);
                }
            }
            if (conn.tls_) {
                conn.tls_context_->prepare(conn.tls_->native_handle(), host, ec);
                if (ec) return fail(self, ec, io_phase::handshake);
                yield conn.tls_->async_handshake(boost::asio::ssl::stream_base::client,
                                                 std::move(self));
                if (ec) return fail(self, ec, io_phase::handshake);
                conn.resumed_ = conn.tls_context_->on_handshake(conn.tls_->native_handle());
            }
            conn.tcp().expires_never();
            self.complete({});
        }
    }

    template <class Self>
    void start_connect(Self& self) {
        const auto eps = std::move(to);  // read before `self` moves this object
        conn.tcp().async_connect(eps, std::move(self));
    }

    template <class Self>
    void fail(Self& self, boost::system::error_code ec, io_phase phase) {
        conn.cause_ = ec;
        if (phase == io_phase::handshake && conn.tls_) {
            // A refused certificate: keep the verification result, which says why.
            const long verify = SSL_get_verify_result(conn.tls_->native_handle());
            if (verify != X509_V_OK) conn.cause_ = {static_cast<int>(verify), x509_category()};
        }
        const bool cancelled =
            self.get_cancellation_state().cancelled() != boost::asio::cancellation_type::none;
        self.complete(classify_io_error(ec, phase, cancelled));
    }
};

// Writes `req` as HTTP/1.1 wire bytes into `out`: request line, fields as set, blank line, body.
// The caller has set Content-Length (prepare_payload). Through a proxy to an http origin, the
// target is in absolute form and Proxy-Authorization is added.
IVSRT_DECL void serialize_request(const string_request& req, std::string& out,
                                  const proxy_route* proxy = nullptr);

struct http_connection::exchange_op : boost::asio::coroutine {
    http_connection& conn;
    const string_request& req;
    string_response& res;
    clock::time_point deadline;

    template <class Self>
    void operator()(Self& self, boost::system::error_code ec = {}, std::size_t = 0) {
        namespace http = boost::beast::http;
        reenter(*this) {
            conn.reusable_ = false;
            conn.interim_ = 0;
            conn.start_response();
            conn.tcp().expires_at(deadline);
            // One contiguous buffer, one write: cheaper than Beast's serializer.
            serialize_request(req, conn.write_buffer_, conn.tls_ ? nullptr : conn.proxy_);
            if (conn.tls_) {
                yield boost::asio::async_write(*conn.tls_, boost::asio::buffer(conn.write_buffer_),
                                               std::move(self));
            } else {
                yield boost::asio::async_write(
                    *conn.plain_, boost::asio::buffer(conn.write_buffer_), std::move(self));
            }
            if (ec) return fail(self, ec);
            do {
                if (conn.tls_) {
                    yield http::async_read(*conn.tls_, conn.buffer_, *conn.parser_,
                                           std::move(self));
                } else {
                    yield http::async_read(*conn.plain_, conn.buffer_, *conn.parser_,
                                           std::move(self));
                }
                if (ec) return fail(self, ec);
            } while (conn.interim(ec));
            if (ec) return fail(self, ec);
            conn.tcp().expires_never();
            // Bytes after the response belong to no request: never read them as the next one's.
            conn.reusable_ = conn.parser_->keep_alive() && conn.buffer_.size() == 0 &&
                             (!conn.tls_ || SSL_pending(conn.tls_->native_handle()) == 0);
            res = conn.parser_->release();
            conn.parser_.reset();
            self.complete({});
        }
    }

    template <class Self>
    void fail(Self& self, boost::system::error_code ec) {
        conn.cause_ = ec;
        const bool cancelled =
            self.get_cancellation_state().cancelled() != boost::asio::cancellation_type::none;
        self.complete(classify_io_error(ec, io_phase::exchange, cancelled));
    }
};

#include <boost/asio/unyield.hpp>

template <class Token>
auto http_connection::async_connect(const endpoints& to, const std::string& host,
                                    clock::time_point deadline, Token&& token) {
    return boost::asio::async_compose<Token, void(boost::system::error_code)>(
        connect_op{{}, *this, to, host, deadline, {}}, token, tcp());
}

template <class Token>
auto http_connection::async_exchange(const string_request& req, string_response& res,
                                     clock::time_point deadline, Token&& token) {
    return boost::asio::async_compose<Token, void(boost::system::error_code)>(
        exchange_op{{}, *this, req, res, deadline}, token, tcp());
}

}  // namespace ivsrt::detail

#ifndef IVSRT_SEPARATE_COMPILATION
#include <ivsrt/impl/http_connection.ipp>
#endif
