// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <ivsrt/detail/config.hpp>
#include <ivsrt/detail/handler_memory.hpp>
#include <ivsrt/detail/proxy.hpp>
#include <ivsrt/detail/request_writer.hpp>
#include <ivsrt/detail/tls.hpp>
#include <ivsrt/error.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace ivsrt::detail {

using string_response = boost::beast::http::response<boost::beast::http::string_body>;

// Where an I/O failure happened, which decides how it is classified.
enum class io_phase { connect, handshake, exchange };

// Which header fields a response keeps. Default-constructed, none.
struct field_filter {
    field_filter() = default;
    // The fields `names` lists (any case), or every field when it is empty; with
    // `success_keeps_none`, a 2xx response keeps no field at all.
    field_filter(std::span<const std::string> names, bool success_keeps_none)
        : all(names.empty()), success_keeps_none(success_keeps_none) {
        for (const std::string& n : names) {
            const auto f = boost::beast::http::string_to_field(n);
            if (f == boost::beast::http::field::unknown) {
                others.push_back(n);
            } else {
                known.push_back(f);
            }
        }
    }
    bool keeps(unsigned status, boost::beast::http::field f, std::string_view name) const noexcept {
        if (success_keeps_none && status >= 200 && status < 300) return false;
        if (all) return true;
        if (f != boost::beast::http::field::unknown) {
            return std::find(known.begin(), known.end(), f) != known.end();
        }
        return std::any_of(others.begin(), others.end(),
                           [&](const std::string& o) { return boost::beast::iequals(o, name); });
    }

    bool all = false;
    bool success_keeps_none = false;
    std::vector<boost::beast::http::field> known;  // fields Beast knows, compared as enums
    std::vector<std::string> others;
};

// Bounds on what one response may make the connection hold in memory.
struct http_limits {
    std::size_t max_body = 8 * 1024 * 1024;
    std::size_t max_head = 16 * 1024;  // also bounds a chunk-size line and the trailers
    // When set, the header fields a response keeps; the others are parsed and checked, not
    // stored. Must outlive the connection.
    const field_filter* keep_fields = nullptr;
};

// Parses one response into a caller's message, as Beast's response_parser<string_body> does,
// without a message of its own to move out at the end, and keeping only the fields asked for.
class response_reader final : public boost::beast::http::basic_parser<false> {
  public:
    // `keep_fields` null: every field is kept.
    response_reader(string_response& res, const field_filter* keep_fields) noexcept
        : res_(res), keep_(keep_fields) {}

    string_response& response() const noexcept { return res_; }

  private:
    using error_code = boost::system::error_code;
    using string_view = boost::beast::string_view;

