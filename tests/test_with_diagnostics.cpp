// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#define BOOST_TEST_MODULE test_with_diagnostics
#include <boost/test/unit_test.hpp>

// Tests for ivsrt/with_diagnostics.hpp: the completion-token adapter that turns an operation's
// error_code and diagnostics into an ivsrt::error_with_diagnostics, which the default token of
// every ivsrt operation uses. First its contract with any initiation, on a stand-in operation;
// then the client's operations and paginators, against the in-process emulator and a scripted
// loopback server.

#include "common/client_fixture.hpp"
#include "common/client_on_emulator.hpp"

#include <ivsrt/diagnostics.hpp>
#include <ivsrt/with_diagnostics.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <exception>
#include <future>
#include <optional>
#include <string>

namespace asio = boost::asio;
namespace model = ivsrt::model;
using boost::system::error_code;
using ivsrt::errc;
using ivsrt::test::client_fixture;
using ivsrt::test::client_on_emulator;
using ivsrt::test::get_stage;
using ivsrt::test::make_response;
using namespace std::chrono_literals;

namespace {

// A stand-in ivsrt operation: completes with `ec` and 42, filling the diagnostics on error.
// Initiations of ivsrt operations take (handler, diagnostics*, args...).
struct fake_initiation {
    asio::io_context* ioc;
    template <class Handler>
    void operator()(Handler&& handler, ivsrt::diagnostics* diag, error_code ec) {
        if (ec) diag->assign_service_error("ThrottlingException", "slow down", "rid-7", 429);
        asio::post(*ioc, [h = std::move(handler), ec]() mutable { std::move(h)(ec, 42); });
    }
};

template <class Token>
auto async_fake(asio::io_context& ioc, ivsrt::diagnostics* diag, error_code ec, Token&& token) {
    return asio::async_initiate<Token, void(error_code, int)>(fake_initiation{&ioc}, token, diag,
                                                              ec);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The adapter's contract, on a stand-in operation.
BOOST_AUTO_TEST_SUITE(stand_in_operation)

BOOST_AUTO_TEST_CASE(default_token_throws_error_with_diagnostics_in_coroutines) {
    asio::io_context ioc;
    std::optional<ivsrt::error_with_diagnostics> caught;
    int value = 0;
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            value = co_await async_fake(ioc, nullptr, {}, ivsrt::default_token_t{});
            try {
                co_await async_fake(ioc, nullptr, ivsrt::errc::throttling,
                                    ivsrt::default_token_t{});
            } catch (const ivsrt::error_with_diagnostics& e) {
                caught.emplace(e);
            }
        },
        [](std::exception_ptr e) {
            if (e) std::rethrow_exception(e);
        });
    ioc.run();
    BOOST_TEST(value == 42);
    BOOST_REQUIRE(caught.has_value());
    BOOST_TEST((caught->code() == ivsrt::errc::throttling));
    BOOST_TEST(caught->get_diagnostics().request_id() == "rid-7");
    BOOST_TEST(caught->get_diagnostics().http_status() == 429u);
    BOOST_TEST(std::string(caught->what())
                   .find("ThrottlingException: slow down (HTTP 429, request id rid-7)") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(with_diagnostics_fills_the_callers_diagnostics_too) {
    asio::io_context ioc;
    ivsrt::diagnostics mine;
    bool threw = false;
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            try {
                co_await async_fake(ioc, &mine, ivsrt::errc::throttling, ivsrt::default_token_t{});
            } catch (const ivsrt::error_with_diagnostics& e) {
                threw = e.get_diagnostics() == mine;
            }
        },
        asio::detached);
    ioc.run();
    BOOST_TEST(threw);
    BOOST_TEST(mine.aws_error_code() == "ThrottlingException");
}

