// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

/// @file
/// Quota-aware pacing: one token bucket per operation, shared by all calls of a client, so that
/// a burst of calls is spread under IVS's per-operation TPS quotas instead of being throttled
/// and retried. Reservations are made in virtual time: reserve() never blocks, it says when the
/// call may start, and the caller waits until then (see detail/pacing_wait.hpp for Asio).

#include <ivsrt/detail/config.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace ivsrt {

/// The pace of one operation: at most `tps` starts per second on average, and at most `burst`
/// starts at once after an idle period. A burst of b lets up to tps + b - 1 calls start within
/// one second, so burst 1 is the only setting that never exceeds a quota counted per second.
struct operation_pace {
    std::string operation;  ///< "CreateParticipantToken"
    double tps = 5;
    unsigned burst = 1;
};

/// IVS's documented quotas (per account and Region, not adjustable): CreateParticipantToken 50 TPS;
/// the tag operations 10 TPS; the public-key operations 3 TPS. Every other operation falls back
/// to pacing_config::default_tps (5 TPS, the quota of most stage operations).
IVSRT_DECL std::vector<operation_pace> documented_quotas();

class pacing_backend;  // pacing_backend.hpp

struct pacing_config {
    bool enabled = true;
    double default_tps = 5;
    unsigned default_burst = 1;
    /// Per-operation paces; for a repeated operation the last entry wins, so appending overrides
    /// a documented quota.
    std::vector<operation_pace> operations = documented_quotas();
    /// Where turns come from: unset, this client's own buckets; a shared backend
    /// (ivsrt/redis_pacing.hpp) paces every client that uses the same store as one. Unset and
    /// IVSRT_PACING_REDIS_URL set: the Redis backend at that URL.
    std::shared_ptr<pacing_backend> backend{};
};

/// A token bucket in virtual time (GCRA), lock-free and thread-safe.
class pacing_bucket {
  public:
    using clock = std::chrono::steady_clock;
    using time_point = clock::time_point;

    struct reservation {
        time_point start;           ///< when the call may start
        std::int64_t next_tat = 0;  ///< bucket state after this reservation (for cancel)
    };

    /// Throws std::invalid_argument unless tps is finite and positive and burst >= 1.
    IVSRT_DECL pacing_bucket(double tps, unsigned burst);

    IVSRT_DECL reservation reserve(time_point now) noexcept;
    /// Gives back a reservation that will not be used. This succeeds when nothing was reserved
    /// after it; otherwise its slot stays unused and simply passes by (nothing accumulates).
    /// Returns whether the slot was given back.
    IVSRT_DECL bool cancel(const reservation& r) noexcept;

    std::chrono::nanoseconds interval() const noexcept {
        return std::chrono::nanoseconds(interval_);
    }

  private:
    std::int64_t interval_;   ///< ns between starts, 1/tps
    std::int64_t tolerance_;  ///< ns a start may come early: (burst - 1) * interval
    /// Theoretical arrival time of the next call, ns on clock's epoch.
    std::atomic<std::int64_t> tat_;
};

/// The buckets of one client (thread-safe).
class pacer {
  public:
    /// Throws std::invalid_argument on a bad pace, naming the operation.
    IVSRT_DECL explicit pacer(pacing_config config = {});

    bool enabled() const noexcept { return enabled_; }
    /// The bucket of `operation`, created with the default pace on first use; nullptr when pacing
    /// is disabled. Buckets live as long as the pacer.
    IVSRT_DECL pacing_bucket* bucket(std::string_view operation);
    /// The pace of `operation`: its entry in the configuration, else the default.
    IVSRT_DECL operation_pace pace(std::string_view operation) const;

  private:
    bool enabled_;
    double default_tps_;
    unsigned default_burst_;
    std::mutex mutex_;
    std::map<std::string, std::unique_ptr<pacing_bucket>, std::less<>> buckets_;
    std::map<std::string, operation_pace, std::less<>> paces_;
};

}  // namespace ivsrt

#ifndef IVSRT_SEPARATE_COMPILATION
#include <ivsrt/impl/pacing.ipp>
#endif
