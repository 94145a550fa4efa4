// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <ivsrt/detail/handler_wrapper.hpp>
#include <ivsrt/diagnostics.hpp>

#include <boost/asio/async_result.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <memory>
#include <type_traits>
#include <utility>

namespace ivsrt {

/// A completion token adapter: turns an ivsrt operation's `void(error_code, T...)` completion into
/// `void(std::exception_ptr, T...)`, where the exception is an error_with_diagnostics carrying the
/// AWS error code, message, request id and HTTP status. It is what the default token uses, so a
/// bare `co_await client.async_x(request)` throws those details. Works only with ivsrt operations.
template <class CompletionToken>
struct with_diagnostics_t {
    CompletionToken token;
};

template <class CompletionToken>
constexpr with_diagnostics_t<std::decay_t<CompletionToken>> with_diagnostics(
    CompletionToken&& token) {
    return {std::forward<CompletionToken>(token)};
}

/// The default completion token of every ivsrt operation. It wraps use_awaitable rather than
/// deferred: Boost 1.81's co_await of a deferred operation does not compile for completion
/// signatures starting with std::exception_ptr (fixed in later Boost releases).
using default_token_t = with_diagnostics_t<boost::asio::use_awaitable_t<>>;

namespace detail {

/// Wraps the user's handler, converting the error_code into an exception_ptr. Associated
/// executor, allocator and cancellation slot are those of the wrapped handler.
template <class Handler>
struct with_diagnostics_handler {
    using inner_handler_type = Handler;
    Handler handler;
    const diagnostics* diag;             ///< where the operation wrote its diagnostics
    std::shared_ptr<diagnostics> owned;  ///< set when the caller passed no diagnostics

    template <class... Args>
    void operator()(boost::system::error_code ec, Args&&... args) && {
        std::exception_ptr exc;
        if (ec) exc = std::make_exception_ptr(error_with_diagnostics(ec, *diag));
        owned.reset();
        std::move(handler)(std::move(exc), std::forward<Args>(args)...);
    }
};

template <class Signature>
struct with_diagnostics_signature;

template <class R, class... Args>
struct with_diagnostics_signature<R(boost::system::error_code, Args...)> {
    using type = R(std::exception_ptr, Args...);
};

/// ivsrt initiations are invoked as init(handler, diagnostics* diag, args...). A null diag means
/// the caller passed none: this adapter then owns one for the duration of the operation.
template <class Initiation>
struct with_diagnostics_initiation {
    Initiation init;

    template <class Handler, class... Args>
    void operator()(Handler&& handler, diagnostics* diag, Args&&... args) && {
        std::shared_ptr<diagnostics> owned;
        if (diag == nullptr) {
            owned = std::make_shared<diagnostics>();
            diag = owned.get();
        }
        std::move(init)(
            with_diagnostics_handler<std::decay_t<Handler>>{std::forward<Handler>(handler), diag,
                                                            std::move(owned)},
            diag, std::forward<Args>(args)...);
    }
};

}  // namespace detail
}  // namespace ivsrt

// Asio customizations, left out of the reference.
/// @cond
template <class CompletionToken, class Signature>
struct boost::asio::async_result<ivsrt::with_diagnostics_t<CompletionToken>, Signature>
    : boost::asio::async_result<
          CompletionToken, typename ivsrt::detail::with_diagnostics_signature<Signature>::type> {
    using adapted_signature = typename ivsrt::detail::with_diagnostics_signature<Signature>::type;

    template <class Initiation, class RawToken, class... Args>
    static auto initiate(Initiation&& init, RawToken&& token, Args&&... args) {
        // async_initiate takes the token as an lvalue.
        CompletionToken inner = std::forward<RawToken>(token).token;
        return boost::asio::async_initiate<CompletionToken, adapted_signature>(
            ivsrt::detail::with_diagnostics_initiation<std::decay_t<Initiation>>{
                std::forward<Initiation>(init)},
            inner, std::forward<Args>(args)...);
    }
};
/// @endcond
