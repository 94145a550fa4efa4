// Tests for ivsrt/retry.hpp: error classification, backoff with full jitter, retry quota,
// retry-after, clock skew, invocation ids, and the adaptive rate limiter. Every expected value is
// derived by hand in the test from the AWS retry rules (standard mode, 2026 numbers) and the
// scripted random draws; no wall clock is read.
#define BOOST_TEST_MODULE test_retry
#include <boost/test/unit_test.hpp>

#include <ivsrt/detail/cubic.hpp>
#include <ivsrt/model/errors.hpp>
#include <ivsrt/retry.hpp>

#include <boost/json.hpp>

#include <cmath>
#include <deque>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using ivsrt::attempt_outcome;
using ivsrt::errc;
using ivsrt::error_kind;
using ivsrt::stop_reason;
using sys_time = std::chrono::system_clock::time_point;

namespace {

// Draws giving exact uniform values: the top 53 bits of a draw, scaled by 2^-53.
constexpr std::uint64_t u_0 = 0;
constexpr std::uint64_t u_quarter = 1ULL << 62;    // 0.25
constexpr std::uint64_t u_half = 1ULL << 63;       // 0.5
constexpr std::uint64_t u_3quarters = 3ULL << 62;  // 0.75

// A random source replaying a script; running past its end fails the test.
struct scripted {
    std::shared_ptr<std::deque<std::uint64_t>> values;
    std::uint64_t operator()() const {
        if (values->empty()) throw std::logic_error("unexpected random draw");
        auto v = values->front();
        values->pop_front();
        return v;
    }
};

// The first two draws of every call make its invocation id.
scripted script(std::initializer_list<std::uint64_t> jitter) {
    auto q = std::make_shared<std::deque<std::uint64_t>>();
    for (auto v : jitter) q->push_back(v);
    return {q};
}

// Prepends the two invocation-id draws of a new call.
void add_call(const scripted& s, std::initializer_list<std::uint64_t> jitter) {
    s.values->push_back(0x0011223344556677ULL);
    s.values->push_back(0x8899aabbccddeeffULL);
    s.values->insert(s.values->end(), jitter);
}

const sys_time t0 = sys_time{} + 1000s;

attempt_outcome status(unsigned http_status, std::string_view code = {}) {
    attempt_outcome o;
    o.http_status = http_status;
    o.error_code = code;
    return o;
}

const attempt_outcome ok = status(200);
const attempt_outcome internal = status(500, "InternalServerException");
const attempt_outcome throttled = status(400, "ThrottlingException");

}  // namespace

BOOST_AUTO_TEST_SUITE(classification)

BOOST_AUTO_TEST_CASE(standard_throttling_codes_and_429_are_throttling) {
    for (std::string_view code :
         {"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
          "TooManyRequestsException", "ProvisionedThroughputExceededException",
          "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
          "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
          "EC2ThrottledException"}) {
        BOOST_TEST((ivsrt::classify(status(400, code)).kind == error_kind::throttling), code);
    }
    BOOST_TEST((ivsrt::classify(status(429)).kind == error_kind::throttling));
    // The code wins over the status: S3-style 503 SlowDown is throttling.
    BOOST_TEST((ivsrt::classify(status(503, "SlowDown")).kind == error_kind::throttling));
}

BOOST_AUTO_TEST_CASE(server_errors_transient_codes_and_transport_failures_are_transient) {
    for (unsigned s : {500u, 502u, 503u, 504u})
        BOOST_TEST((ivsrt::classify(status(s)).kind == error_kind::transient), s);
    BOOST_TEST((ivsrt::classify(internal).kind == error_kind::transient));
    for (std::string_view code : {"RequestTimeout", "RequestTimeoutException", "InternalError"})
        BOOST_TEST((ivsrt::classify(status(400, code)).kind == error_kind::transient), code);
    attempt_outcome lost;
    lost.transport_error = errc::connection;
    BOOST_TEST((ivsrt::classify(lost).kind == error_kind::transient));
}

BOOST_AUTO_TEST_CASE(signature_time_errors_are_clock_skew) {
    for (std::string_view code :
         {"RequestTimeTooSkewed", "RequestExpired", "InvalidSignatureException",
          "SignatureDoesNotMatch", "AuthFailure", "RequestInTheFuture"})
        BOOST_TEST((ivsrt::classify(status(403, code)).kind == error_kind::clock_skew), code);
}

BOOST_AUTO_TEST_CASE(client_errors_and_resource_quota_are_not_retryable) {
    BOOST_TEST((ivsrt::classify(status(402, "ServiceQuotaExceededException")).kind ==
                error_kind::non_retryable));
    BOOST_TEST(
        (ivsrt::classify(status(400, "ValidationException")).kind == error_kind::non_retryable));
    BOOST_TEST(
        (ivsrt::classify(status(403, "AccessDeniedException")).kind == error_kind::non_retryable));
    BOOST_TEST((ivsrt::classify(status(404, "ResourceNotFoundException")).kind ==
                error_kind::non_retryable));
    BOOST_TEST(
        (ivsrt::classify(status(409, "ConflictException")).kind == error_kind::non_retryable));
    BOOST_TEST((ivsrt::classify(status(501)).kind == error_kind::non_retryable));
    BOOST_TEST((ivsrt::classify(status(200)).kind == error_kind::success));
    BOOST_TEST((ivsrt::classify(status(204)).kind == error_kind::success));
}

