// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// One way for ivsrt's completion handlers that wrap the caller's handler (to parse a result, to
// turn an error into an exception, to check a page) to keep what Asio associates with the
// caller's handler: its executor, cancellation slot, allocator and immediate executor. A wrapper
// holds the caller's handler as `handler` and names its type `inner_handler_type`.

#include <boost/asio/associator.hpp>

#include <concepts>

namespace ivsrt::detail {

template <class T>
concept handler_wrapper = requires(const T& t) {
    typename T::inner_handler_type;
    { t.handler } -> std::convertible_to<const typename T::inner_handler_type&>;
};

}  // namespace ivsrt::detail

/// @cond
template <template <class, class> class Associator, ivsrt::detail::handler_wrapper T,
          class DefaultCandidate>
struct boost::asio::associator<Associator, T, DefaultCandidate>
    : Associator<typename T::inner_handler_type, DefaultCandidate> {
    static typename Associator<typename T::inner_handler_type, DefaultCandidate>::type get(
        const T& h, const DefaultCandidate& c = DefaultCandidate()) noexcept {
        return Associator<typename T::inner_handler_type, DefaultCandidate>::get(h.handler, c);
    }
};
/// @endcond
