// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#define BOOST_TEST_MODULE test_client_config
#include <boost/test/unit_test.hpp>

// Tests for ivsrt/client_config.hpp: what a client is built from. The defaults; settings the
// constructor refuses, with a message naming the setting; where unset settings come from (the
// environment) and that settings in code win; the events on_event receives. Then what the
// settings do end to end: resending after a partial response only when idempotent (the
// emulator's truncate and reset-after faults), FIPS and dual-stack endpoints, the adaptive retry
// mode, the retry quota, cancellation during a backoff wait, the pool settings, and events that
// hold no secret. Clients run against the in-process emulator or a loopback server scripted by
// the test.

#include "common/client_fixture.hpp"
#include "common/client_on_emulator.hpp"
#include "common/header_injection.hpp"

#include <ivsrt/client.hpp>
#include <ivsrt/client_config.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace asio = boost::asio;
namespace model = ivsrt::model;
using ivsrt::errc;
using ivsrt::test::client_fixture;
using ivsrt::test::client_on_emulator;
using ivsrt::test::get_stage;
using ivsrt::test::isolated_sources;
using ivsrt::test::make_response;
using ivsrt::test::running_emulator;
using namespace std::chrono_literals;
using vars = std::map<std::string, std::string, std::less<>>;

namespace {

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

// How a client constructor refused its configuration.
struct refusal {
    std::string kind;  // "invalid_argument", "system_error", or "none" when it did not refuse
    boost::system::error_code code;
    std::string message;
};

refusal construct(ivsrt::client_config cfg) {
    asio::io_context ioc;
    try {
        ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
    } catch (const std::invalid_argument& e) {
        return {"invalid_argument", {}, e.what()};
    } catch (const boost::system::system_error& e) {
        return {"system_error", e.code(), e.what()};
    }
    return {"none", {}, {}};
}

// A configuration that builds a client: a region and isolated settings.
ivsrt::client_config valid_config() {
    ivsrt::client_config cfg;
    cfg.region = "us-east-1";
    cfg.sources = isolated_sources();
    return cfg;
}

// A stage ARN of the emulator's account that no test creates.
const model::get_stage_request missing{.arn =
                                           "arn:aws:ivs:us-east-1:123456789012:stage/nOsUcHsTaGe0"};

// The endpoint a client built from `cfg` sends to.
std::string endpoint_url_of(ivsrt::client_config cfg) {
    asio::io_context ioc;
    ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
    return ivs.endpoint().url;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(defaults)

BOOST_AUTO_TEST_CASE(defaults_are_the_documented_ones) {
    const ivsrt::client_config cfg;
    BOOST_TEST(cfg.attempt_timeout.count() == 10000);
    BOOST_TEST(cfg.call_timeout.count() == 60000);
    BOOST_TEST(cfg.pacing.enabled);
    // Unset: taken from the environment and the shared files when the client is built.
    BOOST_TEST(!cfg.region.has_value());
    BOOST_TEST(!cfg.endpoint_url.has_value());
    BOOST_TEST(!cfg.use_fips.has_value());
    BOOST_TEST(!cfg.use_dual_stack.has_value());
    BOOST_TEST(!cfg.credentials.has_value());
    BOOST_TEST(!cfg.retry.has_value());
    BOOST_TEST(!cfg.app_id.has_value());
    BOOST_TEST(!cfg.on_event);
    BOOST_TEST(!cfg.random);
    BOOST_TEST(!cfg.wall_clock);
}

BOOST_AUTO_TEST_CASE(event_kinds_have_distinct_stable_names) {
    using kind = ivsrt::client_event_kind;
    BOOST_TEST(ivsrt::to_string(kind::pacing_wait) == "pacing_wait");
    BOOST_TEST(ivsrt::to_string(kind::credentials_refreshed) == "credentials_refreshed");
    BOOST_TEST(ivsrt::to_string(kind::attempt_start) == "attempt_start");
    BOOST_TEST(ivsrt::to_string(kind::pool_wait) == "pool_wait");
    BOOST_TEST(ivsrt::to_string(kind::attempt_end) == "attempt_end");
    BOOST_TEST(ivsrt::to_string(kind::retry) == "retry");
    BOOST_TEST(ivsrt::to_string(static_cast<kind>(200)) == "unknown");
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
// The constructor refuses a configuration it cannot run with, naming the setting.
BOOST_AUTO_TEST_SUITE(construction)

// Also with an endpoint URL (in code or from the environment): nothing is signed for a guessed
// region.
BOOST_AUTO_TEST_CASE(no_region_is_an_endpoint_error) {
    asio::io_context ioc;
    ivsrt::client_config plain;
    plain.sources = isolated_sources();
    ivsrt::client_config with_url = plain;
    with_url.endpoint_url = "http://127.0.0.1:1";
    ivsrt::client_config url_from_env = plain;
    url_from_env.sources.env = ivsrt::environment(vars{{"AWS_ENDPOINT_URL", "http://127.0.0.1:1"}});
    for (auto* cfg : {&plain, &with_url, &url_from_env}) {
        try {
            ivsrt::client ivs(ioc.get_executor(), std::move(*cfg));
            BOOST_ERROR("no exception");
        } catch (const boost::system::system_error& e) {
            BOOST_TEST(e.code() == errc::endpoint);
            BOOST_TEST(std::string(e.what()).starts_with("region: not set"), e.what());
        }
    }
}

BOOST_AUTO_TEST_CASE(region_from_the_environment_gives_the_aws_endpoint) {
    asio::io_context ioc;
    ivsrt::client_config cfg;
    cfg.sources = isolated_sources();
    cfg.sources.env = ivsrt::environment(
        std::map<std::string, std::string, std::less<>>{{"AWS_REGION", "eu-west-1"}});
    ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
    BOOST_TEST(ivs.endpoint().url == "https://ivsrealtime.eu-west-1.amazonaws.com");
}

BOOST_FIXTURE_TEST_CASE(credentials_failure_is_reported, client_fixture) {
    auto cfg = config();
    cfg.credentials.reset();  // the default chain, over an empty environment: nothing found
    cfg.sources.env = ivsrt::environment(
        std::map<std::string, std::string, std::less<>>{{"AWS_EC2_METADATA_DISABLED", "true"}});
    ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
    run([&]() -> asio::awaitable<void> {
        ivsrt::diagnostics diag;
        auto [ec, r] =
            co_await ivs.async_get_stage(get_stage, diag, asio::as_tuple(asio::deferred));
        BOOST_TEST(ec == errc::credentials);
        // Every provider of the chain, and why it had nothing.
        BOOST_TEST(diag.message() ==
                   "GetStage: default chain: no provider is configured: "
                   "environment: AWS_ACCESS_KEY_ID is not set; "
                   "web_identity: AWS_WEB_IDENTITY_TOKEN_FILE is not set; "
                   "profile: no profile 'default' in the config file /nonexistent/.aws/config or "
                   "the credentials file /nonexistent/.aws/credentials; "
                   "container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and "
                   "AWS_CONTAINER_CREDENTIALS_FULL_URI are not set; "
                   "imds: disabled by AWS_EC2_METADATA_DISABLED");
    });
    BOOST_TEST(service.requests.empty());
}

BOOST_AUTO_TEST_CASE(a_valid_configuration_is_accepted) {
    const refusal r = construct(valid_config());
    BOOST_TEST(r.kind == "none", r.message);
}

// Settings in code: std::invalid_argument for the client's own rules, ivsrt::exception (a
// system_error) for the settings resolved like the AWS SDKs'; each message names the setting.
BOOST_AUTO_TEST_CASE(bad_settings_in_code_are_refused_by_name) {
    struct case_t {
        std::string name;
        std::function<void(ivsrt::client_config&)> apply;
        std::string kind;
        std::string message;  // a part of it
    };
    const std::vector<case_t> cases = {
        {"attempt_timeout", [](auto& c) { c.attempt_timeout = 0ms; }, "invalid_argument",
         "attempt_timeout: must be positive"},
        {"call_timeout", [](auto& c) { c.call_timeout = -1ms; }, "invalid_argument",
         "call_timeout: must be positive"},
        {"retry", [](auto& c) { c.retry = ivsrt::retry_config{.max_attempts = 0}; },
         "invalid_argument", "retry_config.max_attempts must be at least 1"},
        {"pacing",
         [](auto& c) {
             c.pacing.operations = {{"GetStage", 0, 1}};
         },
         "invalid_argument", "pacing_config: GetStage: "},
        {"region", [](auto& c) { c.region = ""; }, "system_error", "region must not be empty"},
        {"endpoint_url scheme", [](auto& c) { c.endpoint_url = "ftp://127.0.0.1/"; },
         "system_error", "endpoint_url must use http or https"},
        {"endpoint_url query", [](auto& c) { c.endpoint_url = "http://127.0.0.1/?a=b"; },
         "system_error", "endpoint_url must not have a query or fragment"},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.name) {
            auto cfg = valid_config();
            c.apply(cfg);
            const refusal r = construct(std::move(cfg));
            BOOST_TEST(r.kind == c.kind);
            BOOST_TEST(contains(r.message, c.message), r.message);
        }
    }
}

// User information in an endpoint URL is refused without repeating it.
BOOST_AUTO_TEST_CASE(endpoint_url_with_user_information_is_refused_without_quoting_it) {
    auto cfg = valid_config();
    cfg.endpoint_url = "http://user:SECRETPART@127.0.0.1:4566/";
    const refusal r = construct(std::move(cfg));
    BOOST_TEST(r.kind == "system_error");
    BOOST_TEST(contains(r.message, "endpoint_url must not contain user information"), r.message);
    BOOST_TEST(!contains(r.message, "SECRETPART"), r.message);
}

// The same rules for settings read from the environment: the message names the variable.
BOOST_AUTO_TEST_CASE(bad_settings_from_the_environment_are_refused_by_name) {
    const std::vector<std::pair<vars, std::string>> cases = {
        {{{"AWS_MAX_ATTEMPTS", "0"}}, "AWS_MAX_ATTEMPTS must be at least 1"},
        {{{"AWS_MAX_ATTEMPTS", "three"}}, "AWS_MAX_ATTEMPTS must be a positive integer"},
        {{{"AWS_RETRY_MODE", "fast"}}, "AWS_RETRY_MODE must be standard, adaptive or legacy"},
        {{{"AWS_USE_FIPS_ENDPOINT", "maybe"}}, "AWS_USE_FIPS_ENDPOINT"},
        {{{"AWS_ENDPOINT_URL_IVS_REALTIME", "ftp://127.0.0.1/"}},
         "AWS_ENDPOINT_URL_IVS_REALTIME must use http or https"},
    };
    for (const auto& [env, message] : cases) {
        BOOST_TEST_CONTEXT(env.begin()->first) {
            auto cfg = valid_config();
            cfg.sources.env = ivsrt::environment(env);
            const refusal r = construct(std::move(cfg));
            BOOST_TEST(r.kind == "system_error");
            BOOST_TEST(contains(r.message, message), r.message);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
// CR, LF, NUL (and other control characters) in a setting that becomes a header value are refused
// at construction, naming the setting and never quoting the value. (The same for credentials, at
// the call: test_client, header_injection.)
BOOST_AUTO_TEST_SUITE(header_injection)

using namespace ivsrt::test::injection;

// The app id, explicit or from AWS_SDK_UA_APP_ID: std::invalid_argument at construction.
BOOST_FIXTURE_TEST_CASE(app_id, client_fixture) {
    for (const std::string& bad : bad_chars) {
        for (bool from_env : {false, true}) {
            auto cfg = config();
            if (from_env) {
                cfg.sources.env =
                    ivsrt::environment(std::map<std::string, std::string, std::less<>>{
                        {"AWS_SDK_UA_APP_ID", injected(bad)}});
            } else {
                cfg.app_id = injected(bad);
            }
            try {
                ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
                BOOST_FAIL("no exception");
            } catch (const std::invalid_argument& e) {
                BOOST_TEST(names_without_quoting(e.what(), "app_id: must not contain control"),
                           e.what());
            }
        }
    }
    ioc.poll();
    BOOST_TEST(server.accepted() == 0u);
}

// The endpoint URL's host, explicit or from AWS_ENDPOINT_URL: errc::endpoint at construction.
BOOST_FIXTURE_TEST_CASE(endpoint_url_host, client_fixture) {
    for (const std::string& bad : bad_chars) {
        const std::string url =
            "http://127.0.0.1" + bad + secret_part + "X-Injected:" + std::to_string(port) + "/";
        for (bool from_env : {false, true}) {
            auto cfg = config();
            std::string_view field = "endpoint_url must not contain control characters";
            if (from_env) {
                cfg.endpoint_url.reset();
                cfg.sources.env = ivsrt::environment(
                    std::map<std::string, std::string, std::less<>>{{"AWS_ENDPOINT_URL", url}});
                field = "AWS_ENDPOINT_URL must not contain control characters";
            } else {
                cfg.endpoint_url = url;
            }
            try {
                ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
                BOOST_FAIL("no exception");
            } catch (const boost::system::system_error& e) {
                BOOST_TEST(e.code() == errc::endpoint);
                BOOST_TEST(names_without_quoting(e.what(), field), e.what());
            }
        }
    }
    ioc.poll();
    BOOST_TEST(server.accepted() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
// Where the settings come from: each unset member from the environment (and the shared files,
// test_aws_config), a member set in code before anything else.
BOOST_AUTO_TEST_SUITE(sources)

// Region, endpoint and credentials all from the environment: calls reach the emulator, signed
// with the environment's keys.
BOOST_AUTO_TEST_CASE(unset_settings_come_from_the_environment) {
    running_emulator emu;
    asio::io_context ioc{1};
    const ivsrt::credentials keys = ivsrt::test::default_credentials();
    const std::string url = "http://127.0.0.1:" + std::to_string(emu.port());
    ivsrt::client_config cfg;
    cfg.sources.env = ivsrt::environment(vars{{"AWS_REGION", "us-east-1"},
                                              {"AWS_ENDPOINT_URL_IVS_REALTIME", url},
                                              {"AWS_ACCESS_KEY_ID", keys.access_key_id},
                                              {"AWS_SECRET_ACCESS_KEY", keys.secret_access_key}});
    cfg.sources.home_directory = "/nonexistent";
    cfg.wall_clock = [&emu] { return emu.now(); };
    cfg.pacing.enabled = false;
    std::vector<std::string> providers;
    cfg.on_event = [&](const ivsrt::client_event& e) {
        if (e.kind == ivsrt::client_event_kind::credentials_refreshed) {
            providers.emplace_back(e.detail);
        }
    };
    ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
    BOOST_TEST(ivs.endpoint().url == url);

    bool created = false;
    const model::create_stage_request create{.name = "from-the-environment"};
    ivs.async_create_stage(create, [&](boost::system::error_code ec, model::create_stage_result r) {
        BOOST_TEST(!ec, ec.message());
        created = r.stage.has_value();
    });
    ioc.run();
    BOOST_TEST(created);
    BOOST_TEST(providers == (std::vector<std::string>{"environment"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(settings_in_code_win_over_the_environment) {
    auto cfg = valid_config();
    cfg.sources.env = ivsrt::environment(vars{{"AWS_REGION", "us-west-2"}});
    BOOST_TEST(endpoint_url_of(cfg) == "https://ivsrealtime.us-east-1.amazonaws.com");
    cfg.region.reset();
    BOOST_TEST(endpoint_url_of(cfg) == "https://ivsrealtime.us-west-2.amazonaws.com");

    cfg = valid_config();
    cfg.sources.env = ivsrt::environment(vars{{"AWS_USE_FIPS_ENDPOINT", "true"}});
    BOOST_TEST(endpoint_url_of(cfg) == "https://ivsrealtime-fips.us-east-1.amazonaws.com");
    cfg.use_fips = false;
    BOOST_TEST(endpoint_url_of(cfg) == "https://ivsrealtime.us-east-1.amazonaws.com");

    cfg = valid_config();
    cfg.sources.env = ivsrt::environment(vars{{"AWS_ENDPOINT_URL", "http://127.0.0.1:1"}});
    BOOST_TEST(endpoint_url_of(cfg) == "http://127.0.0.1:1");
    cfg.endpoint_url = "http://127.0.0.1:2";
    BOOST_TEST(endpoint_url_of(cfg) == "http://127.0.0.1:2");
}

// Retries: AWS_MAX_ATTEMPTS when client_config::retry is unset, the retry config when set.
// Every GetStage of the emulator fails with 503, so each call makes all its attempts.
BOOST_AUTO_TEST_CASE(max_attempts_from_the_environment_unless_retry_is_set) {
    ivsrt::emulator::options opts;
    opts.faults = {ivsrt::emulator::parse_fault("503:op=GetStage")};
    running_emulator emu(opts);
    asio::io_context ioc{1};
    auto call_once = [&](ivsrt::client_config cfg) {
        cfg.random = [] { return std::uint64_t{0}; };  // no backoff
        ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
        boost::system::error_code got;
        ivs.async_get_stage(
            missing, [&](boost::system::error_code ec, model::get_stage_result) { got = ec; });
        ioc.restart();
        ioc.run();
        return got;
    };
    auto attempts = [&] {
        std::size_t n = 0;
        for (const auto& line : emu.log()) n += contains(line, " GetStage 503 ");
        return n;
    };
    auto cfg = ivsrt::test::client_config_for(emu, ioc.get_executor());
    cfg.sources.env = ivsrt::environment(vars{{"AWS_MAX_ATTEMPTS", "2"}});
    BOOST_TEST(call_once(cfg).failed());
    BOOST_TEST(attempts() == 2u);
    cfg.retry = ivsrt::retry_config{.max_attempts = 1};
    BOOST_TEST(call_once(cfg).failed());
    BOOST_TEST(attempts() == 3u);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(events)

// What on_event receives for a call that succeeds at once, then for one retried after a 503:
// the steps in order, with the operation, attempt, status and AWS code, and never a secret.
BOOST_AUTO_TEST_CASE(on_event_reports_each_step_of_a_call) {
    ivsrt::emulator::options opts;
    opts.faults = {ivsrt::emulator::parse_fault("503:every=2:op=GetStage")};  // the 2nd GetStage
    running_emulator emu(opts);
    asio::io_context ioc{1};
    struct seen {
        ivsrt::client_event_kind kind;
        std::string operation;
        unsigned attempt;
        bool failed;
        unsigned http_status;
        std::string aws_error_code;
        bool has_request_id;
        std::string detail;
    };
    std::vector<seen> events;
    std::string all_text;  // every view of every event
    auto cfg = ivsrt::test::client_config_for(emu, ioc.get_executor());
    cfg.random = [] { return std::uint64_t{0}; };  // no backoff
    cfg.on_event = [&](const ivsrt::client_event& e) {
        events.push_back({e.kind, std::string(e.operation), e.attempt, e.error.failed(),
                          e.http_status, std::string(e.aws_error_code), !e.request_id.empty(),
                          std::string(e.detail)});
        for (auto v : {e.operation, e.aws_error_code, e.request_id, e.detail}) {
            all_text.append(v).append("|");
        }
    };
    ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
    int ok = 0;
    for (int i = 0; i < 2; ++i) {
        ivs.async_get_stage(missing, [&](boost::system::error_code ec, model::get_stage_result) {
            ok += ec == errc::resource_not_found;  // the stage does not exist: a service answer
        });
        ioc.restart();
        ioc.run();
    }
    BOOST_TEST(ok == 2);

    using kind = ivsrt::client_event_kind;
    std::vector<kind> kinds;
    for (const auto& e : events) kinds.push_back(e.kind);
    // First call: the provider's credentials, one attempt answered 404. Second call: an attempt
    // answered 503, the retry, an attempt answered 404.
    const std::vector<kind> expected = {
        kind::credentials_refreshed, kind::attempt_start, kind::attempt_end,   kind::attempt_start,
        kind::attempt_end,           kind::retry,         kind::attempt_start, kind::attempt_end};
    BOOST_TEST_REQUIRE(kinds.size() == expected.size());
    for (std::size_t i = 0; i < kinds.size(); ++i) {
        BOOST_TEST_CONTEXT("event " << i) {
            BOOST_TEST(ivsrt::to_string(kinds[i]) == ivsrt::to_string(expected[i]));
            if (i > 0) BOOST_TEST(events[i].operation == "GetStage");
        }
    }
    BOOST_TEST(events[0].detail == "test");  // the static provider of default_credentials()
    BOOST_TEST(events[1].attempt == 1u);
    BOOST_TEST(events[2].http_status == 404u);
    BOOST_TEST(events[2].aws_error_code == "ResourceNotFoundException");
    BOOST_TEST(events[2].has_request_id);
    BOOST_TEST(events[4].http_status == 503u);
    BOOST_TEST(events[4].aws_error_code == "ServiceUnavailableException");
    BOOST_TEST(events[5].attempt == 2u);  // the attempt the retry will send
    BOOST_TEST(events[5].failed);
    BOOST_TEST(events[5].http_status == 503u);
    BOOST_TEST(events[5].detail == "transient error");
    BOOST_TEST(events[6].attempt == 2u);
    BOOST_TEST(events[7].http_status == 404u);
    const auto keys = ivsrt::test::default_credentials();
    BOOST_TEST(!contains(all_text, keys.secret_access_key));
    BOOST_TEST(!contains(all_text, keys.access_key_id));
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
// The client end to end against the emulator's faults and scripted servers: what the README
// promises about resending, retry modes, the retry quota, cancellation, the pool settings and
// the events.

namespace {

using ivsrt::test::run_on;
using ivsrt::test::run_until;

// The emulator's requests of `operation` ("GetStage") so far, faulted or not.
std::size_t requests_of(const running_emulator& emu, std::string_view operation) {
    const std::string needle = " " + std::string(operation) + " ";
    std::size_t n = 0;
    for (const auto& line : emu.log()) n += contains(line, needle);
    return n;
}

// An emulator that injects these faults ("truncate:op=GetStage", ...).
ivsrt::emulator::options with_faults(std::initializer_list<std::string_view> specs) {
    ivsrt::emulator::options opts;
    for (auto spec : specs) opts.faults.push_back(ivsrt::emulator::parse_fault(spec));
    return opts;
}

}  // namespace

// A request whose response had started arriving is resent only for an idempotent operation:
// the service may have acted on it. CreateParticipantToken has no idempotency token, so a second
// send would issue a second token; GetStage and ListTagsForResource only read.
BOOST_AUTO_TEST_SUITE(resend_after_a_partial_response)

// The emulator runs the operation and sends half of the response body, then closes: on the 2nd,
// 4th, ... request of each operation. Each operation is called twice, then once more.
BOOST_AUTO_TEST_CASE(truncated_response_is_resent_only_when_idempotent) {
    running_emulator emu(
        with_faults({"truncate:every=2:op=CreateParticipantToken", "truncate:every=2:op=GetStage",
                     "truncate:every=2:op=ListTagsForResource"}));
    asio::io_context ioc{1};
    auto cfg = ivsrt::test::client_config_for(emu, ioc.get_executor());
    cfg.random = [] { return std::uint64_t{0}; };  // no backoff
    ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
    run_on(ioc, [&]() -> asio::awaitable<void> {
        const model::create_stage_request create{.name = "resend"};
        const auto created = co_await ivs.async_create_stage(create);
        const std::string arn = created.stage->arn;

        // CreateParticipantToken: the 1st call is answered, the 2nd is cut and not resent.
        const model::create_participant_token_request issue{.stage_arn = arn, .user_id = "u1"};
        const auto first = co_await ivs.async_create_participant_token(issue);
        BOOST_TEST(first.participant_token.has_value());
        ivsrt::diagnostics diag;
        auto [ec, second] = co_await ivs.async_create_participant_token(
            issue, diag, asio::as_tuple(asio::use_awaitable));
        BOOST_TEST(ec.failed());
        BOOST_TEST(!second.participant_token.has_value());
        BOOST_TEST(contains(diag.message(),
                            "attempt 1, not resent: the response had started and "
                            "the operation is not idempotent"),
                   diag.message());
        BOOST_TEST(requests_of(emu, "CreateParticipantToken") == 2u);

        // GetStage and ListTagsForResource: the 2nd call's first attempt is cut, its retry
        // answered.
        const model::get_stage_request get{.arn = arn};
        const model::list_tags_for_resource_request tags{.resource_arn = arn};
        for (int i = 0; i < 2; ++i) {
            BOOST_TEST_CONTEXT("call " << i + 1) {
                ivsrt::diagnostics d1, d2;
                auto [e1, got] =
                    co_await ivs.async_get_stage(get, d1, asio::as_tuple(asio::use_awaitable));
                BOOST_TEST(!e1.failed(), d1.to_string());
                BOOST_TEST(got.stage.has_value());
                auto [e2, listed] = co_await ivs.async_list_tags_for_resource(
                    tags, d2, asio::as_tuple(asio::use_awaitable));
                BOOST_TEST(!e2.failed(), d2.to_string());
                BOOST_TEST(listed.tags.empty());
            }
        }
        BOOST_TEST(requests_of(emu, "GetStage") == 3u);
        BOOST_TEST(requests_of(emu, "ListTagsForResource") == 3u);

        // A new call of CreateParticipantToken is a new request.
        const auto third = co_await ivs.async_create_participant_token(issue);
        BOOST_TEST(third.participant_token.has_value());
    });
    BOOST_TEST(requests_of(emu, "CreateParticipantToken") == 3u);
    BOOST_TEST(requests_of(emu, "GetStage") == 3u);
    BOOST_TEST(requests_of(emu, "ListTagsForResource") == 3u);
}

// Every request is cut: CreateParticipantToken is sent once, GetStage and ListTagsForResource
// make all their attempts.
BOOST_AUTO_TEST_CASE(always_truncated_response_ends_after_one_or_all_attempts) {
    running_emulator emu(with_faults({"truncate:op=CreateParticipantToken", "truncate:op=GetStage",
                                      "truncate:op=ListTagsForResource"}));
    asio::io_context ioc{1};
    auto cfg = ivsrt::test::client_config_for(emu, ioc.get_executor());
    cfg.random = [] { return std::uint64_t{0}; };  // no backoff
    ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
    run_on(ioc, [&]() -> asio::awaitable<void> {
        const model::create_stage_request create{.name = "resend"};
        const auto created = co_await ivs.async_create_stage(create);
        const std::string arn = created.stage->arn;
        const model::create_participant_token_request issue{.stage_arn = arn};
        auto [e1, r1] =
            co_await ivs.async_create_participant_token(issue, asio::as_tuple(asio::use_awaitable));
        BOOST_TEST(e1.failed());
        const model::get_stage_request get{.arn = arn};
        ivsrt::diagnostics diag;
        auto [e2, r2] =
            co_await ivs.async_get_stage(get, diag, asio::as_tuple(asio::use_awaitable));
        BOOST_TEST(e2.failed());
        BOOST_TEST(contains(diag.message(), "attempt 3)"), diag.message());
        const model::list_tags_for_resource_request tags{.resource_arn = arn};
        auto [e3, r3] =
            co_await ivs.async_list_tags_for_resource(tags, asio::as_tuple(asio::use_awaitable));
        BOOST_TEST(e3.failed());
    });
    BOOST_TEST(requests_of(emu, "CreateParticipantToken") == 1u);
    BOOST_TEST(requests_of(emu, "GetStage") == 3u);
    BOOST_TEST(requests_of(emu, "ListTagsForResource") == 3u);
}

// The emulator sends the whole response, then resets the connection: each call gets its result
// from one request in one attempt (the reset connection is not used for the next call, or if it
// is, the pool resends on a new one before anything was received: no attempt is lost).
BOOST_AUTO_TEST_CASE(reset_after_the_response_sends_each_request_once) {
    running_emulator emu(
        with_faults({"reset-after:op=CreateParticipantToken", "reset-after:op=GetStage"}));
    asio::io_context ioc{1};
    auto cfg = ivsrt::test::client_config_for(emu, ioc.get_executor());
    cfg.random = [] { return std::uint64_t{0}; };  // no backoff
    int attempts = 0, retries = 0;
    cfg.on_event = [&](const ivsrt::client_event& e) {
        attempts += e.kind == ivsrt::client_event_kind::attempt_start;
        retries += e.kind == ivsrt::client_event_kind::retry;
    };
    ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
    std::set<std::string> tokens;
    run_on(ioc, [&]() -> asio::awaitable<void> {
        const model::create_stage_request create{.name = "reset"};
        const auto created = co_await ivs.async_create_stage(create);
        const model::create_participant_token_request issue{.stage_arn = created.stage->arn};
        const model::get_stage_request get{.arn = created.stage->arn};
        for (int i = 0; i < 3; ++i) {
            BOOST_TEST_CONTEXT("call " << i + 1) {
                ivsrt::diagnostics diag;
                auto [ec, issued] = co_await ivs.async_create_participant_token(
                    issue, diag, asio::as_tuple(asio::use_awaitable));
                BOOST_TEST(!ec.failed(), diag.to_string());
                if (issued.participant_token) tokens.insert(*issued.participant_token->token);
                auto [e2, got] =
                    co_await ivs.async_get_stage(get, diag, asio::as_tuple(asio::use_awaitable));
                BOOST_TEST(!e2.failed(), diag.to_string());
            }
        }
    });
    BOOST_TEST(tokens.size() == 3u);
    BOOST_TEST(requests_of(emu, "CreateParticipantToken") == 3u);
    BOOST_TEST(requests_of(emu, "GetStage") == 3u);
    BOOST_TEST(attempts == 7);  // CreateStage, then 3 x (CreateParticipantToken, GetStage)
    BOOST_TEST(retries == 0);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
// use_fips and use_dual_stack, in code or from AWS_USE_FIPS_ENDPOINT / AWS_USE_DUALSTACK_ENDPOINT,
// choose the endpoint the client sends to; a setting in code wins over the environment.
BOOST_AUTO_TEST_SUITE(endpoint_variants)

BOOST_AUTO_TEST_CASE(fips_and_dual_stack_reach_the_endpoint) {
    const std::string plain = "https://ivsrealtime.us-east-1.amazonaws.com";
    const std::string fips = "https://ivsrealtime-fips.us-east-1.amazonaws.com";
    const std::string dual = "https://ivsrealtime.us-east-1.api.aws";
    const std::string both = "https://ivsrealtime-fips.us-east-1.api.aws";

    auto cfg = valid_config();
    BOOST_TEST(endpoint_url_of(cfg) == plain);
    cfg.use_fips = true;
    BOOST_TEST(endpoint_url_of(cfg) == fips);
    cfg.use_dual_stack = true;
    BOOST_TEST(endpoint_url_of(cfg) == both);
    cfg.use_fips = false;
    BOOST_TEST(endpoint_url_of(cfg) == dual);

    cfg = valid_config();
    cfg.sources.env = ivsrt::environment(vars{{"AWS_USE_DUALSTACK_ENDPOINT", "true"}});
    BOOST_TEST(endpoint_url_of(cfg) == dual);
    cfg.use_dual_stack = false;
    BOOST_TEST(endpoint_url_of(cfg) == plain);

    cfg = valid_config();
    cfg.sources.env = ivsrt::environment(
        vars{{"AWS_USE_FIPS_ENDPOINT", "true"}, {"AWS_USE_DUALSTACK_ENDPOINT", "true"}});
    BOOST_TEST(endpoint_url_of(cfg) == both);
    cfg.use_fips = false;
    BOOST_TEST(endpoint_url_of(cfg) == dual);
    cfg.use_dual_stack = false;
    BOOST_TEST(endpoint_url_of(cfg) == plain);

    cfg = valid_config();
    cfg.sources.env = ivsrt::environment(
        vars{{"AWS_USE_FIPS_ENDPOINT", "false"}, {"AWS_USE_DUALSTACK_ENDPOINT", "false"}});
    BOOST_TEST(endpoint_url_of(cfg) == plain);
    cfg.use_fips = true;
    cfg.use_dual_stack = true;
    BOOST_TEST(endpoint_url_of(cfg) == both);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
// Retry behaviour end to end against a scripted server: the adaptive mode's rate limiter, the
// client-wide retry quota, cancellation while waiting to retry.
BOOST_AUTO_TEST_SUITE(retry_end_to_end)

namespace {

// A fixed wall clock (a whole second): the adaptive rate limiter sees no time pass, so its waits
// are exact: after a throttling error the bucket is empty and refills at 0.5 tokens per second,
// so the n-th call after it waits 2n seconds.
const std::chrono::system_clock::time_point fixed_time =
    std::chrono::sys_days(std::chrono::year(2026) / 1 / 2) + std::chrono::hours(3);

// One throttled call turns the limiter on; then 31 calls at once: the limiter holds them for
// 2, 4, ... 62 s, so the ones held for the call timeout (60 s) or more fail at once, the others
// are cancelled while they wait. Nothing but the throttled call reaches the server.
void limiter_holds_calls_after_throttling(client_fixture& f, ivsrt::client_config cfg) {
    cfg.wall_clock = [] { return fixed_time; };
    f.service.responses.push_back(
        make_response(429, "", {{"x-amzn-ErrorType", "ThrottlingException"}}));
    ivsrt::client ivs(f.ioc.get_executor(), std::move(cfg));

    boost::system::error_code first;
    bool first_done = false;
    ivs.async_get_stage(get_stage, [&](boost::system::error_code ec, model::get_stage_result) {
        first = ec;
        first_done = true;
    });
    run_until(f.ioc, [&] { return first_done; });
    BOOST_TEST(first == errc::throttling);
    BOOST_TEST_REQUIRE(f.service.requests.size() == 1u);

    constexpr std::size_t n = 31;
    std::array<asio::cancellation_signal, n> signals;
    std::array<ivsrt::diagnostics, n> diags;
    std::array<std::optional<boost::system::error_code>, n> results;
    std::size_t done = 0;
    for (std::size_t i = 0; i < n; ++i) {
        ivs.async_get_stage(
            get_stage, diags[i],
            asio::bind_cancellation_slot(
                signals[i].slot(), [&, i](boost::system::error_code ec, model::get_stage_result) {
                    results[i] = ec;
                    ++done;
                }));
    }
    // Every call runs until it waits on a timer: the limiter's, or none for those that failed.
    f.ioc.restart();
    for (int i = 0; i < 100000 && f.ioc.poll_one() > 0; ++i) {
    }
    std::size_t timed_out = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (!results[i]) continue;
        BOOST_TEST_CONTEXT("call " << i) {
            ++timed_out;
            BOOST_TEST(*results[i] == errc::timeout);
            BOOST_TEST(diags[i].message() ==
                           "GetStage: the call timeout (60000 ms) expired waiting for the "
                           "adaptive rate limiter",
                       diags[i].message());
        }
    }
    BOOST_TEST(timed_out >= 2u);  // those held 60 and 62 s, at least
    BOOST_TEST(timed_out < n);
    for (std::size_t i = 0; i < n; ++i) {
        if (!results[i]) signals[i].emit(asio::cancellation_type::terminal);
    }
    run_until(f.ioc, [&] { return done == n; });
    for (std::size_t i = 0; i < n; ++i) {
        if (*results[i] == errc::timeout) continue;
        BOOST_TEST_CONTEXT("call " << i) {
            BOOST_TEST(*results[i] == errc::cancelled);
            BOOST_TEST(diags[i].message() ==
                       "GetStage: cancelled waiting for the adaptive rate limiter");
        }
    }
    BOOST_TEST(f.service.requests.size() == 1u);
    f.server.stop();
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(adaptive_mode_holds_calls_after_throttling, client_fixture) {
    auto cfg = config();
    cfg.retry = ivsrt::retry_config{.mode = ivsrt::retry_mode::adaptive, .max_attempts = 1};
    limiter_holds_calls_after_throttling(*this, std::move(cfg));
}

BOOST_FIXTURE_TEST_CASE(adaptive_mode_from_the_environment, client_fixture) {
    auto cfg = config();
    cfg.sources.env =
        ivsrt::environment(vars{{"AWS_RETRY_MODE", "adaptive"}, {"AWS_MAX_ATTEMPTS", "1"}});
    limiter_holds_calls_after_throttling(*this, std::move(cfg));
}

// A quota of 20 tokens, 14 per transient retry: the first call retries once and stops when the
// quota cannot pay for a second retry; the next call is not retried at all. Both say why.
BOOST_FIXTURE_TEST_CASE(spent_retry_quota_stops_retries, client_fixture) {
    for (int i = 0; i < 4; ++i) {
        service.responses.push_back(make_response(
            500, R"({"message":"boom"})", {{"x-amzn-ErrorType", "InternalServerException"}}));
    }
    auto cfg = config();
    cfg.retry = ivsrt::retry_config{.max_attempts = 3, .quota_capacity = 20};
    cfg.random = [] { return std::uint64_t{0}; };  // no backoff
    ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
    run([&]() -> asio::awaitable<void> {
        ivsrt::diagnostics diag;
        auto [e1, r1] =
            co_await ivs.async_get_stage(get_stage, diag, asio::as_tuple(asio::use_awaitable));
        BOOST_TEST(e1 == errc::internal_server);
        BOOST_TEST(diag.message() == "boom (not retried: retry quota exhausted)");
        BOOST_TEST(service.requests.size() == 2u);
        auto [e2, r2] =
            co_await ivs.async_get_stage(get_stage, diag, asio::as_tuple(asio::use_awaitable));
        BOOST_TEST(e2 == errc::internal_server);
        BOOST_TEST(diag.message() == "boom (not retried: retry quota exhausted)");
        BOOST_TEST(diag.aws_error_code() == "InternalServerException");
        BOOST_TEST(service.requests.size() == 3u);
    });
    BOOST_TEST(retry_delays().size() == 1u);
}

// The same after transport errors: nothing listens on the port. The first call retries once,
// then its diagnostics say the quota stopped it.
BOOST_FIXTURE_TEST_CASE(spent_retry_quota_stops_retries_after_transport_errors, client_fixture) {
    server.stop();  // the port refuses connections
    auto cfg = config();
    cfg.retry = ivsrt::retry_config{.max_attempts = 3, .quota_capacity = 20};
    cfg.random = [] { return std::uint64_t{0}; };  // no backoff
    ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
    ivsrt::diagnostics diag;
    std::optional<boost::system::error_code> result;
    ivs.async_get_stage(
        get_stage, diag,
        [&](boost::system::error_code ec, model::get_stage_result) { result = ec; });
    run_until(ioc, [&] { return result.has_value(); });
    BOOST_TEST(*result == errc::connection);
    const std::string tail =
        "(127.0.0.1:" + std::to_string(port) + ", attempt 2, not retried: retry quota exhausted)";
    BOOST_TEST(diag.message().ends_with(tail), diag.message());
    BOOST_TEST(retry_delays().size() == 1u);
}

// Cancelled while waiting an hour to retry (the server asked for it): the call ends at once with
// errc::cancelled and sends nothing more. (A wait that ignored the cancellation stalls the
// io_context: run_until fails after 30 s.)
BOOST_FIXTURE_TEST_CASE(cancellation_during_the_backoff_wait, client_fixture) {
    service.responses.push_back(make_response(
        503, "", {{"x-amzn-ErrorType", "ServiceUnavailable"}, {"x-amz-retry-after", "3600000"}}));
    asio::cancellation_signal signal;
    auto cfg = config();
    cfg.retry = ivsrt::retry_config{.max_attempts = 3, .max_delay = std::chrono::hours(2)};
    cfg.call_timeout = std::chrono::hours(3);
    auto record = cfg.on_event;
    cfg.on_event = [&, record](const ivsrt::client_event& e) {
        record(e);
        // Emitted once the call sleeps: the call resumes no handler before it waits.
        if (e.kind == ivsrt::client_event_kind::retry) {
            asio::post(ioc, [&] { signal.emit(asio::cancellation_type::terminal); });
        }
    };
    ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
    ivsrt::diagnostics diag;
    std::optional<boost::system::error_code> result;
    ivs.async_get_stage(
        get_stage, diag,
        asio::bind_cancellation_slot(signal.slot(), [&](boost::system::error_code ec,
                                                        model::get_stage_result) { result = ec; }));
    run_until(ioc, [&] { return result.has_value(); });
    BOOST_TEST(*result == errc::cancelled);
    BOOST_TEST(diag.message() == "GetStage: cancelled waiting to retry");
    BOOST_TEST(retry_delays() == std::vector<std::chrono::nanoseconds>{std::chrono::hours(1)},
               boost::test_tools::per_element());
    server.stop();
    ioc.restart();
    ioc.poll();
    BOOST_TEST(service.requests.size() == 1u);
    BOOST_TEST(server.accepted() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
// client_config::pool reaches the client's connection pool: each setting changes what the loopback
// server sees.
BOOST_AUTO_TEST_SUITE(pool_settings)

namespace {

// `n` GetStage calls, one after the other; true when all succeeded.
bool call_in_turn(client_fixture& f, ivsrt::client& ivs, int n) {
    int ok = 0, done = 0;
    for (int i = 0; i < n; ++i) {
        ivs.async_get_stage(get_stage, [&](boost::system::error_code ec, model::get_stage_result) {
            ok += !ec;
            ++done;
        });
        run_until(f.ioc, [&] { return done == i + 1; });
    }
    return ok == n;
}

// A resolver that answers 127.0.0.1 for every name and counts the lookups.
struct counting_resolver {
    std::shared_ptr<std::size_t> lookups = std::make_shared<std::size_t>(0);

    ivsrt::host_resolver resolver(asio::io_context& ioc) const {
        return [&ioc, lookups = lookups](const std::string&, const std::string& port,
                                         ivsrt::resolve_callback done) {
            ++*lookups;
            const asio::ip::tcp::endpoint ep(asio::ip::make_address("127.0.0.1"),
                                             static_cast<std::uint16_t>(std::stoi(port)));
            asio::post(ioc, [done = std::move(done), ep] { done({}, {ep}); });
        };
    }
};

}  // namespace

// max_lifetime 0: every request on a new connection. (The default reuses one.)
BOOST_FIXTURE_TEST_CASE(zero_max_lifetime_connects_for_every_request, client_fixture) {
    auto cfg = config();
    cfg.pool.max_lifetime = std::chrono::seconds(0);
    ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
    BOOST_TEST(call_in_turn(*this, ivs, 3));
    BOOST_TEST(server.accepted() == 3u);
    BOOST_TEST(ivs.connection_stats().connects == 3u);
    BOOST_TEST(ivs.connection_stats().reuses == 0u);

    ivsrt::client reusing(ioc.get_executor(), config());
    BOOST_TEST(call_in_turn(*this, reusing, 3));
    BOOST_TEST(server.accepted() == 4u);
    server.stop();
}

// max_idle_time 0: an idle connection is never reused.
BOOST_FIXTURE_TEST_CASE(zero_max_idle_time_never_reuses, client_fixture) {
    auto cfg = config();
    cfg.pool.max_idle_time = std::chrono::seconds(0);
    ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
    BOOST_TEST(call_in_turn(*this, ivs, 3));
    BOOST_TEST(server.accepted() == 3u);
    BOOST_TEST(ivs.connection_stats().reuses == 0u);
    BOOST_TEST(ivs.connection_stats().evictions == 2u);
    server.stop();
}

// resolve_ttl 0: every new connection looks the host up again; with the default (30 s) one
// lookup serves them all. The server closes each connection ("Connection: close"), so that each
// call needs a new one whatever the other pool settings.
BOOST_FIXTURE_TEST_CASE(resolve_ttl_reaches_the_resolver_cache, client_fixture) {
    for (int i = 0; i < 6; ++i) {
        service.responses.push_back(make_response(200, "{}", {{"Connection", "close"}}));
    }
    const std::string url = "http://ivs.test:" + std::to_string(port);
    counting_resolver fresh, cached;
    auto cfg = config();
    cfg.endpoint_url = url;
    cfg.pool.resolver = fresh.resolver(ioc);
    cfg.pool.resolve_ttl = std::chrono::seconds(0);
    ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
    BOOST_TEST(call_in_turn(*this, ivs, 3));
    BOOST_TEST(*fresh.lookups == 3u);

    cfg = config();
    cfg.endpoint_url = url;
    cfg.pool.resolver = cached.resolver(ioc);
    ivsrt::client caching(ioc.get_executor(), std::move(cfg));
    BOOST_TEST(call_in_turn(*this, caching, 3));
    BOOST_TEST(*cached.lookups == 1u);
    BOOST_TEST(server.accepted() == 6u);
    server.stop();
}

// connect_timeout 0: a new connection's deadline has passed before the lookup, which never
// answers here, so the call fails with errc::timeout without waiting on any timer. (With the
// default 3.1 s, the call would still be waiting when the io_context has nothing ready to run.)
BOOST_FIXTURE_TEST_CASE(connect_timeout_bounds_a_new_connection, client_fixture) {
    std::vector<ivsrt::resolve_callback> never_answered;
    auto cfg = config();
    cfg.endpoint_url = "http://ivs.test:" + std::to_string(port);
    cfg.pool.connect_timeout = std::chrono::seconds(0);
    cfg.pool.resolver = [&](const std::string&, const std::string&, ivsrt::resolve_callback done) {
        never_answered.push_back(std::move(done));
    };
    cfg.retry = ivsrt::retry_config{.max_attempts = 1};
    cfg.attempt_timeout = std::chrono::hours(1);
    cfg.call_timeout = std::chrono::hours(2);
    ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
    std::optional<boost::system::error_code> result;
    ivs.async_get_stage(
        get_stage, [&](boost::system::error_code ec, model::get_stage_result) { result = ec; });
    ioc.restart();
    for (int i = 0; i < 100000 && !result && ioc.poll_one() > 0; ++i) {
    }
    BOOST_TEST_REQUIRE(result.has_value());
    BOOST_TEST(*result == errc::timeout);
    BOOST_TEST(server.accepted() == 0u);
    server.stop();
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
// No event carries a secret: a client with a secret key and a session token issues participant
// tokens through successes, throttling and transient errors with retries, cut responses, service
// errors and rejected signatures; every field of every event, rendered as text, holds none of
// the secret key, the session token or any participant token (nor any part of one).
BOOST_AUTO_TEST_SUITE(events_hold_no_secrets)

namespace {

// Every field of an event as text.
std::string render(const ivsrt::client_event& e) {
    std::string s;
    s.append(ivsrt::to_string(e.kind)).append("|").append(e.operation);
    s += "|" + std::to_string(e.attempt) + "|" + std::to_string(e.error.value()) + "|";
    s.append(e.error.category().name()).append("|").append(e.error.message());
    s += "|" + std::to_string(e.http_status) + "|";
    s.append(e.aws_error_code).append("|").append(e.request_id);
    s += "|" + std::to_string(e.duration.count()) + "|";
    s.append(e.detail);
    return s;
}

}  // namespace

BOOST_AUTO_TEST_CASE(no_event_field_holds_a_secret_or_a_token) {
    running_emulator emu(with_faults(
        {"429:every=3:op=CreateParticipantToken", "truncate:every=5:op=CreateParticipantToken",
         "503:every=2:op=GetStage", "reset-after:every=3:op=GetStage"}));
    asio::io_context ioc{1};
    ivsrt::credentials keys = ivsrt::test::default_credentials();
    keys.session_token = "IQoJb3JpZ2luX2VjEXAMPLESESSIONtokenFORivsrtTESTSonly0123456789";
    std::vector<std::string> events;
    std::map<ivsrt::client_event_kind, int> kinds;
    int failed_attempts = 0;
    auto on_event = [&](const ivsrt::client_event& e) {
        events.push_back(render(e));
        ++kinds[e.kind];
        failed_attempts += e.kind == ivsrt::client_event_kind::attempt_end && e.error.failed();
    };
    auto cfg = ivsrt::test::client_config_for(emu, ioc.get_executor());
    cfg.credentials = ivsrt::make_static_provider(ioc.get_executor(), keys);
    cfg.random = [] { return std::uint64_t{0}; };  // no backoff
    cfg.on_event = on_event;
    ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
    // The same keys but a wrong secret: every request is refused (InvalidSignatureException).
    ivsrt::credentials wrong = keys;
    wrong.secret_access_key = "wrongSECRETkeyEXAMPLEwJalrXUtnFEMIK7MDENGbPxRf";
    auto bad_cfg = ivsrt::test::client_config_for(emu, ioc.get_executor());
    bad_cfg.credentials = ivsrt::make_static_provider(ioc.get_executor(), wrong);
    bad_cfg.on_event = on_event;
    ivsrt::client refused(ioc.get_executor(), std::move(bad_cfg));

    std::vector<std::string> tokens;
    run_on(ioc, [&]() -> asio::awaitable<void> {
        model::create_stage_request create{.name = "secrets"};
        create.participant_token_configurations =
            std::vector<model::participant_token_configuration>{{.user_id = "a"}, {.user_id = "b"}};
        const auto created = co_await ivs.async_create_stage(create);
        for (const auto& t : created.participant_tokens.value()) tokens.push_back(*t.token);
        const std::string arn = created.stage->arn;
        const model::create_participant_token_request issue{.stage_arn = arn, .user_id = "u"};
        const model::get_stage_request get{.arn = arn};
        for (int i = 0; i < 6; ++i) {
            auto [ec, issued] = co_await ivs.async_create_participant_token(
                issue, asio::as_tuple(asio::use_awaitable));
            if (!ec) tokens.push_back(*issued.participant_token->token);
            auto [e2, got] = co_await ivs.async_get_stage(get, asio::as_tuple(asio::use_awaitable));
        }
        const model::get_stage_request missing_stage{.arn = arn + "x"};
        auto [e3, none] =
            co_await ivs.async_get_stage(missing_stage, asio::as_tuple(asio::use_awaitable));
        BOOST_TEST(e3 == errc::resource_not_found);
        const model::list_stages_request list{};
        auto [e4, denied] =
            co_await refused.async_list_stages(list, asio::as_tuple(asio::use_awaitable));
        BOOST_TEST(e4 == errc::authentication);
    });
    // The run went through all of it.
    BOOST_TEST(tokens.size() >= 6u);
    BOOST_TEST(kinds[ivsrt::client_event_kind::retry] >= 3);
    BOOST_TEST(kinds[ivsrt::client_event_kind::credentials_refreshed] == 2);
    BOOST_TEST(failed_attempts >= 6);

    std::vector<std::string> secrets = {keys.secret_access_key, *keys.session_token,
                                        wrong.secret_access_key};
    for (const auto& token : tokens) {
        secrets.push_back(token);
        // Each part of the JWT (header, claims, signature), in case a part leaks.
        for (std::size_t from = 0, dot = 0; from <= token.size(); from = dot + 1) {
            dot = token.find('.', from);
            if (dot == std::string::npos) dot = token.size();
            if (dot - from >= 16) secrets.push_back(token.substr(from, dot - from));
        }
    }
    for (const auto& text : events) {
        for (const auto& secret : secrets) {
            BOOST_TEST(!contains(text, secret), "event \"" << text << "\" holds a secret");
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