BOOST_AUTO_TEST_CASE(other_tokens_get_the_error_code) {
    asio::io_context ioc;
    ivsrt::diagnostics diag;
    error_code got;
    int value = 0;
    async_fake(ioc, &diag, ivsrt::errc::throttling, [&](error_code ec, int v) {
        got = ec;
        value = v;
    });
    ioc.run();
    BOOST_TEST((got == ivsrt::errc::throttling));
    BOOST_TEST(value == 42);
    BOOST_TEST(diag.message() == "slow down");
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
// The client's operations and paginators.

namespace {

// A stage ARN of the emulator's account that no test creates.
const model::get_stage_request missing{.arn =
                                           "arn:aws:ivs:us-east-1:123456789012:stage/nOsUcHsTaGe0"};

// Checks the exception a GetStage of `missing` ends with on the emulator.
void check_not_found(const ivsrt::error_with_diagnostics& e) {
    BOOST_TEST(e.code() == errc::resource_not_found);
    const ivsrt::diagnostics& d = e.get_diagnostics();
    BOOST_TEST(d.aws_error_code() == "ResourceNotFoundException");
    BOOST_TEST(d.http_status() == 404u);
    BOOST_TEST(!d.request_id().empty());
    BOOST_TEST(e.what() == d.to_string());
}

// The error_with_diagnostics in `e`, if that is what it holds.
std::optional<ivsrt::error_with_diagnostics> caught(std::exception_ptr e) {
    try {
        if (e) std::rethrow_exception(e);
    } catch (const ivsrt::error_with_diagnostics& x) {
        return x;
    } catch (...) {
    }
    return std::nullopt;
}

// The error_with_diagnostics an awaited call throws, if it throws one.
template <class T>
asio::awaitable<std::optional<ivsrt::error_with_diagnostics>> thrown_by(asio::awaitable<T> call) {
    std::optional<ivsrt::error_with_diagnostics> error;
    try {
        co_await std::move(call);
    } catch (const ivsrt::error_with_diagnostics& e) {
        error.emplace(e);
    }
    co_return error;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(client_operations, client_on_emulator)

// The default token: the result, or an exception carrying what the service said.
BOOST_AUTO_TEST_CASE(default_token_returns_the_result_or_throws_the_service_error) {
    run([&]() -> asio::awaitable<void> {
        const model::create_stage_request create{.name = "with-diagnostics"};
        const auto created = co_await ivs.async_create_stage(create);
        BOOST_TEST_REQUIRE(created.stage.has_value());
        const model::get_stage_request get{.arn = created.stage->arn};
        const auto got = co_await ivs.async_get_stage(get);
        BOOST_TEST_REQUIRE(got.stage.has_value());
        BOOST_TEST(got.stage->arn == created.stage->arn);

        const auto error = co_await thrown_by(ivs.async_get_stage(missing));
        BOOST_TEST_REQUIRE(error.has_value());
        check_not_found(*error);
    });
}

// A client-side error throws too: the reason is the message, with no AWS code, status or id.
BOOST_AUTO_TEST_CASE(client_side_errors_throw_with_the_reason) {
    run([&]() -> asio::awaitable<void> {
        const model::create_participant_token_request invalid{.stage_arn = "not-an-arn"};
        const auto error = co_await thrown_by(ivs.async_create_participant_token(invalid));
        BOOST_TEST_REQUIRE(error.has_value());
        BOOST_TEST(error->code() == errc::invalid_request);
        const ivsrt::diagnostics& d = error->get_diagnostics();
        BOOST_TEST(d.aws_error_code().empty());
        BOOST_TEST(d.http_status() == 0u);
        BOOST_TEST(d.request_id().empty());
        BOOST_TEST(std::string(error->what()).find("create_participant_token.stage_arn") !=
                   std::string::npos);
    });
    BOOST_TEST(emu.log().empty());  // nothing was sent
}

// With the caller's diagnostics: they are filled, and the exception carries the same.
BOOST_AUTO_TEST_CASE(the_callers_diagnostics_are_filled_and_carried) {
    run([&]() -> asio::awaitable<void> {
        ivsrt::diagnostics mine;
        const auto error = co_await thrown_by(
            ivs.async_get_stage(missing, mine, ivsrt::with_diagnostics(asio::use_awaitable)));
        BOOST_TEST_REQUIRE(error.has_value());
        check_not_found(*error);
        BOOST_TEST((error->get_diagnostics() == mine));
        BOOST_TEST(mine.aws_error_code() == "ResourceNotFoundException");
    });
}

// with_diagnostics(as_tuple(...)): the exception_ptr in the tuple, no throw.
BOOST_AUTO_TEST_CASE(wraps_as_tuple) {
    run([&]() -> asio::awaitable<void> {
        const model::create_stage_request create{.name = "tuple"};
        auto [e1, created] = co_await ivs.async_create_stage(
            create, ivsrt::with_diagnostics(asio::as_tuple(asio::use_awaitable)));
        BOOST_TEST(!e1);
        BOOST_TEST(created.stage.has_value());
        auto [e2, got] = co_await ivs.async_get_stage(
            missing, ivsrt::with_diagnostics(asio::as_tuple(asio::use_awaitable)));
        const auto error = caught(e2);
        BOOST_TEST_REQUIRE(error.has_value());
        check_not_found(*error);
        BOOST_TEST(!got.stage.has_value());
    });
}

// with_diagnostics(use_future): the future's get() returns the result or throws the exception.
BOOST_AUTO_TEST_CASE(wraps_use_future) {
    const model::create_stage_request create{.name = "future"};
    std::future<model::create_stage_result> created =
        ivs.async_create_stage(create, ivsrt::with_diagnostics(asio::use_future));
    std::future<model::get_stage_result> got =
        ivs.async_get_stage(missing, ivsrt::with_diagnostics(asio::use_future));
    auto ready = [](const auto& f) { return f.wait_for(0s) == std::future_status::ready; };
    run_until([&] { return ready(created) && ready(got); });
    BOOST_TEST(created.get().stage.has_value());
    std::optional<ivsrt::error_with_diagnostics> error;
    try {
        got.get();
    } catch (const ivsrt::error_with_diagnostics& e) {
        error.emplace(e);
    }
    BOOST_TEST_REQUIRE(error.has_value());
    check_not_found(*error);
}

// with_diagnostics(callback): the callback gets an exception_ptr, null on success.
BOOST_AUTO_TEST_CASE(wraps_a_callback) {
    const model::create_stage_request create{.name = "callback"};
    int calls = 0;
    std::exception_ptr created_error = std::make_exception_ptr(std::runtime_error("not called"));
    std::optional<model::stage> stage;
    ivs.async_create_stage(
        create, ivsrt::with_diagnostics([&](std::exception_ptr e, model::create_stage_result r) {
            ++calls;
            created_error = e;
            stage = r.stage;
        }));
    std::exception_ptr got_error;
    ivs.async_get_stage(missing,
                        ivsrt::with_diagnostics([&](std::exception_ptr e, model::get_stage_result) {
                            ++calls;
                            got_error = e;
                        }));
    run_until([&] { return calls == 2; });
    BOOST_TEST(!created_error);
    BOOST_TEST(stage.has_value());
    const auto error = caught(got_error);
    BOOST_TEST_REQUIRE(error.has_value());
    check_not_found(*error);
}

// The wrapped handler's executor is kept: the callback runs on its strand, on success and error.
BOOST_AUTO_TEST_CASE(the_handlers_executor_is_kept) {
    auto strand = asio::make_strand(ioc);
    const model::create_stage_request create{.name = "strand"};
    int calls = 0;
    bool created_on_strand = false, failed_on_strand = false;
    std::exception_ptr created_error, got_error;
    ivs.async_create_stage(create,
                           ivsrt::with_diagnostics(asio::bind_executor(
                               strand, [&](std::exception_ptr e, model::create_stage_result) {
                                   ++calls;
                                   created_on_strand = strand.running_in_this_thread();
                                   created_error = e;
                               })));
    ivs.async_get_stage(missing, ivsrt::with_diagnostics(asio::bind_executor(
                                     strand, [&](std::exception_ptr e, model::get_stage_result) {
                                         ++calls;
                                         failed_on_strand = strand.running_in_this_thread();
                                         got_error = e;
                                     })));
    run_until([&] { return calls == 2; });
    BOOST_TEST(!created_error);
    BOOST_TEST(created_on_strand);
    BOOST_TEST(caught(got_error).has_value());
    BOOST_TEST(failed_on_strand);
}

// Paginators use the same default token: async_next throws what ended the stream.
BOOST_AUTO_TEST_CASE(paginators_throw_with_diagnostics) {
    run([&]() -> asio::awaitable<void> {
        auto pages = ivs.list_stages_pages({});
        const auto page = co_await pages.async_next();
        BOOST_TEST(page.has_value());

        auto items = ivs.list_stages_items({.next_token = "garbage"});
        const auto error = co_await thrown_by(items.async_next());
        BOOST_TEST_REQUIRE(error.has_value());
        BOOST_TEST(error->code() == errc::validation);
        BOOST_TEST(error->get_diagnostics().message() == "invalid nextToken");
        BOOST_TEST(items.done());
    });
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(scripted_server)

BOOST_FIXTURE_TEST_CASE(default_token_throws_error_with_diagnostics, client_fixture) {
    service.responses.push_back(make_response(
        404, R"({"message":"Stage not found"})",
        {{"x-amzn-ErrorType", "ResourceNotFoundException"}, {"x-amzn-RequestId", "abc-123"}}));
    ivsrt::client ivs(ioc.get_executor(), config());
    run([&]() -> asio::awaitable<void> {
        try {
            co_await ivs.async_get_stage(get_stage);
            BOOST_FAIL("no exception");
        } catch (const ivsrt::error_with_diagnostics& e) {
            BOOST_TEST(e.code() == errc::resource_not_found);
            BOOST_TEST(e.get_diagnostics().request_id() == "abc-123");
            BOOST_TEST(e.get_diagnostics().http_status() == 404u);
            BOOST_TEST(std::string(e.what()).find("Stage not found") != std::string::npos);
        }
    });
}

// A success whose body does not decode throws too, with the reason.
BOOST_FIXTURE_TEST_CASE(default_token_throws_on_an_undecodable_body, client_fixture) {
    service.responses.push_back(make_response(200, R"({"stage": 7})"));
    ivsrt::client ivs(ioc.get_executor(), config());
    run([&]() -> asio::awaitable<void> {
        const auto error = co_await thrown_by(ivs.async_get_stage(get_stage));
        BOOST_TEST_REQUIRE(error.has_value());
        BOOST_TEST(error->code() == errc::invalid_response);
        BOOST_TEST(error->get_diagnostics().message() ==
                   "unexpected response body: stage: expected an object");
    });
}

// A default-token call is cancelled with the coroutine that awaits it (here through co_spawn's
// completion token), and throws that.
BOOST_FIXTURE_TEST_CASE(default_token_calls_are_cancelled_with_their_coroutine, client_fixture) {
    asio::cancellation_signal signal;
    service.hold_and_cancel(signal);
    ivsrt::client ivs(ioc.get_executor(), config());
    run([&]() -> asio::awaitable<void> {
        ivsrt::diagnostics diag;
        const auto ex = co_await asio::this_coro::executor;
        const auto error = co_await asio::co_spawn(
            ex, thrown_by(ivs.async_get_stage(get_stage, diag)),
            asio::bind_cancellation_slot(signal.slot(), asio::use_awaitable));
        BOOST_TEST_REQUIRE(error.has_value());
        BOOST_TEST(error->code() == errc::cancelled);
        BOOST_TEST(diag.message() == error->get_diagnostics().message());
    });
    BOOST_TEST(service.requests.size() == 1u);
}

// The wrapped handler's cancellation slot is kept: a terminal cancel ends the call, and the
// exception says so.
BOOST_FIXTURE_TEST_CASE(the_handlers_cancellation_slot_is_kept, client_fixture) {
    asio::cancellation_signal signal;
    service.hold_and_cancel(signal);
    ivsrt::client ivs(ioc.get_executor(), config());
    run([&]() -> asio::awaitable<void> {
        const auto error = co_await thrown_by(
            ivs.async_get_stage(get_stage, ivsrt::with_diagnostics(asio::bind_cancellation_slot(
                                               signal.slot(), asio::use_awaitable))));
        BOOST_TEST_REQUIRE(error.has_value());
        BOOST_TEST(error->code() == errc::cancelled);
        BOOST_TEST(error->get_diagnostics().http_status() == 0u);
    });
    BOOST_TEST(service.requests.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
