// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

/// @file
/// Retry policy of the client, as sans-io logic: the request loop reports each attempt's outcome
/// and is told whether and when to retry. Nothing here sleeps, reads a clock or touches a socket;
/// times are passed in, and randomness comes from an injectable source, so every decision is
/// reproducible in tests.
///
/// Numbers (the AWS SDKs' 2026 "standard" retry behaviour): at most 3 attempts; full-jitter
/// exponential backoff from a 50 ms base for transient errors and a 1 s base for throttling, capped
/// at 20 s; a retry quota of 500 tokens shared by the client, a retry costing 14 tokens after a
/// transient error and 5 after throttling. A success refunds the cost of the call's last retry, or
/// adds 1 token when the call needed no retry (never above the capacity). The adaptive mode adds
/// the SDKs' CUBIC client-side rate limiter on top.

#include <ivsrt/detail/config.hpp>
#include <ivsrt/error.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string_view>

namespace ivsrt {

enum class retry_mode {
    standard,  ///< backoff, jitter and retry quota
    adaptive,  ///< standard plus a client-side rate limiter that slows down after throttling
};

struct retry_config {
    retry_mode mode = retry_mode::standard;
    /// Attempts per call, the first included; 1 disables retries.
    unsigned max_attempts = 3;
    std::chrono::milliseconds transient_base_delay{50};
    std::chrono::milliseconds throttling_base_delay{1000};
    /// Upper bound of any delay, including one asked for by the server through retry-after.
    std::chrono::milliseconds max_delay{20000};
    unsigned quota_capacity = 500;
    unsigned transient_retry_cost = 14;
    unsigned throttling_retry_cost = 5;
    /// Tokens added back by a call that succeeded on its first attempt.
    unsigned no_retry_increment = 1;
};

/// What the request loop observed for one attempt. The string views only need to live for the
/// duration of the call that receives the outcome.
struct attempt_outcome {
    /// No HTTP response: what failed (errc::connection, timeout, tls or cancelled). errc{} when
    /// a response arrived.
    errc transport_error{};
    /// With a transport error: part of the response had arrived, so the service may have acted
    /// on the request.
    bool response_started = false;
    /// With errc::tls: the server's certificate was refused (rather than the handshake failing).
    bool certificate_refused = false;
    /// The operation is safe to send twice (a read, or a request with an idempotency token).
    bool idempotent = true;
    unsigned http_status = 0;
    std::string_view error_code;       ///< AWS error code (normalized), empty on success
    std::string_view retry_after;      ///< "retry-after": delay-seconds or HTTP-date
    std::string_view amz_retry_after;  ///< "x-amz-retry-after": milliseconds
    std::string_view date;             ///< "date": the server's clock, an HTTP-date

    bool transport_failure() const noexcept { return transport_error != errc{}; }
};

enum class error_kind {
    success,        ///< 2xx without an error code
    throttling,     ///< the standard throttling codes and HTTP 429
    transient,      ///< 500/502/503/504, transient codes, no response at all
    clock_skew,     ///< the signature was rejected as expired or from the future
    non_retryable,  ///< everything else, including ServiceQuotaExceededException (402)
};

/// What an attempt means for its call: the kind that decides about retrying, and the error the
/// call reports when it ends with this attempt.
struct attempt_class {
    error_kind kind = error_kind::success;
    /// errc{} on success; the transport's error; else the service error: a modeled one by its
    /// code (model/errors.hpp), authentication, throttling, or unknown_service_error.
    errc error{};
};

/// The one classification of an attempt. The error code decides before the HTTP status (503
/// SlowDown is throttling); a 2xx with an error code is an error. A transport failure is
/// transient unless resending cannot help or is unsafe: cancelled, a refused certificate, or a
/// response that had started for an operation that is not idempotent.
IVSRT_DECL attempt_class classify(const attempt_outcome& outcome) noexcept;

enum class stop_reason {
    succeeded,
    not_retryable,
    max_attempts,     ///< "max attempts reached"
    quota_exhausted,  ///< "retry quota exhausted"
};

IVSRT_DECL std::string_view to_string(stop_reason r) noexcept;

struct retry_decision {
    bool retry = false;
    std::chrono::nanoseconds delay{};             ///< wait before the next attempt (when retry)
    stop_reason reason = stop_reason::succeeded;  ///< why the call ends (when !retry)
    attempt_class attempt{};                      ///< the attempt's classification
};

/// The client-wide budget of retries (thread-safe).
class retry_quota {
  public:
    explicit retry_quota(unsigned capacity) noexcept : available_(capacity), capacity_(capacity) {}

