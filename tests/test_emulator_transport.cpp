// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
// The emulator's transport: SigV4 verification, quotas, injected faults, TLS, the request log.
#define BOOST_TEST_MODULE test_emulator_transport
#include <boost/test/unit_test.hpp>

#include "common/test_tls.hpp"
#include "common/emulator_client.hpp"

#include <boost/asio/ssl/context.hpp>

#include <boost/asio/write.hpp>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include <stdexcept>
#include <string>

using namespace ivsrt::test;
namespace emulator = ivsrt::emulator;

namespace {

emulator::options with_faults(std::initializer_list<const char*> specs) {
    emulator::options o;
    for (const char* spec : specs) o.faults.push_back(emulator::parse_fault(spec));
    return o;
}

std::size_t stage_count(client& c) {
    return c.ok("ListStages").at("stages").as_array().size();
}

}  // namespace

BOOST_AUTO_TEST_CASE(signature_verification) {
    running_emulator emu;
    client c(emu);
    BOOST_TEST(c.call("ListStages").status == 200u);

    call_options unsigned_call;
    unsigned_call.creds.reset();
    response r = c.call("ListStages", "{}", unsigned_call);
    BOOST_TEST(r.status == 403u);
    BOOST_TEST(r.error_type() == "MissingAuthenticationTokenException");

    call_options bad_secret;
    bad_secret.creds->secret_access_key = "not-the-secret";
    r = c.call("ListStages", "{}", bad_secret);
    BOOST_TEST(r.status == 403u);
    BOOST_TEST(r.error_type() == "InvalidSignatureException");
    BOOST_TEST(r.message().find("not-the-secret") == std::string::npos);

    call_options unknown_key;
    unknown_key.creds->access_key_id = "AKIDUNKNOWN";
    r = c.call("ListStages", "{}", unknown_key);
    BOOST_TEST(r.status == 403u);
    BOOST_TEST(r.error_type() == "UnrecognizedClientException");

    call_options other_region;
    other_region.region = "eu-west-1";
    r = c.call("ListStages", "{}", other_region);
    BOOST_TEST(r.status == 403u);
    BOOST_TEST(r.error_type() == "InvalidSignatureException");

    // A malformed Authorization header.
    http::request<http::string_body> req(http::verb::post, "/ListStages", 11);
    asio::io_context ioc;
    beast::tcp_stream raw(ioc);
    raw.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), emu.port()));
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::authorization, "AWS4-HMAC-SHA256 garbage");
    req.body() = "{}";
    req.prepare_payload();
    http::write(raw, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(raw, buffer, res);
    BOOST_TEST(res.result_int() == 403u);
    BOOST_TEST(res["x-amzn-ErrorType"] == "IncompleteSignatureException");
}

BOOST_AUTO_TEST_CASE(clock_skew_of_five_minutes) {
    running_emulator emu;
    client c(emu);
    call_options o;
    o.signed_at = emu.now() - std::chrono::minutes(4);
    BOOST_TEST(c.call("ListStages", "{}", o).status == 200u);
    o.signed_at = emu.now() + std::chrono::minutes(4);
    BOOST_TEST(c.call("ListStages", "{}", o).status == 200u);

    o.signed_at = emu.now() - std::chrono::minutes(6);
    response r = c.call("ListStages", "{}", o);
    BOOST_TEST(r.status == 403u);
    BOOST_TEST(r.error_type() == "InvalidSignatureException");
    // Signed 02:58:05; now 03:04:05, whose 5-minute bound is 02:59:05.
    BOOST_TEST(r.message() ==
               "Signature expired: 20260102T025805Z is now earlier than 20260102T025905Z "
               "(20260102T030405Z - 5 min.)");
    // The Date header lets the client correct its clock.
    BOOST_TEST(r.header("Date") == "Fri, 02 Jan 2026 03:04:05 GMT");

    o.signed_at = emu.now() + std::chrono::minutes(6);
    r = c.call("ListStages", "{}", o);
    BOOST_TEST(r.error_type() == "InvalidSignatureException");
    BOOST_TEST(r.message().starts_with("Signature not yet current"));
}

