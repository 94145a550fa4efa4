// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#define BOOST_TEST_MODULE test_completion_tokens
#include <boost/test/unit_test.hpp>

// The completion tokens the README promises, each against one operation (GetStage) and one
// paginator (ListStages pages, and items where the stream composes operations): the default token
// (a bare co_await), asio::as_tuple(asio::use_awaitable), asio::deferred, asio::use_future, a
// plain callback, asio::bind_cancellation_slot and asio::bind_executor. Each with a success and an
// error, against the in-process emulator; a cancellation against a loopback server that reads the
// request and never answers; asio::bind_allocator reaching the call. (ivsrt::with_diagnostics
// (token): test_with_diagnostics.)

#include "common/client_fixture.hpp"
#include "common/client_on_emulator.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/system/system_error.hpp>

#include <chrono>
#include <future>
#include <optional>
#include <string>

namespace asio = boost::asio;
namespace model = ivsrt::model;
using boost::system::error_code;
using ivsrt::errc;
using ivsrt::test::client_fixture;
using ivsrt::test::make_response;
using namespace std::chrono_literals;

namespace {

using page_t = model::list_stages_result;
using item_t = model::stage_summary;

// An allocator that counts what is allocated through it, to show that a handler's associated
// allocator reaches the call (asio::bind_allocator).
template <class T>
struct counting_allocator {
    using value_type = T;
    int* count;
    explicit counting_allocator(int* c) noexcept : count(c) {}
    template <class U>
    counting_allocator(const counting_allocator<U>& other) noexcept : count(other.count) {}
    T* allocate(std::size_t n) {
        ++*count;
        return std::allocator<T>().allocate(n);
    }
    void deallocate(T* p, std::size_t n) noexcept { std::allocator<T>().deallocate(p, n); }
    template <class U>
    bool operator==(const counting_allocator<U>& other) const noexcept {
        return count == other.count;
    }
};

// A stage ARN of the emulator's account that no test creates.
const model::get_stage_request missing{.arn =
                                           "arn:aws:ivs:us-east-1:123456789012:stage/nOsUcHsTaGe0"};
// The first page of one stage (there are two: it has a nextToken).
const model::list_stages_request first_page{.max_results = 1};
// A token the emulator never issued: ValidationException.
const model::list_stages_request bad_token{.next_token = "garbage"};

// The emulator with two stages, and a GetStage of the first.
struct emulator_fixture : ivsrt::test::client_on_emulator {
    model::get_stage_request found;

    emulator_fixture() {
        run([&]() -> asio::awaitable<void> {
            for (int i = 0; i < 2; ++i) {
                const model::create_stage_request create{.name = "tokens-" + std::to_string(i)};
                const auto created = co_await ivs.async_create_stage(create);
                if (i == 0) found.arn = created.stage->arn;
            }
        });
        BOOST_TEST_REQUIRE(!found.arn.empty());
    }

    template <class T>
    static bool ready(const std::future<T>& f) {
        return f.wait_for(0s) == std::future_status::ready;
    }
};

}  // namespace

// ---------------------------------------------------------------------------------------------
BOOST_FIXTURE_TEST_SUITE(operation, emulator_fixture)

// A bare co_await: the result, or ivsrt::error_with_diagnostics.
BOOST_AUTO_TEST_CASE(default_token) {
    run([&]() -> asio::awaitable<void> {
        const auto got = co_await ivs.async_get_stage(found);
        BOOST_TEST_REQUIRE(got.stage.has_value());
        BOOST_TEST(got.stage->arn == found.arn);
        std::optional<error_code> thrown;
        try {
            co_await ivs.async_get_stage(missing);
        } catch (const ivsrt::error_with_diagnostics& e) {
            thrown = e.code();
        }
        BOOST_TEST_REQUIRE(thrown.has_value());
        BOOST_TEST(*thrown == errc::resource_not_found);
    });
}