// The errc of every error the model declares, named after it: "ConflictException" is
// errc::conflict. Checked against the generated list, so a new modeled error fails here until errc
// names it.
BOOST_AUTO_TEST_CASE(modeled_errors_have_their_own_codes) {
    std::set<errc> seen;
    for (const ivsrt::model::modeled_error& e : ivsrt::model::modeled_errors) {
        const ivsrt::attempt_class c = ivsrt::classify(status(e.http_status, e.code));
        std::string expected;
        std::string_view name = e.code;
        if (name.ends_with("Exception")) name.remove_suffix(9);
        for (char ch : name) {
            if (ch >= 'A' && ch <= 'Z') {
                if (!expected.empty()) expected += '_';
                ch = static_cast<char>(ch - 'A' + 'a');
            }
            expected += ch;
        }
        BOOST_TEST(ivsrt::to_string(c.error) == expected, e.code);
        BOOST_TEST((c.kind == (e.server_fault ? error_kind::transient : error_kind::non_retryable)),
                   e.code);
        seen.insert(c.error);
    }
    BOOST_TEST(seen.size() == ivsrt::model::modeled_errors.size());
}

BOOST_AUTO_TEST_CASE(other_service_errors) {
    BOOST_TEST((ivsrt::classify(status(200)).error == errc{}));
    BOOST_TEST((ivsrt::classify(status(429)).error == errc::throttling));
    BOOST_TEST((ivsrt::classify(status(400, "ThrottlingException")).error == errc::throttling));
    BOOST_TEST((ivsrt::classify(status(503, "SlowDown")).error == errc::throttling));
    for (std::string_view code : {"ExpiredTokenException", "InvalidSignatureException",
                                  "UnrecognizedClientException", "MissingAuthenticationToken"})
        BOOST_TEST((ivsrt::classify(status(403, code)).error == errc::authentication), code);
    BOOST_TEST((ivsrt::classify(status(400, "SomethingNewException")).error ==
                errc::unknown_service_error));
    BOOST_TEST((ivsrt::classify(status(502)).error == errc::unknown_service_error));
    // A 2xx that carries an error code is that error, not a result.
    const ivsrt::attempt_class odd = ivsrt::classify(status(200, "ConflictException"));
    BOOST_TEST((odd.error == errc::conflict));
    BOOST_TEST((odd.kind == error_kind::non_retryable));
}

