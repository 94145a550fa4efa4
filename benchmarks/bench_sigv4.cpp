// SigV4 signing cost, next to its floor: one SHA-256 of the same body on the same OpenSSL path.
#include <ivsrt/credentials.hpp>
#include <ivsrt/detail/crypto.hpp>
#include <ivsrt/sigv4.hpp>

#include <benchmark/benchmark.h>

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace {

namespace sigv4 = ivsrt::sigv4;
using namespace std::chrono_literals;

// A 200-byte CreateParticipantToken body.
constexpr std::string_view body =
    R"({"stageArn":"arn:aws:ivs:us-east-1:123456789012:stage/abcdEFGH1234","userId":"user-123",)"
    R"("duration":720,"capabilities":["PUBLISH","SUBSCRIBE"],)"
    R"("attributes":{"displayName":"Ada","room":"main-hall-e12"}})";
static_assert(body.size() == 200);

// Shaped like an STS session token.
constexpr std::string_view session_token =
    "AQoDYXdzEPT//////////"
    "wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeo"
    "IYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/"
    "kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5"
    "VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+"
    "scqKmlzm8FDrypNC9"
    "Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

const std::array<sigv4::header, 2> headers{{
    {"Host", "ivsrealtime.us-east-1.amazonaws.com"},
    {"Content-Type", "application/json"},
}};

const sigv4::request_view create_participant_token{
    .method = "POST", .path = "/CreateParticipantToken", .headers = headers, .body = body};

ivsrt::credentials make_credentials(std::string id, std::optional<std::string> token) {
    ivsrt::credentials c;
    c.access_key_id = std::move(id);
    c.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    c.session_token = std::move(token);
    return c;
}

const ivsrt::credentials long_term = make_credentials("AKIDEXAMPLE", std::nullopt);
const ivsrt::credentials temporary = make_credentials("ASIAEXAMPLE", std::string(session_token));

const auto now = std::chrono::sys_days{std::chrono::year{2024} / 3 / 15} + 10h + 15min;

void BM_sha256_body(benchmark::State& state) {
    ivsrt::detail::sha256_context ctx;
    for (auto _ : state) {
        auto digest = ctx.reset().update(body).finish();
        benchmark::DoNotOptimize(digest);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_sha256_body);

void sign_loop(benchmark::State& state, const ivsrt::credentials& creds) {
    const sigv4::signer signer({.region = "us-east-1", .service = "ivs"});
    sigv4::signing_result out;
    signer.sign(create_participant_token, creds, now, out);  // derives and caches the key
    for (auto _ : state) {
        signer.sign(create_participant_token, creds, now, out);
        benchmark::DoNotOptimize(out.authorization.data());
    }
}

void BM_sign_header_200B_json(benchmark::State& state) {
    sign_loop(state, long_term);
}
BENCHMARK(BM_sign_header_200B_json);

void BM_sign_header_200B_json_session_token(benchmark::State& state) {
    sign_loop(state, temporary);
}
BENCHMARK(BM_sign_header_200B_json_session_token);

// A new second every iteration: the key stays cached, the per-second state (X-Amz-Date text,
// the string to sign's first block) does not.
void BM_sign_header_200B_json_new_second(benchmark::State& state) {
    const sigv4::signer signer({.region = "us-east-1", .service = "ivs"});
    sigv4::signing_result out;
    int second = 0;
    for (auto _ : state) {
        signer.sign(create_participant_token, long_term,
                    now + std::chrono::seconds(second++ % 3600), out);
        benchmark::DoNotOptimize(out.authorization.data());
    }
}
BENCHMARK(BM_sign_header_200B_json_new_second);

// A cache miss every iteration: a new day each time (more days than a thread caches).
void BM_sign_header_200B_json_new_key(benchmark::State& state) {
    const sigv4::signer signer({.region = "us-east-1", .service = "ivs"});
    sigv4::signing_result out;
    int day = 0;
    for (auto _ : state) {
        signer.sign(create_participant_token, long_term, now + std::chrono::days(day++ % 64), out);
        benchmark::DoNotOptimize(out.authorization.data());
    }
}
BENCHMARK(BM_sign_header_200B_json_new_key);

// A presigned GET URL (empty body) with a session token, as for a download link.
void BM_presign(benchmark::State& state) {
    const std::array<sigv4::header, 1> host{{{"Host", "example.amazonaws.com"}}};
    const std::array<sigv4::query_param, 1> query{{{"key", "value"}}};
    const sigv4::request_view request{
        .method = "GET", .path = "/media/clip.mp4", .query = query, .headers = host};
    const sigv4::signer signer({.region = "us-east-1",
                                .service = "s3",
                                .normalize_path = false,
                                .double_encode_path = false});
    sigv4::signing_result out;
    signer.presign(request, temporary, now, 300s, out);
    for (auto _ : state) {
        signer.presign(request, temporary, now, 300s, out);
        benchmark::DoNotOptimize(out.presigned_query.data());
    }
}
BENCHMARK(BM_presign);

}  // namespace

BENCHMARK_MAIN();
