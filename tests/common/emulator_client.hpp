// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
// Test helper for the emulator tests: an in-process emulator on its own thread with an injected
// clock, and a raw Beast HTTP client that signs with ivsrt::sigv4 (independent of ivsrt's client).
#pragma once

#include <emulator.hpp>

#include <ivsrt/credentials.hpp>
#include <ivsrt/model/operations.hpp>
#include <ivsrt/sigv4.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace ivsrt::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using std::chrono::system_clock;

// 2026-01-02T03:04:05Z, a Friday: the emulator's clock at the start of every test.
inline const system_clock::time_point test_epoch =
    std::chrono::sys_days(std::chrono::year(2026) / 1 / 2) + std::chrono::hours(3) +
    std::chrono::minutes(4) + std::chrono::seconds(5);

// The emulator's default credentials (documented in tools/emulator/README.md).
inline credentials default_credentials() {
    return {.access_key_id = "AKIAIOSFODNN7EXAMPLE",
            .secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            .provider = "test"};
}

// An emulator on 127.0.0.1, run by a thread of its own, whose clock the test moves.
class running_emulator {
  public:
    // `real_time`: the clock also moves with real time (for quotas counted in real seconds).
    explicit running_emulator(emulator::options opts = {}, bool real_time = false)
        : real_time_(real_time) {
        opts.clock = [this] { return now(); };
        opts.request_log = [this](std::string_view line) {
            std::lock_guard lock(mutex_);
            log_.emplace_back(line);
        };
        server_.emplace(ioc_.get_executor(), std::move(opts));
        port_ = server_->start();
        thread_ = std::thread([this] { ioc_.run(); });
    }
    // Stops the emulator; fails the test if it answered an operation with an error the model
    // does not declare for that operation (an SDK in strict mode would reject it).
    ~running_emulator() {
        server_->stop();
        thread_.join();
        for (const auto& line : undeclared_errors()) {
            BOOST_ERROR("the emulator answered an error the model does not declare: " << line);
        }
    }

    std::uint16_t port() const { return port_; }
    system_clock::time_point now() const {
        const auto elapsed = real_time_ ? std::chrono::duration_cast<system_clock::duration>(
                                              std::chrono::steady_clock::now() - started_)
                                        : system_clock::duration::zero();
        return test_epoch + system_clock::duration(offset_.load()) + elapsed;
    }
    void advance(system_clock::duration d) { offset_ += d.count(); }
    std::vector<std::string> log() const {
        std::lock_guard lock(mutex_);
        return log_;
    }

    // The request log's lines where an operation answered an error that its model does not
    // declare, other than the errors any AWS API may answer and injected faults.
    std::vector<std::string> undeclared_errors() const {
        std::vector<std::string> out;
        for (const auto& line : log()) {
            // <time> <remote> <method> <path> <operation> <status> <error code> <us>us [fault=..]
            std::istringstream fields(line);
            std::string time, remote, method, path, operation, status, code;
            fields >> time >> remote >> method >> path >> operation >> status >> code;
            if (code == "-" || operation == "-" || line.find(" fault=") != std::string::npos ||
                any_api_error(code) || declared(operation, code)) {
                continue;
            }
            out.push_back(line);
        }
        return out;
    }

  private:
    // Authentication, throttling and malformed requests: errors of every AWS JSON API, which the
    // SDKs handle whatever an operation declares.
    static bool any_api_error(std::string_view code) {
        for (std::string_view common :
             {"UnrecognizedClientException", "InvalidSignatureException", "IncompleteSignature",
              "IncompleteSignatureException", "MissingAuthenticationToken",
              "MissingAuthenticationTokenException", "ExpiredTokenException",
              "SignatureDoesNotMatch", "ThrottlingException", "SerializationException",
              "UnknownOperationException"}) {
            if (code == common) return true;
        }
        return false;
    }
    static bool declared(std::string_view operation, std::string_view code) {
#define IVSRT_TEST_DECLARED(Name, snake)                                                     \
    if (operation == #Name) {                                                                \
        for (std::string_view e : model::operation_traits<model::snake##_request>::errors) { \
            if (e == code) return true;                                                      \
        }                                                                                    \
        return false;                                                                        \
    }
        IVSRT_MODEL_OPERATIONS(IVSRT_TEST_DECLARED)
#undef IVSRT_TEST_DECLARED
        return false;
    }

    asio::io_context ioc_{1};
    std::optional<emulator::server> server_;
    std::thread thread_;
    std::uint16_t port_ = 0;
    std::atomic<system_clock::rep> offset_{0};
    bool real_time_ = false;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    mutable std::mutex mutex_;
    std::vector<std::string> log_;
};

struct response {
    unsigned status = 0;
    http::fields headers;
    std::string body;

    std::string header(std::string_view name) const {
        auto it = headers.find(name);
        return it == headers.end() ? std::string() : std::string(it->value());
    }
    std::string error_type() const { return header("x-amzn-ErrorType"); }
    json::value json() const { return json::parse(body); }
    std::string message() const {
        const json::value v = json();
        const auto* m = v.as_object().if_contains("message");
        return m ? std::string(m->as_string()) : std::string();
    }
};