BOOST_AUTO_TEST_CASE(as_tuple_use_awaitable) {
    run([&]() -> asio::awaitable<void> {
        auto [ec, got] = co_await ivs.async_get_stage(found, asio::as_tuple(asio::use_awaitable));
        BOOST_TEST(!ec, ec.message());
        BOOST_TEST_REQUIRE(got.stage.has_value());
        BOOST_TEST(got.stage->arn == found.arn);
        auto [ec2, none] =
            co_await ivs.async_get_stage(missing, asio::as_tuple(asio::use_awaitable));
        BOOST_TEST(ec2 == errc::resource_not_found);
        BOOST_TEST(!none.stage.has_value());
    });
}

// A deferred operation sends nothing until it is launched (here, awaited); an error is thrown as
// boost::system::system_error.
BOOST_AUTO_TEST_CASE(deferred) {
    run([&]() -> asio::awaitable<void> {
        auto get = ivs.async_get_stage(found, asio::deferred);
        BOOST_TEST(requests_of("GetStage") == 0u);
        const auto got = co_await std::move(get);
        BOOST_TEST(requests_of("GetStage") == 1u);
        BOOST_TEST_REQUIRE(got.stage.has_value());
        BOOST_TEST(got.stage->arn == found.arn);
        std::optional<error_code> thrown;
        try {
            co_await ivs.async_get_stage(missing, asio::deferred);
        } catch (const boost::system::system_error& e) {
            thrown = e.code();
        }
        BOOST_TEST_REQUIRE(thrown.has_value());
        BOOST_TEST(*thrown == errc::resource_not_found);
    });
}

BOOST_AUTO_TEST_CASE(use_future) {
    std::future<model::get_stage_result> got = ivs.async_get_stage(found, asio::use_future);
    std::future<model::get_stage_result> none = ivs.async_get_stage(missing, asio::use_future);
    run_until([&] { return ready(got) && ready(none); });
    const auto result = got.get();
    BOOST_TEST_REQUIRE(result.stage.has_value());
    BOOST_TEST(result.stage->arn == found.arn);
    std::optional<error_code> thrown;
    try {
        none.get();
    } catch (const boost::system::system_error& e) {
        thrown = e.code();
    }
    BOOST_TEST_REQUIRE(thrown.has_value());
    BOOST_TEST(*thrown == errc::resource_not_found);
}

// A plain callback, called exactly once per operation.
BOOST_AUTO_TEST_CASE(callback) {
    int calls = 0;
    error_code got_ec = errc::timeout, none_ec;
    std::optional<model::stage> stage;
    ivs.async_get_stage(found, [&](error_code ec, model::get_stage_result r) {
        ++calls;
        got_ec = ec;
        stage = r.stage;
    });
    ivs.async_get_stage(missing, [&](error_code ec, model::get_stage_result) {
        ++calls;
        none_ec = ec;
    });
    run_until([&] { return calls == 2; });
    ioc.restart();
    ioc.run();  // nothing else completes
    BOOST_TEST(calls == 2);
    BOOST_TEST(!got_ec, got_ec.message());
    BOOST_TEST_REQUIRE(stage.has_value());
    BOOST_TEST(stage->arn == found.arn);
    BOOST_TEST(none_ec == errc::resource_not_found);
}

// A slot that is never emitted changes nothing. (Emitted: the suite operation_cancelled.)
BOOST_AUTO_TEST_CASE(bind_cancellation_slot) {
    asio::cancellation_signal signal;
    run([&]() -> asio::awaitable<void> {
        auto [ec, got] = co_await ivs.async_get_stage(
            found,
            asio::bind_cancellation_slot(signal.slot(), asio::as_tuple(asio::use_awaitable)));
        BOOST_TEST(!ec, ec.message());
        BOOST_TEST_REQUIRE(got.stage.has_value());
        BOOST_TEST(got.stage->arn == found.arn);
        auto [ec2, none] = co_await ivs.async_get_stage(
            missing,
            asio::bind_cancellation_slot(signal.slot(), asio::as_tuple(asio::use_awaitable)));
        BOOST_TEST(ec2 == errc::resource_not_found);
    });
}

