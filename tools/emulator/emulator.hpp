// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// ivsrt-emulator: an in-memory IVS Real-Time service that real AWS SDKs accept (SigV4, restJson1,
// the 39 operations of the model), plus control endpoints that simulate participants. Embeddable:
//
//   asio::io_context ioc;
//   ivsrt::emulator::server emu(ioc.get_executor(), {});
//   std::uint16_t port = emu.start();  // 127.0.0.1:port
//   ... ioc.run(); ... emu.stop();
//
// All of its work runs on the given executor, which must not run handlers concurrently (one
// thread, or a strand).

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ivsrt::emulator {

// What an injected fault does to a request of the AWS API (control endpoints are never faulted).
enum class fault_kind : std::uint8_t {
    internal_error,  // 500 InternalServerException; the operation is not run
    unavailable,     // 503 ServiceUnavailableException; not run
    throttling,      // 429 ThrottlingException; not run
    reset_before,    // connection reset once the request is read; not run, no response
    reset_after,     // run, response written, then the connection is reset
    truncate,        // run, then half of the response body is sent and the connection closed
    delay,           // the response waits `delay` (then the request is served normally)
    expired_token,   // 403 ExpiredTokenException, as for expired session credentials; not run
};

// A fault and when it fires: on every `every`-th request it could apply to (when every > 0),
// else with `probability` per request. `operation` limits it to one operation ("CreateStage").
struct fault {
    fault_kind kind = fault_kind::internal_error;
    double probability = 0;
    unsigned every = 0;
    std::chrono::milliseconds delay{0};
    std::string operation;
};

// Parses KIND[=MS][:TRIGGER][:op=NAME] where KIND is 500, 503, 429, reset-before, reset-after,
// truncate, expired-token or delay=MS, and TRIGGER is a probability ("0.2") or "every=N"; without a
// trigger the fault fires on every request. Examples: "503:0.2", "reset-before:every=5",
// "delay=250:0.5", "500:every=2:op=CreateStage". Throws std::invalid_argument naming the problem.
fault parse_fault(std::string_view spec);

// How the emulator signs the participant tokens it issues. ES384 is what IVS uses; HS256 (a key
// generated at start) is about 40 times cheaper, for benchmarks of token issuance.
enum class signing_algorithm : std::uint8_t { es384, hs256 };

struct options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;  // 0 picks a free port
    std::string region = "us-east-1";
    std::string account_id = "123456789012";
    // The only credentials accepted.
    std::string access_key_id = "AKIAIOSFODNN7EXAMPLE";
    std::string secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    // Session credentials: when set, requests must carry this X-Amz-Security-Token (else 403
    // UnrecognizedClientException), and after `session_expiration` (emulator clock) they get 403
    // ExpiredTokenException.
    std::string session_token;
    std::optional<std::chrono::system_clock::time_point> session_expiration;
    // Answer calls beyond IVS's per-operation TPS quotas with 429 ThrottlingException.
    bool enforce_quotas = false;
    std::vector<fault> faults;
    std::uint64_t fault_seed = 1;  // seed of the probability draws (reproducible runs)
    // TLS: a certificate chain and its private key, each a PEM file path or the PEM text itself.
    // Both empty: plain HTTP.
    std::string tls_cert;
    std::string tls_key;
    signing_algorithm token_signing = signing_algorithm::es384;
    // Called with one line per request (no secrets, no bodies); unset: no log.
    std::function<void(std::string_view line)> request_log;
    // The emulator's clock (SigV4 skew, token expiry, timestamps, quotas); unset: system clock.
    std::function<std::chrono::system_clock::time_point()> clock;
    // A connection waiting for a request's first byte this long is closed (a silent client, an
    // idle keep-alive connection)...
    std::chrono::milliseconds idle_timeout{60000};
    // ...and so is one whose request, from its first byte, takes longer than this to arrive.
    std::chrono::milliseconds read_timeout{10000};
};

class server {
  public:
    // Throws std::invalid_argument on bad options (e.g. unreadable TLS files).
    server(boost::asio::any_io_executor executor, options opts);
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    // Binds and starts accepting; returns the port. Throws boost::system::system_error if the
    // address cannot be bound.
    std::uint16_t start();

    // Closes the listener and every connection; pending work finishes on the executor. May be
    // called from any thread.
    void stop();

    std::uint16_t port() const noexcept;

  private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace ivsrt::emulator
