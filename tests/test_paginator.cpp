// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#define BOOST_TEST_MODULE test_paginator
#include <boost/test/unit_test.hpp>

// Tests for ivsrt/paginator.hpp: page_stream and item_stream over ListStages, against the
// in-process emulator (real pages and errors) and against a loopback server scripted by each test
// (pages no well-behaved service sends: empty and repeated tokens, a request held until it is
// cancelled or times out).

#include "common/client_fixture.hpp"
#include "common/client_on_emulator.hpp"

#include <ivsrt/paginator.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace model = ivsrt::model;
using ivsrt::errc;
using ivsrt::test::client_fixture;
using ivsrt::test::client_on_emulator;
using ivsrt::test::make_response;
using namespace std::chrono_literals;

namespace {

boost::json::value json(std::string_view text) {
    return boost::json::parse(text);
}

// A ListStages page of stages with these ARNs; `next` empty: no nextToken member.
std::string stages_page(std::vector<std::string> arns, std::string next) {
    std::string body = R"({"stages":[)";
    for (std::size_t i = 0; i < arns.size(); ++i) {
        body += (i ? "," : "") + std::string(R"({"arn":")") + arns[i] + "\"}";
    }
    body += "]";
    if (!next.empty()) body += R"(,"nextToken":")" + next + "\"";
    return body + "}";
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Against the emulator: what a service's real pages and errors do to a stream.
BOOST_FIXTURE_TEST_SUITE(on_the_emulator, client_on_emulator)

// Five stages in pages of two: every item once, pages of 2, 2 and 1, the stream done after the
// page without a nextToken, and nothing sent once it is done.
BOOST_AUTO_TEST_CASE(items_and_pages_walk_every_page) {
    run([&]() -> asio::awaitable<void> {
        std::set<std::string> created;
        for (int i = 0; i < 5; ++i) {
            const model::create_stage_request create{.name = "stage-" + std::to_string(i)};
            const auto result = co_await ivs.async_create_stage(create);
            created.insert(result.stage->arn);
        }

        auto items = ivs.list_stages_items({.max_results = 2});
        std::set<std::string> listed;
        for (int i = 0; i < 10; ++i) {  // bounded: 5 items, then the end
            auto stage = co_await items.async_next();
            if (!stage) break;
            listed.insert(stage->arn);
        }
        BOOST_TEST((listed == created));
        BOOST_TEST(items.done());
        BOOST_TEST(requests_of("ListStages") == 3u);

        auto pages = ivs.list_stages_pages({.max_results = 2});
        std::vector<std::size_t> sizes;
        for (int i = 0; i < 10; ++i) {  // bounded: 3 pages, then the end
            auto page = co_await pages.async_next();
            if (!page) break;
            sizes.push_back(page->stages.size());
            // The next request carries the token the page returned, and the caller's maxResults.
            if (page->next_token) {
                BOOST_TEST(pages.next_request().next_token.value_or("") == *page->next_token);
                BOOST_TEST(pages.next_request().max_results.value_or(0) == 2);
            }
        }
        BOOST_TEST(sizes == (std::vector<std::size_t>{2, 2, 1}), boost::test_tools::per_element());
        BOOST_TEST(pages.done());
        BOOST_TEST(requests_of("ListStages") == 6u);

        // Ended streams complete with an empty optional and send nothing.
        const auto after_pages = co_await pages.async_next();
        const auto after_items = co_await items.async_next();
        BOOST_TEST(!after_pages.has_value());
        BOOST_TEST(!after_items.has_value());
        BOOST_TEST(requests_of("ListStages") == 6u);
    });
}

// Making a stream sends nothing, nor does dropping it unused; the first async_next sends the
// first request. pages(request) and items(request) are the same streams as the named forms.
BOOST_AUTO_TEST_CASE(nothing_is_sent_before_the_first_async_next) {
    run([&]() -> asio::awaitable<void> {
        const model::create_stage_request create{.name = "only"};
        co_await ivs.async_create_stage(create);
        {
            auto unused_pages = ivs.list_stages_pages({});
            auto unused_items = ivs.items(model::list_stages_request{});
            co_await ivs.async_create_stage(create);  // the io_context runs meanwhile
            BOOST_TEST(!unused_pages.done());
            BOOST_TEST(!unused_items.done());
        }
        BOOST_TEST(requests_of("CreateStage") == 2u);
        BOOST_TEST(requests_of("ListStages") == 0u);

        auto pages = ivs.pages(model::list_stages_request{});
        BOOST_TEST(requests_of("ListStages") == 0u);
        const auto page = co_await pages.async_next();
        BOOST_TEST_REQUIRE(page.has_value());
        BOOST_TEST(page->stages.size() == 2u);
        BOOST_TEST(!page->next_token.has_value());
        BOOST_TEST(pages.done());  // the page had no nextToken
        BOOST_TEST(requests_of("ListStages") == 1u);
    });
}

// The service refuses the request: the error, with its details, ends the stream.
BOOST_AUTO_TEST_CASE(a_service_error_ends_the_stream) {
    run([&]() -> asio::awaitable<void> {
        auto items = ivs.list_stages_items({.next_token = "garbage"});
        ivsrt::diagnostics diag;
        auto [ec, item] = co_await items.async_next(diag, asio::as_tuple(asio::use_awaitable));
        BOOST_TEST(ec == errc::validation);
        BOOST_TEST(diag.aws_error_code() == "ValidationException");
        BOOST_TEST(diag.message() == "invalid nextToken");
        BOOST_TEST(diag.http_status() == 400u);
        BOOST_TEST(!item.has_value());
        BOOST_TEST(items.done());
        auto [ec2, after] = co_await items.async_next(asio::as_tuple(asio::use_awaitable));
        BOOST_TEST(!ec2);
        BOOST_TEST(!after.has_value());

        auto pages = ivs.list_stages_pages({.next_token = "garbage"});
        auto [ec3, page] = co_await pages.async_next(asio::as_tuple(asio::use_awaitable));
        BOOST_TEST(ec3 == errc::validation);
        BOOST_TEST(!page.has_value());
        BOOST_TEST(pages.done());
        BOOST_TEST(requests_of("ListStages") == 2u);  // one per stream, none after the error
    });
}

// A request that breaks a rule of the model ends the stream before anything is sent.
BOOST_AUTO_TEST_CASE(an_invalid_request_ends_the_stream_and_sends_nothing) {
    run([&]() -> asio::awaitable<void> {
        auto pages = ivs.list_stages_pages({.max_results = 0});
        ivsrt::diagnostics diag;
        auto [ec, page] = co_await pages.async_next(diag, asio::as_tuple(asio::use_awaitable));
        BOOST_TEST(ec == errc::invalid_request);
        BOOST_TEST(std::string(diag.message()).find("list_stages.max_results") !=
                   std::string::npos);
        BOOST_TEST(!page.has_value());
        BOOST_TEST(pages.done());
        auto [ec2, after] = co_await pages.async_next(asio::as_tuple(asio::use_awaitable));
        BOOST_TEST(!ec2);
        BOOST_TEST(!after.has_value());
    });
    BOOST_TEST(emu.log().empty());
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
// Against a scripted server: the pages and failures a test chooses.
BOOST_AUTO_TEST_SUITE(scripted_pages)

BOOST_FIXTURE_TEST_CASE(items_across_pages_lazily, client_fixture) {
    service.responses.push_back(make_response(200, stages_page({"a", "b"}, "t1")));
    service.responses.push_back(make_response(200, stages_page({}, "t2")));  // empty page
    service.responses.push_back(make_response(200, stages_page({"c"}, "")));
    ivsrt::client ivs(ioc.get_executor(), config());
    run([&]() -> asio::awaitable<void> {
        auto stages = ivs.list_stages_items({.max_results = 2});
        BOOST_TEST(service.requests.empty());  // nothing sent before the first async_next
        std::vector<std::string> got;
        while (auto s = co_await stages.async_next()) got.push_back(s->arn);
        BOOST_TEST(got == (std::vector<std::string>{"a", "b", "c"}),
                   boost::test_tools::per_element());
        BOOST_TEST(stages.done());
        BOOST_TEST(!(co_await stages.async_next()).has_value());
    });
    BOOST_TEST_REQUIRE(service.requests.size() == 3u);
    BOOST_TEST(json(service.requests[0].body()) == json(R"({"maxResults":2})"));
    BOOST_TEST(json(service.requests[1].body()) == json(R"({"nextToken":"t1","maxResults":2})"));
    BOOST_TEST(json(service.requests[2].body()) == json(R"({"nextToken":"t2","maxResults":2})"));
}

BOOST_FIXTURE_TEST_CASE(pages_stop_on_repeated_token, client_fixture) {
    service.responses.push_back(make_response(200, stages_page({"a"}, "t1")));
    service.responses.push_back(make_response(200, stages_page({"b"}, "t1")));
    ivsrt::client ivs(ioc.get_executor(), config());
    run([&]() -> asio::awaitable<void> {
        auto pages = ivs.list_stages_pages({});
        auto first = co_await pages.async_next();
        BOOST_TEST(first->stages.size() == 1u);
        ivsrt::diagnostics diag;
        auto [ec, second] = co_await pages.async_next(diag, asio::as_tuple(asio::deferred));
        BOOST_TEST(ec == errc::invalid_response);
        BOOST_TEST(std::string(diag.message()).find("nextToken") != std::string::npos);
        BOOST_TEST(pages.done());
    });
    BOOST_TEST(service.requests.size() == 2u);
}

BOOST_FIXTURE_TEST_CASE(error_mid_stream_ends_it, client_fixture) {
    service.responses.push_back(make_response(200, stages_page({"a"}, "t1")));
    service.responses.push_back(make_response(400, R"({"message":"bad token"})",
                                              {{"x-amzn-ErrorType", "ValidationException"}}));
    ivsrt::client ivs(ioc.get_executor(), config());
    run([&]() -> asio::awaitable<void> {
        auto items = ivs.list_stages_items({});
        auto a = co_await items.async_next();
        BOOST_TEST(a->arn == "a");
        auto [ec, b] = co_await items.async_next(asio::as_tuple(asio::deferred));
        BOOST_TEST(ec == errc::validation);
        auto [ec2, c] = co_await items.async_next(asio::as_tuple(asio::deferred));
        BOOST_TEST(!ec2);
        BOOST_TEST(!c.has_value());
    });
    BOOST_TEST(service.requests.size() == 2u);
}

// Two pages; the fetch of the second is held until `signal` cancels it, and then answered.
struct second_page_cancelled : client_fixture {
    asio::cancellation_signal signal;
    second_page_cancelled() {
        service.responses.push_back(make_response(200, stages_page({"a"}, "t1")));
        service.responses.push_back(make_response(0, ""));
        service.responses.push_back(make_response(200, stages_page({"b"}, "")));
        service.cancel_on_hold(signal);
    }
};

// A cancelled page fetch does not end the stream: the same page is asked for again.
BOOST_FIXTURE_TEST_CASE(cancelled_page_is_fetched_again, second_page_cancelled) {
    ivsrt::client ivs(ioc.get_executor(), config());
    run([&]() -> asio::awaitable<void> {
        auto pages = ivs.list_stages_pages({});
        co_await pages.async_next();
        auto [ec, p] = co_await pages.async_next(
            asio::bind_cancellation_slot(signal.slot(), asio::as_tuple(asio::use_awaitable)));
        BOOST_TEST(ec == errc::cancelled);
        BOOST_TEST(!pages.done());
        auto last = co_await pages.async_next();
        BOOST_TEST(last->stages.at(0).arn == "b");
    });
    BOOST_TEST_REQUIRE(service.requests.size() == 3u);
    BOOST_TEST(json(service.requests[2].body()) == json(R"({"nextToken":"t1"})"));
}

// The same with the default token, cancelled through the coroutine that awaits it: the items
// stream throws, stays open, and asks for the same page again.
BOOST_FIXTURE_TEST_CASE(cancelled_default_token_page_is_fetched_again, second_page_cancelled) {
    ivsrt::client ivs(ioc.get_executor(), config());
    run([&]() -> asio::awaitable<void> {
        auto items = ivs.list_stages_items({});
        const auto a = co_await items.async_next();
        boost::system::error_code ec;
        auto second = [&]() -> asio::awaitable<void> {
            try {
                co_await items.async_next();
            } catch (const ivsrt::error_with_diagnostics& e) {
                ec = e.code();
            }
        };
        const auto ex = co_await asio::this_coro::executor;
        co_await asio::co_spawn(ex, second(),
                                asio::bind_cancellation_slot(signal.slot(), asio::use_awaitable));
        BOOST_TEST(ec == errc::cancelled);
        BOOST_TEST(!items.done());
        const auto b = co_await items.async_next();
        const auto end = co_await items.async_next();
        BOOST_TEST(a->arn == "a");
        BOOST_TEST(b->arn == "b");
        BOOST_TEST(!end.has_value());
    });
    BOOST_TEST_REQUIRE(service.requests.size() == 3u);
    BOOST_TEST(json(service.requests[2].body()) == json(R"({"nextToken":"t1"})"));
}

// An empty nextToken ends the stream like an absent one.
BOOST_FIXTURE_TEST_CASE(empty_next_token_ends_the_stream, client_fixture) {
    service.responses.push_back(make_response(200, R"({"stages":[{"arn":"a"}],"nextToken":""})"));
    service.responses.push_back(make_response(200, R"({"stages":[{"arn":"b"}],"nextToken":""})"));
    ivsrt::client ivs(ioc.get_executor(), config());
    run([&]() -> asio::awaitable<void> {
        auto items = ivs.list_stages_items({});
        const auto a = co_await items.async_next();
        BOOST_TEST_REQUIRE(a.has_value());
        BOOST_TEST(a->arn == "a");
        BOOST_TEST(items.done());
        const auto end = co_await items.async_next();
        BOOST_TEST(!end.has_value());

        auto pages = ivs.list_stages_pages({});
        const auto page = co_await pages.async_next();
        BOOST_TEST_REQUIRE(page.has_value());
        BOOST_TEST(page->stages.at(0).arn == "b");
        BOOST_TEST(pages.done());
    });
    BOOST_TEST(service.requests.size() == 2u);  // one per stream
}

// A token the service returned two pages earlier would loop forever: the page that repeats it is
// not delivered, the stream ends with invalid_response and says why.
BOOST_FIXTURE_TEST_CASE(a_token_repeated_later_ends_the_stream, client_fixture) {
    service.responses.push_back(make_response(200, stages_page({"a"}, "t1")));
    service.responses.push_back(make_response(200, stages_page({"b"}, "t2")));
    service.responses.push_back(make_response(200, stages_page({"c"}, "t1")));
    ivsrt::client ivs(ioc.get_executor(), config());
    run([&]() -> asio::awaitable<void> {
        auto items = ivs.list_stages_items({});
        std::vector<std::string> got;
        ivsrt::diagnostics diag;
        boost::system::error_code ec;
        for (int i = 0; i < 5 && !ec; ++i) {  // bounded: two items, then the error
            auto [e, item] = co_await items.async_next(diag, asio::as_tuple(asio::use_awaitable));
            ec = e;
            if (item) got.push_back(item->arn);
        }
        BOOST_TEST(ec == errc::invalid_response);
        BOOST_TEST(diag.message() == "ListStages returned a nextToken it had returned before");
        BOOST_TEST(got == (std::vector<std::string>{"a", "b"}), boost::test_tools::per_element());
        BOOST_TEST(items.done());
        const auto after = co_await items.async_next();
        BOOST_TEST(!after.has_value());
    });
    BOOST_TEST_REQUIRE(service.requests.size() == 3u);
    BOOST_TEST(json(service.requests[2].body()) == json(R"({"nextToken":"t2"})"));
}

// Like a cancelled one, a timed-out page fetch does not end the stream: the same page is asked
// for again. (The attempt timeout also bounds the two pages that must arrive: 2 s, not a margin a
// loaded machine could miss; the held page can only end by it.)
BOOST_FIXTURE_TEST_CASE(timed_out_page_is_fetched_again, client_fixture) {
    service.responses.push_back(make_response(200, stages_page({"a"}, "t1")));
    service.responses.push_back(make_response(0, ""));  // never answered
    service.responses.push_back(make_response(200, stages_page({"b"}, "")));
    auto cfg = config();
    cfg.retry = ivsrt::retry_config{.max_attempts = 1};
    cfg.attempt_timeout = 2s;
    ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
    run([&]() -> asio::awaitable<void> {
        auto pages = ivs.list_stages_pages({});
        co_await pages.async_next();
        auto [ec, p] = co_await pages.async_next(asio::as_tuple(asio::use_awaitable));
        BOOST_TEST(ec == errc::timeout);
        BOOST_TEST(!p.has_value());
        BOOST_TEST(!pages.done());
        BOOST_TEST(pages.next_request().next_token.value_or("") == "t1");
        const auto last = co_await pages.async_next();
        BOOST_TEST_REQUIRE(last.has_value());
        BOOST_TEST(last->stages.at(0).arn == "b");
        BOOST_TEST(pages.done());
    });
    BOOST_TEST_REQUIRE(service.requests.size() == 3u);
    BOOST_TEST(json(service.requests[1].body()) == json(R"({"nextToken":"t1"})"));
    BOOST_TEST(json(service.requests[2].body()) == json(R"({"nextToken":"t1"})"));
}

BOOST_AUTO_TEST_SUITE_END()
