// Tests for ivsrt/pacing.hpp and the client's wait helper: per-operation buckets preloaded with
// IVS's quotas, exact schedules in virtual time, cancellation and deadlines.
#define BOOST_TEST_MODULE test_pacing
#include <boost/test/unit_test.hpp>

#include <ivsrt/detail/pacing_wait.hpp>
#include <ivsrt/pacing.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using ivsrt::pacing_bucket;
using time_point = pacing_bucket::time_point;

namespace {
// Virtual time: an arbitrary origin, never the real clock.
const time_point t0 = time_point{} + 1000s;
}  // namespace

BOOST_AUTO_TEST_SUITE(configuration)

BOOST_AUTO_TEST_CASE(buckets_carry_the_documented_quotas) {
    ivsrt::pacer p;
    BOOST_TEST(p.enabled());
    // 1/50 s, 1/10 s, 1/3 s (rounded to the nanosecond), 1/5 s.
    BOOST_TEST((p.bucket("CreateParticipantToken")->interval() == 20ms));
    for (auto op : {"TagResource", "UntagResource", "ListTagsForResource"})
        BOOST_TEST((p.bucket(op)->interval() == 100ms), op);
    for (auto op : {"ImportPublicKey", "GetPublicKey", "DeletePublicKey", "ListPublicKeys"})
        BOOST_TEST((p.bucket(op)->interval() == 333'333'333ns), op);
    for (auto op : {"CreateStage", "GetParticipant", "ListStages"})
        BOOST_TEST((p.bucket(op)->interval() == 200ms), op);
}

BOOST_AUTO_TEST_CASE(each_operation_has_its_own_shared_bucket) {
    ivsrt::pacer p;
    BOOST_TEST(p.bucket("CreateStage") == p.bucket("CreateStage"));
    BOOST_TEST(p.bucket("CreateStage") != p.bucket("DeleteStage"));
    // Different operations do not slow each other down.
    BOOST_TEST((p.bucket("CreateStage")->reserve(t0).start == t0));
    BOOST_TEST((p.bucket("DeleteStage")->reserve(t0).start == t0));
    BOOST_TEST((p.bucket("CreateStage")->reserve(t0).start == t0 + 200ms));
}

BOOST_AUTO_TEST_CASE(appended_paces_override_and_defaults_are_configurable) {
    ivsrt::pacing_config c;
    c.operations.push_back({"CreateParticipantToken", 20, 1});
    c.default_tps = 2;
    ivsrt::pacer p(c);
    BOOST_TEST((p.bucket("CreateParticipantToken")->interval() == 50ms));
    BOOST_TEST((p.bucket("GetStage")->interval() == 500ms));
    BOOST_TEST((p.bucket("TagResource")->interval() == 100ms));
}

BOOST_AUTO_TEST_CASE(disabled_pacing_has_no_buckets) {
    ivsrt::pacer p({.enabled = false});
    BOOST_TEST(!p.enabled());
    BOOST_TEST(p.bucket("CreateParticipantToken") == nullptr);
}

