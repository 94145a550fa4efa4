// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// Facts about executors that the client, the pool and the Redis pacer share.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/detail/scheduler.hpp>
#include <boost/asio/execution/blocking.hpp>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/query.hpp>

#include <utility>

namespace ivsrt::detail {

// True when `ex` is an io_context's executor and this thread is running that io_context.
inline bool running_in_this_thread(const boost::asio::any_io_executor& ex) noexcept {
    const auto* io = ex.target<boost::asio::io_context::executor_type>();
    return io != nullptr && io->running_in_this_thread();
}

// True when `ex` runs on an execution context made for one thread (io_context(1)): then no two
// handlers can run at once, and strands are pure overhead.
inline bool single_threaded(const boost::asio::any_io_executor& ex) {
    using scheduler = boost::asio::detail::scheduler;
    auto& context = boost::asio::query(ex, boost::asio::execution::context);
    return boost::asio::has_service<scheduler>(context) &&
           boost::asio::use_service<scheduler>(context).concurrency_hint() == 1;
}

// Completes `handler` with `args` on its associated executor (else `fallback`), queued and never
// run inline, as Asio asks of a completion from inside an initiating function.
template <class Handler, class... Args>
void complete_later(Handler handler, const boost::asio::any_io_executor& fallback, Args... args) {
    auto ex = boost::asio::get_associated_executor(handler, fallback);
    boost::asio::prefer(ex, boost::asio::execution::blocking.never)
        .execute([h = std::move(handler), ... a = std::move(args)]() mutable {
            std::move(h)(std::move(a)...);
        });
}

}  // namespace ivsrt::detail