struct call_options {
    std::string method = "POST";
    std::vector<std::pair<std::string, std::string>> query_params;  // sent as they are
    std::optional<credentials> creds = default_credentials();       // none: unsigned
    std::optional<system_clock::time_point> signed_at;              // default: the emulator's clock
    std::string region = "us-east-1";
    std::optional<std::string> amz_date;        // sent in place of the signed X-Amz-Date
    std::optional<std::string> signed_headers;  // sent in place of the Authorization's list
};

// A keep-alive connection to the emulator, plain or TLS, signing each request.
class client {
  public:
    client(running_emulator& emu, asio::ssl::context* tls = nullptr) : emu_(emu), tls_ctx_(tls) {
        connect();
    }

    void connect() {
        tcp_.reset();
        tls_.reset();
        buffer_.clear();
        asio::ip::tcp::socket socket(ioc_);
        socket.connect({asio::ip::make_address("127.0.0.1"), emu_.port()});
        if (tls_ctx_) {
            tls_.emplace(std::move(socket), *tls_ctx_);
            SSL_set_tlsext_host_name(tls_->native_handle(), "localhost");
            tls_->set_verify_mode(asio::ssl::verify_peer);
            tls_->set_verify_callback(asio::ssl::host_name_verification("localhost"));
            tls_->handshake(asio::ssl::stream_base::client);
        } else {
            tcp_.emplace(std::move(socket));
        }
    }

    // Sends one request and reads the response; throws boost::system::system_error when the
    // connection fails (reset, truncated response).
    response send(std::string_view path, std::string body, const call_options& o = {}) {
        std::string target(path);
        std::vector<sigv4::query_param> signed_query;
        for (std::size_t i = 0; i < o.query_params.size(); ++i) {
            const auto& [k, v] = o.query_params[i];
            target += i == 0 ? '?' : '&';
            target += k + "=" + v;  // tests use values that need no encoding
            signed_query.push_back({k, v});
        }
        http::request<http::string_body> req(beast::http::string_to_verb(o.method), target, 11);
        const std::string host = "127.0.0.1:" + std::to_string(emu_.port());
        req.set(http::field::host, host);
        if (!body.empty()) req.set(http::field::content_type, "application/x-amz-json-1.1");
        req.body() = body;
        req.prepare_payload();
        if (o.creds) {
            const sigv4::header headers[] = {{"Host", host},
                                             {"Content-Type", "application/x-amz-json-1.1"}};
            const sigv4::signer signer({.region = o.region, .service = "ivs"});
            sigv4::signing_result signed_request;
            signer.sign({.method = o.method,
                         .path = path,
                         .query = signed_query,
                         .headers = std::span(headers, body.empty() ? 1 : 2),
                         .body = body},
                        *o.creds, o.signed_at.value_or(emu_.now()), signed_request);
            for (const auto& h : signed_request.headers()) req.set(h.name, h.value);
            if (o.amz_date) req.set("X-Amz-Date", *o.amz_date);
            if (o.signed_headers) {
                std::string authorization(req[http::field::authorization]);
                const auto begin = authorization.find("SignedHeaders=") + 14;
                authorization.replace(begin, authorization.find(',', begin) - begin,
                                      *o.signed_headers);
                req.set(http::field::authorization, authorization);
            }
        }
        http::response<http::string_body> res;
        if (tls_) {
            http::write(*tls_, req);
            http::read(*tls_, buffer_, res);
        } else {
            http::write(*tcp_, req);
            http::read(*tcp_, buffer_, res);
        }
        response out{res.result_int(), {}, res.body()};
        for (const auto& f : res) out.headers.insert(f.name_string(), f.value());
        return out;
    }

    // POST /<operation> with a JSON body.
    response call(std::string_view operation, std::string body = "{}", const call_options& o = {}) {
        return send("/" + std::string(operation), std::move(body), o);
    }

    // A call expected to succeed: its JSON result (throws with the error otherwise).
    json::object ok(std::string_view operation, std::string body = "{}") {
        const response r = call(operation, std::move(body));
        if (r.status != 200) {
            throw std::runtime_error(std::string(operation) + ": " + std::to_string(r.status) +
                                     " " + r.error_type() + " " + r.body);
        }
        return r.json().as_object();
    }

    // A control endpoint (unsigned).
    response control(std::string_view action, std::string body) {
        call_options o;
        o.creds.reset();
        return send("/_emulator/" + std::string(action), std::move(body), o);
    }

  private:
    running_emulator& emu_;
    asio::ssl::context* tls_ctx_;
    asio::io_context ioc_;
    std::optional<beast::tcp_stream> tcp_;
    std::optional<asio::ssl::stream<beast::tcp_stream>> tls_;
    beast::flat_buffer buffer_;
};

}  // namespace ivsrt::test