    /// Takes `cost` tokens if that many are available.
    IVSRT_DECL bool try_acquire(unsigned cost) noexcept;
    /// Gives back `amount` tokens, never exceeding the capacity.
    IVSRT_DECL void release(unsigned amount) noexcept;

    unsigned available() const noexcept { return available_.load(std::memory_order_relaxed); }
    unsigned capacity() const noexcept { return capacity_; }

  private:
    std::atomic<unsigned> available_;
    unsigned capacity_;
};

/// Offset between the server's clock and ours (thread-safe), learnt from the Date header of a
/// response that rejected our signature as skewed. The signer stamps requests with corrected(now).
/// The offset is bounded: a server clock more than max_offset (24 hours) away from ours is
/// ignored, since such a Date is broken (or hostile) rather than a clock to sign by.
class clock_skew {
  public:
    using time_point = std::chrono::system_clock::time_point;
    /// Smaller differences are left alone: Date has a 1 s resolution and AWS accepts signatures
    /// within 5 minutes of its clock, so a smaller skew cannot be why the signature was rejected.
    static constexpr std::chrono::minutes threshold{4};
    /// Larger differences are ignored (the offset stays as it was).
    static constexpr std::chrono::hours max_offset{24};

    std::chrono::system_clock::duration offset() const noexcept {
        return std::chrono::system_clock::duration(offset_.load(std::memory_order_relaxed));
    }
    /// local + offset(), saturated at the ends of the clock's range.
    time_point corrected(time_point local) const noexcept {
        const auto d = offset();
        if (d > d.zero() && local > time_point::max() - d) return time_point::max();
        if (d < d.zero() && local < time_point::min() - d) return time_point::min();
        return local + d;
    }

    /// Records server - local as the offset when it differs from corrected(local) by more than
    /// the threshold and is at most max_offset either way. Returns true when the offset changed.
    /// Any two time points are accepted: the difference is computed without overflow.
    IVSRT_DECL bool update(time_point server, time_point local) noexcept;

  private:
    std::atomic<std::chrono::system_clock::rep> offset_{0};
};

/// The adaptive mode's client-side rate limiter (thread-safe), after the AWS SDKs: a token bucket,
/// off until the first throttling error, whose fill rate follows CUBIC (drop to beta x the
/// measured send rate on throttling, then grow back along a cubic curve) and never exceeds twice
/// the measured send rate.
class adaptive_rate_limiter {
  public:
    using time_point = std::chrono::system_clock::time_point;
    static constexpr double beta = 0.7;
    static constexpr double scale_constant = 0.4;
    static constexpr double smooth = 0.8;
    static constexpr double min_fill_rate = 0.5;  ///< tokens per second
    static constexpr double min_capacity = 1.0;

    /// Takes one send token and returns how long to wait before sending (zero while disabled).
    /// Tokens are reserved in virtual time, so concurrent callers queue up behind each other.
    IVSRT_DECL std::chrono::nanoseconds acquire(time_point now);
    /// Reports an attempt's response; `throttled` when it was a throttling error.
    IVSRT_DECL void update(bool throttled, time_point now);

    IVSRT_DECL bool enabled() const;
    IVSRT_DECL double fill_rate() const;      ///< tokens per second
    IVSRT_DECL double measured_rate() const;  ///< smoothed send rate, requests per second

  private:
    IVSRT_DECL void start(double t);
    IVSRT_DECL void refill(double t);
    IVSRT_DECL void set_rate(double rate, double t);
    IVSRT_DECL void measure(double t);

