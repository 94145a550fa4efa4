// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

/// @file
/// The configuration of an ivsrt::client, and the events it reports.

#include <ivsrt/aws_config.hpp>
#include <ivsrt/credentials.hpp>
#include <ivsrt/pool_config.hpp>
#include <ivsrt/pacing.hpp>
#include <ivsrt/pacing_backend.hpp>
#include <ivsrt/retry.hpp>

#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ivsrt {

enum class client_event_kind : std::uint8_t {
    pacing_wait,            ///< the call waited for its turn under the operation's quota
    credentials_refreshed,  ///< the call got credentials that differ from the previous call's
    attempt_start,          ///< an attempt is about to be sent (after signing)
    pool_wait,              ///< the attempt waited for a free connection
    attempt_end,            ///< an attempt got a response or failed
    retry,                  ///< the call will retry after `delay`
    /// A shared pacing backend (pacing_config::backend) switched between its shared bucket and
    /// its local share: `detail` is "shared", or "local: <why>".
    pacing_source,
};

IVSRT_DECL std::string_view to_string(client_event_kind kind) noexcept;

/// What the client reports to client_config::on_event. The views are valid during the callback
/// only. Never holds a secret: no credentials, no request or response bodies, no tokens.
struct client_event {
    client_event_kind kind{};
    std::string_view operation{};  ///< "CreateParticipantToken"
    unsigned attempt = 0;          ///< 1-based; 0 before the first attempt
    /// attempt_end and retry: the outcome of the attempt.
    boost::system::error_code error{};  ///< empty on success
    unsigned http_status = 0;           ///< 0 when no response arrived
    std::string_view aws_error_code{};  ///< "ThrottlingException", when the service sent one
    std::string_view request_id{};      ///< x-amzn-RequestId, when the service sent one
    /// pacing_wait, pool_wait: how long the call waited; retry: the backoff before the next
    /// attempt; attempt_end: how long the attempt took.
    std::chrono::nanoseconds duration{};
    /// retry: why ("throttling", "transient", "clock skew"); credentials_refreshed: the provider;
    /// pacing_source: "shared" or "local: <why>".
    std::string_view detail{};
};

/// Everything an ivsrt::client is built from. Each unset member comes from where the AWS SDKs take
/// it: the environment (AWS_REGION, AWS_ENDPOINT_URL_IVS_REALTIME, AWS_MAX_ATTEMPTS, ...) and the
/// shared config files (see aws_config.hpp and the README's settings table).
struct client_config {
    /// Region and endpoint. A client needs a region unless endpoint_url is set, and even then the
    /// region is what requests are signed for (default "us-east-1" with an endpoint_url).
    std::optional<std::string> region;
    std::optional<std::string> endpoint_url;  ///< e.g. "http://127.0.0.1:4566"
    std::optional<bool> use_fips;
    std::optional<bool> use_dual_stack;

    /// Credentials; when unset, the default chain (make_default_provider), cached.
    std::optional<credentials_provider> credentials;

    /// Retries; when unset, standard mode with AWS_MAX_ATTEMPTS / AWS_RETRY_MODE or the profile's
    /// max_attempts / retry_mode applied.
    std::optional<retry_config> retry;

    /// Connections. An empty pool.ca_bundle takes AWS_CA_BUNDLE / the profile's ca_bundle. An
    /// unset pool.proxy takes https_proxy / HTTPS_PROXY for an https endpoint, http_proxy /
    /// HTTP_PROXY for an http one (lower case first), unless no_proxy / NO_PROXY exempts the
    /// endpoint's host (see pool_config::proxy); "" means no proxy whatever the environment.
    /// The instance metadata and container credential endpoints are never proxied.
    pool_config pool;

    /// Quota-aware pacing (on by default, with IVS's documented quotas).
    pacing_config pacing;

    /// Bound on one attempt: waiting for a connection, connecting, sending, reading the response.
    std::chrono::milliseconds attempt_timeout{10000};
    /// Bound on the whole call: pacing, credentials, every attempt and the waits between them.
    std::chrono::milliseconds call_timeout{60000};

    /// Added to the User-Agent as `app/<id>`; when unset, AWS_SDK_UA_APP_ID / sdk_ua_app_id.
    /// Characters not allowed in a token become '-'; a control character (CR, LF, NUL, ...) makes
    /// the client constructor throw std::invalid_argument.
    std::optional<std::string> app_id;

    /// Called for every client_event, from the thread running the call. Must be thread-safe
    /// when the client is used from several threads, and quick: it runs on the request path.
    std::function<void(const client_event&)> on_event;

    /// Where the settings above are read from (tests and sandboxes inject an environment).
    config_sources sources;

    /// Injection points for tests: randomness of backoff jitter and invocation ids, and the wall
    /// clock used to sign requests (empty: std::chrono::system_clock::now).
    random_source random;
    std::function<std::chrono::system_clock::time_point()> wall_clock;
};

}  // namespace ivsrt