// X-Amz-Date values no nanosecond clock holds (the emulator once converted them to
// system_clock, overflowing) are skew errors; fields with signs or out of range are malformed.
BOOST_AUTO_TEST_CASE(x_amz_date_far_from_now_or_malformed) {
    running_emulator emu;
    client c(emu);
    call_options o;
    o.amz_date = "99991231T235959Z";
    response r = c.call("ListStages", "{}", o);
    BOOST_TEST(r.status == 403u);
    BOOST_TEST(r.error_type() == "InvalidSignatureException");
    BOOST_TEST(r.message() ==
               "Signature not yet current: 99991231T235959Z is still later than "
               "20260102T030905Z (20260102T030405Z + 5 min.)");

    o.amz_date = "00010101T000000Z";
    r = c.call("ListStages", "{}", o);
    BOOST_TEST(r.status == 403u);
    BOOST_TEST(r.error_type() == "InvalidSignatureException");
    BOOST_TEST(r.message() ==
               "Signature expired: 00010101T000000Z is now earlier than 20260102T025905Z "
               "(20260102T030405Z - 5 min.)");

    for (const char* bad :
         {"-9991231T235959Z", "20260102T-10405Z", "20260102T03-405Z", "20261302T030405Z",
          "20260132T030405Z", "20260102T240405Z", "20260102 030405Z", "20260102T030405"}) {
        o.amz_date = bad;
        r = c.call("ListStages", "{}", o);
        BOOST_TEST(r.status == 403u, bad);
        BOOST_TEST(r.error_type() == "IncompleteSignatureException", bad);
    }
}

// Found by tests/fuzz/fuzz_emulator_request: an X-Amz-Date beyond 2262 (or before 1678) overflowed
// system_clock's nanoseconds (undefined behavior) instead of being answered as out of skew.
BOOST_AUTO_TEST_CASE(clock_skew_with_dates_far_off) {
    running_emulator emu;
    asio::io_context ioc;
    beast::tcp_stream raw(ioc);
    raw.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), emu.port()));
    beast::flat_buffer buffer;
    auto send_dated = [&](std::string_view amz_date) {
        // The dates are checked before the signature, so any well-formed one does.
        http::request<http::string_body> req(http::verb::post, "/ListStages", 11);
        req.set(http::field::host, "127.0.0.1");
        req.set("X-Amz-Date", amz_date);
        req.set(http::field::authorization,
                "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/" +
                    std::string(amz_date.substr(0, 8)) +
                    "/us-east-1/ivs/aws4_request, SignedHeaders=host;x-amz-date, Signature=" +
                    std::string(64, '0'));
        req.body() = "{}";
        req.prepare_payload();
        http::write(raw, req);
        http::response<http::string_body> res;
        http::read(raw, buffer, res);
        BOOST_TEST(res.result_int() == 403u);
        BOOST_TEST(res["x-amzn-ErrorType"] == "InvalidSignatureException");
        return json::parse(res.body()).at("message").as_string();
    };
    BOOST_TEST(send_dated("40481202T120000Z").starts_with("Signature not yet current: 4048"));
    BOOST_TEST(send_dated("99991231T235959Z").starts_with("Signature not yet current: 9999"));
    BOOST_TEST(send_dated("00000101T000000Z").starts_with("Signature expired: 0000"));
    BOOST_TEST(send_dated("16000101T000000Z").starts_with("Signature expired: 1600"));
}

