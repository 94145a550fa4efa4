// Example 5: an async service issuing participant tokens concurrently through one client.
//
// 100 viewers ask for a token at once. The client's pacing spreads the calls under IVS's quota
// for CreateParticipantToken (50 per second per account and Region) instead of letting them be
// throttled and retried; the calls share the client's keep-alive connections.
#include <ivsrt.hpp>

#include "common/run.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <exception>
#include <iostream>
#include <string>

namespace asio = boost::asio;
namespace model = ivsrt::model;

struct tally {
    int issued = 0;
    int failed = 0;
};

asio::awaitable<void> issue(ivsrt::client& ivs, std::string stage_arn, int viewer, tally& t) {
    const model::create_participant_token_request request{
        .stage_arn = std::move(stage_arn),
        .user_id = "viewer-" + std::to_string(viewer),
        .capabilities = {model::participant_token_capability::subscribe}};
    ivsrt::diagnostics diag;
    auto [ec, token] = co_await ivs.async_create_participant_token(
        request, diag, asio::as_tuple(asio::use_awaitable));
    if (ec) {
        ++t.failed;
        std::cerr << "viewer " << viewer << ": " << diag.to_string() << "\n";
    } else {
        ++t.issued;
    }
}

asio::awaitable<int> run(ivsrt::client& ivs) {
    tally t;
    const model::create_stage_request create{.name = "example-5"};
    const std::string arn = (co_await ivs.async_create_stage(create)).stage->arn;
    const auto start = std::chrono::steady_clock::now();

    // Start every request at once, then wait for all of them.
    auto ex = co_await asio::this_coro::executor;
    constexpr int viewers = 100;
    int done = 0;
    asio::steady_timer all_done(ex, asio::steady_timer::time_point::max());
    for (int i = 0; i < viewers; ++i) {
        asio::co_spawn(ex, issue(ivs, arn, i, t), [&](std::exception_ptr) {
            if (++done == viewers) all_done.cancel();
        });
    }
    co_await all_done.async_wait(asio::as_tuple(asio::use_awaitable));

    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    std::cout << t.issued << " tokens issued, " << t.failed << " failed, in " << took.count()
              << " s (" << t.issued / took.count() << " per second)\n";
    const model::delete_stage_request remove{.arn = arn};
    co_await ivs.async_delete_stage(remove);
    co_return t.failed == 0 ? 0 : 1;
}

int main() {
    return example::run_main(run);  // exit code 1 when a token could not be issued
}
