// Compile-time probe: a service TU using ivsrt the way the README shows: three operations, a
// paginator, diagnostics with a completion token, local minting. run.sh compiles it header-only
// and with IVSRT_SEPARATE_COMPILATION (the library's own code compiled once elsewhere), and
// header-only with PROBE_USES_A_CLIENT: without main, as one of several TUs of a service that
// use a client constructed elsewhere, including only what that needs.
#ifdef PROBE_USES_A_CLIENT
#include <ivsrt/calls.hpp>
#include <ivsrt/participant_token.hpp>
#else
#include <ivsrt.hpp>
#endif

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <iostream>

namespace asio = boost::asio;

asio::awaitable<void> use(ivsrt::client& ivs, const ivsrt::participant_token_minter& minter) {
    const ivsrt::model::create_stage_request create{.name = "x"};
    auto stage = co_await ivs.async_create_stage(create);
    const ivsrt::model::create_participant_token_request token{.stage_arn = stage.stage->arn};
    co_await ivs.async_create_participant_token(token);
    ivsrt::diagnostics diag;
    const ivsrt::model::get_stage_request get{.arn = stage.stage->arn};
    auto [ec, got] = co_await ivs.async_get_stage(get, diag, asio::as_tuple(asio::use_awaitable));
    if (ec) std::cerr << diag.message() << "\n";
    const ivsrt::model::list_stages_request list;
    auto stages = ivs.list_stages_items(list);
    while (auto s = co_await stages.async_next()) std::cout << s->arn << "\n";
    auto claims = ivsrt::participant_token_claims::for_stage(*got.stage);
    claims.user_id = "user-1";
    std::cout << *minter.mint(claims).token << "\n";
}

#ifndef PROBE_USES_A_CLIENT
int main() {
    asio::io_context ioc;
    ivsrt::client ivs(ioc.get_executor(), {.region = "us-east-1"});
    const auto keys = ivsrt::generate_participant_token_key_pair();
    const ivsrt::participant_token_minter minter(
        keys.private_key_pem, "arn:aws:ivs:us-east-1:123456789012:public-key/abcdABCDefgh");
    asio::co_spawn(ioc, use(ivs, minter), asio::detached);
    ioc.run();
}
#endif
