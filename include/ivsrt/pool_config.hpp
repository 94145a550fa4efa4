// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <boost/asio/ip/basic_endpoint.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

// Declared, not included: <boost/asio/ip/tcp.hpp> brings sockets, acceptors and iostreams into
// every TU that includes the client. basic_endpoint<tcp> is ip::tcp::endpoint.
namespace boost::asio::ip {
class tcp;
}  // namespace boost::asio::ip

namespace ivsrt {

/// Receives the addresses of a host (ip::tcp::endpoint), or the lookup's error. May be called on
/// any thread, once.
using resolve_callback = std::function<void(
    boost::system::error_code, std::vector<boost::asio::ip::basic_endpoint<boost::asio::ip::tcp>>)>;
/// Looks up `host` (a name or an address literal) for `port` and calls the callback when done; it
/// must not block for long. The pool bounds the wait by its deadlines, whatever the resolver does.
using host_resolver =
    std::function<void(const std::string& host, const std::string& port, resolve_callback)>;

/// Settings of one connection_pool (one per service endpoint).
struct pool_config {
    /// Upper bound on open connections, idle or busy. Token issuance is capped at 50 TPS per
    /// account, so a few connections carry production traffic; 64 also covers the 64-way
    /// benchmarks against the emulator without queueing. Requests beyond it wait in FIFO order.
    std::size_t max_connections = 64;

    /// An idle connection older than this is closed instead of reused: below the 60 s idle
    /// timeout of typical servers and load balancers, so we close first.
    std::chrono::steady_clock::duration max_idle_time = std::chrono::seconds(50);

    /// A connection is retired after this age, so traffic follows DNS and load-balancer changes.
    std::chrono::steady_clock::duration max_lifetime = std::chrono::minutes(10);

    /// Bound on resolve + TCP connect + TLS handshake of a new connection (the call's deadline
    /// still applies when it is earlier). Slightly over 3 s, the classic SYN retransmit time.
    std::chrono::steady_clock::duration connect_timeout = std::chrono::milliseconds(3100);

    /// Host-name resolutions are reused for this long (and dropped after a failed connect).
    /// Concurrent new connections share one lookup in flight; waiting for it counts against the
    /// connect, attempt and call deadlines and ends on cancellation.
    std::chrono::steady_clock::duration resolve_ttl = std::chrono::seconds(30);
    /// A failed lookup is remembered for this long: calls in that window fail at once.
    std::chrono::steady_clock::duration resolve_failure_ttl = std::chrono::seconds(1);
    /// Resolves host names. Unset: getaddrinfo on a thread of its own per lookup.
    host_resolver resolver;

    /// Limits on one response: its body (Content-Length or chunks; larger is invalid_response)
    /// and its head (status line and fields, or one chunk-size line or the trailers).
    std::size_t max_response_body = 8 * 1024 * 1024;
    std::size_t max_response_head = 16 * 1024;
    /// When not empty, the only header fields a response keeps (names in any case); the others
    /// are still parsed and checked, but not stored, which saves an allocation each. A client
    /// sets this to the fields it reads.
    std::vector<std::string> response_fields;
    /// When false, a 2xx response keeps no header fields at all (they are still parsed and
    /// checked): for a user that reads fields only to explain failures, as a client does.
    bool keep_fields_on_success = true;

    /// Each connection runs on its own strand, so that a pool is safe on an io_context run by
    /// several threads. Unset: strands unless the executor's io_context was made for one thread
    /// (io_context(1)), where they would only cost time (about a quarter of the client's CPU).
    std::optional<bool> connection_strands{};
    /// TLS: the server certificate and host name are verified unless this is false.
    bool verify_peer = true;

    /// TLS: path of a PEM file with extra trusted CAs, used on top of the system trust store.
    std::string ca_bundle;

    /// An HTTP proxy, "http://[user:password@]host[:port]". An https origin is reached through a
    /// CONNECT tunnel, with TLS to the origin inside it (certificate and host name checked
    /// against the origin); an http origin gets absolute-form requests. user:password (%-escapes
    /// decoded) is sent as Proxy-Authorization: Basic and appears in no message. Unset or "":
    /// direct. A client fills an unset one from the environment (client_config.hpp).
    std::optional<std::string> proxy{};
};

}  // namespace ivsrt