BOOST_AUTO_TEST_CASE(quotas) {
    emulator::options o;
    o.enforce_quotas = true;
    running_emulator emu(o);
    client c(emu);
    // Public-key operations: 3 TPS; the clock stands still, so the fourth call is over quota.
    for (int i = 0; i < 3; ++i) BOOST_TEST(c.call("ListPublicKeys").status == 200u);
    response r = c.call("ListPublicKeys");
    BOOST_TEST(r.status == 429u);
    BOOST_TEST(r.error_type() == "ThrottlingException");
    // Other operations have buckets of their own.
    BOOST_TEST(c.call("ListStages").status == 200u);
    emu.advance(std::chrono::seconds(1));
    BOOST_TEST(c.call("ListPublicKeys").status == 200u);

    // CreateParticipantToken: 50 TPS.
    const std::string stage = std::string(c.ok("CreateStage").at("stage").at("arn").as_string());
    const std::string token_request = R"({"stageArn":")" + stage + R"("})";
    int accepted = 0;
    for (int i = 0; i < 51; ++i)
        accepted += c.call("CreateParticipantToken", token_request).status == 200u;
    BOOST_TEST(accepted == 50);
}

BOOST_AUTO_TEST_CASE(quotas_are_off_by_default) {
    running_emulator emu;
    client c(emu);
    for (int i = 0; i < 10; ++i) BOOST_TEST(c.call("ListPublicKeys").status == 200u);
}

BOOST_AUTO_TEST_CASE(fault_status_codes_do_not_run_the_operation) {
    const std::pair<const char*, std::pair<unsigned, const char*>> cases[] = {
        {"500:op=CreateStage", {500u, "InternalServerException"}},
        {"503:op=CreateStage", {503u, "ServiceUnavailableException"}},
        {"429:op=CreateStage", {429u, "ThrottlingException"}},
    };
    for (const auto& [spec, expected] : cases) {
        running_emulator emu(with_faults({spec}));
        client c(emu);
        const response r = c.call("CreateStage");
        BOOST_TEST(r.status == expected.first, spec);
        BOOST_TEST(r.error_type() == expected.second, spec);
        BOOST_TEST(!r.header("x-amzn-RequestId").empty());
        BOOST_TEST(stage_count(c) == 0u, spec);
    }
}

BOOST_AUTO_TEST_CASE(fault_every_nth_request) {
    running_emulator emu(with_faults({"503:every=2:op=ListStages"}));
    client c(emu);
    std::vector<unsigned> statuses;
    for (int i = 0; i < 4; ++i) statuses.push_back(c.call("ListStages").status);
    BOOST_TEST((statuses == std::vector<unsigned>{200, 503, 200, 503}));
}

BOOST_AUTO_TEST_CASE(fault_probability_is_seeded) {
    // Probability 0.5 over 40 requests: some but not all fail, the same ones for the same seed.
    auto run = [] {
        running_emulator emu(with_faults({"500:0.5"}));
        client c(emu);
        std::vector<unsigned> statuses;
        for (int i = 0; i < 40; ++i) statuses.push_back(c.call("ListStages").status);
        return statuses;
    };
    const auto first = run();
    const auto failures = std::count(first.begin(), first.end(), 500u);
    BOOST_TEST(failures > 0);
    BOOST_TEST(failures < 40);
    BOOST_TEST((run() == first));
}

BOOST_AUTO_TEST_CASE(fault_reset_before_the_response) {
    running_emulator emu(with_faults({"reset-before:op=CreateStage"}));
    client c(emu);
    BOOST_CHECK_THROW(c.call("CreateStage"), boost::system::system_error);
    c.connect();
    BOOST_TEST(stage_count(c) == 0u);
}

BOOST_AUTO_TEST_CASE(fault_reset_after_the_response) {
    running_emulator emu(with_faults({"reset-after:op=CreateStage"}));
    client c(emu);
    BOOST_TEST(c.call("CreateStage").status == 200u);
    // The connection is gone: the next request on it fails.
    BOOST_CHECK_THROW(c.call("ListStages"), boost::system::system_error);
    c.connect();
    BOOST_TEST(stage_count(c) == 1u);
}

