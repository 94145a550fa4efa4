// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

/// @file
/// ivsrt::client: every IVS Real-Time operation as an Asio asynchronous operation; what a TU
/// needs to make calls on a client. Constructing one needs <ivsrt/client.hpp> (or <ivsrt.hpp>):
/// header-only, that TU compiles the call path (pacing, retries, credentials, signing, the
/// connection pool), and a TU that includes only this header compiles the operations it calls.
///
///     ivsrt::client ivs(co_await asio::this_coro::executor, {.region = "us-east-1"});
///     model::create_stage_request create{.name = "show"};
///     auto stage = co_await ivs.async_create_stage(create);            // throws on error
///
///     ivsrt::diagnostics diag;                                          // or error codes
///     model::get_stage_request get{.arn = arn};
///     auto [ec, got] =
///         co_await ivs.async_get_stage(get, diag, asio::as_tuple(asio::use_awaitable));
///
/// Requests are named, never temporaries: g++ 12 destroys a temporary inside co_await twice, and
/// there a temporary request does not compile (detail/config.hpp).
///
/// Each operation validates the request (errc::invalid_request, nothing sent), serializes it,
/// waits for its turn under the operation's quota (pacing), then sends it with retries: credentials
/// from the provider, SigV4 signing, a keep-alive connection from the pool. It completes with
/// void(error_code, <operation>_result). The default completion token works with a bare co_await
/// inside asio::awaitable and throws error_with_diagnostics (AWS code, message, request id, HTTP
/// status); any other Asio token works too, and the overloads taking a diagnostics& fill it on
/// failure. Cancellation: terminal, through the token's cancellation slot (the connection in use
/// is closed, never reused).
///
/// Thread safety: every member may be called concurrently from any thread, including from an
/// io_context run by several threads; calls share the pool, the pacing buckets, the retry quota
/// and the credentials cache.
///
/// Lifetime: destroying the client while calls are in flight is safe: they complete normally
/// (the shared state lives until the last one ends). To end them instead, call shutdown() first.

#include <ivsrt/detail/call.hpp>
#include <ivsrt/detail/config.hpp>
#include <ivsrt/detail/generated/operation_methods.hpp>
#include <ivsrt/diagnostics.hpp>
#include <ivsrt/model/all.hpp>
#include <ivsrt/paginator.hpp>
#include <ivsrt/pool_stats.hpp>
#include <ivsrt/with_diagnostics.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <type_traits>
#include <utility>

namespace ivsrt {

struct client_config;
struct endpoint;

class client : public detail::operation_methods<client> {
  public:
    using executor_type = boost::asio::any_io_executor;

    /// Resolves the settings, the endpoint and the credentials provider. Throws
    /// boost::system::system_error with errc::endpoint when no endpoint can be determined (no
    /// region, an invalid endpoint_url), std::invalid_argument naming the setting when one is
    /// malformed. Needs <ivsrt/client.hpp>, where client_config is defined. (A template only so
    /// that this header can declare it without that definition; Config is client_config.)
    template <class Config = client_config>
    requires std::is_same_v<Config, client_config> client(executor_type ex, Config config = {})
        : client(std::move(ex), std::move(config), 0) {}

    client(client&&) noexcept = default;
    client& operator=(client&&) noexcept = default;

    executor_type get_executor() const { return impl_->executor; }

    /// The endpoint requests go to (see <ivsrt/endpoint.hpp>).
    const ivsrt::endpoint& endpoint() const noexcept { return impl_->endpoint_in_use(); }

    /// The connection pool's counters.
    pool_stats connection_stats() const { return impl_->connection_stats(); }

    /// Ends the client's work, from any thread: every call in flight completes promptly with
    /// errc::cancelled (its diagnostics say the client was shut down; its connection is closed,
    /// and a request already sent may still take effect at the service), every later call
    /// completes with errc::cancelled without sending anything, the idle connections close at
    /// once, and the credentials provider the client made itself (not one passed in
    /// client_config::credentials) stops refreshing: see credentials_provider::shutdown.
    /// Final; calling it again does nothing. Streams of this client end the same way.
    void shutdown() { impl_->shutdown(); }

    /// Any operation by its request type; the named async_<operation> members forward here.
    template <model::operation_request Request, class CompletionToken = default_token_t>
    auto async_call(const Request& request, CompletionToken&& token = {}) {
        return detail::async_call(impl_, request, nullptr, std::forward<CompletionToken>(token));
    }
    template <model::operation_request Request, class CompletionToken = default_token_t>
    auto async_call(const Request& request, diagnostics& diag, CompletionToken&& token = {}) {
        return detail::async_call(impl_, request, &diag, std::forward<CompletionToken>(token));
    }
#if IVSRT_REJECT_TEMPORARY_REQUESTS
    /// A temporary request (see detail/config.hpp).
    template <class Request, class... Args>
    auto async_call(Request&&, Args&&...) requires(model::operation_request<Request> &&
                                                   !std::is_reference_v<Request>) {
        detail::reject_temporary_request<Request, Args...>();
    }
#endif

    /// Lazy streams over a list operation's pages or items (see paginator.hpp); nothing is sent
    /// before the first async_next. Streams keep the client's shared state alive.
    template <model::paginated_request Request>
    page_stream<Request> pages(Request first) {
        return {impl_, std::move(first)};
    }
    template <model::paginated_request Request>
    item_stream<Request> items(Request first) {
        return {impl_, std::move(first)};
    }

  private:
    IVSRT_DECL client(executor_type ex, client_config&& config, int);

    std::shared_ptr<detail::client_core> impl_;
};

}  // namespace ivsrt
