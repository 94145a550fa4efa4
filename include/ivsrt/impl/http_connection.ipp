// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <ivsrt/detail/http_connection.hpp>

#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/coroutine.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/status.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <limits>
#include <utility>

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

IVSRT_DECL void write_request_head(std::string& out, std::string_view method,
                                   std::string_view target, const proxy_route* proxy) {
    out.append(method);
    out += ' ';
    if (proxy) out.append(proxy->absolute_prefix);
    out.append(target);
    out.append(" HTTP/1.1\r\n");
    if (proxy && !proxy->authorization.empty()) {
        append_field(out, "Proxy-Authorization", proxy->authorization);
    }
}

IVSRT_DECL void serialize_request(const string_request& req, std::string& out,
                                  const proxy_route* proxy) {
    out.clear();
    out.reserve(256 + req.body().size());
    write_request_head(out, req.method_string(), req.target(), proxy);
    for (const auto& field : req) append_field(out, field.name_string(), field.value());
    out.append("\r\n");
    out.append(req.body());
}

template <class Self>
bool was_cancelled(Self& self) {
    return self.get_cancellation_state().cancelled() != boost::asio::cancellation_type::none;
}
// A cancellation emitted between two steps of an operation (the last one had completed, the next
// had not started) aborts no step: the operation sees it when it resumes, and stops there.
template <class Self>
void stop_if_cancelled(Self& self, boost::system::error_code& ec) {
    if (!ec && was_cancelled(self)) ec = boost::asio::error::operation_aborted;
}

#include <boost/asio/yield.hpp>

struct http_connection::connect_op : boost::asio::coroutine {
    http_connection& conn;
    endpoints to;
    std::string host;  // a copy: connecting is off the hot path
    clock::time_point deadline;
    // The proxy's answer to CONNECT: its status is all that is kept.
    struct tunnel_answer {
        string_response head;
        field_filter no_fields;  // empty: keeps none (its own, so no TU runs a static's set-up)
        response_reader reader{head, &no_fields};
    };
    std::unique_ptr<tunnel_answer> tunnel;
    std::size_t bytes_read = 0;
    std::size_t next = 0;  // the endpoint being tried

    template <class Self>
    void operator()(Self& self, boost::system::error_code ec, std::size_t bytes) {
        bytes_read = bytes;
        (*this)(self, ec);
    }

