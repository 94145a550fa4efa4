// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
// Fleet-wide pacing through Redis (ivsrt/redis_pacing.hpp): the RESP subset, the configuration,
// and clients against a real redis-server and the emulator enforcing IVS's quotas.
#define BOOST_TEST_MODULE redis_pacing
#include <boost/test/unit_test.hpp>

#include "common/client_on_emulator.hpp"
#include "common/redis_server.hpp"
#include "common/test_tls.hpp"

#include <ivsrt/redis_pacing.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace resp = ivsrt::detail::resp;
namespace model = ivsrt::model;
using ivsrt::test::running_emulator;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(resp_protocol)

BOOST_AUTO_TEST_CASE(commands_are_arrays_of_bulk_strings) {
    std::string out;
    resp::encode_command(out, {"EVALSHA", "ab", "1", "", "k\r\n"});
    BOOST_TEST(out == "*5\r\n$7\r\nEVALSHA\r\n$2\r\nab\r\n$1\r\n1\r\n$0\r\n\r\n$3\r\nk\r\n\r\n");
}

BOOST_AUTO_TEST_CASE(replies_of_every_type) {
    const std::string wire =
        "+OK\r\n-NOSCRIPT No matching script\r\n:-1\r\n:250000\r\n$3\r\na\r\n\r\n"
        "$-1\r\n*2\r\n:1\r\n*1\r\n$0\r\n\r\n";
    std::string_view in = wire;
    std::vector<resp::reply> got;
    for (int i = 0; i < 20 && !in.empty(); ++i) {
        resp::reply r;
        std::size_t used = 0;
        BOOST_TEST_REQUIRE((resp::parse(in, r, used) == resp::status::complete));
        in.remove_prefix(used);
        got.push_back(std::move(r));
    }
    using type = resp::reply::type;
    BOOST_TEST_REQUIRE(got.size() == 7u);
    BOOST_TEST((got[0].kind == type::simple && got[0].text == "OK"));
    BOOST_TEST((got[1].kind == type::error && got[1].text == "NOSCRIPT No matching script"));
    BOOST_TEST((got[2].kind == type::integer && got[2].integer == -1));
    BOOST_TEST(got[3].integer == 250000);
    BOOST_TEST((got[4].kind == type::bulk && got[4].text == "a\r\n"));
    BOOST_TEST((got[5].kind == type::nil));
    BOOST_TEST_REQUIRE((got[6].kind == type::array && got[6].items.size() == 2u));
    BOOST_TEST((got[6].items[1].items.at(0).kind == type::bulk));
}

// Every proper prefix of a reply is incomplete and consumes nothing.
BOOST_AUTO_TEST_CASE(partial_replies_wait_for_more) {
    const std::string wire = "*3\r\n:12\r\n$5\r\nhello\r\n-ERR x\r\n";
    for (std::size_t n = 0; n < wire.size(); ++n) {
        resp::reply r;
        std::size_t used = 99;
        BOOST_TEST(
            (resp::parse(std::string_view(wire).substr(0, n), r, used) == resp::status::incomplete),
            n);
        BOOST_TEST(used == 0u);
    }
    resp::reply r;
    std::size_t used = 0;
    BOOST_TEST((resp::parse(wire, r, used) == resp::status::complete));
    BOOST_TEST(used == wire.size());
}

