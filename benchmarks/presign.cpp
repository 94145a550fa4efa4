// ivsrt-presign: prints one SigV4-signed CreateParticipantToken request as a wrk Lua script, so
// that `wrk -s script.lua` replays it: the baseline the client benchmark is compared with.
//
//     ivsrt-presign --port 8080 > request.lua
//     wrk -t1 -c64 -d10s -s request.lua http://127.0.0.1:8080
//
// Credentials come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, else the
// emulator's defaults. The signature is made for the current time: servers that check the
// request date (AWS, the emulator) accept it for about 15 minutes.
#include "signed_request.hpp"

#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>

namespace {

using bench::env_or;

constexpr std::string_view usage = R"(usage: ivsrt-presign [options]
  --port P         the server is http://127.0.0.1:P (sets --host 127.0.0.1:P)
  --host H[:P]     the Host header to sign (default 127.0.0.1:8080)
  --region R       signing region (default us-east-1)
  --stage-arn A    the stage (default arn:aws:ivs:us-east-1:123456789012:stage/abcdEFGH1234)
  --user-id U      the participant's user id (default bench-user)
Prints a wrk Lua script (wrk.method, wrk.path, wrk.body, wrk.headers) on stdout.
Credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, else the emulator's
defaults (AKIAIOSFODNN7EXAMPLE).
)";

// `text` as a Lua string literal.
std::string lua_quote(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (byte < 0x20 || byte == 0x7f) {
            char escape[8];
            std::snprintf(escape, sizeof escape, "\\%03u", unsigned{byte});
            out += escape;
        } else {
            out += c;
        }
    }
    out += '"';
    return out;
}

}  // namespace

int main(int argc, char** argv) try {
    std::string host = "127.0.0.1:8080";
    std::string region = "us-east-1";
    ivsrt::model::create_participant_token_request request;
    request.stage_arn = "arn:aws:ivs:us-east-1:123456789012:stage/abcdEFGH1234";
    request.user_id = "bench-user";
    request.duration = 720;
    request.capabilities = {ivsrt::model::participant_token_capability::publish,
                            ivsrt::model::participant_token_capability::subscribe};
    request.attributes = {{"displayName", "Ada"}, {"room", "main-hall-e12"}};

    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if (flag == "--help" || flag == "-h") {
            std::cout << usage;
            return 0;
        }
        if (i + 1 >= argc) {
            std::cerr << "ivsrt-presign: " << flag << " needs a value\n" << usage;
            return 2;
        }
        const std::string value = argv[++i];
        if (flag == "--port") {
            host = "127.0.0.1:" + value;
        } else if (flag == "--host") {
            host = value;
        } else if (flag == "--region") {
            region = value;
        } else if (flag == "--stage-arn") {
            request.stage_arn = value;
        } else if (flag == "--user-id") {
            request.user_id = value;
        } else {
            std::cerr << "ivsrt-presign: unknown option " << flag << "\n" << usage;
            return 2;
        }
    }

    ivsrt::credentials creds;
    creds.access_key_id = env_or("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
    creds.secret_access_key =
        env_or("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    if (const std::string token = env_or("AWS_SESSION_TOKEN", ""); !token.empty()) {
        creds.session_token = token;
    }

    const bench::signed_request signed_request =
        bench::sign_create_participant_token(request, host, region, creds);
    std::cout << "-- CreateParticipantToken signed by ivsrt-presign for " << host << " (" << region
              << ")\n"
              << "wrk.method = \"POST\"\n"
              << "wrk.path = \"/CreateParticipantToken\"\n"
              << "wrk.body = " << lua_quote(signed_request.body) << "\n";
    for (const auto& [name, value] : signed_request.fields) {
        std::cout << "wrk.headers[" << lua_quote(name) << "] = " << lua_quote(value) << "\n";
    }
    return 0;
} catch (const std::exception& e) {
    std::cerr << "ivsrt-presign: " << e.what() << "\n";
    return 1;
}
