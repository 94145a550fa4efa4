// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

/// @file
/// Fleet-wide pacing through Redis: every client configured with the same Redis takes its turns
/// from one shared bucket per Region and operation, so a fleet of processes stays under IVS's
/// per-account quotas together (CreateParticipantToken: 50 TPS for the account, whatever the
/// number of replicas). Each turn is one round trip: a GCRA step run atomically by a Lua script
/// (EVALSHA, reloaded with EVAL after NOSCRIPT) on Redis's clock.
///
/// When Redis is unreachable, refuses the connection or is slower than `timeout`, calls take
/// their turns from a local share of the quota (the operation's pace divided by
/// `expected_replicas`), the client reports the switch through client_config::on_event
/// (client_event_kind::pacing_source), and Redis is tried again after `retry_interval`. No call
/// fails because Redis is down.
///
/// Optional: only a program that includes this header compiles it; it needs nothing beyond
/// ivsrt's own dependencies. Including it also lets IVSRT_PACING_REDIS_URL configure clients.
///
///     ivsrt::client_config cfg;
///     cfg.pacing.backend = ivsrt::make_redis_pacing(ex, {.url = "redis://10.0.0.5:6379/0",
///                                                        .expected_replicas = 4});

#include <ivsrt/pacing_backend.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace ivsrt {

struct redis_pacing_config {
    /// redis://[[user]:password@]host[:port][/db] (port 6379, db 0 by default), rediss://...
    /// for TLS (the server's certificate verified against the system's CAs and `ca_file`, and
    /// its host name), or unix:///path/to/redis.sock[?db=N]. The password is sent with AUTH and
    /// never appears in messages or events.
    std::string url;
    /// rediss://: a PEM file of CAs to trust besides the system's.
    std::string ca_file;
    /// Keys are "<key_prefix>:<region>:<operation>". Fleets of different AWS accounts that share
    /// a Redis need different prefixes.
    std::string key_prefix = "ivsrt:pacing";
    /// Bound on connecting (with AUTH and SELECT) and on each turn's round trip; it counts
    /// against the call timeout.
    std::chrono::milliseconds timeout{250};
    /// The local share while Redis is away: each operation's pace divided by this.
    unsigned expected_replicas = 1;
    /// After a failure, how long turns stay local before Redis is tried again.
    std::chrono::milliseconds retry_interval{2000};
};

/// Throws std::invalid_argument on a bad URL or setting, naming it (never the password).
inline std::shared_ptr<pacing_backend> make_redis_pacing(boost::asio::any_io_executor ex,
                                                         redis_pacing_config config);

}  // namespace ivsrt

#include <ivsrt/detail/redis_pacing.hpp>