BOOST_AUTO_TEST_CASE(malformed_and_oversized_replies_are_refused) {
    const resp::limits lim{.max_bulk = 8, .max_items = 4, .max_depth = 2, .max_line = 16};
    for (std::string wire : {
             std::string("hello\r\n"),                 // no type
             std::string(":12a\r\n"),                  // not a number
             std::string(":\r\n"),                     // empty number
             std::string("$-2\r\n"),                   // bad length
             std::string("$9\r\n123456789\r\n"),       // bulk over the limit
             std::string("$2\r\nabXY"),                // bulk without its CRLF
             std::string("*5\r\n"),                    // too many items
             std::string("*1\r\n*1\r\n*1\r\n:1\r\n"),  // too deep
             std::string("+") + std::string(20, 'a'),  // line over the limit, no CRLF
             std::string("+a\nb\r\n"),                 // bare LF in a line
         }) {
        resp::reply r;
        std::size_t used = 0;
        BOOST_TEST((resp::parse(wire, r, used, lim) == resp::status::malformed), wire);
    }
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

std::string invalid_url_message(const std::string& url) {
    boost::asio::io_context ioc;
    try {
        ivsrt::make_redis_pacing(ioc.get_executor(), {.url = url});
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "no exception";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(configuration)

BOOST_AUTO_TEST_CASE(bad_urls_name_the_setting_and_never_the_password) {
    const std::string secret = "pa55-w0rd";
    for (const std::string& url :
         {"redis://u:" + secret + "@host:port/0", "redis://:" + secret + "@host:6379/zero",
          "http://:" + secret + "@host:6379", "rediss://:" + secret + "@host:6379/x",
          std::string("redis:///0"), std::string("unix://"), std::string("redis://u@h:1/0"),
          std::string("unix:///tmp/s?db=x"), std::string("not a url")}) {
        const std::string message = invalid_url_message(url);
        BOOST_TEST(message.starts_with("redis_pacing_config.url: "), message);
        BOOST_TEST(message.find(secret) == std::string::npos, message);
    }
    BOOST_TEST(invalid_url_message("redis://h:6379/x") ==
               "redis_pacing_config.url: redis: the path must be a database number "
               "(redis://host:port/0)");
    BOOST_TEST(invalid_url_message("rediss://h:6379/x") ==
               "redis_pacing_config.url: rediss: the path must be a database number "
               "(rediss://host:port/0)");
    boost::asio::io_context ioc;
    try {
        ivsrt::make_redis_pacing(ioc.get_executor(),
                                 {.url = "rediss://h", .ca_file = "/nonexistent/ca.pem"});
        BOOST_ERROR("no exception");
    } catch (const std::invalid_argument& e) {
        BOOST_TEST(std::string(e.what()) == "redis_pacing_config.ca_file: cannot be read as PEM");
    }
    BOOST_CHECK_THROW(
        ivsrt::make_redis_pacing(ioc.get_executor(), {.url = "redis://h", .expected_replicas = 0}),
        std::invalid_argument);
    BOOST_CHECK_THROW(
        ivsrt::make_redis_pacing(ioc.get_executor(), {.url = "redis://h", .timeout = {}}),
        std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

const std::string stage_arn_prefix = "arn:aws:ivs:us-east-1:123456789012:stage/";

ivsrt::redis_pacing_config redis_config(std::string url) {
    return {.url = std::move(url), .expected_replicas = 4};
}

struct member_settings {
    std::string redis_url;  // empty: local pacing only
    // Generous, so that a loaded machine (sanitizers, CI) does not make a healthy Redis look
    // slow; the slow-Redis test sets its own.
    std::chrono::milliseconds redis_timeout{2000};
    std::chrono::milliseconds retry_interval{2000};
    std::chrono::milliseconds call_timeout{60000};
    std::string ca_file;
};

// One client of a fleet: its own io_context, run by its own threads, as a process of its own
// would be.
struct fleet_member {
    boost::asio::io_context ioc;
    std::optional<ivsrt::client> ivs;
    std::mutex mutex;
    std::vector<std::string> sources;  // pacing_source details, in order
    std::atomic<unsigned> succeeded{0}, failed{0}, throttled{0};
    std::string first_error;
    boost::system::error_code first_code;
    boost::asio::steady_timer guard{ioc};
    std::atomic<unsigned> remaining{0};

    fleet_member(const running_emulator& emu, const member_settings& settings) {
        auto cfg = ivsrt::test::client_config_for(emu, ioc.get_executor());
        cfg.pacing = {};  // IVS's documented quotas
        cfg.call_timeout = settings.call_timeout;
        if (!settings.redis_url.empty()) {
            auto rc = redis_config(settings.redis_url);
            rc.timeout = settings.redis_timeout;
            rc.retry_interval = settings.retry_interval;
            rc.ca_file = settings.ca_file;
            cfg.pacing.backend = ivsrt::make_redis_pacing(ioc.get_executor(), rc);
        }
        cfg.on_event = [this](const ivsrt::client_event& e) {
            if (e.kind == ivsrt::client_event_kind::attempt_end && e.http_status == 429) {
                ++throttled;
            }
            if (e.kind == ivsrt::client_event_kind::pacing_source) {
                std::lock_guard lock(mutex);
                sources.emplace_back(e.detail);
            }
        };
        ivs.emplace(ioc.get_executor(), std::move(cfg));
    }

    // Starts `n` CreateParticipantToken calls at once, or one after the other when
    // `sequential`; a guard ends the run after 120 s.
    void start_tokens(const std::string& stage_arn, unsigned n, bool sequential = false) {
        guard.expires_after(std::chrono::seconds(120));
        guard.async_wait([this](boost::system::error_code ec) {
            if (ec) return;
            BOOST_ERROR("the calls did not finish");
            ioc.stop();
        });
        remaining = n;
        const unsigned coroutines = sequential ? 1 : n;
        for (unsigned i = 0; i < coroutines; ++i) {
            boost::asio::co_spawn(
                ioc,
                [this, stage_arn, each = n / coroutines]() -> boost::asio::awaitable<void> {
                    for (unsigned j = 0; j < each; ++j) {
                        const model::create_participant_token_request request{
                            .stage_arn = stage_arn, .user_id = std::string("u")};
                        ivsrt::diagnostics diag;
                        auto [ec, r] = co_await ivs->async_create_participant_token(
                            request, diag, boost::asio::as_tuple(boost::asio::use_awaitable));
                        if (!ec && r.participant_token &&
                            !r.participant_token->token.value_or("").empty()) {
                            ++succeeded;
                        } else {
                            std::lock_guard lock(mutex);
                            if (first_error.empty()) {
                                first_error = std::string(diag.message());
                                first_code = ec;
                            }
                            ++failed;
                        }
                        if (--remaining == 0) guard.cancel();
                    }
                },
                boost::asio::detached);
        }
    }

    std::vector<std::string> source_log() {
        std::lock_guard lock(mutex);
        return sources;
    }
};

std::string create_stage(const running_emulator& emu) {
    boost::asio::io_context ioc;
    auto cfg = ivsrt::test::client_config_for(emu, ioc.get_executor());
    ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
    std::string arn;
    ivsrt::test::run_on(ioc, [&]() -> boost::asio::awaitable<void> {
        const model::create_stage_request request{.name = std::string("fleet")};
        auto r = co_await ivs.async_create_stage(request);
        arn = r.stage.value().arn;
    });
    return arn;
}

// Runs every member's io_context on two threads until its calls are done.
void run_fleet(std::vector<std::unique_ptr<fleet_member>>& fleet) {
    std::vector<std::thread> threads;
    for (auto& m : fleet) {
        for (int i = 0; i < 2; ++i) threads.emplace_back([&m] { m->ioc.run(); });
    }
    for (auto& t : threads) t.join();
}

// Runs `n` calls of `m` to their end.
void run_calls(fleet_member& m, const std::string& stage, unsigned n) {
    m.start_tokens(stage, n);
    m.ioc.restart();
    m.ioc.run();
}

std::size_t throttled_in_log(const running_emulator& emu) {
    std::size_t n = 0;
    for (const auto& line : emu.log()) n += line.find(" 429 ") != std::string::npos;
    return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(fleet)

// Four clients, each on its own io_context and threads with its own connection to Redis (as four
// processes would be), issue 250 CreateParticipantToken calls at once against the emulator
// enforcing the 50 TPS quota: all 1,000 succeed and none is throttled. The same fleet pacing
// locally (each client at the full quota) is throttled.
BOOST_AUTO_TEST_CASE(four_clients_share_the_quota) {
    ivsrt_test::redis_server redis;
    ivsrt::emulator::options opts;
    opts.enforce_quotas = true;
    constexpr unsigned members = 4, calls = 250;
    for (const bool shared : {true, false}) {
        BOOST_TEST_CONTEXT((shared ? "through Redis" : "local pacing")) {
            running_emulator emu(opts, true);
            const std::string stage = create_stage(emu);
            BOOST_TEST_REQUIRE(stage.starts_with(stage_arn_prefix));
            std::vector<std::unique_ptr<fleet_member>> fleet;
            for (unsigned i = 0; i < members; ++i) {
                // Alternately over TCP and the Unix socket.
                const std::string url =
                    !shared ? std::string() : (i % 2 ? redis.unix_url() : redis.tcp_url());
                fleet.push_back(
                    std::make_unique<fleet_member>(emu, member_settings{.redis_url = url}));
                fleet.back()->start_tokens(stage, calls);
            }
            const auto start = std::chrono::steady_clock::now();
            run_fleet(fleet);
            const double seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            unsigned succeeded = 0, throttled = 0;
            for (auto& m : fleet) {
                succeeded += m->succeeded;
                throttled += m->throttled;
                if (shared) {
                    BOOST_TEST(m->first_error.empty(), m->first_error);
                    BOOST_TEST(m->source_log() == std::vector<std::string>{"shared"},
                               boost::test_tools::per_element());
                }
            }
            BOOST_TEST_MESSAGE((shared ? "redis" : "local")
                               << ": " << succeeded << " of " << members * calls << " succeeded, "
                               << throttled << " throttled attempts, " << seconds << " s, "
                               << succeeded / seconds << " calls/s");
            if (shared) {
                BOOST_TEST(succeeded == members * calls);
                BOOST_TEST(throttled == 0u);
                BOOST_TEST(throttled_in_log(emu) == 0u);
            } else {
                BOOST_TEST(throttled > 0u);
                BOOST_TEST(throttled_in_log(emu) > 0u);
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(faults)

// Redis killed while calls run: they go on at the local share, the switch is reported; Redis
// back (empty: the script must be loaded again after NOSCRIPT): turns are shared again.
BOOST_AUTO_TEST_CASE(redis_killed_mid_run_then_restarted) {
    ivsrt_test::redis_server redis;
    running_emulator emu;
    const std::string stage = create_stage(emu);
    fleet_member m(emu, {.redis_url = redis.unix_url(), .retry_interval = {}});
    m.start_tokens(stage, 40, true);  // one after the other
    m.ioc.restart();
    std::thread runner([&] { m.ioc.run(); });
    for (int i = 0; i < 1000 && m.succeeded < 10; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    redis.kill();
    runner.join();
    BOOST_TEST(m.succeeded == 40u, m.first_error);
    auto sources = m.source_log();
    BOOST_TEST_REQUIRE(sources.size() == 2u);
    BOOST_TEST(sources[0] == "shared");
    BOOST_TEST(sources[1].starts_with("local: redis at " + redis.socket_path() + ": "), sources[1]);

    redis.start();
    run_calls(m, stage, 10);
    BOOST_TEST(m.succeeded == 50u, m.first_error);
    sources = m.source_log();
    BOOST_TEST_REQUIRE(sources.size() == 3u);
    BOOST_TEST(sources[2] == "shared");
}

// Redis restarted while the connection idled: the dead connection is found on its next use and
// replaced once, and the turns stay shared (no fallback, no event).
BOOST_AUTO_TEST_CASE(an_idle_connection_closed_meanwhile_is_replaced) {
    ivsrt_test::redis_server redis;
    running_emulator emu;
    const std::string stage = create_stage(emu);
    fleet_member m(emu, {.redis_url = redis.unix_url()});
    run_calls(m, stage, 3);
    redis.kill();
    redis.start();
    run_calls(m, stage, 3);
    BOOST_TEST(m.succeeded == 6u, m.first_error);
    BOOST_TEST(m.source_log() == std::vector<std::string>{"shared"},
               boost::test_tools::per_element());
}

// Redis that answers nothing (DEBUG SLEEP): each turn waits `timeout` (100 ms), then goes local;
// a call whose own timeout comes first ends with errc::timeout at its deadline.
BOOST_AUTO_TEST_CASE(slow_redis_is_bounded_by_the_timeouts) {
    ivsrt_test::redis_server redis;
    running_emulator emu;
    const std::string stage = create_stage(emu);
    redis.sleep(5);
    fleet_member m(emu, {.redis_url = redis.tcp_url(), .redis_timeout = 100ms});
    run_calls(m, stage, 5);
    BOOST_TEST(m.succeeded == 5u, m.first_error);
    const auto sources = m.source_log();
    BOOST_TEST_REQUIRE(sources.size() == 1u);
    BOOST_TEST(sources[0] == "local: redis at 127.0.0.1:" + std::to_string(redis.port()) +
                                 ": no reply within 100 ms");

    fleet_member hurried(emu, {.redis_url = redis.tcp_url(), .call_timeout = 30ms});
    run_calls(hurried, stage, 3);
    BOOST_TEST(hurried.failed == 3u);
    BOOST_TEST((hurried.first_code == ivsrt::errc::timeout));
    BOOST_TEST(hurried.first_error ==
               "CreateParticipantToken: the call timeout (30 ms) would expire before the "
               "operation's pacing turn");
}

// A refused login falls back, and neither the password nor the URL shows in what is reported.
BOOST_AUTO_TEST_CASE(auth) {
    const std::string password = "s3cret-Pass";
    ivsrt_test::redis_server redis(password);
    running_emulator emu;
    const std::string stage = create_stage(emu);
    fleet_member wrong(emu, {.redis_url = redis.tcp_url("app:not-" + password)});
    run_calls(wrong, stage, 3);
    BOOST_TEST(wrong.succeeded == 3u);
    const auto sources = wrong.source_log();
    BOOST_TEST_REQUIRE(sources.size() == 1u);
    BOOST_TEST(sources[0] == "local: redis at 127.0.0.1:" + std::to_string(redis.port()) +
                                 ": the login (AUTH/SELECT) was refused: WRONGPASS");
    BOOST_TEST(sources[0].find(password) == std::string::npos);

    fleet_member right(emu, {.redis_url = redis.tcp_url(":" + password)});
    run_calls(right, stage, 3);
    BOOST_TEST(right.succeeded == 3u);
    BOOST_TEST(right.source_log() == std::vector<std::string>{"shared"},
               boost::test_tools::per_element());
}

// rediss://: Redis over TLS, its certificate verified (here against the test's CA).
BOOST_AUTO_TEST_CASE(tls) {
    const auto ca = ivsrt::test::make_test_ca("ivsrt test CA");
    const auto cert = ca.issue("localhost", "DNS:localhost,IP:127.0.0.1");
    ivsrt_test::redis_server redis("", cert.cert_pem, cert.key_pem);
    const ivsrt::test::temp_file ca_file(ca.root.cert_pem);
    running_emulator emu;
    const std::string stage = create_stage(emu);
    const std::string url = "rediss://127.0.0.1:" + std::to_string(redis.port()) + "/0";

    fleet_member trusting(emu, {.redis_url = url, .ca_file = ca_file.path()});
    run_calls(trusting, stage, 3);
    BOOST_TEST(trusting.succeeded == 3u);
    BOOST_TEST(trusting.source_log() == std::vector<std::string>{"shared"},
               boost::test_tools::per_element());

    // Without the CA the certificate is refused: turns go local, and the calls succeed.
    fleet_member doubting(emu, {.redis_url = url});
    run_calls(doubting, stage, 3);
    BOOST_TEST(doubting.succeeded == 3u);
    const auto sources = doubting.source_log();
    BOOST_TEST_REQUIRE(sources.size() == 1u);
    BOOST_TEST(sources[0] == "local: redis at 127.0.0.1:" + std::to_string(redis.port()) +
                                 ": TLS: the certificate was refused: unable to get local "
                                 "issuer certificate");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(environment)

// IVSRT_PACING_REDIS_URL (and IVSRT_PACING_REPLICAS) configure a client without code.
BOOST_AUTO_TEST_CASE(the_url_from_the_environment) {
    ivsrt_test::redis_server redis;
    running_emulator emu;
    const std::string stage = create_stage(emu);
    boost::asio::io_context ioc;
    std::vector<std::string> sources;
    auto config = [&](std::string replicas) {
        auto cfg = ivsrt::test::client_config_for(emu, ioc.get_executor());
        cfg.pacing = {};
        cfg.sources.env = ivsrt::environment(std::map<std::string, std::string, std::less<>>{
            {"IVSRT_PACING_REDIS_URL", redis.unix_url()}, {"IVSRT_PACING_REPLICAS", replicas}});
        cfg.on_event = [&](const ivsrt::client_event& e) {
            if (e.kind == ivsrt::client_event_kind::pacing_source) sources.emplace_back(e.detail);
        };
        return cfg;
    };
    try {
        ivsrt::client bad(ioc.get_executor(), config("0"));
        BOOST_ERROR("no exception");
    } catch (const std::invalid_argument& e) {
        BOOST_TEST(std::string(e.what()) ==
                   "IVSRT_PACING_REPLICAS: must be a whole number of at least 1");
    }
    ivsrt::client ivs(ioc.get_executor(), config("4"));
    ivsrt::test::run_on(ioc, [&]() -> boost::asio::awaitable<void> {
        const model::create_participant_token_request request{.stage_arn = stage};
        co_await ivs.async_create_participant_token(request);
    });
    BOOST_TEST(sources == std::vector<std::string>{"shared"}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
