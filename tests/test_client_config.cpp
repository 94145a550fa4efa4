// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#define BOOST_TEST_MODULE test_client_config
#include <boost/test/unit_test.hpp>

// Tests for ivsrt/client_config.hpp: what a client is built from. The defaults; settings the
// constructor refuses, with a message naming the setting; where unset settings come from (the
// environment) and that settings in code win; the events on_event receives. Clients run against
// the in-process emulator or a loopback server scripted by the test.

#include "common/client_fixture.hpp"
#include "common/client_on_emulator.hpp"
#include "common/header_injection.hpp"

#include <ivsrt/client.hpp>
#include <ivsrt/client_config.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
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

BOOST_AUTO_TEST_CASE(no_region_is_an_endpoint_error) {
    asio::io_context ioc;
    ivsrt::client_config cfg;
    cfg.sources = isolated_sources();
    try {
        ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
        BOOST_FAIL("no exception");
    } catch (const boost::system::system_error& e) {
        BOOST_TEST(e.code() == errc::endpoint);
        BOOST_TEST(std::string(e.what()).find("region") != std::string::npos);
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