// The handler runs on the executor bound to it, here a strand, on success and on error.
BOOST_AUTO_TEST_CASE(bind_executor) {
    auto strand = asio::make_strand(ioc);
    int calls = 0;
    bool got_on_strand = false, none_on_strand = false;
    error_code got_ec = errc::timeout, none_ec;
    ivs.async_get_stage(found,
                        asio::bind_executor(strand, [&](error_code ec, model::get_stage_result) {
                            ++calls;
                            got_ec = ec;
                            got_on_strand = strand.running_in_this_thread();
                        }));
    ivs.async_get_stage(missing,
                        asio::bind_executor(strand, [&](error_code ec, model::get_stage_result) {
                            ++calls;
                            none_ec = ec;
                            none_on_strand = strand.running_in_this_thread();
                        }));
    BOOST_TEST(!strand.running_in_this_thread());
    run_until([&] { return calls == 2; });
    BOOST_TEST(!got_ec, got_ec.message());
    BOOST_TEST(got_on_strand);
    BOOST_TEST(none_ec == errc::resource_not_found);
    BOOST_TEST(none_on_strand);
}

BOOST_AUTO_TEST_SUITE_END()

// The handler's associated allocator is what the call allocates its state with: for an
// operation, a page and an item alike (a page's handler did not pass it on before).
BOOST_FIXTURE_TEST_CASE(bind_allocator, emulator_fixture) {
    int operation_allocations = 0, page_allocations = 0, item_allocations = 0, calls = 0;
    error_code operation_ec = errc::timeout, page_ec = errc::timeout, item_ec = errc::timeout;
    ivs.async_get_stage(found,
                        asio::bind_allocator(counting_allocator<void>(&operation_allocations),
                                             [&](error_code ec, model::get_stage_result) {
                                                 ++calls;
                                                 operation_ec = ec;
                                             }));
    auto pages = ivs.list_stages_pages(first_page);
    pages.async_next(asio::bind_allocator(counting_allocator<void>(&page_allocations),
                                          [&](error_code ec, std::optional<page_t>) {
                                              ++calls;
                                              page_ec = ec;
                                          }));
    auto items = ivs.list_stages_items(first_page);
    items.async_next(asio::bind_allocator(counting_allocator<void>(&item_allocations),
                                          [&](error_code ec, std::optional<item_t>) {
                                              ++calls;
                                              item_ec = ec;
                                          }));
    run_until([&] { return calls == 3; });
    BOOST_TEST(!operation_ec, operation_ec.message());
    BOOST_TEST(!page_ec, page_ec.message());
    BOOST_TEST(!item_ec, item_ec.message());
    BOOST_TEST(operation_allocations > 0);
    BOOST_TEST(page_allocations > 0);
    BOOST_TEST(item_allocations > 0);
}

// ---------------------------------------------------------------------------------------------
BOOST_FIXTURE_TEST_SUITE(paginator, emulator_fixture)

BOOST_AUTO_TEST_CASE(default_token) {
    run([&]() -> asio::awaitable<void> {
        auto pages = ivs.list_stages_pages(first_page);
        const auto page = co_await pages.async_next();
        BOOST_TEST_REQUIRE(page.has_value());
        BOOST_TEST(page->stages.size() == 1u);
        BOOST_TEST(page->next_token.has_value());
        auto bad = ivs.list_stages_pages(bad_token);
        std::optional<error_code> thrown;
        try {
            co_await bad.async_next();
        } catch (const ivsrt::error_with_diagnostics& e) {
            thrown = e.code();
        }
        BOOST_TEST_REQUIRE(thrown.has_value());
        BOOST_TEST(*thrown == errc::validation);
        BOOST_TEST(bad.done());
    });
}

BOOST_AUTO_TEST_CASE(as_tuple_use_awaitable) {
    run([&]() -> asio::awaitable<void> {
        auto pages = ivs.list_stages_pages(first_page);
        auto [ec, page] = co_await pages.async_next(asio::as_tuple(asio::use_awaitable));
        BOOST_TEST(!ec, ec.message());
        BOOST_TEST_REQUIRE(page.has_value());
        BOOST_TEST(page->stages.size() == 1u);
        auto bad = ivs.list_stages_pages(bad_token);
        auto [ec2, none] = co_await bad.async_next(asio::as_tuple(asio::use_awaitable));
        BOOST_TEST(ec2 == errc::validation);
        BOOST_TEST(!none.has_value());
    });
}