    template <class Self>
    void operator()(Self& self, boost::system::error_code ec = {}) {
        stop_if_cancelled(self, ec);
        reenter(*this) {
            conn.watch(deadline);
            // The endpoints in turn until one accepts; the deadline bounds them all.
            for (next = 0; next < to.size(); ++next) {
                conn.socket().close(ec);
                conn.socket().open(to[next].protocol(), ec);
                if (ec) continue;
                yield conn.socket().async_connect(to[next], std::move(self));
                if (!ec || conn.timed_out_ || was_cancelled(self)) break;
            }
            if (!ec && next == to.size()) ec = boost::asio::error::host_not_found;
            if (ec) return fail(self, ec, io_phase::connect);
            conn.socket().set_option(boost::asio::ip::tcp::no_delay(true), ec);
            if (conn.tls_ && conn.proxy_) {
                // A tunnel to the origin through the proxy; TLS with the origin runs inside.
                yield boost::asio::async_write(conn.socket(),
                                               boost::asio::buffer(conn.proxy_->connect_request),
                                               std::move(self));
                if (ec) return fail(self, ec, io_phase::connect);
                tunnel = std::make_unique<tunnel_answer>();
                tunnel->reader.skip(true);  // a 2xx answer to CONNECT has no body
                tunnel->reader.header_limit(8 * 1024);
                while (conn.parse_buffered(tunnel->reader, true, ec)) {
                    yield conn.socket().async_read_some(conn.read_space(), std::move(self));
                    conn.on_read(tunnel->reader, bytes_read, ec);
                    if (ec) return fail(self, ec, io_phase::connect);
                }
                if (ec) return fail(self, ec, io_phase::connect);
                if (const unsigned status = tunnel->head.result_int();
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
            conn.unwatch();
            self.complete({});
        }
    }

    template <class Self>
    void fail(Self& self, boost::system::error_code ec, io_phase phase) {
        conn.unwatch();
        ec = conn.step_error(ec);
        conn.cause_ = ec;
        if (phase == io_phase::handshake && conn.tls_) {
            // A refused certificate: keep the verification result, which says why.
            const long verify = SSL_get_verify_result(conn.tls_->native_handle());
            if (verify != X509_V_OK) conn.cause_ = {static_cast<int>(verify), x509_category()};
        }
        self.complete(classify_io_error(ec, phase, was_cancelled(self)));
    }
};

struct http_connection::exchange_op : boost::asio::coroutine {
    http_connection& conn;
    request_writer req;
    string_response& res;
    clock::time_point deadline;

    template <class Self>
    void operator()(Self& self, boost::system::error_code ec = {}, std::size_t bytes = 0) {
        stop_if_cancelled(self, ec);
        reenter(*this) {
            conn.reusable_ = false;
            conn.unusable_when_reused_ = false;
            conn.interim_ = 0;
            conn.start_response(res);
            conn.watch(deadline);
            // One contiguous buffer, one write: cheaper than Beast's serializer.
            req.write(req.request, conn.write_buffer_, conn.tls_ ? nullptr : conn.proxy_);
            if (conn.batch_writes_) {  // see batch_writes()
                yield boost::asio::post(std::move(self));
                if (ec) return fail(self, ec);
            }
            // An idle connection that received anything since its last response is not used:
            // checked just before the write, to leave such bytes the least time to arrive.
            if (std::exchange(conn.idle_, false) && !conn.idle_and_silent()) {
                conn.unusable_when_reused_ = true;
                return fail(self, boost::asio::error::connection_aborted);
            }
            if (conn.tls_) {
                yield boost::asio::async_write(*conn.tls_, boost::asio::buffer(conn.write_buffer_),
                                               std::move(self));
            } else {
                yield boost::asio::async_write(
                    *conn.plain_, boost::asio::buffer(conn.write_buffer_), std::move(self));
            }
            if (ec) return fail(self, ec);
            do {
                // Reads straight from the stream into the parser: Beast's read layers (two
                // composed operations over this one) would cost time per call and code per stream.
                while (conn.parse_buffered(*conn.parser_, false, ec)) {
                    if (conn.tls_) {
                        yield conn.tls_->async_read_some(conn.read_space(), std::move(self));
                    } else {
                        yield conn.plain_->async_read_some(conn.read_space(), std::move(self));
                    }
                    conn.on_read(*conn.parser_, bytes, ec);
                    if (ec) return fail(self, ec);
                }
                if (ec) return fail(self, ec);
            } while (conn.interim(ec));
            if (ec) return fail(self, ec);
            conn.unwatch();
            // Bytes after the response belong to no request: never read them as the next one's.
            // (Nor after a deadline that expired as the response completed: it closed the socket.)
            conn.reusable_ = !conn.timed_out_ && conn.parser_->keep_alive() &&
                             conn.buffer_.size() == 0 &&
                             (!conn.tls_ || SSL_pending(conn.tls_->native_handle()) == 0);
            conn.idle_ = conn.reusable_;
            conn.parser_.reset();
            self.complete({});
        }
    }

    template <class Self>
    void fail(Self& self, boost::system::error_code ec) {
        conn.unwatch();
        ec = conn.step_error(ec);
        conn.cause_ = ec;
        self.complete(classify_io_error(ec, io_phase::exchange, was_cancelled(self)));
    }
};

#include <boost/asio/unyield.hpp>

// Runs `op` with its intermediate steps and its completion on this connection's executor, and
// their memory taken from the connection's blocks.
template <class Op>
void http_connection::start(Op op, completion_handler handler) {
    auto bound = boost::asio::bind_allocator(
        allocator(), boost::asio::bind_executor(get_executor(), std::move(handler)));
    boost::asio::async_compose<decltype(bound), void(boost::system::error_code)>(std::move(op),
                                                                                 bound, socket());
}

IVSRT_DECL void http_connection::start_connect(const endpoints& to, const std::string& host,
                                               clock::time_point deadline,
                                               completion_handler handler) {
    start(connect_op{{}, *this, to, host, deadline, {}}, std::move(handler));
}

IVSRT_DECL void http_connection::start_exchange(request_writer req, string_response& res,
                                                clock::time_point deadline,
                                                completion_handler handler) {
    start(exchange_op{{}, *this, req, res, deadline}, std::move(handler));
}

IVSRT_DECL http_connection::http_connection(const boost::asio::any_io_executor& ex,
                                            tls_client_context* tls, http_limits limits,
                                            const proxy_route* proxy)
    : tls_context_(tls),
      proxy_(proxy),
      limits_(limits),
      timer_(ex),
      watch_(std::make_shared<deadline_watch>(deadline_watch{this})),
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
}

IVSRT_DECL http_connection::~http_connection() {
    // OpenSSL marks the session of a connection freed without a shutdown as not resumable, so
    // declare the shutdown done: we close the TCP socket without a close_notify, which HTTP/1.1
    // over TLS tolerates since every response is delimited.
    if (tls_) SSL_set_shutdown(tls_->native_handle(), SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
}

IVSRT_DECL void response_reader::on_response_impl(int code, string_view reason, int version,
                                                  error_code&) {
    res_.result(static_cast<unsigned>(code));
    res_.version(version);
    // The usual phrase for the status is what reason() returns when none is set: storing it
    // would only cost an allocation.
    if (reason != boost::beast::http::obsolete_reason(res_.result())) res_.reason(reason);
}

IVSRT_DECL void response_reader::on_field_impl(boost::beast::http::field name,
                                               string_view name_string, string_view value,
                                               error_code&) {
    if (keep_ && !keep_->keeps(res_.result_int(), name, name_string)) return;
    res_.insert(name, name_string, value);
}

IVSRT_DECL void http_connection::start_response(string_response& res) {
    res = {};
    parser_.emplace(res, limits_.keep_fields);
    parser_->eager(true);  // the body as it arrives, not only the head
    parser_->header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(limits_.max_head, std::numeric_limits<std::uint32_t>::max())));
    parser_->body_limit(limits_.max_body);
}

