// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ivsrt {

/// A snapshot of a pool's counters. Gauges describe the present; totals count since creation.
struct pool_stats {
    /// Gauges.
    std::size_t open = 0;     ///< connections that exist: idle + in_use
    std::size_t idle = 0;     ///< connected and ready for reuse
    std::size_t in_use = 0;   ///< leased to a request (including those still connecting)
    std::size_t waiting = 0;  ///< requests queued because every connection was busy

    /// Totals.
    std::uint64_t waits = 0;          ///< requests that had to queue
    std::uint64_t connects = 0;       ///< connections opened (slots granted to a new connection)
    std::uint64_t reuses = 0;         ///< requests served by an idle connection
    std::uint64_t evictions = 0;      ///< idle connections closed for max_idle_time or max_lifetime
    std::uint64_t discards = 0;       ///< connections closed after a failure, cancel, "close", data
                                      /// received while idle, or by connection_pool::close()
    std::uint64_t stale_retries = 0;  ///< requests resent once: a reused socket was dead or got 408
    std::uint64_t tls_handshakes = 0;  ///< completed TLS handshakes
    std::uint64_t tls_resumed = 0;     ///< of which resumed a previous TLS session
};

}  // namespace ivsrt
