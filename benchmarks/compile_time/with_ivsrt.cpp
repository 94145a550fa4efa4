// Compile-time probe: a TU using ivsrt the way an application does (separate compilation: the
// library's own code is compiled once elsewhere), calling three operations and a paginator.
#include <ivsrt.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

namespace asio = boost::asio;

asio::awaitable<void> use(ivsrt::client& ivs) {
    const ivsrt::model::create_stage_request create{.name = "x"};
    auto stage = co_await ivs.async_create_stage(create);
    const ivsrt::model::create_participant_token_request token{.stage_arn = stage.stage->arn};
    co_await ivs.async_create_participant_token(token);
    ivsrt::diagnostics diag;
    const ivsrt::model::get_stage_request get{.arn = stage.stage->arn};
    auto [ec, got] = co_await ivs.async_get_stage(get, diag, asio::as_tuple(asio::use_awaitable));
    auto stages = ivs.list_stages_items({});
    while (auto s = co_await stages.async_next()) {
    }
}

int main() {
    asio::io_context ioc;
    ivsrt::client ivs(ioc.get_executor(), {.region = "us-east-1"});
    asio::co_spawn(ioc, use(ivs), asio::detached);
}