BOOST_AUTO_TEST_CASE(fault_truncated_body) {
    running_emulator emu(with_faults({"truncate:op=CreateStage"}));
    client c(emu);
    BOOST_CHECK_THROW(c.call("CreateStage"), boost::system::system_error);
    c.connect();
    BOOST_TEST(stage_count(c) == 1u);  // it ran; only its response was cut
}

BOOST_AUTO_TEST_CASE(fault_delay) {
    running_emulator emu(with_faults({"delay=1:op=ListStages"}));
    client c(emu);
    BOOST_TEST(c.call("ListStages").status == 200u);
    const auto log = emu.log();
    BOOST_TEST_REQUIRE(!log.empty());
    BOOST_TEST(log.back().find("fault=delay") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(control_endpoints_are_never_faulted) {
    running_emulator emu(with_faults({"500"}));
    client c(emu);
    BOOST_TEST(c.control("reset", "{}").status == 200u);
    BOOST_TEST(c.call("ListStages").status == 500u);
}

BOOST_AUTO_TEST_CASE(fault_specs) {
    auto f = emulator::parse_fault("503:0.2");
    BOOST_TEST((f.kind == emulator::fault_kind::unavailable));
    BOOST_TEST(f.probability == 0.2);
    f = emulator::parse_fault("reset-before:every=5");
    BOOST_TEST((f.kind == emulator::fault_kind::reset_before));
    BOOST_TEST(f.every == 5u);
    f = emulator::parse_fault("delay=250:op=CreateStage");
    BOOST_TEST((f.kind == emulator::fault_kind::delay));
    BOOST_TEST(f.delay.count() == 250);
    BOOST_TEST(f.operation == "CreateStage");
    BOOST_TEST(f.probability == 1.0);
    for (const char* bad :
         {"404", "503:1.5", "503:0", "reset-after:every=0", "delay=x", "500:op="}) {
        BOOST_CHECK_THROW(emulator::parse_fault(bad), std::invalid_argument);
    }
}

BOOST_AUTO_TEST_CASE(tls) {
    const auto ca = make_test_ca("ivsrt emulator test CA");
    const auto cert = ca.issue("localhost", "DNS:localhost,IP:127.0.0.1");
    emulator::options o;
    o.tls_cert = cert.cert_pem;
    o.tls_key = cert.key_pem;
    running_emulator emu(o);
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.add_certificate_authority(asio::buffer(ca.root.cert_pem));
    client c(emu, &ctx);
    BOOST_TEST(c.call("CreateStage").status == 200u);
    BOOST_TEST(stage_count(c) == 1u);

    emulator::options half;
    half.tls_cert = cert.cert_pem;
    asio::io_context ioc;
    BOOST_CHECK_THROW(emulator::server(ioc.get_executor(), half), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(request_log_has_no_secrets) {
    running_emulator emu;
    client c(emu);
    const std::string stage = std::string(c.ok("CreateStage").at("stage").at("arn").as_string());
    const std::string token =
        std::string(c.ok("CreateParticipantToken", R"({"stageArn":")" + stage + R"("})")
                        .at("participantToken")
                        .at("token")
                        .as_string());
    BOOST_TEST(c.control("join", R"({"token":")" + token + R"("})").status == 200u);
    const auto log = emu.log();
    BOOST_TEST_REQUIRE(log.size() == 3u);
    BOOST_TEST(log[0].find("POST /CreateStage CreateStage 200") != std::string::npos);
    BOOST_TEST(log[2].find("/_emulator/join") != std::string::npos);
    for (const auto& line : log) {
        BOOST_TEST(line.find(token.substr(0, 20)) == std::string::npos);
        BOOST_TEST(line.find("wJalrXUtnFEMI") == std::string::npos);
        BOOST_TEST(line.find("Signature") == std::string::npos);
    }
}

namespace {

// Sends `bytes` on a new connection to the emulator and returns all it answered until it closed
// the connection (a read that waits 10 s for nothing fails the test instead).
std::string raw_exchange(const running_emulator& emu, const std::string& bytes) {
    asio::io_context ioc;
    asio::ip::tcp::socket s(ioc);
    s.connect({asio::ip::make_address("127.0.0.1"), emu.port()});
    const timeval ten_seconds{10, 0};
    ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &ten_seconds, sizeof ten_seconds);
    if (!bytes.empty()) asio::write(s, asio::buffer(bytes));
    std::string got;
    char buffer[4096];
    for (int i = 0; i < 10000; ++i) {
        boost::system::error_code ec;
        const std::size_t n = s.read_some(asio::buffer(buffer), ec);
        got.append(buffer, n);
        if (ec == asio::error::eof || ec == asio::error::connection_reset) return got;
        if (ec) {
            BOOST_ERROR("the emulator did not close the connection: " << ec.message());
            return got;
        }
    }
    return got;
}

}  // namespace

// Requests that cannot be read get an answer before the connection closes: 400 for what is not
// HTTP/1.1, 413 for a body over 1 MiB, 431 for a head over 8 KiB.
BOOST_AUTO_TEST_CASE(malformed_and_oversized_requests_are_answered) {
    running_emulator emu;
    const std::string head = "POST /CreateStage HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    const std::string not_http = raw_exchange(emu, "HELLO\r\n\r\n");
    BOOST_TEST(not_http.starts_with("HTTP/1.1 400 Bad Request\r\n"), not_http);
    BOOST_TEST(not_http.find(R"({"message":"The request is not valid HTTP/1.1: )") !=
               std::string::npos);
    const std::string bad_length = raw_exchange(emu, head + "Content-Length: x\r\n\r\n");
    BOOST_TEST(bad_length.starts_with("HTTP/1.1 400 "), bad_length);
    const std::string large = raw_exchange(emu, head + "Content-Length: 2000000\r\n\r\n");
    BOOST_TEST(large.starts_with("HTTP/1.1 413 Content Too Large\r\n"), large);
    const std::string long_head =
        raw_exchange(emu, head + "X-Padding: " + std::string(9000, 'a') + "\r\n\r\n");
    BOOST_TEST(long_head.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"),
               long_head);
    // Nothing of this reached an operation, and the emulator still serves.
    client c(emu);
    BOOST_TEST(stage_count(c) == 0u);
}

// A client that sends nothing, one whose request stops halfway, and an idle keep-alive
// connection are closed after their timeouts.
BOOST_AUTO_TEST_CASE(silent_and_slow_clients_are_disconnected) {
    emulator::options o;
    o.idle_timeout = std::chrono::milliseconds(100);
    o.read_timeout = std::chrono::milliseconds(100);
    running_emulator emu(o);
    BOOST_TEST(raw_exchange(emu, "").empty());
    BOOST_TEST(raw_exchange(emu, "POST /CreateStage HTTP/1.1\r\nHost: 127.0.0.1\r\n").empty());
    const std::string answered = raw_exchange(
        emu, "POST /ListStages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}");
    // Answered (unsigned: 403), then closed while idle.
    BOOST_TEST(answered.starts_with("HTTP/1.1 403 "), answered);
}

// At its file-descriptor limit the emulator keeps running and accepts again once descriptors are
// free: a connection that arrives while none is free (the table of this process, where the
// emulator runs, is filled with /dev/null) is answered once some are closed.
BOOST_AUTO_TEST_CASE(serves_again_after_running_out_of_descriptors) {
    running_emulator emu;
    rlimit saved{};
    BOOST_TEST_REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved) == 0);
    // A limit a little above what is open now, so that filling the table takes few descriptors.
    int highest = 0;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
        highest = std::max(highest, std::stoi(entry.path().filename().string()));
    }
    rlimit low = saved;
    low.rlim_cur = std::min<rlim_t>(saved.rlim_cur, static_cast<rlim_t>(highest) + 32);
    // The client's socket exists before the table is full; the emulator's will not.
    asio::io_context ioc;
    asio::ip::tcp::socket s(ioc, asio::ip::tcp::v4());
    BOOST_TEST_REQUIRE(::setrlimit(RLIMIT_NOFILE, &low) == 0);
    std::vector<int> filler;
    for (rlim_t i = 0; i < low.rlim_cur; ++i) {
        const int fd = ::open("/dev/null", O_RDONLY);
        if (fd < 0) break;
        filler.push_back(fd);
    }
    BOOST_TEST_REQUIRE(::open("/dev/null", O_RDONLY) < 0);  // full
    s.connect({asio::ip::make_address("127.0.0.1"), emu.port()});
    asio::write(
        s, asio::buffer(std::string_view(
               "POST /ListStages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}")));
    // The emulator's accept fails meanwhile (EMFILE); give it time to try.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    for (int fd : filler) ::close(fd);
    BOOST_TEST_REQUIRE(::setrlimit(RLIMIT_NOFILE, &saved) == 0);
    const timeval ten_seconds{10, 0};
    ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &ten_seconds, sizeof ten_seconds);
    char buffer[64];
    boost::system::error_code ec;
    const std::size_t n = s.read_some(asio::buffer(buffer), ec);
    const std::string got(buffer, n);
    BOOST_TEST_REQUIRE(got.starts_with("HTTP/1.1 403 "), got << " " << ec.message());  // unsigned
    client c(emu);
    BOOST_TEST(stage_count(c) == 0u);
}