BOOST_AUTO_TEST_CASE(deferred) {
    run([&]() -> asio::awaitable<void> {
        auto pages = ivs.list_stages_pages(first_page);
        auto next = pages.async_next(asio::deferred);
        BOOST_TEST(requests_of("ListStages") == 0u);
        const auto page = co_await std::move(next);
        BOOST_TEST(requests_of("ListStages") == 1u);
        BOOST_TEST_REQUIRE(page.has_value());
        BOOST_TEST(page->stages.size() == 1u);
        auto bad = ivs.list_stages_pages(bad_token);
        std::optional<error_code> thrown;
        try {
            co_await bad.async_next(asio::deferred);
        } catch (const boost::system::system_error& e) {
            thrown = e.code();
        }
        BOOST_TEST_REQUIRE(thrown.has_value());
        BOOST_TEST(*thrown == errc::validation);
    });
}

BOOST_AUTO_TEST_CASE(use_future) {
    auto pages = ivs.list_stages_pages(first_page);
    auto bad = ivs.list_stages_pages(bad_token);
    std::future<std::optional<page_t>> page = pages.async_next(asio::use_future);
    std::future<std::optional<page_t>> none = bad.async_next(asio::use_future);
    run_until([&] { return ready(page) && ready(none); });
    const auto result = page.get();
    BOOST_TEST_REQUIRE(result.has_value());
    BOOST_TEST(result->stages.size() == 1u);
    std::optional<error_code> thrown;
    try {
        none.get();
    } catch (const boost::system::system_error& e) {
        thrown = e.code();
    }
    BOOST_TEST_REQUIRE(thrown.has_value());
    BOOST_TEST(*thrown == errc::validation);
}

// Pages and items, each callback called exactly once per async_next.
BOOST_AUTO_TEST_CASE(callback) {
    auto pages = ivs.list_stages_pages(first_page);
    auto items = ivs.list_stages_items(first_page);
    auto bad = ivs.list_stages_items(bad_token);
    int calls = 0;
    error_code page_ec = errc::timeout, item_ec = errc::timeout, bad_ec;
    std::optional<page_t> page;
    std::optional<item_t> item;
    pages.async_next([&](error_code ec, std::optional<page_t> p) {
        ++calls;
        page_ec = ec;
        page = std::move(p);
    });
    items.async_next([&](error_code ec, std::optional<item_t> i) {
        ++calls;
        item_ec = ec;
        item = std::move(i);
    });
    bad.async_next([&](error_code ec, std::optional<item_t>) {
        ++calls;
        bad_ec = ec;
    });
    run_until([&] { return calls == 3; });
    ioc.restart();
    ioc.run();  // nothing else completes
    BOOST_TEST(calls == 3);
    BOOST_TEST(!page_ec, page_ec.message());
    BOOST_TEST_REQUIRE(page.has_value());
    BOOST_TEST(page->stages.size() == 1u);
    BOOST_TEST(!item_ec, item_ec.message());
    BOOST_TEST(item.has_value());
    BOOST_TEST(bad_ec == errc::validation);
    BOOST_TEST(bad.done());
}

// A slot that is never emitted changes nothing. (Emitted: the suite paginator_cancelled.)
BOOST_AUTO_TEST_CASE(bind_cancellation_slot) {
    asio::cancellation_signal signal;
    run([&]() -> asio::awaitable<void> {
        auto pages = ivs.list_stages_pages(first_page);
        auto [ec, page] = co_await pages.async_next(
            asio::bind_cancellation_slot(signal.slot(), asio::as_tuple(asio::use_awaitable)));
        BOOST_TEST(!ec, ec.message());
        BOOST_TEST_REQUIRE(page.has_value());
        BOOST_TEST(page->stages.size() == 1u);
        auto bad = ivs.list_stages_pages(bad_token);
        auto [ec2, none] = co_await bad.async_next(
            asio::bind_cancellation_slot(signal.slot(), asio::as_tuple(asio::use_awaitable)));
        BOOST_TEST(ec2 == errc::validation);
    });
}

