// Fuzz target: sigv4::signer::verify() on arbitrary requests, then sign() followed by verify().
//
// Input: fields separated by NUL bytes:
//   flags \0 method \0 path[?query] \0 authorization \0 body \0 header \0 header ...
// flags (its first byte): 1 no path normalization, 2 no double encoding of the path,
// 4 payload hash UNSIGNED-PAYLOAD, 8 service "ivs" instead of the suite's "service",
// 16 sign() adds x-amz-content-sha256. The query is split on & and =, each part percent-decoded
// when it decodes. A header is name:value. `authorization` is an Authorization header value; when
// it does not parse, it is used as the SignedHeaders list of an otherwise plausible one.
//
// IVSRT_FUZZ_VERBOSE=1 prints the result of verify() (to check seeds).
//
// Checks, besides memory errors and UB: a request that sign() accepts (header names that are
// HTTP tokens, Host present) verifies with the Authorization it got, to the same canonical
// request and signature.
#include <ivsrt/credentials.hpp>
#include <ivsrt/detail/uri.hpp>
#include <ivsrt/sigv4.hpp>

#include <boost/system/system_error.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sigv4 = ivsrt::sigv4;

namespace {

// The credentials and time of the AWS SigV4 test suite (tests/data/sigv4-test-suite).
constexpr std::string_view access_key_id = "AKIDEXAMPLE";
constexpr std::string_view secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr std::chrono::sys_seconds suite_time{
    std::chrono::sys_days{std::chrono::year{2015} / 8 / 30} + std::chrono::hours{12} +
    std::chrono::minutes{36}};

[[noreturn]] void fail(const char* what, std::string_view detail) {
    std::fprintf(stderr, "fuzz_sigv4_verify: %s\n%.*s\n", what, static_cast<int>(detail.size()),
                 detail.data());
    std::abort();
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    for (;;) {
        const std::size_t at = text.find(separator);
        parts.push_back(text.substr(0, at));
        if (at == std::string_view::npos) return parts;
        text.remove_prefix(at + 1);
    }
}

std::string decoded(std::string_view text) {
    std::string out;
    if (!ivsrt::detail::percent_decode(out, text)) out.assign(text);
    return out;
}

bool iequals(std::string_view a, std::string_view lowercase) {
    return a.size() == lowercase.size() &&
           std::equal(a.begin(), a.end(), lowercase.begin(), [](char x, char y) {
               return (x >= 'A' && x <= 'Z' ? static_cast<char>(x + 32) : x) == y;
           });
}

// RFC 9110 token: what a header name can be on the wire.
bool is_token(std::string_view name) {
    constexpr std::string_view specials = "!#$%&'*+-.^_`|~";
    return !name.empty() && std::all_of(name.begin(), name.end(), [&](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               specials.find(c) != std::string_view::npos;
    });
}

// The headers sign() sets itself.
bool set_by_signer(std::string_view name) {
    return iequals(name, "authorization") || iequals(name, "x-amz-date") ||
           iequals(name, "x-amz-security-token") || iequals(name, "x-amz-content-sha256");
}

// sign() then verify() must agree on any request sign() accepts.
void check_round_trip(const sigv4::signer& signer, sigv4::request_view request,
                      bool content_sha256_header) {
    std::vector<sigv4::header> headers;
    for (const sigv4::header& h : request.headers) {
        if (set_by_signer(h.name)) continue;
        if (!is_token(h.name)) return;
        headers.push_back(h);
    }
    request.headers = headers;
    sigv4::signer_options options = signer.options();
    options.content_sha256_header = content_sha256_header;
    ivsrt::credentials creds;
    creds.access_key_id = access_key_id;
    creds.secret_access_key = secret;
    static sigv4::signing_result signed_request, check;
    try {
        sigv4::signer(options).sign(request, creds, suite_time, signed_request);
    } catch (const boost::system::system_error&) {
        return;  // e.g. no Host header
    }
    for (const sigv4::header& h : signed_request.headers()) headers.push_back(h);
    request.headers = headers;
    const auto auth = sigv4::parse_authorization(signed_request.authorization);
    if (!auth) fail("the Authorization of sign() does not parse", signed_request.authorization);
    if (!signer.verify(request, *auth, secret, check)) {
        fail("a request signed by sign() does not verify",
             signed_request.canonical_request + "\n--- verify:\n" + check.canonical_request);
    }
    if (check.canonical_request != signed_request.canonical_request ||
        check.signature != signed_request.signature) {
        fail("verify() recomputed another canonical request or signature",
             signed_request.canonical_request + "\n--- verify:\n" + check.canonical_request);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::vector<std::string_view> fields =
        split(std::string_view(reinterpret_cast<const char*>(data), size), '\0');
    const auto field = [&](std::size_t i) { return i < fields.size() ? fields[i] : ""; };
    const unsigned flags = field(0).empty() ? 0u : static_cast<unsigned char>(field(0)[0]);

    const std::string_view target = field(2);
    const std::size_t question = target.find('?');
    std::vector<std::pair<std::string, std::string>> query_text;
    if (question != std::string_view::npos) {
        for (std::string_view pair : split(target.substr(question + 1), '&')) {
            const std::size_t eq = pair.find('=');
            query_text.emplace_back(
                decoded(pair.substr(0, eq)),
                eq == std::string_view::npos ? std::string() : decoded(pair.substr(eq + 1)));
        }
    }
    std::vector<sigv4::query_param> query;
    for (const auto& [key, value] : query_text) query.push_back({key, value});

    std::vector<sigv4::header> headers;
    for (std::size_t i = 5; i < fields.size(); ++i) {
        const std::size_t colon = fields[i].find(':');
        headers.push_back({fields[i].substr(0, colon), colon == std::string_view::npos
                                                           ? std::string_view()
                                                           : fields[i].substr(colon + 1)});
    }

    sigv4::request_view request{.method = field(1),
                                .path = target.substr(0, question),
                                .query = query,
                                .headers = headers,
                                .body = field(4)};
    if (flags & 4) request.payload_hash = sigv4::unsigned_payload;
    const sigv4::signer signer({.region = "us-east-1",
                                .service = flags & 8 ? "ivs" : "service",
                                .normalize_path = !(flags & 1),
                                .double_encode_path = !(flags & 2)});

    // verify() with the given Authorization, or one whose SignedHeaders is that field.
    std::string_view date = "20150830";
    for (const sigv4::header& h : headers) {
        if (iequals(h.name, "x-amz-date")) {
            date = h.value.substr(0, 8);
            break;
        }
    }
    const sigv4::authorization plausible{
        .access_key_id = access_key_id,
        .date = date,
        .region = "us-east-1",
        .service = signer.options().service,
        .signed_headers = field(3),
        .signature = std::string_view("00000000000000000000000000000000"
                                      "00000000000000000000000000000000")};
    const auto auth = sigv4::parse_authorization(field(3));
    static sigv4::signing_result out;
    const bool verified = signer.verify(request, auth ? *auth : plausible, secret, out);
    static const bool verbose = std::getenv("IVSRT_FUZZ_VERBOSE") != nullptr;
    if (verbose) std::fprintf(stderr, "verify: %s\n", verified ? "true" : "false");

    check_round_trip(signer, request, (flags & 16) != 0);
    return 0;
}
