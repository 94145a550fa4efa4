// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <ivsrt/pacing.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace ivsrt {

IVSRT_DECL std::vector<operation_pace> documented_quotas() {
    return {
        {"CreateParticipantToken", 50, 1}, {"TagResource", 10, 1},    {"UntagResource", 10, 1},
        {"ListTagsForResource", 10, 1},    {"ImportPublicKey", 3, 1}, {"GetPublicKey", 3, 1},
        {"DeletePublicKey", 3, 1},         {"ListPublicKeys", 3, 1},
    };
}

namespace detail {

// Far in the past, yet far enough from the limit that subtracting a tolerance cannot overflow.
inline constexpr std::int64_t pacing_idle = std::numeric_limits<std::int64_t>::min() / 4;

inline std::int64_t to_ns(pacing_bucket::time_point t) noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

inline pacing_bucket::time_point from_ns(std::int64_t ns) noexcept {
    return pacing_bucket::time_point(
        std::chrono::duration_cast<pacing_bucket::clock::duration>(std::chrono::nanoseconds(ns)));
}

}  // namespace detail

IVSRT_DECL pacing_bucket::pacing_bucket(double tps, unsigned burst) : tat_(detail::pacing_idle) {
    // Bounds keep every computation in int64 nanoseconds: at least one call a day, at most
    // 10^9 calls a second, a burst window below ~30 years.
    if (!(tps >= 1.0 / 86400 && tps <= 1e9))
        throw std::invalid_argument("pace tps must be between 1/86400 and 1e9");
    if (burst < 1) throw std::invalid_argument("pace burst must be at least 1");
    interval_ = std::max<std::int64_t>(1, std::llround(1e9 / tps));
    if ((burst - 1.0) * static_cast<double>(interval_) > 1e18)
        throw std::invalid_argument("pace burst is too large for its tps");
    tolerance_ = static_cast<std::int64_t>(burst - 1) * interval_;
}

IVSRT_DECL pacing_bucket::reservation pacing_bucket::reserve(time_point now) noexcept {
    const std::int64_t n = detail::to_ns(now);
    std::int64_t tat = tat_.load(std::memory_order_relaxed);
    std::int64_t next;
    do {
        next = std::max(tat, n) + interval_;
    } while (!tat_.compare_exchange_weak(tat, next, std::memory_order_relaxed));
    return {detail::from_ns(std::max(n, tat - tolerance_)), next};
}

IVSRT_DECL bool pacing_bucket::cancel(const reservation& r) noexcept {
    std::int64_t expected = r.next_tat;
    return tat_.compare_exchange_strong(expected, r.next_tat - interval_,
                                        std::memory_order_relaxed);
}

IVSRT_DECL pacer::pacer(pacing_config config)
    : enabled_(config.enabled),
      default_tps_(config.default_tps),
      default_burst_(config.default_burst) {
    auto checked = [](std::string_view name, double tps, unsigned burst) {
        try {
            return std::make_unique<pacing_bucket>(tps, burst);
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument("pacing_config: " + std::string(name) + ": " + e.what());
        }
    };
    checked("default", default_tps_, default_burst_);
    for (const auto& op : config.operations) {
        buckets_.insert_or_assign(op.operation, checked(op.operation, op.tps, op.burst));
        paces_.insert_or_assign(op.operation, op);
    }
}

IVSRT_DECL operation_pace pacer::pace(std::string_view operation) const {
    if (auto it = paces_.find(operation); it != paces_.end()) return it->second;
    return {std::string(operation), default_tps_, default_burst_};
}

IVSRT_DECL pacing_bucket* pacer::bucket(std::string_view operation) {
    if (!enabled_) return nullptr;
    std::lock_guard lock(mutex_);
    auto it = buckets_.find(operation);
    if (it == buckets_.end())
        it = buckets_
                 .emplace(std::string(operation),
                          std::make_unique<pacing_bucket>(default_tps_, default_burst_))
                 .first;
    return it->second.get();
}

}  // namespace ivsrt