// As AWS: a signature that does not cover Host is incomplete, whatever else it signs.
BOOST_AUTO_TEST_CASE(host_must_be_signed) {
    running_emulator emu;
    client c(emu);
    call_options o;
    o.signed_headers = "x-amz-date";
    const response r = c.call("ListStages", "{}", o);
    BOOST_TEST(r.status == 403u);
    BOOST_TEST(r.error_type() == "IncompleteSignatureException");
    BOOST_TEST(c.call("ListStages").status == 200u);
}

// Session credentials: the security token must be the configured one, until it expires.
BOOST_AUTO_TEST_CASE(session_credentials) {
    emulator::options opts;
    opts.session_token = "session-token-1";
    opts.session_expiration = test_epoch + std::chrono::hours(1);
    running_emulator emu(opts);
    client c(emu);
    const auto with_token = [](std::optional<std::string> token) {
        call_options o;
        o.creds->session_token = std::move(token);
        return o;
    };
    BOOST_TEST(c.call("ListStages", "{}", with_token("session-token-1")).status == 200u);
    for (const auto& token :
         {std::optional<std::string>("session-token-2"), std::optional<std::string>()}) {
        const response r = c.call("ListStages", "{}", with_token(token));
        BOOST_TEST(r.status == 403u);
        BOOST_TEST(r.error_type() == "UnrecognizedClientException");
    }
    emu.advance(std::chrono::hours(1));
    const response expired = c.call("ListStages", "{}", with_token("session-token-1"));
    BOOST_TEST(expired.status == 403u);
    BOOST_TEST(expired.error_type() == "ExpiredTokenException");
    BOOST_TEST(expired.body.find("session-token-1") == std::string::npos);
}

// The expired-token fault answers as AWS does for expired session credentials, on demand.
BOOST_AUTO_TEST_CASE(fault_expired_token) {
    running_emulator emu(with_faults({"expired-token:op=ListStages"}));
    client c(emu);
    const response r = c.call("ListStages");
    BOOST_TEST(r.status == 403u);
    BOOST_TEST(r.error_type() == "ExpiredTokenException");
    BOOST_TEST(c.call("CreateStage").status == 200u);
}
