// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
// Test helper: an ivsrt::client on the test's io_context talking to an in-process emulator
// (emulator_client.hpp) that runs on a thread of its own. Include after Boost.Test.
#pragma once

#include "emulator_client.hpp"
#include "run_guarded.hpp"

#include <ivsrt/client.hpp>

#include <boost/test/unit_test.hpp>

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

    // Runs `body` on ioc to completion (run_guarded.hpp).
    template <class F>
    void run(F body) {
        run_on(ioc, std::move(body));
    }

    // Runs ioc until done() holds (run_guarded.hpp).
    template <class Done>
    void run_until(Done done) {
        ivsrt::test::run_until(ioc, std::move(done));
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