// Pages and items: the handler runs on the strand bound to it, on success and on error.
BOOST_AUTO_TEST_CASE(bind_executor) {
    auto strand = asio::make_strand(ioc);
    auto pages = ivs.list_stages_pages(first_page);
    auto items = ivs.list_stages_items(first_page);
    auto bad_pages = ivs.list_stages_pages(bad_token);
    auto bad_items = ivs.list_stages_items(bad_token);
    int calls = 0, on_strand = 0;
    error_code page_ec = errc::timeout, item_ec = errc::timeout, bad_page_ec, bad_item_ec;
    // Each handler counts its call, keeps its error and whether it ran on the strand.
    auto done = [&](error_code& out, error_code ec) {
        ++calls;
        out = ec;
        on_strand += strand.running_in_this_thread();
    };
    pages.async_next(asio::bind_executor(
        strand, [&](error_code ec, std::optional<page_t>) { done(page_ec, ec); }));
    items.async_next(asio::bind_executor(
        strand, [&](error_code ec, std::optional<item_t>) { done(item_ec, ec); }));
    bad_pages.async_next(asio::bind_executor(
        strand, [&](error_code ec, std::optional<page_t>) { done(bad_page_ec, ec); }));
    bad_items.async_next(asio::bind_executor(
        strand, [&](error_code ec, std::optional<item_t>) { done(bad_item_ec, ec); }));
    run_until([&] { return calls == 4; });
    BOOST_TEST(on_strand == 4);
    BOOST_TEST(!page_ec, page_ec.message());
    BOOST_TEST(!item_ec, item_ec.message());
    BOOST_TEST(bad_page_ec == errc::validation);
    BOOST_TEST(bad_item_ec == errc::validation);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
// asio::bind_cancellation_slot, emitted: a loopback server reads the request and never answers;
// when it holds the request it emits the signal (a terminal cancellation), so the call is in the
// middle of its exchange.

BOOST_FIXTURE_TEST_SUITE(operation_cancelled, client_fixture)

BOOST_AUTO_TEST_CASE(bind_cancellation_slot) {
    asio::cancellation_signal signal;
    service.hold_and_cancel(signal);
    ivsrt::client ivs(ioc.get_executor(), config());
    int calls = 0;
    error_code got;
    ivs.async_get_stage(
        ivsrt::test::get_stage,
        asio::bind_cancellation_slot(signal.slot(), [&](error_code ec, model::get_stage_result) {
            ++calls;
            got = ec;
            server.stop();
        }));
    ioc.run();
    BOOST_TEST(calls == 1);
    BOOST_TEST(got == errc::cancelled);
    BOOST_TEST(service.requests.size() == 1u);
    BOOST_TEST(ivs.connection_stats().discards == 1u);  // the connection is not reused
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(paginator_cancelled, client_fixture)

// The stream is not done: the next async_next would ask for the same page.
BOOST_AUTO_TEST_CASE(bind_cancellation_slot_on_pages) {
    asio::cancellation_signal signal;
    service.hold_and_cancel(signal);
    ivsrt::client ivs(ioc.get_executor(), config());
    auto pages = ivs.list_stages_pages({});
    int calls = 0;
    error_code got;
    pages.async_next(
        asio::bind_cancellation_slot(signal.slot(), [&](error_code ec, std::optional<page_t> p) {
            ++calls;
            got = ec;
            BOOST_TEST(!p.has_value());
            server.stop();
        }));
    ioc.run();
    BOOST_TEST(calls == 1);
    BOOST_TEST(got == errc::cancelled);
    BOOST_TEST(!pages.done());
    BOOST_TEST(service.requests.size() == 1u);
}

// The same through item_stream, which composes page fetches: the slot reaches the fetch.
BOOST_AUTO_TEST_CASE(bind_cancellation_slot_on_items) {
    asio::cancellation_signal signal;
    service.hold_and_cancel(signal);
    ivsrt::client ivs(ioc.get_executor(), config());
    auto items = ivs.list_stages_items({});
    int calls = 0;
    error_code got;
    items.async_next(
        asio::bind_cancellation_slot(signal.slot(), [&](error_code ec, std::optional<item_t> i) {
            ++calls;
            got = ec;
            BOOST_TEST(!i.has_value());
            server.stop();
        }));
    ioc.run();
    BOOST_TEST(calls == 1);
    BOOST_TEST(got == errc::cancelled);
    BOOST_TEST(!items.done());
    BOOST_TEST(service.requests.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
