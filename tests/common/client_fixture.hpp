// Test helper: an ivsrt::client against a loopback server scripted by each test (the canned
// responses of a scripted_service), both on one io_context. Used by the tests of the client and
// of its parts (paginators, completion tokens, configuration). Include after Boost.Test.
#pragma once

#include "loopback_server.hpp"
#include "run_guarded.hpp"

#include <ivsrt/client.hpp>

#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <initializer_list>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Lets BOOST_TEST print an expected errc.
namespace ivsrt {
inline std::ostream& operator<<(std::ostream& os, errc e) {
    return os << to_string(e);
}
}  // namespace ivsrt

namespace ivsrt::test {

inline constexpr std::string_view access_key = "AKIDEXAMPLE";
inline constexpr std::string_view secret_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
inline constexpr std::string_view stage_arn =
    "arn:aws:ivs:us-west-2:123456789012:stage/abcdABCDefgh";

// Requests are named before a co_await: g++ 12 destroys a braced aggregate temporary inside a
// co_await expression twice (a compiler bug; clang is fine). See the README.
inline const model::get_stage_request get_stage{.arn = std::string(stage_arn)};

using request_t = http::request<http::string_body>;
using response_t = http::response<http::string_body>;

inline response_t make_response(
    unsigned status, std::string body,
    std::initializer_list<std::pair<std::string, std::string>> headers = {}) {
    response_t res{static_cast<http::status>(status), 11};
    for (const auto& [name, value] : headers) res.set(name, value);
    res.body() = std::move(body);
    return res;
}

// Settings read from nowhere: an empty environment and no home directory.
inline ivsrt::config_sources isolated_sources() {
    ivsrt::config_sources sources;
    sources.env = ivsrt::environment(std::map<std::string, std::string, std::less<>>{});
    sources.home_directory = "/nonexistent";
    return sources;
}

// A client of the test server at `url`: the test credentials, isolated settings, no pacing.
inline ivsrt::client_config test_config(const asio::any_io_executor& ex, std::string url) {
    ivsrt::client_config c;
    c.region = "us-west-2";
    c.endpoint_url = std::move(url);
    c.credentials = ivsrt::make_static_provider(ex, {.access_key_id = std::string(access_key),
                                                     .secret_access_key = std::string(secret_key),
                                                     .provider = "test"});
    c.sources = isolated_sources();
    c.pacing.enabled = false;
    return c;
}

// The server side of a test: replies to each request with the next canned response (or, when
// none is left, 200 "{}") and records the requests. A response with status 0 means "read the
// request, then hold the connection without answering" (until the server stops).
struct scripted_service {
    std::deque<response_t> responses;
    std::vector<request_t> requests;
    std::function<void()> on_hold;  // called when a request is held

    // When a request is held, a terminal cancellation on `signal`: a caller cancelling mid-call.
    void cancel_on_hold(asio::cancellation_signal& signal) {
        on_hold = [&signal] { signal.emit(asio::cancellation_type::terminal); };
    }
    // The next request is held (until the client closes) and cancelled meanwhile through `signal`.
    void hold_and_cancel(asio::cancellation_signal& signal) {
        responses.push_back(make_response(0, ""));
        cancel_on_hold(signal);
    }

    server_script script() {
        return [this](server_connection& c) -> asio::awaitable<void> {
            for (;;) {
                request_t req;
                if (!co_await c.read(req)) co_return;
                requests.push_back(req);
                response_t res = make_response(200, "{}");
                if (!responses.empty()) {
                    res = std::move(responses.front());
                    responses.pop_front();
                }
                if (res.result_int() == 0) {
                    if (on_hold) on_hold();
                    request_t more;
                    co_await c.read(more);  // returns when the client closes
                    co_return;
                }
                if (!co_await c.send(res)) co_return;
            }
        };
    }
};

struct client_fixture {
    // One thread: the pool runs its connections without strands (the TLS tests and test_pool
    // cover the strand case).
    asio::io_context ioc{1};
    scripted_service service;
    loopback_server server{ioc.get_executor(), service.script()};
    const std::uint16_t port = server.port();
    std::vector<ivsrt::client_event> events;
    std::vector<std::string> event_codes;  // copies of the events' views

    ivsrt::client_config config(std::string scheme = "http") {
        ivsrt::client_config c =
            test_config(ioc.get_executor(), scheme + "://127.0.0.1:" + std::to_string(port));
        // uniform() == 0.5 for every draw: backoff delays are exactly half their ceiling.
        c.random = [] { return std::uint64_t{1} << 63; };
        c.on_event = [this](const ivsrt::client_event& e) {
            events.push_back(e);
            event_codes.emplace_back(e.aws_error_code);
            events.back().operation = {};
            events.back().aws_error_code = {};
            events.back().request_id = {};
            events.back().detail = {};
        };
        return c;
    }

    // Runs `body` to completion, then stops the server so that every loop ends, and rethrows
    // what escaped `body` (run_guarded.hpp).
    template <class F>
    void run(F body) {
        run_on(ioc, std::move(body), [this] { server.stop(); });
    }

    std::vector<std::chrono::nanoseconds> retry_delays() const {
        std::vector<std::chrono::nanoseconds> out;
        for (const auto& e : events) {
            if (e.kind == ivsrt::client_event_kind::retry) out.push_back(e.duration);
        }
        return out;
    }
};

inline std::string header(const request_t& r, std::string_view name) {
    auto it = r.find(name);
    return it == r.end() ? std::string() : std::string(it->value());
}

}  // namespace ivsrt::test
