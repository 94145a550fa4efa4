// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.

// ivsrt-emulator: runs the emulator until SIGINT or SIGTERM. See tools/emulator/README.md.

#include "emulator.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <charconv>
#include <csignal>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>

namespace {

constexpr std::string_view usage = R"(usage: ivsrt-emulator [options]

An in-memory Amazon IVS Real-Time service for tests. Prints "listening on HOST:PORT" first.

  --host ADDR               address to listen on (default 127.0.0.1)
  --port N                  port; 0 picks a free one (default 0)
  --region NAME             region in ARNs and SigV4 scopes (default us-east-1)
  --account-id ID           account in ARNs (default 123456789012)
  --access-key-id ID        the accepted access key id (default AKIAIOSFODNN7EXAMPLE)
  --secret-access-key KEY   its secret (default wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY)
  --session-token TOKEN     session credentials: requests must carry this security token
  --session-expires-in S    ...which expires S seconds after start (ExpiredTokenException)
  --enforce-quotas          answer calls beyond IVS's TPS quotas with 429 ThrottlingException
  --fault SPEC              inject a fault (repeatable): KIND[:TRIGGER][:op=NAME], KIND one of
                            500 503 429 reset-before reset-after truncate expired-token
                            delay=MS, TRIGGER a
                            probability (0.2) or every=N; e.g. --fault 503:0.2
  --fault-seed N            seed of the fault probabilities (default 1)
  --tls-cert PEM            serve HTTPS with this certificate chain (file)...
  --tls-key PEM             ...and this private key (file)
  --token-signing ALG       ES384 (default, as IVS) or HS256 (cheaper, for benchmarks)
  --log                     one line per request on stderr (no secrets, no bodies)
  --help                    this text
)";

[[noreturn]] void fail(const std::string& message) {
    std::cerr << "ivsrt-emulator: " << message << "\n(see --help)\n";
    std::exit(2);
}

template <class T>
T number(std::string_view flag, std::string_view text) {
    T value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) {
        fail(std::string(flag) + " needs a number, got '" + std::string(text) + "'");
    }
    return value;
}

}  // namespace

int main(int argc, char** argv) {
    namespace emu = ivsrt::emulator;
    emu::options opts;
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        auto value = [&]() -> std::string_view {
            if (i + 1 >= argc) fail(std::string(flag) + " needs a value");
            return argv[++i];
        };
        try {
            if (flag == "--help" || flag == "-h") {
                std::cout << usage;
                return 0;
            } else if (flag == "--host") {
                opts.host = value();
            } else if (flag == "--port") {
                opts.port = number<std::uint16_t>(flag, value());
            } else if (flag == "--region") {
                opts.region = value();
            } else if (flag == "--account-id") {
                opts.account_id = value();
            } else if (flag == "--access-key-id") {
                opts.access_key_id = value();
            } else if (flag == "--secret-access-key") {
                opts.secret_access_key = value();
            } else if (flag == "--session-token") {
                opts.session_token = value();
            } else if (flag == "--session-expires-in") {
                opts.session_expiration =
                    std::chrono::system_clock::now() +
                    std::chrono::seconds(number<std::uint32_t>(flag, value()));
            } else if (flag == "--enforce-quotas") {
                opts.enforce_quotas = true;
            } else if (flag == "--fault") {
                opts.faults.push_back(emu::parse_fault(value()));
            } else if (flag == "--fault-seed") {
                opts.fault_seed = number<std::uint64_t>(flag, value());
            } else if (flag == "--tls-cert") {
                opts.tls_cert = value();
            } else if (flag == "--tls-key") {
                opts.tls_key = value();
            } else if (flag == "--token-signing") {
                const std::string_view alg = value();
                if (alg == "ES384" || alg == "es384") {
                    opts.token_signing = emu::signing_algorithm::es384;
                } else if (alg == "HS256" || alg == "hs256") {
                    opts.token_signing = emu::signing_algorithm::hs256;
                } else {
                    fail("--token-signing must be ES384 or HS256");
                }
            } else if (flag == "--log") {
                opts.request_log = [](std::string_view line) {
                    std::fwrite(line.data(), 1, line.size(), stderr);
                    std::fputc('\n', stderr);
                };
            } else {
                fail("unknown option " + std::string(flag));
            }
        } catch (const std::invalid_argument& e) {
            fail(e.what());
        }
    }
    if (opts.session_expiration && opts.session_token.empty()) {
        fail("--session-expires-in needs --session-token");
    }

    try {
        boost::asio::io_context ioc(1);
        emu::server server(ioc.get_executor(), opts);
        const std::uint16_t port = server.start();
        std::printf("listening on %s:%u\n", opts.host.c_str(), unsigned(port));
        std::fflush(stdout);
        boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
        signals.async_wait([&](const boost::system::error_code& ec, int) {
            if (!ec) server.stop();
        });
        ioc.run();
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "ivsrt-emulator: " << e.what() << "\n";
        return 1;
    }
}
