// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
// Includes only <ivsrt/calls.hpp> (through calls.hpp): not the client's construction nor its call
// path, which test_header_only.cpp compiles.
#include "calls.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <utility>

namespace ivsrt::test::calls {

namespace asio = boost::asio;

asio::awaitable<std::string> create_stage(client& ivs, std::string name) {
    const model::create_stage_request request{.name = std::move(name)};
    auto created = co_await ivs.async_create_stage(request);
    co_return created.stage ? created.stage->arn : std::string();
}

asio::awaitable<boost::system::error_code> get_stage(client& ivs, std::string arn,
                                                     diagnostics& diag, std::string& name) {
    const model::get_stage_request request{.arn = std::move(arn)};
    auto [ec, got] =
        co_await ivs.async_get_stage(request, diag, asio::as_tuple(asio::use_awaitable));
    if (!ec && got.stage) name = got.stage->name.value_or("");
    co_return ec;
}

asio::awaitable<std::vector<std::string>> list_stage_arns(client& ivs) {
    std::vector<std::string> arns;
    const model::list_stages_request first;
    auto stages = ivs.list_stages_items(first);
    while (auto s = co_await stages.async_next()) arns.push_back(s->arn);
    co_return arns;
}

void get_stage_then(client& ivs, std::string arn,
                    std::function<void(boost::system::error_code, std::string)> done) {
    const model::get_stage_request request{.arn = std::move(arn)};
    ivs.async_get_stage(request, [done = std::move(done)](boost::system::error_code ec,
                                                          model::get_stage_result got) {
        done(ec, got.stage ? got.stage->name.value_or("") : std::string());
    });
}

std::uint64_t connects(const client& ivs) {
    return ivs.connection_stats().connects;
}

}  // namespace ivsrt::test::calls
