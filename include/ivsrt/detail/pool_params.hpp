// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace ivsrt {

// Settings of one connection_pool (one per service endpoint). Public through connection_pool.hpp.
struct pool_config {
    // Upper bound on open connections, idle or busy. Token issuance is capped at 50 TPS per
    // account, so a few connections carry production traffic; 64 also covers the 64-way
    // benchmarks against the emulator without queueing. Requests beyond it wait in FIFO order.
    std::size_t max_connections = 64;

    // An idle connection older than this is closed instead of reused: below the 60 s idle
    // timeout of typical servers and load balancers, so we close first.
    std::chrono::steady_clock::duration max_idle_time = std::chrono::seconds(50);

    // A connection is retired after this age, so traffic follows DNS and load-balancer changes.
    std::chrono::steady_clock::duration max_lifetime = std::chrono::minutes(10);

    // Bound on resolve + TCP connect + TLS handshake of a new connection (the call's deadline
    // still applies when it is earlier). Slightly over 3 s, the classic SYN retransmit time.
    std::chrono::steady_clock::duration connect_timeout = std::chrono::milliseconds(3100);

    // Host-name resolutions are reused for this long (and dropped after a failed connect).
    std::chrono::steady_clock::duration resolve_ttl = std::chrono::seconds(30);

    // Each connection runs on its own strand, so that a pool is safe on an io_context run by
    // several threads. Unset: strands unless the executor's io_context was made for one thread
    // (io_context(1)), where they would only cost time (about a quarter of the client's CPU).
    std::optional<bool> connection_strands{};
    // TLS: the server certificate and host name are verified unless this is false.
    bool verify_peer = true;

    // TLS: path of a PEM file with extra trusted CAs, used on top of the system trust store.
    std::string ca_bundle;
};

// A snapshot of a pool's counters. Gauges describe the present; totals count since creation.
struct pool_stats {
    // Gauges.
    std::size_t open = 0;     // connections that exist: idle + in_use
    std::size_t idle = 0;     // connected and ready for reuse
    std::size_t in_use = 0;   // leased to a request (including those still connecting)
    std::size_t waiting = 0;  // requests queued because every connection was busy

    // Totals.
    std::uint64_t waits = 0;           // requests that had to queue
    std::uint64_t connects = 0;        // connections opened (slots granted to a new connection)
    std::uint64_t reuses = 0;          // requests served by an idle connection
    std::uint64_t evictions = 0;       // idle connections closed for max_idle_time or max_lifetime
    std::uint64_t discards = 0;        // connections closed after a failure, cancel or "close"
    std::uint64_t stale_retries = 0;   // requests retried once because a reused socket was dead
    std::uint64_t tls_handshakes = 0;  // completed TLS handshakes
    std::uint64_t tls_resumed = 0;     // of which resumed a previous TLS session
};

}  // namespace ivsrt
