// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

/// @file
/// Where a client's pacing turns come from when they are shared beyond the client: a backend
/// (ivsrt/redis_pacing.hpp) grants the turns of a whole fleet from one bucket per Region and
/// operation. Without one (pacing_config::backend unset), each client paces with its own buckets.

#include <ivsrt/pacing.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace ivsrt {

/// A turn granted by a backend.
struct pacing_turn {
    /// How long the call waits before it starts (measured from the completion).
    std::chrono::nanoseconds wait{};
    /// True when the turn comes from the shared bucket; false when the backend fell back to its
    /// local share of the quota (then `reason` says why, without secrets).
    bool shared = true;
    std::string reason;
};

class pacing_backend {
  public:
    using clock = std::chrono::steady_clock;
    using handler_type =
        boost::asio::any_completion_handler<void(boost::system::error_code, pacing_turn)>;

    virtual ~pacing_backend() = default;

    /// Reserves the next turn of `pace.operation` in `region`. Completes with errc::timeout,
    /// holding no turn, when the turn would start after `deadline`; never later than `deadline`
    /// (a backend that cannot reach its store in time falls back to its local share). Completes
    /// on the handler's associated executor, never inside this call.
    virtual void async_reserve(std::string_view region, const operation_pace& pace,
                               clock::time_point deadline, handler_type handler) = 0;
};

namespace detail {
// Set by ivsrt/redis_pacing.hpp when a program includes it: how a client makes the backend that
// IVSRT_PACING_REDIS_URL names, with IVSRT_PACING_REPLICAS's local share.
using pacing_backend_factory = std::shared_ptr<pacing_backend> (*)(boost::asio::any_io_executor,
                                                                   const std::string& url,
                                                                   unsigned expected_replicas);
inline pacing_backend_factory redis_pacing_factory = nullptr;
}  // namespace detail

}  // namespace ivsrt