    void on_request_impl(boost::beast::http::verb, string_view, string_view, int,
                         error_code&) override {}  // a response parser: never called
    IVSRT_DECL void on_response_impl(int code, string_view reason, int version,
                                     error_code&) override;
    IVSRT_DECL void on_field_impl(boost::beast::http::field name, string_view name_string,
                                  string_view value, error_code&) override;
    void on_header_impl(error_code&) override {}
    // basic_parser has checked Content-Length and each chunk against the body limit.
    void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) override {
        if (length) res_.body().reserve(static_cast<std::size_t>(*length));
    }
    std::size_t on_body_impl(string_view body, error_code&) override {
        res_.body().append(body.data(), body.size());
        return body.size();
    }
    void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
    std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code& ec) override {
        return on_body_impl(body, ec);
    }
    void on_finish_impl(error_code&) override {}

    string_response& res_;
    const field_filter* keep_;
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

    boost::asio::any_io_executor get_executor() noexcept { return socket().get_executor(); }

    // Connects to the first reachable endpoint and, for TLS, handshakes with SNI and
    // verification for `host`. Completes with void(error_code) by `deadline` at the latest.
    template <class Token>
    auto async_connect(const endpoints& to, const std::string& host, clock::time_point deadline,
                       Token&& token) {
        return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
            [this](completion_handler handler, const endpoints* to, const std::string* host,
                   clock::time_point deadline) {
                start_connect(*to, *host, deadline, std::move(handler));
            },
            token, &to, &host, deadline);
    }

    // Writes the request and reads the response into `res`, by `deadline` at the latest: interim
    // 1xx responses are skipped, 101 is invalid_response. Completes with void(error_code). The
    // request is written when the exchange starts; `res` must outlive it.
    template <class Token>
    auto async_exchange(request_writer req, string_response& res, clock::time_point deadline,
                        Token&& token) {
        return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
            [this](completion_handler handler, request_writer req, string_response* res,
                   clock::time_point deadline) {
                start_exchange(req, *res, deadline, std::move(handler));
            },
            token, req, &res, deadline);
    }
    template <class Token>
    auto async_exchange(const string_request& req, string_response& res, clock::time_point deadline,
                        Token&& token) {
        return async_exchange(writer_of(req), res, deadline, std::forward<Token>(token));
    }

    // After a failed exchange: whether any byte of the response had arrived.
    bool response_started() const noexcept {
        return buffer_.size() > 0 || (parser_ && parser_->got_some());
    }
    // After a successful exchange: whether the connection may serve another request (keep-alive,
    // and nothing left unread after the response).
    bool reusable() const noexcept { return reusable_; }
    // Whether the next exchanges write their request after the handlers that are ready to run
    // have run, rather than at once: when other requests are in flight, theirs then go out
    // together, and the server handles a batch per wakeup instead of being woken for each
    // (which costs both sides more CPU than the write itself). Alone, it would only add a turn.
    void batch_writes(bool on) noexcept { batch_writes_ = on; }
    // After a failed exchange: whether it failed before writing anything because the connection,
    // idle since its last response, had received something meanwhile (an unsolicited response,
    // a 408, a close). Those bytes belong to no request: the connection must be retired unread.
    bool unusable_when_reused() const noexcept { return unusable_when_reused_; }
    // Whether the TLS handshake resumed an earlier session (false for plain TCP).
    bool resumed_session() const noexcept { return resumed_; }
    // The transport error behind the last failure.
    const boost::system::error_code& cause() const noexcept { return cause_; }
    // Whether a step's end leaves the deadline timer's wait pending, for the next step to reuse
    // when it expires no later than that step's deadline (then it waits again for the rest).
    // This saves arming and cancelling the timer for every exchange, but the pending wait keeps
    // the io_context's run() from returning: the owner must call drop_deadline_wait() when the
    // connection is left idle. Only for a connection whose owner runs on the connection's
    // executor, one thread's (drop_deadline_wait() touches the timer).
    void keep_deadline_waits(bool on) noexcept { keep_waits_ = on; }
    // Between steps: cancels a wait that the last step left pending.
    IVSRT_DECL void drop_deadline_wait();
    // Memory for the handlers of this connection's operations (see handler_memory.hpp): a caller
    // binds it to its handler, so that the type-erased handler is not allocated either.
    handler_allocator<void> allocator() const noexcept {
        return handler_allocator<void>(memory_.get());
    }

  private:
    // Both operations are compiled once, whatever the caller's completion token: behind the
    // token-generic front ends above, the handler is type-erased. Their steps, and the handler,
    // run on the connection's executor.
    using completion_handler = boost::asio::any_completion_handler<void(boost::system::error_code)>;
    struct connect_op;
    struct exchange_op;
    template <class Op>
    void start(Op op, completion_handler handler);
    IVSRT_DECL void start_connect(const endpoints& to, const std::string& host,
                                  clock::time_point deadline, completion_handler handler);
    IVSRT_DECL void start_exchange(request_writer req, string_response& res,
                                   clock::time_point deadline, completion_handler handler);

    using socket_type = boost::asio::ip::tcp::socket;
    socket_type& socket() noexcept { return tls_ ? tls_->next_layer() : *plain_; }

    // One timer per connection bounds each step (a connect or an exchange) by its deadline: when
    // it expires first, the socket is closed, which ends whatever operation is pending, and the
    // step fails with a timeout. A wait that expires before the running step's deadline (left
    // pending by an earlier step, see keep_deadline_waits) waits again for the rest; one that
    // expires between steps, or that a newer wait replaced, does nothing.
    struct deadline_watch {
        http_connection* conn;
        clock::time_point deadline = clock::time_point::max();  // the running step's; max between
        std::uint64_t wait = 0;  // numbers the timer's waits: only the newest acts
        bool pending = false;    // the newest wait has not completed (it expires at the expiry)
    };
    struct deadline_handler;
    IVSRT_DECL void watch(clock::time_point deadline);  // at the start of a step
    IVSRT_DECL void unwatch();                          // at its end
    IVSRT_DECL void arm(clock::time_point expiry);      // a new wait, replacing any pending
    // The step's error: a timeout when the deadline closed the socket under it.
    boost::system::error_code step_error(boost::system::error_code ec) const noexcept {
        return timed_out_ ? boost::system::error_code(boost::beast::error::timeout) : ec;
    }
    IVSRT_DECL void start_response(string_response& res);  // emptied, and a fresh parser for it
    // True when the peer sent nothing, not even EOF, since the last response.
    IVSRT_DECL bool idle_and_silent() noexcept;
    // After a complete response: true for an interim 1xx to skip; sets `ec` for a 101.
    IVSRT_DECL bool interim(boost::system::error_code& ec);
    // Feeds the buffered bytes to `parser`. True when the response (or its head) needs more
    // bytes than are buffered; false when it is complete or `ec` is set (bad bytes, full buffer).
    IVSRT_DECL bool parse_buffered(boost::beast::http::basic_parser<false>& parser, bool head_only,
                                   boost::system::error_code& ec);
    // Where the next read goes: what the buffer has free, within its bound, up to 64 KiB.
    std::size_t read_space_size() const noexcept {
        return std::min<std::size_t>(
            std::max<std::size_t>(512, buffer_.capacity() - buffer_.size()),
            std::min<std::size_t>(64 * 1024, buffer_.max_size() - buffer_.size()));
    }
    boost::asio::mutable_buffer read_space() { return buffer_.prepare(read_space_size()); }
    // After a read of `bytes`: keeps them; an end of stream completes a response delimited by
    // the close, or is an error.
    IVSRT_DECL void on_read(boost::beast::http::basic_parser<false>& parser, std::size_t bytes,
                            boost::system::error_code& ec);

    tls_client_context* tls_context_;
    const proxy_route* proxy_;
    http_limits limits_;
    std::optional<socket_type> plain_;
    std::optional<boost::asio::ssl::stream<socket_type>> tls_;
    boost::asio::steady_timer timer_;
    std::shared_ptr<deadline_watch> watch_;  // shared with the timer's pending wait
    bool timed_out_ = false;                 // the running step's deadline closed the socket
    boost::beast::flat_buffer buffer_;       // reused by every exchange; its size is bounded
    std::string write_buffer_;               // the serialized request, reused by every exchange
    std::optional<response_reader> parser_;
    boost::system::error_code cause_;
    handler_memory_ptr memory_{new handler_memory};
    bool reusable_ = false;
    bool idle_ = false;  // a response completed, and no exchange has started since
    bool batch_writes_ = false;
    bool keep_waits_ = false;
    bool unusable_when_reused_ = false;
    bool resumed_ = false;
    unsigned interim_ = 0;  // 1xx responses skipped in this exchange
};

}  // namespace ivsrt::detail

#ifndef IVSRT_SEPARATE_COMPILATION
#include <ivsrt/impl/http_connection.ipp>
#endif
