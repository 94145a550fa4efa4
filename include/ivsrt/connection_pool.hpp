// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <ivsrt/detail/config.hpp>
#include <ivsrt/detail/request_writer.hpp>
#include <ivsrt/pool_config.hpp>
#include <ivsrt/pool_stats.hpp>
#include <ivsrt/error.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace ivsrt {

/// What happened during one async_request, beyond its error code.
struct exchange_info {
    /// At least one response byte arrived: the server may have acted on the request, so resending
    /// it is only safe when the operation is idempotent.
    bool response_started = false;
    /// The request was resent once on a fresh connection because a reused one was found closed
    /// before any response byte. Not a retry attempt in the retry policy's sense.
    bool stale_retry = false;
    /// Every connection was busy: the request waited in the pool's queue for this long.
    std::chrono::steady_clock::duration queue_wait{};
    /// The transport error behind a failure (an OpenSSL verification error, ECONNRESET, ...).
    boost::system::error_code cause;
};

namespace detail {
class pool_impl;
}

/// Keep-alive HTTP/1.1 connections to one endpoint (scheme, host, port), over TCP or TLS.
///
/// async_request leases a connection (reusing an idle one, opening a new one, or queueing FIFO
/// when max_connections are busy), writes the request, reads the response and returns the
/// connection for reuse. It completes with void(error_code, exchange_info); the error is one of
/// errc::connection, tls, timeout, cancelled, invalid_response. A connection that failed, was
/// cancelled or abandoned mid-exchange, or got "Connection: close" is closed, never reused.
///
/// Thread safety: the pool may be used from any thread, also when its io_context runs on several
/// threads. A mutex guards the pool state (held for a few pointer moves, never across I/O); each
/// connection runs on its own strand; completions run on the caller's associated executor.
/// Idle connections past max_idle_time or max_lifetime are closed when the pool is next used.
/// Requests in flight keep the pool's state alive: destroying the pool is safe at any time, and its
/// connections close once the last request has completed.
class connection_pool {
  public:
    using clock = std::chrono::steady_clock;
    using request_type = boost::beast::http::request<boost::beast::http::string_body>;
    using response_type = boost::beast::http::response<boost::beast::http::string_body>;

    /// `scheme` is "https" (TLS) or "http"; anything else throws std::invalid_argument. Throws
    /// boost::system::system_error when config.ca_bundle cannot be loaded.
    IVSRT_DECL connection_pool(boost::asio::any_io_executor ex, std::string_view scheme,
                               std::string host, std::uint16_t port, pool_config config = {});

    /// Sends `req` and reads the response into `res`. `deadline` bounds the whole attempt:
    /// queueing for a connection, connecting (also bounded by connect_timeout) and the exchange.
    /// Supports terminal cancellation through the token's cancellation slot. `req` and `res` must
    /// stay valid until completion. Signature: void(error_code, exchange_info).
    template <class Token = boost::asio::deferred_t>
    auto async_request(const request_type& req, response_type& res, clock::time_point deadline,
                       Token&& token = {}) {
        return async_request(detail::writer_of(req), res, deadline, std::forward<Token>(token));
    }
    /// (Internal) The same for a request that writes itself (the client's, kept as text).
    template <class Token = boost::asio::deferred_t>
    auto async_request(detail::request_writer req, response_type& res, clock::time_point deadline,
                       Token&& token = {}) {
        return boost::asio::async_initiate<Token, request_signature>(initiate_request{impl_}, token,
                                                                     req, &res, deadline);
    }

    /// Counters of the pool and its TLS handshakes.
    IVSRT_DECL pool_stats stats() const;

    /// Closes the idle connections at once, and each connection in use when its request
    /// completes (requests in flight go on: cancel them through their slots). Queued requests,
    /// and any made afterwards, complete with errc::cancelled. Final; callable from any thread.
    IVSRT_DECL void close();

    IVSRT_DECL const pool_config& config() const noexcept;

  private:
    using request_signature = void(boost::system::error_code, exchange_info);
    using request_handler = boost::asio::any_completion_handler<request_signature>;

    // `handler_ex`: the handler's executor, when known without type erasure (else null).
    IVSRT_DECL static void start_request(const std::shared_ptr<detail::pool_impl>& impl,
                                         detail::request_writer req, response_type* res,
                                         clock::time_point deadline, request_handler handler,
                                         const boost::asio::any_io_executor* handler_ex);

    struct initiate_request {
        std::shared_ptr<detail::pool_impl> impl;
        template <class Handler>
        void operator()(Handler&& handler, detail::request_writer req, response_type* res,
                        clock::time_point deadline) const {
            using handler_executor = boost::asio::associated_executor_t<std::decay_t<Handler>>;
            if constexpr (std::is_same_v<handler_executor, boost::asio::any_io_executor>) {
                const boost::asio::any_io_executor ex =
                    boost::asio::get_associated_executor(handler);
                start_request(impl, req, res, deadline,
                              request_handler(std::forward<Handler>(handler)), &ex);
            } else {
                start_request(impl, req, res, deadline,
                              request_handler(std::forward<Handler>(handler)), nullptr);
            }
        }
    };

    std::shared_ptr<detail::pool_impl> impl_;
};

}  // namespace ivsrt

#ifndef IVSRT_SEPARATE_COMPILATION
#include <ivsrt/impl/connection_pool.ipp>
#endif
