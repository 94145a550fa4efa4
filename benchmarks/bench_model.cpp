// Benchmarks of the generated model on the hot path of participant token issuance: validating and
// serializing a CreateParticipantToken request and parsing its response, next to SigV4-signing
// the same request, which validation must cost far less than.
#include <benchmark/benchmark.h>

#include <ivsrt/credentials.hpp>
#include <ivsrt/model/all.hpp>
#include <ivsrt/sigv4.hpp>

#include <chrono>
#include <string>

namespace model = ivsrt::model;

namespace {

model::create_participant_token_request token_request() {
    return {.stage_arn = "arn:aws:ivs:us-west-2:123456789012:stage/AbCdEfGhIjKl",
            .duration = 720,
            .user_id = "user-42",
            .attributes = {{"displayName", "Ada"}, {"seat", "3"}},
            .capabilities = {model::participant_token_capability::publish,
                             model::participant_token_capability::subscribe}};
}

constexpr std::string_view token_response =
    R"({"participantToken":{"participantId":"p7KO5PJBk1pq",)"
    R"("token":"eyJhbGciOiJLTVMiLCJ0eXAiOiJKV1QifQ.eyJleHAiOjE3MDAyMDE4MjN9.c2lnbmF0dXJlLXRoYXQtaXMtbm90LXJlYWw",)"
    R"("userId":"user-42","attributes":{"displayName":"Ada","seat":"3"},"duration":720,)"
    R"("capabilities":["PUBLISH","SUBSCRIBE"],"expirationTime":"2023-11-17T06:10:23Z"}})";

void validate_request(benchmark::State& state) {
    const auto request = token_request();
    std::string message;
    for (auto _ : state) {
        bool ok = model::validate(request, message);
        benchmark::DoNotOptimize(ok);
    }
}
BENCHMARK(validate_request);

void serialize_request(benchmark::State& state) {
    const auto request = token_request();
    std::string body;
    for (auto _ : state) {
        body.clear();
        model::to_json(request, body);
        benchmark::DoNotOptimize(body.data());
    }
}
BENCHMARK(serialize_request);

void parse_response(benchmark::State& state) {
    model::create_participant_token_result result;
    std::string error;
    for (auto _ : state) {
        bool ok = model::from_json(token_response, result, error);
        benchmark::DoNotOptimize(ok);
        benchmark::DoNotOptimize(result.participant_token->token->data());
    }
}
BENCHMARK(parse_response);

// The reference: signing the serialized request with a cached signing key.
void sign_request(benchmark::State& state) {
    std::string body;
    model::to_json(token_request(), body);
    const ivsrt::sigv4::signer signer({.region = "us-west-2", .service = "ivs"});
    ivsrt::credentials creds;
    creds.access_key_id = "AKIDEXAMPLE";
    creds.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const ivsrt::sigv4::header headers[] = {{"host", "ivsrealtime.us-west-2.amazonaws.com"},
                                            {"content-type", "application/json"}};
    const ivsrt::sigv4::request_view request{
        .method = "POST", .path = "/CreateParticipantToken", .headers = headers, .body = body};
    const auto now = std::chrono::system_clock::time_point{} + std::chrono::hours(474'000);
    ivsrt::sigv4::signing_result out;
    for (auto _ : state) {
        signer.sign(request, creds, now, out);
        benchmark::DoNotOptimize(out.authorization.data());
    }
}
BENCHMARK(sign_request);

}  // namespace

BENCHMARK_MAIN();
