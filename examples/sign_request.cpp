// Signs two IVS Real-Time requests with SigV4 and prints what the signer computed:
//  1. CreateParticipantToken: POST /CreateParticipantToken with a JSON body.
//  2. TagResource: POST /tags/{resourceArn}; the ARN is percent-encoded once in the path and
//     once more in the canonical request.
// The credentials are AWS's documentation examples; nothing is sent.
#include <ivsrt/credentials.hpp>
#include <ivsrt/sigv4.hpp>

#include <array>
#include <chrono>
#include <iostream>
#include <string_view>

namespace sigv4 = ivsrt::sigv4;

namespace {

void print(std::string_view title, const sigv4::request_view& request,
           const sigv4::signing_result& out) {
    std::cout << "=== " << title << " ===\n"
              << request.method << " https://ivsrealtime.us-east-1.amazonaws.com" << request.path
              << "\n\n--- canonical request\n"
              << out.canonical_request << "\n\n--- string to sign\n"
              << out.string_to_sign << "\n\n--- headers to add\n";
    for (const sigv4::header& h : out.headers()) std::cout << h.name << ": " << h.value << '\n';
    std::cout << '\n';
}

}  // namespace

int main() {
    // Normally from a credentials provider (<ivsrt/credentials.hpp>).
    ivsrt::credentials creds;
    creds.access_key_id = "AKIDEXAMPLE";
    creds.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    creds.provider = "example";
    std::cout << "signing with " << creds << "\n\n";  // the secret is redacted

    // IVS Real-Time signs as service "ivs"; path normalization and double encoding stay on.
    const sigv4::signer signer({.region = "us-east-1", .service = "ivs"});
    using namespace std::chrono;
    const auto now = sys_days{year{2024} / 3 / 15} + 10h + 15min;  // normally system_clock::now()
    sigv4::signing_result out;

    const std::array<sigv4::header, 2> headers{{
        {"Host", "ivsrealtime.us-east-1.amazonaws.com"},
        {"Content-Type", "application/json"},
    }};

    const sigv4::request_view create_token{
        .method = "POST",
        .path = "/CreateParticipantToken",
        .headers = headers,
        .body = R"({"stageArn":"arn:aws:ivs:us-east-1:123456789012:stage/abcdEFGH1234",)"
                R"("userId":"user-1","capabilities":["PUBLISH","SUBSCRIBE"]})",
    };
    signer.sign(create_token, creds, now, out);
    print("CreateParticipantToken", create_token, out);

    // The ARN arn:aws:ivs:us-east-1:123456789012:stage/abcdEFGH1234 as the path carries it,
    // percent-encoded once (the client does this for you).
    const std::string_view path =
        "/tags/arn%3Aaws%3Aivs%3Aus-east-1%3A123456789012%3Astage%2FabcdEFGH1234";
    const sigv4::request_view tag_resource{
        .method = "POST",
        .path = path,
        .headers = headers,
        .body = R"({"tags":{"env":"dev"}})",
    };
    signer.sign(tag_resource, creds, now, out);
    print("TagResource (the ARN's %3A and %2F become %253A and %252F)", tag_resource, out);
}