struct http_connection::deadline_handler {
    std::shared_ptr<deadline_watch> watch;
    std::uint64_t wait;

    void operator()(boost::system::error_code ec) const {
        if (ec || watch->wait != wait) return;  // cancelled, or replaced by a newer wait
        watch->pending = false;
        if (watch->deadline == clock::time_point::max()) return;  // between steps
        http_connection& conn = *watch->conn;                     // alive: a step is running
        if (clock::now() < watch->deadline) {
            conn.arm(watch->deadline);  // an earlier step's wait: the rest of this one's
            return;
        }
        conn.timed_out_ = true;
        conn.socket().close(ec);
    }
};

IVSRT_DECL void http_connection::arm(clock::time_point expiry) {
    timer_.expires_at(expiry);
    watch_->pending = true;
    timer_.async_wait(
        boost::asio::bind_allocator(allocator(), deadline_handler{watch_, ++watch_->wait}));
}

IVSRT_DECL void http_connection::watch(clock::time_point deadline) {
    timed_out_ = false;
    watch_->deadline = deadline;
    if (deadline == clock::time_point::max()) return;
    // A pending wait that expires first serves: it waits again for the rest when it does.
    if (watch_->pending && timer_.expiry() <= deadline) return;
    arm(deadline);
}

IVSRT_DECL void http_connection::unwatch() {
    watch_->deadline = clock::time_point::max();
    if (!keep_waits_) drop_deadline_wait();
}

IVSRT_DECL void http_connection::drop_deadline_wait() {
    if (!watch_->pending || watch_->deadline != clock::time_point::max()) return;
    watch_->pending = false;
    timer_.cancel();  // (Asio's timers report no error on cancel)
}

IVSRT_DECL bool http_connection::parse_buffered(boost::beast::http::basic_parser<false>& parser,
                                                bool head_only, boost::system::error_code& ec) {
    namespace http = boost::beast::http;
    while (!(head_only ? parser.is_header_done() : parser.is_done())) {
        if (buffer_.size() != 0) {
            const std::size_t used = parser.put(buffer_.data(), ec);
            buffer_.consume(used);
            if (ec == http::error::need_more) {
                ec = {};
            } else if (ec) {
                return false;
            } else if (used != 0) {
                continue;
            }
        }
        // A head or chunk line longer than the buffer holds: refused, not read without end.
        if (read_space_size() == 0) {
            ec = http::error::buffer_overflow;
            return false;
        }
        return true;
    }
    return false;
}

IVSRT_DECL void http_connection::on_read(boost::beast::http::basic_parser<false>& parser,
                                         std::size_t bytes, boost::system::error_code& ec) {
    buffer_.commit(bytes);
    if (ec != boost::asio::error::eof) return;
    if (parser.got_some()) {
        // The end of a response delimited by the close, or else a truncated one.
        ec = {};
        parser.put_eof(ec);
    } else {
        ec = boost::beast::http::error::end_of_stream;
    }
}

IVSRT_DECL bool http_connection::interim(boost::system::error_code& ec) {
    string_response& res = parser_->response();
    const unsigned status = res.result_int();
    // No protocol switch was asked for; an endless run of interim responses is not HTTP either.
    if (status == 101 || (status < 200 && ++interim_ > 16)) {
        ec = boost::beast::http::error::bad_status;
        return false;
    }
    if (status >= 200) return false;
    // Interim responses carry no body; the final one follows on the same connection.
    start_response(res);
    return true;
}

IVSRT_DECL bool http_connection::idle_and_silent() noexcept {
    if (buffer_.size() != 0) return false;
    if (tls_ && SSL_pending(tls_->native_handle()) != 0) return false;
    if (!socket().is_open()) return false;
    char byte;
    const auto n = ::recv(socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

}  // namespace ivsrt::detail