    mutable std::mutex mutex_;
    bool started_ = false;
    bool enabled_ = false;
    double fill_rate_ = 0;
    double max_capacity_ = 0;
    double capacity_ = 0;
    double last_refill_ = 0;
    double measured_rate_ = 0;
    double last_rate_bucket_ = 0;
    unsigned request_count_ = 0;
    double last_max_rate_ = 0;
    double last_throttle_ = 0;
};

/// A source of uniformly distributed 64-bit values. It must be safe to call from any thread.
using random_source = std::function<std::uint64_t()>;

/// A fast, non-cryptographic source: a splitmix64 generator per thread, seeded from
/// std::random_device. Jitter and invocation ids need spread, not secrecy.
IVSRT_DECL random_source default_random_source();

/// The amz-sdk-invocation-id value: a random (version 4) UUID in lowercase, from two draws.
IVSRT_DECL std::array<char, 36> make_invocation_id(const random_source& random);

/// Everything a client's calls share: configuration, quota, clock skew, rate limiter, randomness.
class retry_strategy {
  public:
    /// Throws std::invalid_argument on a configuration that cannot work, naming the field.
    IVSRT_DECL explicit retry_strategy(retry_config config = {},
                                       random_source random = default_random_source());

    const retry_config& config() const noexcept { return config_; }
    retry_quota& quota() noexcept { return quota_; }
    clock_skew& skew() noexcept { return skew_; }
    adaptive_rate_limiter& rate_limiter() noexcept { return limiter_; }
    const random_source& random() const noexcept { return random_; }

  private:
    retry_config config_;
    random_source random_;
    retry_quota quota_;
    clock_skew skew_;
    adaptive_rate_limiter limiter_;
};

/// The retry bookkeeping of one call (not thread-safe; one per call). The request loop:
///
///     retry_state st(strategy);
///     for (;;) {
///         wait(st.before_attempt(now()));  // before signing: it also notes the clock skew used
///         sign with strategy.skew().corrected(now()), send with headers
///             amz-sdk-invocation-id: st.invocation_id()
///             amz-sdk-request: st.request_header()
///         auto d = st.after_attempt(outcome, now());
///         if (!d.retry) break;  // d.reason
///         wait(d.delay);
///     }
class retry_state {
  public:
    IVSRT_DECL explicit retry_state(retry_strategy& strategy);

    /// 1-based number of the attempt about to be sent (or just sent).
    unsigned attempt() const noexcept { return attempt_; }
    std::string_view invocation_id() const noexcept { return {id_.data(), id_.size()}; }
    /// The amz-sdk-request value, "attempt=1; max=3", valid until the next after_attempt(). No
    /// ttl: it is optional and we do not send it.
    std::string_view request_header() const noexcept { return {header_.data(), header_size_}; }

    /// Call before signing each attempt. Returns the wait imposed by the adaptive rate limiter
    /// (always zero in standard mode).
    IVSRT_DECL std::chrono::nanoseconds before_attempt(std::chrono::system_clock::time_point now);
    IVSRT_DECL retry_decision after_attempt(const attempt_outcome& outcome,
                                            std::chrono::system_clock::time_point now);

  private:
    IVSRT_DECL double uniform();
    IVSRT_DECL std::chrono::nanoseconds backoff(error_kind kind);
    IVSRT_DECL void next_attempt();

    retry_strategy* strategy_;
    std::array<char, 36> id_;
    std::array<char, 40> header_;  ///< "attempt=4294967295; max=4294967295"
    unsigned char header_size_ = 0;
    unsigned attempt_ = 0;
    /// The clock-skew offset in force when the current attempt was signed.
    std::chrono::system_clock::duration signed_offset_{};
    unsigned last_retry_cost_ = 0;
    bool skew_retried_ = false;
};

namespace detail {
/// Parses an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), the form HTTP/1.1 senders must use.
/// Only years 1970 to 2199 are accepted: they fit system_clock everywhere (libstdc++'s nanoseconds
/// end in 2262), and so does the difference of any two of them.
IVSRT_DECL std::optional<std::chrono::system_clock::time_point> parse_http_date(
    std::string_view s) noexcept;
/// The delay asked for by the server, if any: x-amz-retry-after (milliseconds) first, then
/// retry-after (seconds, or an HTTP-date taken relative to the response's Date, else to now).
/// Negative delays become zero; no cap is applied here.
IVSRT_DECL std::optional<std::chrono::nanoseconds> server_retry_delay(
    const attempt_outcome& outcome, std::chrono::system_clock::time_point now) noexcept;
}  // namespace detail

}  // namespace ivsrt

#ifndef IVSRT_SEPARATE_COMPILATION
#include <ivsrt/impl/retry.ipp>
#endif
