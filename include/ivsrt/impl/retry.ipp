// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <ivsrt/retry.hpp>

#include <ivsrt/detail/cubic.hpp>
#include <ivsrt/detail/http_text.hpp>
#include <ivsrt/detail/uuid.hpp>
#include <ivsrt/model/errors.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <random>
#include <stdexcept>
#include <type_traits>

namespace ivsrt {

namespace detail {

inline bool is_one_of(std::string_view code, std::initializer_list<std::string_view> codes) {
    return std::find(codes.begin(), codes.end(), code) != codes.end();
}

inline bool is_throttling_code(std::string_view code) {
    return is_one_of(
        code, {"Throttling", "ThrottlingException", "ThrottledException",
               "RequestThrottledException", "TooManyRequestsException",
               "ProvisionedThroughputExceededException", "TransactionInProgressException",
               "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException",
               "RequestThrottled", "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException"});
}

inline bool is_transient_code(std::string_view code) {
    return is_one_of(code, {"RequestTimeout", "RequestTimeoutException", "InternalError",
                            "InternalFailure", "ServiceUnavailable"});
}

inline bool is_clock_skew_code(std::string_view code) {
    return is_one_of(code, {"RequestTimeTooSkewed", "RequestExpired", "InvalidSignatureException",
                            "SignatureDoesNotMatch", "AuthFailure", "RequestInTheFuture"});
}

// Rejected credentials or signatures, from any AWS service front end.
inline bool is_authentication_code(std::string_view code) {
    return is_one_of(code, {"ExpiredToken", "ExpiredTokenException", "InvalidSignatureException",
                            "SignatureDoesNotMatch", "IncompleteSignature", "InvalidClientTokenId",
                            "UnrecognizedClientException", "MissingAuthenticationToken"});
}

// errc's service group lists the model's errors in the model's order: errc::access_denied + i is
// model::modeled_errors[i] (test_retry checks the names).
constexpr int first_modeled_errc = static_cast<int>(errc::access_denied);
static_assert(model::modeled_errors.size() ==
                  static_cast<std::size_t>(static_cast<int>(errc::validation) - first_modeled_errc +
                                           1),
              "model/errors.hpp and errc's service group differ: extend errc (error.hpp)");

inline errc service_errc(std::string_view code, error_kind kind) noexcept {
    for (std::size_t i = 0; i < model::modeled_errors.size(); ++i) {
        if (code == model::modeled_errors[i].code)
            return static_cast<errc>(first_modeled_errc + static_cast<int>(i));
    }
    if (is_authentication_code(code)) return errc::authentication;
    if (kind == error_kind::throttling) return errc::throttling;
    return errc::unknown_service_error;
}

inline error_kind response_kind(const attempt_outcome& o) noexcept {
    const bool success_status = o.http_status >= 200 && o.http_status < 300;
    if (success_status && o.error_code.empty()) return error_kind::success;
    // The code decides before the status: 503 SlowDown is throttling, not transient.
    if (is_throttling_code(o.error_code)) return error_kind::throttling;
    if (is_clock_skew_code(o.error_code)) return error_kind::clock_skew;
    if (is_transient_code(o.error_code)) return error_kind::transient;
    switch (o.http_status) {
        case 429:
            return error_kind::throttling;
        case 500:
        case 502:
        case 503:
        case 504:
            return error_kind::transient;
        default:
            return error_kind::non_retryable;
    }
}

inline error_kind transport_kind(const attempt_outcome& o) noexcept {
    if (o.transport_error == errc::cancelled || o.certificate_refused) {
        return error_kind::non_retryable;
    }
    // The service may have acted on a request whose response had started.
    if (o.response_started && !o.idempotent) return error_kind::non_retryable;
    return error_kind::transient;
}

template <class Int>
std::optional<Int> parse_digits(std::string_view s) noexcept {
    Int v{};
    if (s.empty()) return std::nullopt;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
}

// The value of a field of ASCII digits only (no sign, unlike from_chars for int).
inline std::optional<int> parse_fixed_digits(std::string_view s) noexcept {
    if (!all_digits(s)) return std::nullopt;
    return parse_digits<int>(s);
}

IVSRT_DECL std::optional<std::chrono::system_clock::time_point> parse_http_date(
    std::string_view s) noexcept {
    // "Sun, 06 Nov 1994 08:49:37 GMT"
    //  0123456789012345678901234567
    if (s.size() != 29 || s.substr(3, 2) != ", " || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
        s[19] != ':' || s[22] != ':' || s.substr(25) != " GMT")
        return std::nullopt;
    constexpr std::string_view days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    if (std::find(std::begin(days), std::end(days), s.substr(0, 3)) == std::end(days))
        return std::nullopt;
    constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    auto month = std::find(std::begin(months), std::end(months), s.substr(8, 3));
    if (month == std::end(months)) return std::nullopt;
    auto day = parse_fixed_digits(s.substr(5, 2));
    auto year = parse_fixed_digits(s.substr(12, 4));
    auto hour = parse_fixed_digits(s.substr(17, 2));
    auto minute = parse_fixed_digits(s.substr(20, 2));
    auto second = parse_fixed_digits(s.substr(23, 2));
    if (!day || !year || !hour || !minute || !second) return std::nullopt;
    // Checked before any conversion to the clock's duration, which would overflow.
    if (*year < 1970 || *year > 2199) return std::nullopt;
    std::chrono::year_month_day ymd{
        std::chrono::year(*year),
        std::chrono::month(static_cast<unsigned>(month - std::begin(months) + 1)),
        std::chrono::day(static_cast<unsigned>(*day))};
    if (!ymd.ok() || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
    return std::chrono::sys_days(ymd) + std::chrono::hours(*hour) + std::chrono::minutes(*minute) +
           std::chrono::seconds(*second);
}

IVSRT_DECL std::optional<std::chrono::nanoseconds> server_retry_delay(
    const attempt_outcome& outcome, std::chrono::system_clock::time_point now) noexcept {
    using std::chrono::nanoseconds;
    // Unsigned parsing rejects signs. Delays beyond this are absurd and would overflow
    // nanoseconds; the caller caps far lower anyway.
    constexpr std::uint64_t max_seconds = 1'000'000'000;
    if (auto ms = parse_digits<std::uint64_t>(outcome.amz_retry_after))
        return std::chrono::milliseconds(std::min(*ms, max_seconds * 1000));
    if (auto s = parse_digits<std::uint64_t>(outcome.retry_after))
        return std::chrono::seconds(std::min(*s, max_seconds));
    if (auto at = parse_http_date(outcome.retry_after)) {
        const auto base = parse_http_date(outcome.date).value_or(now);
        if (*at <= base) return nanoseconds(0);
        // *at is within 1970..2199, so neither subtraction below overflows, whatever `now` is.
        const std::chrono::seconds cap(max_seconds);
        if (base < *at - cap) return cap;
        return std::chrono::duration_cast<nanoseconds>(*at - base);
    }
    return std::nullopt;
}

inline std::uint64_t splitmix64(std::uint64_t& state) noexcept {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

}  // namespace detail

IVSRT_DECL attempt_class classify(const attempt_outcome& o) noexcept {
    if (o.transport_failure()) return {detail::transport_kind(o), o.transport_error};
    const error_kind kind = detail::response_kind(o);
    if (kind == error_kind::success) return {};
    return {kind, detail::service_errc(o.error_code, kind)};
}

IVSRT_DECL std::string_view to_string(stop_reason r) noexcept {
    switch (r) {
        case stop_reason::succeeded:
            return "succeeded";
        case stop_reason::not_retryable:
            return "not retryable";
        case stop_reason::max_attempts:
            return "max attempts reached";
        case stop_reason::quota_exhausted:
            return "retry quota exhausted";
    }
    return "unknown";
}

IVSRT_DECL bool retry_quota::try_acquire(unsigned cost) noexcept {
    unsigned cur = available_.load(std::memory_order_relaxed);
    do {
        if (cur < cost) return false;
    } while (!available_.compare_exchange_weak(cur, cur - cost, std::memory_order_relaxed));
    return true;
}

IVSRT_DECL void retry_quota::release(unsigned amount) noexcept {
    unsigned cur = available_.load(std::memory_order_relaxed);
    while (!available_.compare_exchange_weak(
        cur, std::min(capacity_, cur + std::min(amount, capacity_)), std::memory_order_relaxed)) {
    }
}

IVSRT_DECL bool clock_skew::update(time_point server, time_point local) noexcept {
    using duration = std::chrono::system_clock::duration;
    using rep = duration::rep;
    using urep = std::make_unsigned_t<rep>;
    constexpr rep bound = std::chrono::duration_cast<duration>(max_offset).count();
    const rep s = server.time_since_epoch().count();
    const rep l = local.time_since_epoch().count();
    // |s - l| in unsigned arithmetic, where it is exact: server - local could overflow.
    const urep distance = s >= l ? urep(s) - urep(l) : urep(l) - urep(s);
    if (distance > urep(bound)) return false;
    const duration offset(s - l);  // now known to be within +-max_offset
    // Compared with the stored offset (also within bounds), not with corrected(local).
    const duration diff = offset - this->offset();
    if (diff < threshold && diff > -threshold) return false;
    offset_.store(offset.count(), std::memory_order_relaxed);
    return true;
}

// adaptive_rate_limiter: times are seconds since the epoch, as doubles, like the SDKs' reference.

IVSRT_DECL void adaptive_rate_limiter::start(double t) {
    if (started_) return;
    started_ = true;
    last_rate_bucket_ = std::floor(t);
    last_throttle_ = t;
    last_refill_ = t;
}

IVSRT_DECL void adaptive_rate_limiter::refill(double t) {
    if (t <= last_refill_) return;  // also ignores the wall clock stepping back
    capacity_ = std::min(max_capacity_, capacity_ + (t - last_refill_) * fill_rate_);
    last_refill_ = t;
}

IVSRT_DECL void adaptive_rate_limiter::set_rate(double rate, double t) {
    refill(t);
    fill_rate_ = std::max(rate, min_fill_rate);
    max_capacity_ = std::max(rate, min_capacity);
    capacity_ = std::min(capacity_, max_capacity_);
}

IVSRT_DECL void adaptive_rate_limiter::measure(double t) {
    double bucket = std::floor(t * 2) / 2;
    ++request_count_;
    if (bucket > last_rate_bucket_) {
        double rate = request_count_ / (bucket - last_rate_bucket_);
        measured_rate_ = rate * smooth + measured_rate_ * (1 - smooth);
        request_count_ = 0;
        last_rate_bucket_ = bucket;
    }
}

namespace detail {
inline double seconds_since_epoch(std::chrono::system_clock::time_point t) {
    return std::chrono::duration<double>(t.time_since_epoch()).count();
}
}  // namespace detail

IVSRT_DECL std::chrono::nanoseconds adaptive_rate_limiter::acquire(time_point now) {
    double t = detail::seconds_since_epoch(now);
    std::lock_guard lock(mutex_);
    start(t);
    if (!enabled_) return {};
    refill(t);
    double missing = 1 - capacity_;
    capacity_ -= 1;
    if (missing <= 0) return {};
    return std::chrono::nanoseconds(
        static_cast<std::int64_t>(std::ceil(missing / fill_rate_ * 1e9)));
}

IVSRT_DECL void adaptive_rate_limiter::update(bool throttled, time_point now) {
    double t = detail::seconds_since_epoch(now);
    std::lock_guard lock(mutex_);
    start(t);
    measure(t);
    double rate;
    if (throttled) {
        last_max_rate_ = enabled_ ? std::min(measured_rate_, fill_rate_) : measured_rate_;
        last_throttle_ = t;
        rate = last_max_rate_ * beta;
        enabled_ = true;
    } else {
        rate = detail::cubic_rate(last_max_rate_, t - last_throttle_, beta, scale_constant);
    }
    set_rate(std::min(rate, 2 * measured_rate_), t);
}

IVSRT_DECL bool adaptive_rate_limiter::enabled() const {
    std::lock_guard lock(mutex_);
    return enabled_;
}

IVSRT_DECL double adaptive_rate_limiter::fill_rate() const {
    std::lock_guard lock(mutex_);
    return fill_rate_;
}

IVSRT_DECL double adaptive_rate_limiter::measured_rate() const {
    std::lock_guard lock(mutex_);
    return measured_rate_;
}

IVSRT_DECL random_source default_random_source() {
    return [] {
        thread_local std::uint64_t state = [] {
            std::random_device rd;
            return (std::uint64_t(rd()) << 32) ^ rd();
        }();
        return detail::splitmix64(state);
    };
}

IVSRT_DECL std::array<char, 36> make_invocation_id(const random_source& random) {
    std::array<unsigned char, 16> bytes;
    for (int half = 0; half < 2; ++half) {
        std::uint64_t v = random();
        for (int i = 0; i < 8; ++i)
            bytes[half * 8 + i] = static_cast<unsigned char>(v >> (56 - 8 * i));
    }
    return detail::format_uuid_v4(bytes);
}

IVSRT_DECL retry_strategy::retry_strategy(retry_config config, random_source random)
    : config_(config), random_(std::move(random)), quota_(config.quota_capacity) {
    if (config_.max_attempts < 1)
        throw std::invalid_argument("retry_config.max_attempts must be at least 1");
    if (config_.transient_base_delay.count() < 0 || config_.throttling_base_delay.count() < 0 ||
        config_.max_delay.count() < 0)
        throw std::invalid_argument("retry_config delays must not be negative");
    if (!random_) throw std::invalid_argument("retry_strategy: the random source is empty");
}

IVSRT_DECL retry_state::retry_state(retry_strategy& strategy)
    : strategy_(&strategy),
      id_(make_invocation_id(strategy.random())),
      signed_offset_(strategy.skew().offset()) {
    next_attempt();
}

IVSRT_DECL void retry_state::next_attempt() {
    ++attempt_;
    constexpr std::string_view attempt = "attempt=", max = "; max=";
    char* p = header_.data();
    char* const end = p + header_.size();
    p = std::copy(attempt.begin(), attempt.end(), p);
    p = std::to_chars(p, end, attempt_).ptr;
    p = std::copy(max.begin(), max.end(), p);
    p = std::to_chars(p, end, strategy_->config().max_attempts).ptr;
    header_size_ = static_cast<unsigned char>(p - header_.data());
}

IVSRT_DECL std::chrono::nanoseconds retry_state::before_attempt(
    std::chrono::system_clock::time_point now) {
    signed_offset_ = strategy_->skew().offset();
    if (strategy_->config().mode != retry_mode::adaptive) return {};
    return strategy_->rate_limiter().acquire(now);
}

IVSRT_DECL double retry_state::uniform() {
    // The top 53 bits, scaled into [0, 1): every value is exact.
    return static_cast<double>(strategy_->random()() >> 11) * 0x1p-53;
}

IVSRT_DECL std::chrono::nanoseconds retry_state::backoff(error_kind kind) {
    const auto& c = strategy_->config();
    std::chrono::nanoseconds base =
        kind == error_kind::throttling ? c.throttling_base_delay : c.transient_base_delay;
    std::chrono::nanoseconds cap = c.max_delay;
    // base * 2^(attempt-1), saturating at the cap without overflowing.
    std::chrono::nanoseconds ceiling = std::min(base, cap);
    for (unsigned i = 1; i < attempt_ && ceiling < cap; ++i) ceiling = std::min(ceiling * 2, cap);
    return std::chrono::nanoseconds(
        static_cast<std::int64_t>(uniform() * static_cast<double>(ceiling.count())));
}

IVSRT_DECL retry_decision retry_state::after_attempt(const attempt_outcome& outcome,
                                                     std::chrono::system_clock::time_point now) {
    const auto& c = strategy_->config();
    const attempt_class attempt = classify(outcome);
    const error_kind kind = attempt.kind;
    if (c.mode == retry_mode::adaptive)
        strategy_->rate_limiter().update(kind == error_kind::throttling, now);
    const auto stop = [&attempt](stop_reason reason) {
        return retry_decision{false, {}, reason, attempt};
    };

    if (kind == error_kind::success) {
        strategy_->quota().release(last_retry_cost_ ? last_retry_cost_ : c.no_retry_increment);
        return stop(stop_reason::succeeded);
    }
    if (kind == error_kind::clock_skew) {
        // Learn the server's clock even when no retry follows: later calls benefit.
        if (auto server = detail::parse_http_date(outcome.date))
            strategy_->skew().update(*server, now);
        // Retry when this attempt was signed with a skew since corrected, here or by another
        // call; otherwise the signature failed for another reason (such as a wrong key).
        bool corrected = strategy_->skew().offset() != signed_offset_;
        if (!corrected || skew_retried_) return stop(stop_reason::not_retryable);
        if (attempt_ >= c.max_attempts) return stop(stop_reason::max_attempts);
        // A re-signed request fixes this at once: no delay, no quota (no server is overloaded).
        skew_retried_ = true;
        next_attempt();
        return {true, {}, stop_reason::succeeded, attempt};
    }
    if (kind == error_kind::non_retryable) return stop(stop_reason::not_retryable);
    if (attempt_ >= c.max_attempts) return stop(stop_reason::max_attempts);

    const unsigned cost =
        kind == error_kind::throttling ? c.throttling_retry_cost : c.transient_retry_cost;
    if (!strategy_->quota().try_acquire(cost)) return stop(stop_reason::quota_exhausted);
    last_retry_cost_ = cost;

    std::chrono::nanoseconds delay;
    if (auto asked = detail::server_retry_delay(outcome, now))
        delay = std::min<std::chrono::nanoseconds>(*asked, c.max_delay);
    else
        delay = backoff(kind);
    next_attempt();
    return {true, delay, stop_reason::succeeded, attempt};
}

}  // namespace ivsrt
