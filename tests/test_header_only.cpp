// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
// Header-only use across TUs: this TU constructs the client (<ivsrt.hpp>: the call path), and
// header_only/calls.cpp, which includes only <ivsrt/calls.hpp>, makes the calls. Built without
// IVSRT_SEPARATE_COMPILATION (the only unit test that is), both TUs at the build's optimization.
#define BOOST_TEST_MODULE header_only
#include <boost/test/unit_test.hpp>

#include "common/client_fixture.hpp"
#include "header_only/calls.hpp"

#include <ivsrt.hpp>

#include <optional>
#include <string>
#include <vector>

#ifdef IVSRT_SEPARATE_COMPILATION
#error "test_header_only checks header-only compilation"
#endif

using namespace ivsrt::test;
namespace calls = ivsrt::test::calls;

BOOST_FIXTURE_TEST_CASE(a_tu_with_only_calls_hpp_makes_every_kind_of_call, client_fixture) {
    const std::string arn = "arn:aws:ivs:us-west-2:123456789012:stage/AAAAbbbbCCCC";
    service.responses.push_back(
        make_response(200, R"({"stage":{"arn":")" + arn + R"(","name":"show"}})"));
    service.responses.push_back(make_response(200, R"({"stage":{"arn":")" + arn + R"("}})"));
    auto missing = make_response(404, R"({"exceptionMessage":"no stage"})");
    missing.set("x-amzn-ErrorType", "ResourceNotFoundException");
    service.responses.push_back(std::move(missing));
    service.responses.push_back(
        make_response(200, R"({"stages":[{"arn":"a1"},{"arn":"a2"}],"nextToken":"t2"})"));
    service.responses.push_back(make_response(200, R"({"stages":[{"arn":"a3"}]})"));
    ivsrt::client ivs(ioc.get_executor(), config());

    std::optional<std::pair<boost::system::error_code, std::string>> got;
    calls::get_stage_then(ivs, arn, [&](boost::system::error_code ec, std::string name) {
        got.emplace(ec, std::move(name));
    });
    run_until(ioc, [&] { return got.has_value(); });
    BOOST_TEST(!got->first);
    BOOST_TEST(got->second == "show");

    run([&]() -> asio::awaitable<void> {
        const std::string created = co_await calls::create_stage(ivs, "show");
        BOOST_TEST(created == arn);

        ivsrt::diagnostics diag;
        std::string name;
        const auto ec = co_await calls::get_stage(ivs, arn, diag, name);
        BOOST_TEST(ec == ivsrt::errc::resource_not_found);
        BOOST_TEST(diag.aws_error_code() == "ResourceNotFoundException");
        BOOST_TEST(diag.message() == "no stage");

        const std::vector<std::string> arns = co_await calls::list_stage_arns(ivs);
        BOOST_TEST(arns == (std::vector<std::string>{"a1", "a2", "a3"}),
                   boost::test_tools::per_element());
    });

    BOOST_TEST_REQUIRE(service.requests.size() == 5u);
    BOOST_TEST(service.requests[0].target() == "/GetStage");
    BOOST_TEST(service.requests[1].target() == "/CreateStage");
    BOOST_TEST(service.requests[3].target() == "/ListStages");
    BOOST_TEST(service.requests[4].body().find("\"nextToken\":\"t2\"") != std::string::npos);
    BOOST_TEST(header(service.requests[1], "Authorization").starts_with("AWS4-HMAC-SHA256 "));
    BOOST_TEST(calls::connects(ivs) == 1u);  // one keep-alive connection for all five
}