BOOST_AUTO_TEST_CASE(bad_paces_are_rejected_naming_the_operation) {
    ivsrt::pacing_config c;
    c.operations.push_back({"GetStage", 0, 1});
    try {
        ivsrt::pacer p(c);
        BOOST_FAIL("tps 0 accepted");
    } catch (const std::invalid_argument& e) {
        BOOST_TEST(std::string(e.what()).find("GetStage") != std::string::npos);
        BOOST_TEST(std::string(e.what()).find("tps") != std::string::npos);
    }
    c.operations.back() = {"GetStage", 5, 0};
    BOOST_CHECK_THROW(ivsrt::pacer{c}, std::invalid_argument);
    BOOST_CHECK_THROW(ivsrt::pacer({.default_tps = -1}), std::invalid_argument);
    BOOST_CHECK_THROW(pacing_bucket(std::numeric_limits<double>::infinity(), 1),
                      std::invalid_argument);
    BOOST_CHECK_THROW(pacing_bucket(std::numeric_limits<double>::quiet_NaN(), 1),
                      std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(schedule)

// 1,000 calls arriving at once under the 50 TPS quota start every 20 ms: call i at i * 20 ms.
BOOST_AUTO_TEST_CASE(a_burst_of_1000_is_spread_at_50_tps) {
    ivsrt::pacer p;
    auto* b = p.bucket("CreateParticipantToken");
    std::vector<time_point> starts;
    for (int i = 0; i < 1000; ++i) starts.push_back(b->reserve(t0).start);
    for (int i = 0; i < 1000; ++i) BOOST_TEST_REQUIRE((starts[i] == t0 + i * 20ms), "call " << i);
    // No 1-second window holds more than 50 starts: for every start, the starts in
    // [start, start + 1 s) are at most 50 (starts are sorted).
    std::size_t most = 0;
    for (auto it = starts.begin(); it != starts.end(); ++it) {
        auto end = std::lower_bound(it, starts.end(), *it + 1s);
        most = std::max<std::size_t>(most, end - it);
    }
    BOOST_TEST(most == 50u);
    BOOST_TEST(((starts.back() - starts.front()) == 19980ms));
}

// Arrivals at 0, 0, 0, 30, 100 ms and 1 s at 20 TPS (50 ms): the first starts at once, the next
// two queue at 50 and 100 ms, the one at 30 ms queues at 150 ms, the one at 100 ms at 200 ms;
// by 1 s the bucket is idle again and the call starts at once.
BOOST_AUTO_TEST_CASE(late_arrivals_queue_behind_earlier_ones_then_idle_resets) {
    pacing_bucket b(20, 1);
    BOOST_TEST((b.reserve(t0).start == t0));
    BOOST_TEST((b.reserve(t0).start == t0 + 50ms));
    BOOST_TEST((b.reserve(t0).start == t0 + 100ms));
    BOOST_TEST((b.reserve(t0 + 30ms).start == t0 + 150ms));
    BOOST_TEST((b.reserve(t0 + 100ms).start == t0 + 200ms));
    BOOST_TEST((b.reserve(t0 + 1s).start == t0 + 1s));
    // Calls spaced wider than the interval are never delayed.
    BOOST_TEST((b.reserve(t0 + 2s).start == t0 + 2s));
    BOOST_TEST((b.reserve(t0 + 2060ms).start == t0 + 2060ms));
}

// Burst 3 at 10 TPS: three calls start at once, then one every 100 ms; after an idle second the
// bucket holds three tokens again.
BOOST_AUTO_TEST_CASE(burst_lets_a_few_calls_start_together) {
    pacing_bucket b(10, 3);
    for (int i = 0; i < 3; ++i) BOOST_TEST((b.reserve(t0).start == t0));
    BOOST_TEST((b.reserve(t0).start == t0 + 100ms));
    BOOST_TEST((b.reserve(t0).start == t0 + 200ms));
    const auto later = t0 + 2s;
    for (int i = 0; i < 3; ++i) BOOST_TEST((b.reserve(later).start == later));
    BOOST_TEST((b.reserve(later).start == later + 100ms));
}

BOOST_AUTO_TEST_CASE(the_last_reservation_can_be_given_back) {
    pacing_bucket b(10, 1);
    auto r1 = b.reserve(t0);
    auto r2 = b.reserve(t0);
    BOOST_TEST((r2.start == t0 + 100ms));
    BOOST_TEST(!b.cancel(r1));  // r2 came after it: r1's slot just goes unused
    BOOST_TEST(b.cancel(r2));
    BOOST_TEST(!b.cancel(r2));  // at most once
    BOOST_TEST((b.reserve(t0).start == t0 + 100ms));
}

BOOST_AUTO_TEST_CASE(concurrent_reservations_get_distinct_exact_slots) {
    pacing_bucket b(50, 1);
    std::vector<std::vector<time_point>> got(4);
    std::vector<std::thread> threads;
    for (auto& g : got)
        threads.emplace_back([&b, &g] {
            for (int i = 0; i < 250; ++i) g.push_back(b.reserve(t0).start);
        });
    for (auto& t : threads) t.join();
    std::vector<time_point> all;
    for (auto& g : got) all.insert(all.end(), g.begin(), g.end());
    std::sort(all.begin(), all.end());
    for (int i = 0; i < 1000; ++i) BOOST_TEST_REQUIRE((all[i] == t0 + i * 20ms), "slot " << i);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(async_wait)

namespace asio = boost::asio;
using boost::system::error_code;

// A bucket so slow (one call per 1000 s) that a second call cannot start during the test.
constexpr double slow_tps = 1.0 / 1000;

BOOST_AUTO_TEST_CASE(a_turn_that_has_come_completes_at_once_but_not_inline) {
    asio::io_context ctx;
    asio::steady_timer timer(ctx);
    pacing_bucket b(slow_tps, 1);
    const auto turn = b.reserve(pacing_bucket::clock::now());
    std::optional<error_code> result;
    ivsrt::detail::async_wait_turn(b, turn, timer, time_point::max(),
                                   [&](error_code ec) { result = ec; });
    BOOST_TEST(!result.has_value());
    ctx.run();
    BOOST_TEST_REQUIRE(result.has_value());
    BOOST_TEST(!*result);
}

BOOST_AUTO_TEST_CASE(a_turn_after_the_deadline_times_out_and_frees_its_slot) {
    asio::io_context ctx;
    asio::steady_timer timer(ctx);
    pacing_bucket b(slow_tps, 1);
    const auto first = b.reserve(pacing_bucket::clock::now());
    const auto second = b.reserve(pacing_bucket::clock::now());
    std::optional<error_code> result;
    ivsrt::detail::async_wait_turn(b, second, timer, pacing_bucket::clock::now() + 1s,
                                   [&](error_code ec) { result = ec; });
    BOOST_TEST(!result.has_value());
    ctx.run();
    BOOST_TEST_REQUIRE(result.has_value());
    BOOST_TEST((*result == ivsrt::errc::timeout));
    // The slot went back: the next call gets the one right after the first.
    BOOST_TEST((b.reserve(first.start).start == first.start + 1000s));
}

BOOST_AUTO_TEST_CASE(a_cancelled_wait_completes_with_cancelled_and_frees_its_slot) {
    asio::io_context ctx;
    asio::steady_timer timer(ctx);
    pacing_bucket b(slow_tps, 1);
    const auto first = b.reserve(pacing_bucket::clock::now());
    const auto second = b.reserve(pacing_bucket::clock::now());
    asio::cancellation_signal signal;
    std::optional<error_code> result;
    ivsrt::detail::async_wait_turn(
        b, second, timer, time_point::max(),
        asio::bind_cancellation_slot(signal.slot(), [&](error_code ec) { result = ec; }));
    BOOST_TEST(!result.has_value());
    ctx.poll();  // the wait is pending on its timer
    BOOST_TEST(!result.has_value());
    signal.emit(asio::cancellation_type::terminal);
    ctx.run();
    BOOST_TEST_REQUIRE(result.has_value());
    BOOST_TEST((*result == ivsrt::errc::cancelled));
    BOOST_TEST((b.reserve(first.start).start == first.start + 1000s));
}

BOOST_AUTO_TEST_CASE(partial_cancellation_is_honoured_too) {
    asio::io_context ctx;
    asio::steady_timer timer(ctx);
    pacing_bucket b(slow_tps, 1);
    b.reserve(pacing_bucket::clock::now());
    const auto second = b.reserve(pacing_bucket::clock::now());
    asio::cancellation_signal signal;
    std::optional<error_code> result;
    ivsrt::detail::async_wait_turn(
        b, second, timer, time_point::max(),
        asio::bind_cancellation_slot(signal.slot(), [&](error_code ec) { result = ec; }));
    ctx.poll();
    signal.emit(asio::cancellation_type::partial);
    ctx.run();
    BOOST_TEST_REQUIRE(result.has_value());
    BOOST_TEST((*result == ivsrt::errc::cancelled));
}

BOOST_AUTO_TEST_SUITE_END()
