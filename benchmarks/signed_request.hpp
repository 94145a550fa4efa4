// What ivsrt-presign (wrk's request) and ivsrt-token-bench --mode bare share: settings from the
// environment with a default, and one CreateParticipantToken request signed once, as the body
// and the header fields to send with it.
#pragma once

#include <ivsrt/credentials.hpp>
#include <ivsrt/model/create_participant_token.hpp>
#include <ivsrt/model/json.hpp>
#include <ivsrt/sigv4.hpp>

#include <chrono>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bench {

inline std::string env_or(const char* name, std::string_view fallback) {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0' ? std::string(value) : std::string(fallback);
}

struct signed_request {
    std::string body;
    // Host and Content-Type, then the fields the signature adds (X-Amz-Date, Authorization, ...).
    std::vector<std::pair<std::string, std::string>> fields;
};

// `request` as POST /CreateParticipantToken to `host`, signed now for `region` with `creds`.
inline signed_request sign_create_participant_token(
    const ivsrt::model::create_participant_token_request& request, const std::string& host,
    const std::string& region, const ivsrt::credentials& creds) {
    signed_request out;
    ivsrt::model::to_json(request, out.body);
    const std::vector<ivsrt::sigv4::header> headers{{"Host", host},
                                                    {"Content-Type", "application/json"}};
    const ivsrt::sigv4::signer signer({.region = region, .service = "ivs"});
    ivsrt::sigv4::signing_result signature;
    signer.sign(
        {.method = "POST", .path = "/CreateParticipantToken", .headers = headers, .body = out.body},
        creds, std::chrono::system_clock::now(), signature);
    for (const auto& h : headers) out.fields.emplace_back(h.name, h.value);
    for (const auto& h : signature.headers()) out.fields.emplace_back(h.name, h.value);
    return out;
}

}  // namespace bench
