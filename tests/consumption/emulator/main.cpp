// A user's test with the installed emulator embedded: start it on a free port, call it with the
// client, stop it. Built by tests/consumption/run.sh against an installed tree.
#include <ivsrt.hpp>
#include <ivsrt_emulator.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <exception>
#include <string>

namespace asio = boost::asio;

int main() {
    asio::io_context ioc;
    ivsrt::emulator::server emu(ioc.get_executor(), {});
    const std::uint16_t port = emu.start();

    ivsrt::client_config config;
    config.region = "us-east-1";
    config.endpoint_url = "http://127.0.0.1:" + std::to_string(port);
    const ivsrt::credentials credentials{
        .access_key_id = "AKIAIOSFODNN7EXAMPLE",
        .secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"};  // the emulator's
    config.credentials = ivsrt::make_static_provider(ioc.get_executor(), credentials);
    ivsrt::client ivs(ioc.get_executor(), config);

    std::string arn;
    std::exception_ptr failure;
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            const ivsrt::model::create_stage_request create{.name = "consumer"};
            const auto created = co_await ivs.async_create_stage(create);
            arn = created.stage.value().arn;
        },
        [&](std::exception_ptr e) {
            failure = e;
            emu.stop();
        });
    ioc.run();
    if (failure) std::rethrow_exception(failure);
    std::printf("embedded emulator on port %u created %s\n", static_cast<unsigned>(port),
                arn.c_str());
    return arn.empty() ? 1 : 0;
}
