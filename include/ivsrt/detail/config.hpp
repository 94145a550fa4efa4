// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// ivsrt is header-only by default. Define IVSRT_SEPARATE_COMPILATION in every translation unit
// and include <ivsrt/src.hpp> in exactly one of them to compile the out-of-line parts once.
#ifdef IVSRT_SEPARATE_COMPILATION
#define IVSRT_DECL
#else
#define IVSRT_DECL inline
#endif

#if __cplusplus < 202002L && !(defined(_MSVC_LANG) && _MSVC_LANG >= 202002L)
#error "ivsrt requires C++20"
#endif

// g++ before 13 destroys an aggregate temporary inside a co_await expression twice (seen with
// g++ 12.2: `co_await ivs.async_create_stage({.name = "x"})` frees the request's strings twice;
// clang is not affected). Where the defect exists, the client's operations do not accept a
// temporary request: the call fails to compile with a message to name the request first. Define
// IVSRT_REJECT_TEMPORARY_REQUESTS to 1 or 0 to decide for yourself.
#ifndef IVSRT_REJECT_TEMPORARY_REQUESTS
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#define IVSRT_REJECT_TEMPORARY_REQUESTS 1
#else
#define IVSRT_REJECT_TEMPORARY_REQUESTS 0
#endif
#endif

#if IVSRT_REJECT_TEMPORARY_REQUESTS
namespace ivsrt::detail {
template <class...>
inline constexpr bool dependent_false = false;

template <class Request, class... Args>
auto reject_temporary_request() {
    static_assert(dependent_false<Request, Args...>,
                  "ivsrt: name the request first (`auto request = ...; co_await "
                  "ivs.async_op(request)`): this compiler destroys a temporary request inside "
                  "co_await twice. See README.md, 'g++ 12'.");
}
}  // namespace ivsrt::detail

// An overload of `name` taking a temporary `request_type` that fails to compile when called.
#define IVSRT_REJECT_TEMPORARY_REQUEST(name, request_type)                  \
    template <class... Args>                                                \
    auto name(request_type&&, Args&&...) {                                  \
        ::ivsrt::detail::reject_temporary_request<request_type, Args...>(); \
    }
#else
#define IVSRT_REJECT_TEMPORARY_REQUEST(name, request_type)
#endif
