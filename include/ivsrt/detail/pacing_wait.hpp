// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// The client's asynchronous wait for its turn in a pacing bucket.

#include <ivsrt/error.hpp>
#include <ivsrt/pacing.hpp>
#include <ivsrt/pacing_backend.hpp>

#include <boost/asio/append.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace ivsrt::detail {

struct wait_turn_op {
    pacing_bucket& bucket;
    pacing_bucket::reservation slot;
    boost::asio::steady_timer& timer;
    pacing_bucket::time_point deadline;

    template <class Self>
    void operator()(Self& self) {
        // Abandoning the wait has no side effect once the slot is given back, so any kind of
        // cancellation is honoured.
        self.reset_cancellation_state(boost::asio::enable_total_cancellation());
        if (slot.start > deadline) {
            bucket.cancel(slot);
            // Completes through the executor: never inside the initiating call.
            auto ex = timer.get_executor();
            return boost::asio::post(ex, boost::asio::append(std::move(self), errc::timeout));
        }
        timer.expires_at(slot.start);
        timer.async_wait(std::move(self));
    }

    template <class Self>
    void operator()(Self& self, boost::system::error_code ec) {
        if (ec && ec != errc::timeout) {  // (a timeout gave its slot back already)
            bucket.cancel(slot);
            if (ec == boost::asio::error::operation_aborted) ec = errc::cancelled;
        }
        self.complete(ec);
    }
};

// Waits, on `timer` (used by nothing else meanwhile), until `slot` starts: a turn the caller
// reserved in `bucket` (a caller whose turn has come proceeds without waiting). Completes with
// errc::timeout at once when the turn would come after `deadline`; with errc::cancelled when the
// wait is cancelled through the completion token's cancellation slot or timer.cancel(). Either
// gives the slot back when no later call reserved after it, and otherwise leaves an unused slot
// that time passes by. Signature: void(error_code).
template <class CompletionToken>
auto async_wait_turn(pacing_bucket& bucket, pacing_bucket::reservation slot,
                     boost::asio::steady_timer& timer, pacing_bucket::time_point deadline,
                     CompletionToken&& token) {
    return boost::asio::async_compose<CompletionToken, void(boost::system::error_code)>(
        wait_turn_op{bucket, slot, timer, deadline}, token, timer);
}

// A turn from a shared backend. Signature: void(error_code, pacing_turn).
template <class CompletionToken>
auto async_reserve_turn(pacing_backend& backend, std::string_view region,
                        const operation_pace& pace, pacing_backend::clock::time_point deadline,
                        CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken,
                                       void(boost::system::error_code, pacing_turn)>(
        [&backend, region, &pace, deadline](auto handler) {
            backend.async_reserve(region, pace, deadline, std::move(handler));
        },
        token);
}

}  // namespace ivsrt::detail