// What makes a transport failure worth resending.
BOOST_AUTO_TEST_CASE(transport_failures) {
    const auto lost = [](errc e) {
        attempt_outcome o;
        o.transport_error = e;
        return o;
    };
    for (errc e : {errc::connection, errc::timeout, errc::tls}) {
        const ivsrt::attempt_class c = ivsrt::classify(lost(e));
        BOOST_TEST((c.kind == error_kind::transient));
        BOOST_TEST((c.error == e));
    }
    BOOST_TEST((ivsrt::classify(lost(errc::cancelled)).kind == error_kind::non_retryable));
    attempt_outcome refused = lost(errc::tls);
    refused.certificate_refused = true;
    BOOST_TEST((ivsrt::classify(refused).kind == error_kind::non_retryable));
    // The service may have acted on a request whose response had started: only an idempotent
    // operation is sent again.
    attempt_outcome started = lost(errc::connection);
    started.response_started = true;
    BOOST_TEST((ivsrt::classify(started).kind == error_kind::transient));
    started.idempotent = false;
    BOOST_TEST((ivsrt::classify(started).kind == error_kind::non_retryable));
    BOOST_TEST((ivsrt::classify(started).error == errc::connection));
    attempt_outcome before_response = lost(errc::timeout);
    before_response.idempotent = false;
    BOOST_TEST((ivsrt::classify(before_response).kind == error_kind::transient));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(standard_mode)

BOOST_AUTO_TEST_CASE(defaults_are_the_2026_sdk_numbers) {
    ivsrt::retry_config c;
    BOOST_TEST((c.mode == ivsrt::retry_mode::standard));
    BOOST_TEST(c.max_attempts == 3u);
    BOOST_TEST(c.transient_base_delay.count() == 50);
    BOOST_TEST(c.throttling_base_delay.count() == 1000);
    BOOST_TEST(c.max_delay.count() == 20000);
    BOOST_TEST(c.quota_capacity == 500u);
    BOOST_TEST(c.transient_retry_cost == 14u);
    BOOST_TEST(c.throttling_retry_cost == 5u);
}

BOOST_AUTO_TEST_CASE(transient_errors_back_off_from_50ms_until_max_attempts) {
    auto rnd = script({});
    add_call(rnd, {u_half, u_half});
    ivsrt::retry_strategy strategy({}, rnd);
    ivsrt::retry_state st(strategy);
    BOOST_TEST(st.attempt() == 1u);
    BOOST_TEST(st.request_header() == "attempt=1; max=3");

    // Retry 1: uniform(0, 50ms * 2^0) with u = 0.5.
    auto d = st.after_attempt(internal, t0);
    BOOST_TEST(d.retry);
    BOOST_TEST((d.delay == 25ms));
    BOOST_TEST(st.request_header() == "attempt=2; max=3");
    // Retry 2: uniform(0, 50ms * 2^1) with u = 0.5.
    d = st.after_attempt(status(503), t0);
    BOOST_TEST(d.retry);
    BOOST_TEST((d.delay == 50ms));
    BOOST_TEST(st.request_header() == "attempt=3; max=3");
    d = st.after_attempt(status(502), t0);
    BOOST_TEST(!d.retry);
    BOOST_TEST((d.reason == stop_reason::max_attempts));
    BOOST_TEST(ivsrt::to_string(d.reason) == "max attempts reached");
    // Two transient retries at 14 tokens each; the failed call refunds nothing.
    BOOST_TEST(strategy.quota().available() == 500u - 2 * 14);
    BOOST_TEST(rnd.values->empty());
}

BOOST_AUTO_TEST_CASE(throttling_backs_off_from_1s_and_success_refunds_the_last_retry) {
    auto rnd = script({});
    add_call(rnd, {u_quarter, u_3quarters});
    ivsrt::retry_strategy strategy({.max_attempts = 4}, rnd);
    ivsrt::retry_state st(strategy);
    auto d = st.after_attempt(throttled, t0);
    BOOST_TEST((d.delay == 250ms));  // 0.25 * 1 s
    d = st.after_attempt(status(429), t0);
    BOOST_TEST((d.delay == 1500ms));  // 0.75 * 2 s
    BOOST_TEST(strategy.quota().available() == 500u - 5 - 5);
    d = st.after_attempt(ok, t0);
    BOOST_TEST(!d.retry);
    BOOST_TEST((d.reason == stop_reason::succeeded));
    // Only the last retry's cost comes back.
    BOOST_TEST(strategy.quota().available() == 500u - 5);
}

BOOST_AUTO_TEST_CASE(backoff_doubles_up_to_the_20s_cap) {
    auto rnd = script({});
    add_call(rnd, {u_half, u_half, u_half, u_half, u_half, u_half, u_half});
    ivsrt::retry_strategy strategy({.max_attempts = 8}, rnd);
    ivsrt::retry_state st(strategy);
    // Ceilings 1, 2, 4, 8, 16, then 20 (cap) s; half of each.
    const std::chrono::milliseconds expected[] = {500ms, 1s, 2s, 4s, 8s, 10s, 10s};
    for (auto e : expected) {
        auto d = st.after_attempt(throttled, t0);
        BOOST_TEST(d.retry);
        BOOST_TEST((d.delay == e), "attempt " << st.attempt());
    }
    BOOST_TEST((st.after_attempt(throttled, t0).reason == stop_reason::max_attempts));
}

BOOST_AUTO_TEST_CASE(mixed_errors_use_the_base_of_the_latest_error) {
    auto rnd = script({});
    add_call(rnd, {u_half, u_half});
    ivsrt::retry_strategy strategy({}, rnd);
    ivsrt::retry_state st(strategy);
    BOOST_TEST((st.after_attempt(throttled, t0).delay == 500ms));  // 0.5 * 1 s
    BOOST_TEST((st.after_attempt(internal, t0).delay == 50ms));    // 0.5 * 100 ms
    BOOST_TEST(strategy.quota().available() == 500u - 5 - 14);
}

BOOST_AUTO_TEST_CASE(zero_draw_means_immediate_retry) {
    auto rnd = script({});
    add_call(rnd, {u_0});
    ivsrt::retry_strategy strategy({}, rnd);
    ivsrt::retry_state st(strategy);
    auto d = st.after_attempt(internal, t0);
    BOOST_TEST(d.retry);
    BOOST_TEST((d.delay == 0ns));
}

BOOST_AUTO_TEST_CASE(non_retryable_errors_stop_at_once_without_cost) {
    auto rnd = script({});
    add_call(rnd, {});
    ivsrt::retry_strategy strategy({}, rnd);
    ivsrt::retry_state st(strategy);
    auto d = st.after_attempt(status(402, "ServiceQuotaExceededException"), t0);
    BOOST_TEST(!d.retry);
    BOOST_TEST((d.reason == stop_reason::not_retryable));
    BOOST_TEST(strategy.quota().available() == 500u);
}

BOOST_AUTO_TEST_CASE(one_attempt_disables_retries) {
    auto rnd = script({});
    add_call(rnd, {});
    ivsrt::retry_strategy strategy({.max_attempts = 1}, rnd);
    ivsrt::retry_state st(strategy);
    BOOST_TEST(st.request_header() == "attempt=1; max=1");
    BOOST_TEST((st.after_attempt(internal, t0).reason == stop_reason::max_attempts));
}

BOOST_AUTO_TEST_CASE(standard_mode_never_waits_before_an_attempt) {
    auto rnd = script({});
    add_call(rnd, {u_half});
    ivsrt::retry_strategy strategy({}, rnd);
    ivsrt::retry_state st(strategy);
    BOOST_TEST((st.before_attempt(t0) == 0ns));
    st.after_attempt(throttled, t0);
    BOOST_TEST((st.before_attempt(t0) == 0ns));
}

BOOST_AUTO_TEST_CASE(bad_configuration_is_rejected_by_name) {
    try {
        ivsrt::retry_strategy s({.max_attempts = 0});
        BOOST_FAIL("max_attempts = 0 accepted");
    } catch (const std::invalid_argument& e) {
        BOOST_TEST(std::string(e.what()).find("max_attempts") != std::string::npos);
    }
    BOOST_CHECK_THROW(ivsrt::retry_strategy({.max_delay = -1ms}), std::invalid_argument);
    BOOST_CHECK_THROW(ivsrt::retry_strategy({}, ivsrt::random_source{}), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(quota)

BOOST_AUTO_TEST_CASE(first_try_success_adds_one_token_up_to_the_capacity) {
    auto rnd = script({});
    ivsrt::retry_strategy strategy({}, rnd);
    add_call(rnd, {});
    ivsrt::retry_state(strategy).after_attempt(ok, t0);
    BOOST_TEST(strategy.quota().available() == 500u);  // already full

    BOOST_TEST(strategy.quota().try_acquire(10));
    add_call(rnd, {});
    ivsrt::retry_state(strategy).after_attempt(ok, t0);
    BOOST_TEST(strategy.quota().available() == 491u);
}

BOOST_AUTO_TEST_CASE(exhausted_quota_stops_retries_until_successes_refill_it) {
    auto rnd = script({});
    ivsrt::retry_strategy strategy({.quota_capacity = 20}, rnd);
    add_call(rnd, {u_half});
    ivsrt::retry_state a(strategy);
    BOOST_TEST(a.after_attempt(internal, t0).retry);  // 20 - 14 = 6 left
    add_call(rnd, {u_half});
    ivsrt::retry_state b(strategy);
    auto d = b.after_attempt(internal, t0);  // needs 14
    BOOST_TEST(!d.retry);
    BOOST_TEST((d.reason == stop_reason::quota_exhausted));
    BOOST_TEST(ivsrt::to_string(d.reason) == "retry quota exhausted");
    BOOST_TEST(strategy.quota().available() == 6u);
    // A throttling retry costs only 5.
    add_call(rnd, {u_half});
    ivsrt::retry_state c(strategy);
    BOOST_TEST(c.after_attempt(throttled, t0).retry);
    BOOST_TEST(strategy.quota().available() == 1u);
    // The successes refund: a's last retry (14, capped at 20), then c's (5, capped).
    a.after_attempt(ok, t0);
    BOOST_TEST(strategy.quota().available() == 15u);
    c.after_attempt(ok, t0);
    BOOST_TEST(strategy.quota().available() == 20u);
}

BOOST_AUTO_TEST_CASE(quota_is_consistent_under_concurrency) {
    ivsrt::retry_quota q(500);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 10000; ++i) {
                if (q.try_acquire(14)) q.release(14);
            }
        });
    for (auto& t : threads) t.join();
    BOOST_TEST(q.available() == 500u);
    BOOST_TEST(!q.try_acquire(501));
    q.release(1000);
    BOOST_TEST(q.available() == 500u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(retry_after)

ivsrt::retry_decision first_retry(const attempt_outcome& o, sys_time now = t0) {
    auto rnd = script({});
    add_call(rnd, {});  // a server delay must not draw any jitter
    ivsrt::retry_strategy strategy({}, rnd);
    return ivsrt::retry_state(strategy).after_attempt(o, now);
}

BOOST_AUTO_TEST_CASE(x_amz_retry_after_is_milliseconds) {
    auto o = throttled;
    o.amz_retry_after = "1500";
    BOOST_TEST((first_retry(o).delay == 1500ms));
}

BOOST_AUTO_TEST_CASE(retry_after_seconds) {
    auto o = status(503);
    o.retry_after = "3";
    BOOST_TEST((first_retry(o).delay == 3s));
}

BOOST_AUTO_TEST_CASE(x_amz_retry_after_wins_over_retry_after) {
    auto o = status(429);
    o.retry_after = "3";
    o.amz_retry_after = "250";
    BOOST_TEST((first_retry(o).delay == 250ms));
}

BOOST_AUTO_TEST_CASE(server_delays_are_capped_at_20s) {
    auto o = status(429);
    o.retry_after = "120";
    BOOST_TEST((first_retry(o).delay == 20s));
    o.amz_retry_after = "99999999999999999";
    BOOST_TEST((first_retry(o).delay == 20s));
}

BOOST_AUTO_TEST_CASE(retry_after_date_is_relative_to_the_response_date) {
    auto o = status(503);
    o.retry_after = "Wed, 21 Oct 2015 07:28:00 GMT";
    o.date = "Wed, 21 Oct 2015 07:27:53 GMT";
    BOOST_TEST((first_retry(o).delay == 7s));
    // Without Date, relative to our clock: 1445412480 is 2015-10-21 07:28:00 UTC.
    o.date = {};
    BOOST_TEST((first_retry(o, sys_time{} + 1445412480s - 2s).delay == 2s));
    // In the past: retry at once.
    BOOST_TEST((first_retry(o, sys_time{} + 1445412480s + 60s).delay == 0s));
}

BOOST_AUTO_TEST_CASE(unparsable_retry_after_falls_back_to_backoff) {
    auto rnd = script({});
    add_call(rnd, {u_half});
    ivsrt::retry_strategy strategy({}, rnd);
    auto o = status(503);
    o.retry_after = "soon";
    o.amz_retry_after = "-5";
    BOOST_TEST((ivsrt::retry_state(strategy).after_attempt(o, t0).delay == 25ms));
}

BOOST_AUTO_TEST_CASE(retry_after_does_not_make_an_error_retryable) {
    auto o = status(400, "ValidationException");
    o.retry_after = "1";
    BOOST_TEST(!first_retry(o).retry);
}

BOOST_AUTO_TEST_CASE(http_dates) {
    using ivsrt::detail::parse_http_date;
    // RFC 9110's example; 784111777 is 1994-11-06 08:49:37 UTC.
    auto t = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT");
    BOOST_TEST_REQUIRE(t.has_value());
    BOOST_TEST((*t == sys_time{} + 784111777s));
    BOOST_TEST((parse_http_date("Thu, 29 Feb 2024 23:59:59 GMT") == sys_time{} + 1709251199s));
    BOOST_TEST(!parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"));  // obsolete RFC 850 form
    BOOST_TEST(!parse_http_date("Sun Nov  6 08:49:37 1994"));        // asctime form
    BOOST_TEST(!parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC"));
    BOOST_TEST(!parse_http_date("Sun, 31 Feb 1994 08:49:37 GMT"));
    BOOST_TEST(!parse_http_date("Sun, 06 Nov 1994 24:00:00 GMT"));
    BOOST_TEST(!parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT"));
    BOOST_TEST(!parse_http_date("Sun, 0x Nov 1994 08:49:37 GMT"));
    BOOST_TEST(!parse_http_date(""));
}

// Years outside 1970..2199 would overflow system_clock (nanoseconds end in 2262); fields with
// signs are not digits.
BOOST_AUTO_TEST_CASE(http_dates_out_of_range_are_rejected) {
    using ivsrt::detail::parse_http_date;
    BOOST_TEST(!parse_http_date("Fri, 31 Dec 9999 23:59:59 GMT"));
    BOOST_TEST(!parse_http_date("Mon, 01 Jan 0001 00:00:00 GMT"));
    BOOST_TEST(!parse_http_date("Mon, 01 Jan 0000 00:00:00 GMT"));
    BOOST_TEST(!parse_http_date("Sat, 12 Apr 2262 00:00:00 GMT"));
    BOOST_TEST(!parse_http_date("Wed, 01 Jan 2200 00:00:00 GMT"));
    BOOST_TEST(!parse_http_date("Wed, 31 Dec 1969 23:59:59 GMT"));
    BOOST_TEST(!parse_http_date("Sun, 06 Nov -994 08:49:37 GMT"));
    BOOST_TEST(!parse_http_date("Sun, 06 Nov 1994 -1:49:37 GMT"));
    BOOST_TEST(!parse_http_date("Sun, 06 Nov 1994 08:-9:37 GMT"));
    BOOST_TEST(!parse_http_date("Sun, 06 Nov 1994 08:49:-7 GMT"));
    BOOST_TEST((parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT") == sys_time{}));
    // 7258118399 is 2199-12-31 23:59:59 UTC.
    BOOST_TEST((parse_http_date("Tue, 31 Dec 2199 23:59:59 GMT") == sys_time{} + 7258118399s));
}

// A retry-after date measured against an absurd local clock gives the longest delay (capped by
// the strategy at 20 s), not an overflowed one.
BOOST_AUTO_TEST_CASE(retry_after_date_against_an_extreme_clock_does_not_overflow) {
    auto o = status(503);
    o.retry_after = "Wed, 21 Oct 2015 07:28:00 GMT";
    BOOST_TEST((first_retry(o, sys_time::min()).delay == 20s));
    BOOST_TEST((first_retry(o, sys_time::max()).delay == 0s));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(clock_skew)

// 1795683600 is 2026-11-26 09:00:00 UTC, a Thursday.
const sys_time server_time = sys_time{} + 1795683600s;
constexpr std::string_view server_date = "Thu, 26 Nov 2026 09:00:00 GMT";

BOOST_AUTO_TEST_CASE(skew_error_corrects_the_clock_and_retries_once_immediately) {
    auto rnd = script({});
    add_call(rnd, {});
    ivsrt::retry_strategy strategy({}, rnd);
    ivsrt::retry_state st(strategy);
    auto o = status(403, "InvalidSignatureException");
    o.date = server_date;
    const sys_time local = server_time - 10min;  // our clock is 10 minutes late
    auto d = st.after_attempt(o, local);
    BOOST_TEST(d.retry);
    BOOST_TEST((d.delay == 0ns));
    BOOST_TEST((strategy.skew().offset() == 10min));
    BOOST_TEST((strategy.skew().corrected(local) == server_time));
    BOOST_TEST(strategy.quota().available() == 500u);  // free
    // The same error again: the correction did not help, stop.
    d = st.after_attempt(o, local);
    BOOST_TEST(!d.retry);
    BOOST_TEST((d.reason == stop_reason::not_retryable));
}

BOOST_AUTO_TEST_CASE(calls_signed_before_another_call_corrected_the_clock_retry_too) {
    auto rnd = script({});
    add_call(rnd, {});
    add_call(rnd, {});
    ivsrt::retry_strategy strategy({}, rnd);
    const sys_time local = server_time - 10min;
    ivsrt::retry_state a(strategy), b(strategy);
    BOOST_TEST((a.before_attempt(local) == 0ns));  // both signed with no correction
    BOOST_TEST((b.before_attempt(local) == 0ns));
    auto o = status(403, "RequestTimeTooSkewed");
    o.date = server_date;
    BOOST_TEST(a.after_attempt(o, local).retry);  // corrects the clock
    BOOST_TEST((strategy.skew().offset() == 10min));
    // b's error no longer shows a skew (a fixed it), but b was signed with the old offset.
    o.date = {};
    BOOST_TEST(b.after_attempt(o, local).retry);
    // A call signed after the correction and still rejected has another problem.
    add_call(rnd, {});
    ivsrt::retry_state c(strategy);
    c.before_attempt(local);
    o.date = server_date;
    BOOST_TEST((c.after_attempt(o, local).reason == stop_reason::not_retryable));
}

BOOST_AUTO_TEST_CASE(small_skew_is_not_the_cause_so_no_retry) {
    auto rnd = script({});
    add_call(rnd, {});
    ivsrt::retry_strategy strategy({}, rnd);
    auto o = status(403, "SignatureDoesNotMatch");
    o.date = server_date;
    auto d = ivsrt::retry_state(strategy).after_attempt(o, server_time - 3min);
    BOOST_TEST(!d.retry);
    BOOST_TEST((strategy.skew().offset() == 0s));
}

BOOST_AUTO_TEST_CASE(skew_error_without_a_date_is_not_retried) {
    auto rnd = script({});
    add_call(rnd, {});
    ivsrt::retry_strategy strategy({}, rnd);
    auto d = ivsrt::retry_state(strategy).after_attempt(status(403, "RequestExpired"), t0);
    BOOST_TEST(!d.retry);
}

BOOST_AUTO_TEST_CASE(offset_is_measured_against_the_corrected_clock) {
    ivsrt::clock_skew skew;
    BOOST_TEST(skew.update(server_time, server_time + 5min));  // we are 5 min early
    BOOST_TEST((skew.offset() == -5min));
    // Already corrected: the same observation changes nothing.
    BOOST_TEST(!skew.update(server_time, server_time + 5min));
    // Drift of 3 more minutes stays under the threshold.
    BOOST_TEST(!skew.update(server_time, server_time + 8min));
    BOOST_TEST(skew.update(server_time, server_time + 10min));
    BOOST_TEST((skew.offset() == -10min));
}

// Offsets beyond clock_skew::max_offset (24 h) are ignored, whatever the two time points.
BOOST_AUTO_TEST_CASE(offsets_beyond_24_hours_are_ignored) {
    BOOST_TEST((ivsrt::clock_skew::max_offset == 24h));
    ivsrt::clock_skew skew;
    BOOST_TEST(!skew.update(server_time + 24h + 1s, server_time));
    BOOST_TEST(!skew.update(server_time - 24h - 1s, server_time));
    BOOST_TEST(!skew.update(sys_time::max(), server_time));
    BOOST_TEST(!skew.update(sys_time::min(), server_time));
    BOOST_TEST(!skew.update(sys_time::max(), sys_time::min()));
    BOOST_TEST(!skew.update(sys_time::min(), sys_time::max()));
    BOOST_TEST((skew.offset() == 0s));
    // The bound itself is accepted.
    BOOST_TEST(skew.update(server_time + 24h, server_time));
    BOOST_TEST((skew.offset() == 24h));
    BOOST_TEST(skew.update(server_time - 24h, server_time));
    BOOST_TEST((skew.offset() == -24h));
    // Measured against the stored offset: 48 h from it, but within 24 h of the local clock.
    BOOST_TEST(skew.update(server_time + 24h, server_time));
    BOOST_TEST((skew.offset() == 24h));
}

BOOST_AUTO_TEST_CASE(corrected_time_saturates) {
    ivsrt::clock_skew skew;
    BOOST_TEST_REQUIRE(skew.update(server_time + 1h, server_time));
    BOOST_TEST((skew.corrected(sys_time::max()) == sys_time::max()));
    BOOST_TEST((skew.corrected(sys_time::max() - 30min) == sys_time::max()));
    BOOST_TEST((skew.corrected(sys_time::min()) == sys_time::min() + 1h));
    BOOST_TEST_REQUIRE(skew.update(server_time - 1h, server_time));
    BOOST_TEST((skew.corrected(sys_time::min()) == sys_time::min()));
    BOOST_TEST((skew.corrected(sys_time::min() + 30min) == sys_time::min()));
    BOOST_TEST((skew.corrected(sys_time::max()) == sys_time::max() - 1h));
}

// A skew error whose Date is far off, out of range or unparsable leaves the clock alone, so the
// call is not retried for skew.
BOOST_AUTO_TEST_CASE(skew_error_with_a_far_or_bad_date_is_not_corrected) {
    for (std::string_view date :
         {"Sat, 28 Nov 2026 09:00:00 GMT",  // 48 h ahead
          "Tue, 24 Nov 2026 09:00:00 GMT",  // 48 h behind
          "Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 0001 00:00:00 GMT",
          "Thu, 26 Nov 2026 -9:00:00 GMT", "Thu, 26 Nov 99999 09:00:00 GMT", "garbage"}) {
        auto rnd = script({});
        add_call(rnd, {});
        ivsrt::retry_strategy strategy({}, rnd);
        auto o = status(403, "RequestTimeTooSkewed");
        o.date = date;
        const auto d = ivsrt::retry_state(strategy).after_attempt(o, server_time);
        BOOST_TEST(!d.retry, date);
        BOOST_TEST((strategy.skew().offset() == 0s), date);
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(invocation_id)

BOOST_AUTO_TEST_CASE(uuid_v4_from_two_draws) {
    auto rnd = script({0x0011223344556677ULL, 0x8899aabbccddeeffULL});
    auto id = ivsrt::make_invocation_id(rnd);
    // Bytes 00..ff in order; byte 6 (0x66) gets version 4 -> 0x46, byte 8 (0x88) keeps variant
    // bits 10 -> 0x88.
    BOOST_TEST(std::string(id.data(), id.size()) == "00112233-4455-4677-8899-aabbccddeeff");
    auto ones = script({~0ULL, ~0ULL});
    id = ivsrt::make_invocation_id(ones);
    BOOST_TEST(std::string(id.data(), id.size()) == "ffffffff-ffff-4fff-bfff-ffffffffffff");
}

BOOST_AUTO_TEST_CASE(each_call_has_its_own_id_from_the_default_source) {
    ivsrt::retry_strategy strategy;
    std::set<std::string> ids;
    for (int i = 0; i < 1000; ++i) {
        ivsrt::retry_state st(strategy);
        std::string id(st.invocation_id());
        BOOST_TEST_REQUIRE(id.size() == 36u);
        BOOST_TEST(id[14] == '4');
        BOOST_TEST(std::string_view("89ab").find(id[19]) != std::string_view::npos);
        ids.insert(id);
    }
    BOOST_TEST(ids.size() == 1000u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(adaptive)

// Hand derivation, from the SDKs' adaptive algorithm (beta 0.7, scale 0.4, smoothing 0.8,
// send rate measured in half-second buckets). One response every 0.5 s from t = 1000.5:
//   1000.5 ok : first bucket ends, 1 request / 0.5 s = 2/s; measured = 0.8*2           = 1.6
//   1001.0 ok : measured = 0.8*2 + 0.2*1.6   = 1.92
//   1001.5 throttled: measured = 0.8*2 + 0.2*1.92 = 1.984; last max rate = 1.984 (limiter was
//               off, so the measured rate); fill rate = 0.7 * 1.984 = 1.3888; limiter on.
//   Capacity: starts at 0, fills at the 0.5/s floor rate for 1 s (capped at 1) -> 0.5.
BOOST_AUTO_TEST_CASE(rate_drops_after_throttling_and_recovers_along_cubic) {
    ivsrt::adaptive_rate_limiter rl;
    const sys_time base = sys_time{} + 1000s;
    BOOST_TEST((rl.acquire(base + 500ms) == 0ns));  // off: never waits
    rl.update(false, base + 500ms);
    BOOST_TEST(rl.measured_rate() == 1.6, boost::test_tools::tolerance(1e-12));
    rl.update(false, base + 1000ms);
    BOOST_TEST(rl.measured_rate() == 1.92, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(!rl.enabled());
    rl.update(true, base + 1500ms);
    BOOST_TEST(rl.enabled());
    BOOST_TEST(rl.measured_rate() == 1.984, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(rl.fill_rate() == 1.3888, boost::test_tools::tolerance(1e-12));

    // Capacity 0.5: the first send waits for 0.5 token, the next one for 1.5 tokens.
    auto w1 = rl.acquire(base + 1500ms);
    auto w2 = rl.acquire(base + 1500ms);
    BOOST_TEST(std::abs(w1.count() - 0.5 / 1.3888 * 1e9) <= 1.0);
    BOOST_TEST(std::abs(w2.count() - 1.5 / 1.3888 * 1e9) <= 1.0);

    // Recovery: rate = 0.4 * (t - t_throttle - W)^3 + 1.984, W = cbrt(1.984 * 0.3 / 0.4),
    // bounded by twice the measured rate.
    const double W = std::cbrt(1.984 * 0.3 / 0.4);
    rl.update(false, base + 2000ms);  // measured = 0.8*2 + 0.2*1.984 = 1.9968
    const double r4 = 0.4 * std::pow(0.5 - W, 3) + 1.984;
    BOOST_TEST(rl.fill_rate() == r4, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(rl.fill_rate() > 1.3888);
    BOOST_TEST(rl.fill_rate() < 1.984);
    // At t_throttle + W the curve is back at the rate of the throttle (its plateau).
    const auto at_w = base + 1500ms + std::chrono::nanoseconds(std::llround(W * 1e9));
    rl.update(false, at_w);  // bucket 1002.5: 1 request / 0.5 s; measured = 1.6 + 0.2*1.9968
    BOOST_TEST(rl.fill_rate() == 1.984, boost::test_tools::tolerance(1e-6));
    // One second later it grows past it: 0.4 * 1^3 + 1.984 = 2.384; the measured rate is
    // 0.8 * (1 request / 1 s) + 0.2 * 1.99936 = 1.199872, and 2 * 1.199872 > 2.384.
    rl.update(false, at_w + 1s);
    BOOST_TEST(rl.measured_rate() == 1.199872, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(rl.fill_rate() == 2.384, boost::test_tools::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(new_rate_never_exceeds_twice_the_measured_rate) {
    ivsrt::adaptive_rate_limiter rl;
    const sys_time base = sys_time{} + 1000s;
    rl.update(false, base + 500ms);  // measured 1.6
    rl.update(true, base + 1000ms);  // measured 1.92, fill 0.7 * 1.92
    BOOST_TEST(rl.fill_rate() == 0.7 * 1.92, boost::test_tools::tolerance(1e-12));
    // Ten seconds later the cubic term is huge, but one request in 9.5 s was measured:
    // measured = 0.8 * (1 / 9.5) + 0.2 * 1.92, and the rate is twice that.
    rl.update(false, base + 10500ms);
    const double measured = 0.8 / 9.5 + 0.2 * 1.92;
    BOOST_TEST(rl.measured_rate() == measured, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(rl.fill_rate() == 2 * measured, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(adaptive_state_waits_only_after_throttling) {
    auto rnd = script({});
    add_call(rnd, {u_half});
    ivsrt::retry_strategy strategy({.mode = ivsrt::retry_mode::adaptive}, rnd);
    ivsrt::retry_state st(strategy);
    const sys_time base = sys_time{} + 1000s;
    BOOST_TEST((st.before_attempt(base + 500ms) == 0ns));
    auto d = st.after_attempt(throttled, base + 500ms);
    BOOST_TEST((d.delay == 500ms));  // backoff as in standard mode
    BOOST_TEST(strategy.rate_limiter().enabled());
    // Measured 1.6/s at the throttle -> fill 1.12/s, capacity 0: wait 1 / 1.12 s.
    auto w = st.before_attempt(base + 500ms);
    BOOST_TEST(std::abs(w.count() - 1e9 / (0.7 * 1.6)) <= 1.0);
}

BOOST_AUTO_TEST_SUITE_END()

// Reference vectors (tests/data/retry/adaptive_rate.json), computed by make_adaptive_vectors.py
// next to them from the algorithm the AWS SDKs publish and checked there against the SDKs' own
// test values (botocore, the AWS SDK for Ruby, the Rust smithy runtime's full-precision table).
BOOST_AUTO_TEST_SUITE(adaptive_reference_vectors)

namespace json = boost::json;

const json::object& vectors() {
    static const json::value doc = [] {
        const std::string path = std::string(IVSRT_TEST_DATA_DIR) + "/retry/adaptive_rate.json";
        std::ifstream in(path, std::ios::binary);
        if (!in) throw std::runtime_error("cannot open test data file " + path);
        std::ostringstream text;
        text << in.rdbuf();
        return json::parse(text.str());
    }();
    return doc.as_object();
}

double number(const json::value& v) {
    return v.to_number<double>();
}

// Relative tolerance, with an absolute floor for values near zero.
bool near(double got, double want, double tolerance = 1e-12) {
    return std::abs(got - want) <= tolerance * std::max(1.0, std::abs(want));
}

sys_time at(double seconds) {
    return sys_time{} + std::chrono::duration_cast<sys_time::duration>(
                            std::chrono::nanoseconds(std::llround(seconds * 1e9)));
}

BOOST_AUTO_TEST_CASE(constants_match) {
    const auto& c = vectors().at("constants").as_object();
    BOOST_TEST(number(c.at("beta")) == ivsrt::adaptive_rate_limiter::beta);
    BOOST_TEST(number(c.at("scale_constant")) == ivsrt::adaptive_rate_limiter::scale_constant);
    BOOST_TEST(number(c.at("smooth")) == ivsrt::adaptive_rate_limiter::smooth);
    BOOST_TEST(number(c.at("min_fill_rate")) == ivsrt::adaptive_rate_limiter::min_fill_rate);
    BOOST_TEST(number(c.at("min_capacity")) == ivsrt::adaptive_rate_limiter::min_capacity);
}

BOOST_AUTO_TEST_CASE(cubic_time_window_k) {
    const auto& cases = vectors().at("time_window").as_array();
    BOOST_TEST_REQUIRE(cases.size() >= 8u);
    for (const auto& v : cases) {
        const auto& c = v.as_object();
        const double w_max = number(c.at("last_max_rate"));
        const double k =
            ivsrt::detail::cubic_time_window(w_max, ivsrt::adaptive_rate_limiter::beta,
                                             ivsrt::adaptive_rate_limiter::scale_constant);
        BOOST_TEST(near(k, number(c.at("seconds"))),
                   "W_max " << w_max << ": K " << k << " != " << number(c.at("seconds")));
    }
}

BOOST_AUTO_TEST_CASE(cubic_rate_after_a_throttle) {
    const auto& cases = vectors().at("cubic_rate").as_array();
    BOOST_TEST_REQUIRE(cases.size() >= 13u);
    for (const auto& v : cases) {
        const auto& c = v.as_object();
        const double w_max = number(c.at("last_max_rate"));
        const double dt = number(c.at("since_throttle"));
        const double rate = ivsrt::detail::cubic_rate(w_max, dt, ivsrt::adaptive_rate_limiter::beta,
                                                      ivsrt::adaptive_rate_limiter::scale_constant);
        BOOST_TEST(near(rate, number(c.at("rate"))),
                   "W_max " << w_max << ", t " << dt << ": " << rate << " != " << c.at("rate"));
    }
}

// Each sequence drives one limiter: responses (success or throttle) with the measured send rate,
// fill rate and on/off state after each, and token acquisitions with the wait they impose.
BOOST_AUTO_TEST_CASE(limiter_sequences) {
    const auto& sequences = vectors().at("sequences").as_array();
    BOOST_TEST_REQUIRE(sequences.size() >= 6u);
    std::size_t responses = 0, acquisitions = 0, waits = 0;
    for (const auto& sv : sequences) {
        const auto& seq = sv.as_object();
        const std::string name(seq.at("name").as_string());
        BOOST_TEST_CONTEXT(name) {
            ivsrt::adaptive_rate_limiter rl;
            // The limiter's clock starts at its first use; off, it never waits.
            BOOST_TEST((rl.acquire(at(number(seq.at("start")))) == 0ns));
            for (const auto& ev : seq.at("events").as_array()) {
                const auto& e = ev.as_object();
                const double t = number(e.at("at"));
                const std::string_view kind = e.at("event").as_string();
                BOOST_TEST_CONTEXT("t = " << t << " " << kind) {
                    if (kind == "acquire") {
                        const double want = number(e.at("wait"));
                        const auto wait = rl.acquire(at(t));
                        // The wait is rounded up to whole nanoseconds.
                        BOOST_TEST(std::abs(static_cast<double>(wait.count()) - want * 1e9) <= 2.0,
                                   wait.count() << " ns != " << want << " s");
                        ++acquisitions;
                        waits += want > 0;
                        continue;
                    }
                    BOOST_TEST_REQUIRE((kind == "success" || kind == "throttle"));
                    rl.update(kind == "throttle", at(t));
                    ++responses;
                    BOOST_TEST(
                        near(rl.measured_rate(), number(e.at("measured_rate")), 1e-9),
                        "measured " << rl.measured_rate() << " != " << e.at("measured_rate"));
                    BOOST_TEST(near(rl.fill_rate(), number(e.at("fill_rate")), 1e-9),
                               "fill " << rl.fill_rate() << " != " << e.at("fill_rate"));
                    BOOST_TEST(rl.enabled() == e.at("enabled").as_bool());
                }
            }
        }
    }
    // The file was read whole: every kind of event was checked.
    BOOST_TEST(responses >= 90u);
    BOOST_TEST(acquisitions >= 14u);
    BOOST_TEST(waits >= 8u);
}

BOOST_AUTO_TEST_SUITE_END()
