// Tests for ivsrt/diagnostics.hpp and ivsrt/with_diagnostics.hpp: the error details and the
// completion-token adapter that turns them into exceptions.
#define BOOST_TEST_MODULE test_diagnostics
#include <boost/test/unit_test.hpp>

#include <ivsrt/diagnostics.hpp>
#include <ivsrt/with_diagnostics.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <optional>
#include <string>

namespace asio = boost::asio;
using boost::system::error_code;

BOOST_AUTO_TEST_CASE(service_error_text_names_code_message_status_and_request_id) {
    ivsrt::diagnostics d;
    d.assign_service_error("ResourceNotFoundException", "Stage not found", "req-1", 404);
    BOOST_TEST(d.to_string() ==
               "ResourceNotFoundException: Stage not found (HTTP 404, request id req-1)");
    BOOST_TEST(d.aws_error_code() == "ResourceNotFoundException");
    BOOST_TEST(d.http_status() == 404u);
}

BOOST_AUTO_TEST_CASE(client_error_text_is_the_message_alone) {
    ivsrt::diagnostics d;
    d.assign_service_error("X", "y", "z", 500);
    d.assign_client_error("create_stage.name: length 200 is above the maximum 128");
    BOOST_TEST(d.to_string() == "create_stage.name: length 200 is above the maximum 128");
    BOOST_TEST(d.aws_error_code().empty());
    BOOST_TEST(d.request_id().empty());
    BOOST_TEST(d.http_status() == 0u);
}

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
