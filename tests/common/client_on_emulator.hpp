// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
// Test helper: an ivsrt::client on the test's io_context talking to an in-process emulator
// (emulator_client.hpp) that runs on a thread of its own. Include after Boost.Test.
#pragma once

#include "emulator_client.hpp"

#include <ivsrt/client.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/test/unit_test.hpp>

#include <exception>
#include <functional>
#include <map>
#include <string>

namespace ivsrt::test {

// The configuration of an ivsrt::client for `emu`: its endpoint and credentials, requests signed
// at the emulator's time, settings read from nowhere (no environment, no home directory), no
// pacing.
inline ivsrt::client_config client_config_for(const running_emulator& emu,
                                              const asio::any_io_executor& ex) {
    ivsrt::client_config c;
    c.region = "us-east-1";
    c.endpoint_url = "http://127.0.0.1:" + std::to_string(emu.port());
    c.credentials = ivsrt::make_static_provider(ex, default_credentials());
    c.sources.env = ivsrt::environment(std::map<std::string, std::string, std::less<>>{});
    c.sources.home_directory = "/nonexistent";
    c.pacing.enabled = false;
    c.wall_clock = [&emu] { return emu.now(); };
    return c;
}

// The emulator, and a client of it on a one-thread io_context that the test runs.
struct client_on_emulator {
    running_emulator emu;
    asio::io_context ioc{1};
    ivsrt::client ivs{ioc.get_executor(), client_config_for(emu, ioc.get_executor())};

    // Runs `body` on ioc to completion and rethrows what escaped it. A hang fails the test after
    // 120 s instead of blocking the suite until CTest's timeout.
    template <class F>
    void run(F body) {
        bool finished = false;
        std::exception_ptr failure;
        asio::steady_timer guard(ioc, std::chrono::seconds(120));
        guard.async_wait([&](boost::system::error_code ec) {
            if (ec) return;
            BOOST_ERROR("test did not finish");
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
            });
        ioc.restart();
        ioc.run();
        if (failure) std::rethrow_exception(failure);
        BOOST_TEST_REQUIRE(finished);
    }

    // Runs ioc until done() holds, for operations started outside a coroutine (callbacks,
    // futures). A stalled io_context fails the test after 30 s instead of blocking.
    template <class Done>
    void run_until(Done done) {
        ioc.restart();
        for (int i = 0; i < 100000 && !done(); ++i) {
            BOOST_TEST_REQUIRE(ioc.run_one_for(std::chrono::seconds(30)) > 0u, "stalled");
        }
        BOOST_TEST_REQUIRE(done());
    }

    // The emulator's log lines of `operation` ("ListStages") so far.
    std::size_t requests_of(std::string_view operation) const {
        const std::string needle = " " + std::string(operation) + " ";
        std::size_t n = 0;
        for (const auto& line : emu.log()) n += line.find(needle) != std::string::npos;
        return n;
    }
};

}  // namespace ivsrt::test
