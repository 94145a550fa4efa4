// The main() of the examples: builds a client, runs the example's coroutine with it on an
// io_context, prints the error that ended it and returns the exit code. Public headers only.
#pragma once

#include <ivsrt.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <iostream>
#include <string_view>
#include <utility>

namespace example {

// Builds an ivsrt::client from `config` (what it leaves unset comes from the environment and the
// shared config files, as with the AWS CLI: AWS_REGION, AWS_ENDPOINT_URL_IVS_REALTIME,
// AWS_ACCESS_KEY_ID, AWS_PROFILE, ...) and runs `body(client)`, an asio::awaitable<void> or
// asio::awaitable<int>, to completion. Returns what it co_returns (0 for awaitable<void>), or 1
// after printing "<failure>: <message>" when an exception ends it or the client cannot be built.
template <class Body>
int run_main(Body body, ivsrt::client_config config = {}, std::string_view failure = "error") {
    try {
        boost::asio::io_context ioc;
        ivsrt::client ivs(ioc.get_executor(), std::move(config));
        int exit_code = 0;
        boost::asio::co_spawn(ioc, body(ivs), [&](std::exception_ptr e, auto... result) {
            if (e) std::rethrow_exception(e);  // out of ioc.run(), into the catch below
            ((exit_code = result), ...);
        });
        ioc.run();
        return exit_code;
    } catch (const std::exception& e) {
        std::cerr << failure << ": " << e.what() << "\n";
        return 1;
    }
}

}  // namespace example
