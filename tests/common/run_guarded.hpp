// Test helpers: run a coroutine, or an io_context until a condition holds, with a guard, so that
// a hang fails the test with a message instead of blocking the suite until CTest's timeout.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <exception>
#include <functional>

namespace ivsrt::test {

// Runs `body()` (an asio::awaitable<void>) on `ioc` to completion and rethrows what escaped it.
// `on_end` runs when the body ends and when the 120 s guard fires (e.g. to stop a server whose
// loops would keep ioc busy).
template <class F>
void run_on(boost::asio::io_context& ioc, F body, std::function<void()> on_end = {}) {
    namespace asio = boost::asio;
    bool finished = false;
    std::exception_ptr failure;
    asio::steady_timer guard(ioc, std::chrono::seconds(120));
    guard.async_wait([&](boost::system::error_code ec) {
        if (ec) return;
        BOOST_ERROR("test did not finish");
        if (on_end) on_end();
        ioc.stop();
    });
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            co_await body();
            finished = true;
        },
        [&](std::exception_ptr e) {
            failure = e;
            guard.cancel();
            if (on_end) on_end();
        });
    ioc.restart();
    ioc.run();
    if (failure) std::rethrow_exception(failure);
    BOOST_TEST_REQUIRE(finished);
}

// Runs `ioc` until `done()` holds, for operations started outside a coroutine (callbacks,
// futures); a stalled io_context fails the test after 30 s.
template <class Done>
void run_until(boost::asio::io_context& ioc, Done done) {
    ioc.restart();
    for (int i = 0; i < 100000 && !done(); ++i) {
        BOOST_TEST_REQUIRE(ioc.run_one_for(std::chrono::seconds(30)) > 0u, "stalled");
    }
    BOOST_TEST_REQUIRE(done());
}

}  // namespace ivsrt::test
