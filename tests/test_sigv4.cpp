// Tests for ivsrt/sigv4.hpp and its helpers (detail/crypto.hpp, detail/uri.hpp, detail/query.hpp):
// the official AWS SigV4 suite in header and query modes, hand-derived IVS vectors, verification,
// the key cache under threads, and secret hygiene.
#define BOOST_TEST_MODULE test_sigv4
#include <boost/test/unit_test.hpp>

#include <ivsrt/credentials.hpp>
#include <ivsrt/detail/crypto.hpp>
#include <ivsrt/detail/uri.hpp>
#include <ivsrt/error.hpp>
#include <ivsrt/detail/query.hpp>
#include <ivsrt/sigv4.hpp>

#include "common/data_file.hpp"

#include <boost/json.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <new>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

// Counts C++ heap allocations (OpenSSL's own mallocs are not counted).
namespace {
std::atomic<std::size_t> allocations{0};
}
// GCC misreads the free() of the replaced operator delete as mismatched once inlined.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t n) {
    ++allocations;
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}

namespace sigv4 = ivsrt::sigv4;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// SHA-256 of the empty string (FIPS 180-2 / the suite README).
constexpr std::string_view empty_sha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr std::string_view example_secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

ivsrt::credentials make_credentials(std::string id, std::string secret,
                                    std::optional<std::string> token = std::nullopt) {
    ivsrt::credentials c;
    c.access_key_id = std::move(id);
    c.secret_access_key = std::move(secret);
    c.session_token = std::move(token);
    return c;
}

const ivsrt::credentials example_creds =
    make_credentials("AKIDEXAMPLE", std::string(example_secret));

sigv4::signer ivs_signer() {
    return sigv4::signer({.region = "us-east-1", .service = "ivs"});
}

using ivsrt::test::read_data_file;

std::string hex(std::span<const unsigned char> bytes) {
    std::string out;
    ivsrt::detail::append_hex(out, bytes);
    return out;
}

using pairs = std::vector<std::pair<std::string, std::string>>;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// key=value&... split and decoded, in order ("k" alone gives an empty value).
pairs parse_query(std::string_view query) {
    pairs out;
    BOOST_TEST_REQUIRE(ivsrt::detail::decode_query(query, out), "malformed query " << query);
    return out;
}

// A request with owned storage, viewable as sigv4::request_view.
struct owned_request {
    std::string method;
    std::string path;  // wire form
    pairs query;       // decoded
    pairs headers;
    std::string body;

    std::vector<sigv4::query_param> query_views;
    std::vector<sigv4::header> header_views;

    sigv4::request_view view(std::optional<std::string_view> payload_hash = std::nullopt) {
        query_views.clear();
        for (auto& [k, v] : query) query_views.push_back({k, v});
        header_views.clear();
        for (auto& [n, v] : headers) header_views.push_back({n, v});
        return {method, path, query_views, header_views, body, payload_hash};
    }

    std::optional<std::string> header(std::string_view lowercase_name) const {
        for (auto& [n, v] : headers) {
            if (lower(n) == lowercase_name) return v;
        }
        return std::nullopt;
    }
};

// Parses the suite's request.txt format (see tests/data/sigv4-test-suite/README.md): the URI
// runs from the first space to the final " HTTP/1.1" (it may hold spaces and UTF-8), header lines
// starting with whitespace continue the previous value (newline kept), and the body is
// everything after the first empty line.
owned_request parse_request_file(const std::string& text) {
    owned_request r;
    std::size_t pos = text.find('\n');
    const std::string_view line = std::string_view(text).substr(0, pos);
    const auto first_space = line.find(' ');
    const auto version = line.rfind(" HTTP/1.1");
    BOOST_TEST_REQUIRE((first_space != std::string_view::npos &&
                        version != std::string_view::npos && version > first_space),
                       "bad request line: " << line);
    r.method = line.substr(0, first_space);
    const std::string_view uri = line.substr(first_space + 1, version - first_space - 1);
    const auto question = uri.find('?');
    r.path = uri.substr(0, question);
    if (question != std::string_view::npos) r.query = parse_query(uri.substr(question + 1));

    while (pos != std::string::npos) {
        const std::size_t start = pos + 1;
        pos = text.find('\n', start);
        const std::string_view l = std::string_view(text).substr(
            start, pos == std::string::npos ? std::string::npos : pos - start);
        if (l.empty()) {
            if (pos != std::string::npos) r.body = text.substr(pos + 1);
            break;
        }
        if (l.front() == ' ' || l.front() == '\t') {
            BOOST_TEST_REQUIRE(!r.headers.empty());
            r.headers.back().second += '\n';
            r.headers.back().second += l;
            continue;
        }
        const auto colon = l.find(':');
        BOOST_TEST_REQUIRE(colon != std::string_view::npos, "bad header line: " << l);
        r.headers.emplace_back(l.substr(0, colon), l.substr(colon + 1));
    }
    return r;
}

std::chrono::system_clock::time_point at(int y, int mo, int d, int h, int mi, int s) {
    using namespace std::chrono;
    return sys_days{year{y} / mo / d} + hours{h} + minutes{mi} + seconds{s};
}

// "2015-08-30T12:36:00Z"
std::chrono::system_clock::time_point parse_timestamp(const std::string& s) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    BOOST_TEST_REQUIRE(std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%dZ", &y, &mo, &d, &h, &mi, &sec) ==
                       6);
    return at(y, mo, d, h, mi, sec);
}

// Line `n` (0-based) of a canonical request.
std::string line_of(const std::string& text, int n) {
    std::istringstream in(text);
    std::string line;
    for (int i = 0; i <= n; ++i) std::getline(in, line);
    return line;
}

struct suite_case {
    std::string name;
    fs::path dir;
    owned_request request;
    ivsrt::credentials creds;
    sigv4::signer_options options;
    std::chrono::system_clock::time_point time;
    std::chrono::seconds expires{};
    bool sign_body = false;
};

suite_case load_case(const fs::path& dir) {
    suite_case c;
    c.name = dir.filename().string();
    c.dir = dir;
    c.request = parse_request_file(read_data_file(dir / "request.txt"));
    const boost::json::object ctx =
        boost::json::parse(read_data_file(dir / "context.json")).as_object();
    const auto& cr = ctx.at("credentials").as_object();
    c.creds.access_key_id = cr.at("access_key_id").as_string();
    c.creds.secret_access_key = cr.at("secret_access_key").as_string();
    if (auto t = cr.if_contains("token")) c.creds.session_token = std::string(t->as_string());
    c.options.region = ctx.at("region").as_string();
    c.options.service = ctx.at("service").as_string();
    c.options.normalize_path = ctx.at("normalize").as_bool();
    c.options.double_encode_path = true;  // the harness always double-encodes
    const auto omit = ctx.if_contains("omit_session_token");
    c.options.sign_session_token = !(omit && omit->as_bool());
    c.sign_body = ctx.at("sign_body").as_bool();
    c.time = parse_timestamp(std::string(ctx.at("timestamp").as_string()));
    c.expires = std::chrono::seconds(ctx.at("expiration_in_seconds").as_int64());
    return c;
}

std::vector<fs::path> suite_dirs() {
    std::vector<fs::path> dirs;
    for (const auto& e :
         fs::directory_iterator(fs::path(IVSRT_TEST_DATA_DIR) / "sigv4-test-suite")) {
        if (e.is_directory()) dirs.push_back(e.path());
    }
    std::sort(dirs.begin(), dirs.end());
    return dirs;
}

// Checks `actual` against the bytes of an expected-output file; true if they are equal.
bool matches_file(const std::string& actual, const fs::path& file) {
    const std::string expected = read_data_file(file);
    BOOST_TEST_CONTEXT(file.filename().string()) {
        BOOST_TEST(actual == expected);
    }
    return actual == expected;
}

// Checks the canonical request, string to sign and signature against <mode>-*.txt.
bool matches_expected(const sigv4::signing_result& out, const fs::path& dir,
                      const std::string& mode) {
    const bool request =
        matches_file(out.canonical_request, dir / (mode + "-canonical-request.txt"));
    const bool to_sign = matches_file(out.string_to_sign, dir / (mode + "-string-to-sign.txt"));
    const bool signature = matches_file(out.signature, dir / (mode + "-signature.txt"));
    return request && to_sign && signature;
}

void check_authorization_fields(const std::string& ours, const std::string& expected) {
    const auto a = sigv4::parse_authorization(ours);
    const auto b = sigv4::parse_authorization(expected);
    BOOST_TEST_REQUIRE(a.has_value(), ours);
    BOOST_TEST_REQUIRE(b.has_value(), expected);
    BOOST_TEST(a->access_key_id == b->access_key_id);
    BOOST_TEST(a->date == b->date);
    BOOST_TEST(a->region == b->region);
    BOOST_TEST(a->service == b->service);
    BOOST_TEST(a->signed_headers == b->signed_headers);
    BOOST_TEST(a->signature == b->signature);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(helpers)

BOOST_AUTO_TEST_CASE(sha256_matches_fips_180_vectors) {
    ivsrt::detail::sha256_context ctx;
    BOOST_TEST(hex(ctx.reset().update("abc").finish()) ==
               "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    BOOST_TEST(hex(ctx.reset().update("").finish()) == empty_sha256);
    // Split updates give the same digest as one.
    BOOST_TEST(hex(ctx.reset().update("a").update("bc").finish()) ==
               "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

BOOST_AUTO_TEST_CASE(hmac_matches_rfc_4231) {
    ivsrt::detail::sha256_context work;
    // Test case 2: short key.
    const ivsrt::detail::hmac_sha256_key jefe("Jefe");
    BOOST_TEST(hex(jefe.mac("what do ya want for nothing?", work)) ==
               "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    // The precomputed states are reusable.
    BOOST_TEST(hex(jefe.mac("what do ya want for nothing?", work)) ==
               "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    // Test case 6: a key longer than the block is hashed first.
    const ivsrt::detail::hmac_sha256_key big(std::string(131, '\xaa'));
    BOOST_TEST(hex(big.mac("Test Using Larger Than Block-Size Key - Hash Key First", work)) ==
               "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

BOOST_AUTO_TEST_CASE(hmac_chain_matches_aws_signing_key_example) {
    // AWS General Reference, "derive a signing key": 20120215 / us-east-1 / iam.
    ivsrt::detail::sha256_context work;
    auto k =
        ivsrt::detail::hmac_sha256_key("AWS4" + std::string(example_secret)).mac("20120215", work);
    k = ivsrt::detail::hmac_sha256_key(k).mac("us-east-1", work);
    k = ivsrt::detail::hmac_sha256_key(k).mac("iam", work);
    k = ivsrt::detail::hmac_sha256_key(k).mac("aws4_request", work);
    BOOST_TEST(hex(k) == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

// The prefix cache must give the plain digest whether its kept first block matches or not.
BOOST_AUTO_TEST_CASE(prefix_cache_gives_the_plain_digest) {
    ivsrt::detail::sha256_context plain;
    ivsrt::detail::sha256_context work;
    ivsrt::detail::sha256_prefix_cache fresh;
    const std::string block_a(64, 'a');
    const std::string block_b(64, 'b');
    for (const std::string& message :
         {block_a + "tail 1", block_a + "tail 2, longer than the first one", block_b + "x",
          block_a + "tail 1", std::string("short"), block_a, block_b + block_a + block_b}) {
        BOOST_TEST(hex(fresh.absorb(message, work).finish()) ==
                   hex(plain.reset().update(message).finish()));
    }
    // Continuing an HMAC key's inner state gives the MAC.
    const ivsrt::detail::hmac_sha256_key key("key");
    ivsrt::detail::sha256_prefix_cache inner(&key.inner());
    for (const std::string& message :
         {block_a + "1", block_a + "2", block_b + "3", std::string()}) {
        BOOST_TEST(hex(key.outer(inner.absorb(message, work).finish(), work)) ==
                   hex(key.mac(message, work)));
    }
}

BOOST_AUTO_TEST_CASE(percent_encoding_keeps_only_the_given_set) {
    using ivsrt::detail::percent_encode;
    using ivsrt::detail::unreserved_chars;
    BOOST_TEST(percent_encode("AZaz09-._~", unreserved_chars) == "AZaz09-._~");
    BOOST_TEST(percent_encode("a b/c+d=e&f%", unreserved_chars) == "a%20b%2Fc%2Bd%3De%26f%25");
    BOOST_TEST(percent_encode("/a b/", unreserved_chars + "/") == "/a%20b/");
    BOOST_TEST(percent_encode("\xe1\x88\xb4", unreserved_chars) == "%E1%88%B4");
    // The ARN segment of /tags/{resourceArn}, encoded once for the wire.
    BOOST_TEST(
        percent_encode("arn:aws:ivs:us-east-1:123456789012:stage/abcdEFGH1234", unreserved_chars) ==
        "arn%3Aaws%3Aivs%3Aus-east-1%3A123456789012%3Astage%2FabcdEFGH1234");
    std::string appended = "x=";
    percent_encode(appended, "1 2", unreserved_chars);
    BOOST_TEST(appended == "x=1%202");
}

BOOST_AUTO_TEST_CASE(percent_decoding_accepts_either_case_and_rejects_bad_escapes) {
    using ivsrt::detail::percent_decode;
    BOOST_TEST(percent_decode("a%20b%2fc%2F+").value() == "a b/c/+");
    BOOST_TEST(percent_decode("%E1%88%B4").value() == "\xe1\x88\xb4");
    BOOST_TEST(percent_decode("").value() == "");
    BOOST_TEST(!percent_decode("%").has_value());
    BOOST_TEST(!percent_decode("%2").has_value());
    BOOST_TEST(!percent_decode("%zz").has_value());
    BOOST_TEST(!percent_decode("abc%g0").has_value());
}

// The one query-string reader of the emulator and the tests (detail/query.hpp).
BOOST_AUTO_TEST_CASE(query_strings_split_into_decoded_pairs) {
    ivsrt::detail::decoded_query q;
    BOOST_TEST(ivsrt::detail::decode_query("a=1&b=x+y%20z&&k&=v&a=%2F", q));
    const ivsrt::detail::decoded_query want{
        {"a", "1"}, {"b", "x+y z"}, {"k", ""}, {"", "v"}, {"a", "/"}};
    BOOST_TEST((q == want));
    // A view that does not end its string ends the last value; raw UTF-8 is kept.
    const std::string line = "a=1&b=\xE1\x88\xB4 HTTP/1.1";
    BOOST_TEST(ivsrt::detail::decode_query(std::string_view(line).substr(0, 9), q));
    BOOST_TEST((q == ivsrt::detail::decoded_query{{"a", "1"}, {"b", "\xE1\x88\xB4"}}));
    BOOST_TEST(ivsrt::detail::decode_query("", q));
    BOOST_TEST(q.empty());
    BOOST_TEST(!ivsrt::detail::decode_query("a=%zz", q));
    BOOST_TEST(ivsrt::detail::query_value("x=1&RoleArn=arn%3Aaws&x=2", "RoleArn") == "arn:aws");
    BOOST_TEST(ivsrt::detail::query_value("x=1", "y").empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(aws_suite)

// Every case of the official suite, in header and query mode: canonical request, string to sign
// and signature byte for byte, plus the added headers / presigned parameters.
BOOST_AUTO_TEST_CASE(signs_every_case_in_both_modes) {
    int cases = 0;
    int matched_signings = 0;
    sigv4::signing_result out;
    for (const fs::path& dir : suite_dirs()) {
        suite_case c = load_case(dir);
        ++cases;
        BOOST_TEST_CONTEXT("case " << c.name) {
            // The harness signs the empty-body hash unless sign_body is set.
            const std::optional<std::string_view> payload_hash =
                c.sign_body ? std::nullopt : std::optional<std::string_view>(empty_sha256);

            // Header mode.
            sigv4::signer_options header_options = c.options;
            header_options.content_sha256_header = c.sign_body;
            sigv4::signer(header_options).sign(c.request.view(payload_hash), c.creds, c.time, out);
            const bool header_ok = matches_expected(out, dir, "header");

            // The added headers: each present in the sample with the same value (Authorization
            // field by field), and every header the sample added is one of ours.
            const owned_request signed_request =
                parse_request_file(read_data_file(dir / "header-signed-request.txt"));
            std::map<std::string, std::string> added;
            for (const sigv4::header& h : out.headers()) {
                added.emplace(lower(std::string(h.name)), h.value);
            }
            BOOST_TEST(added.size() == 2u + c.creds.session_token.has_value() + c.sign_body);
            for (const auto& [name, value] : added) {
                const auto theirs = signed_request.header(name);
                BOOST_TEST_REQUIRE(theirs.has_value(), "missing header " << name);
                if (name == "authorization") {
                    check_authorization_fields(value, *theirs);
                } else {
                    BOOST_TEST(value == *theirs, name);
                }
            }
            for (const auto& [name, value] : signed_request.headers) {
                if (!c.request.header(lower(name))) {
                    BOOST_TEST(added.count(lower(name)) == 1u, "unexpected header " << name);
                }
            }

            // Query mode.
            sigv4::signer(c.options).presign(c.request.view(payload_hash), c.creds, c.time,
                                             c.expires, out);
            const bool query_ok = matches_expected(out, dir, "query");
            BOOST_TEST(out.headers().size() == 0u);

            // The presigned query, as an unordered set of decoded parameters.
            const owned_request presigned =
                parse_request_file(read_data_file(dir / "query-signed-request.txt"));
            pairs ours = parse_query(out.presigned_query);
            pairs theirs = presigned.query;
            std::sort(ours.begin(), ours.end());
            std::sort(theirs.begin(), theirs.end());
            BOOST_TEST((ours == theirs), "presigned query " << out.presigned_query);

            matched_signings += header_ok + query_ok;
        }
    }
    BOOST_TEST_REQUIRE(cases >= 38, "found only " << cases << " suite cases");
    BOOST_TEST(matched_signings == 2 * cases);
    BOOST_TEST_MESSAGE("sigv4 suite: " << cases << " cases, " << matched_signings
                                       << " signings matched");
}

// The server side: every header-signed sample of the suite verifies, and fails once changed.
BOOST_AUTO_TEST_CASE(verifies_every_signed_sample) {
    int verified = 0;
    sigv4::signing_result out;
    for (const fs::path& dir : suite_dirs()) {
        suite_case c = load_case(dir);
        BOOST_TEST_CONTEXT("case " << c.name) {
            owned_request received =
                parse_request_file(read_data_file(dir / "header-signed-request.txt"));
            const auto authorization = received.header("authorization");
            BOOST_TEST_REQUIRE(authorization.has_value());
            const auto auth = sigv4::parse_authorization(*authorization);
            BOOST_TEST_REQUIRE(auth.has_value());
            const sigv4::signer verifier(c.options);
            const bool ok = verifier.verify(received.view(), *auth, c.creds.secret_access_key, out);
            BOOST_TEST(ok);
            matches_file(out.canonical_request, dir / "header-canonical-request.txt");
            verified += ok;

            BOOST_TEST(!verifier.verify(received.view(), *auth, "wrong-secret", out));
            received.method = received.method == "GET" ? "PUT" : "GET";
            BOOST_TEST(!verifier.verify(received.view(), *auth, c.creds.secret_access_key, out));
        }
    }
    BOOST_TEST_REQUIRE(verified >= 38, "verified only " << verified << " samples");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ivs)

// TagResource on a stage: the ARN is encoded once on the wire and once more in the canonical URI.
BOOST_AUTO_TEST_CASE(tag_resource_double_encodes_the_arn) {
    owned_request r;
    r.method = "POST";
    r.path = "/tags/arn%3Aaws%3Aivs%3Aus-east-1%3A123456789012%3Astage%2FabcdEFGH1234";
    r.headers = {{"Host", "ivsrealtime.us-east-1.amazonaws.com"},
                 {"Content-Type", "application/json"}};
    r.body = R"({"tags":{"env":"dev"}})";
    sigv4::signing_result out;
    ivs_signer().sign(r.view(), example_creds, at(2024, 3, 15, 10, 15, 0), out);

    // Derivation:
    //  URI: each '%' of the wire path becomes %25 ("%3A" -> "%253A", "%2F" -> "%252F"); the
    //       letters, digits and '-' stay; no dot or empty segments to normalize.
    //  query: none -> empty line.
    //  headers: names lowercased and sorted, x-amz-date added by the signer.
    //  payload: SHA-256 of the 22-byte body (coreutils sha256sum / Python hashlib).
    const std::string expected =
        "POST\n"
        "/tags/arn%253Aaws%253Aivs%253Aus-east-1%253A123456789012%253Astage%252FabcdEFGH1234\n"
        "\n"
        "content-type:application/json\n"
        "host:ivsrealtime.us-east-1.amazonaws.com\n"
        "x-amz-date:20240315T101500Z\n"
        "\n"
        "content-type;host;x-amz-date\n"
        "cdd384d6c4bca4477046559484405c8961a812b8ae79b168786c0446bc550cd2";
    BOOST_TEST(out.canonical_request == expected);
    // Last line: SHA-256 of `expected`; signature: HMAC chain computed with Python hmac/hashlib.
    BOOST_TEST(out.string_to_sign ==
               "AWS4-HMAC-SHA256\n20240315T101500Z\n20240315/us-east-1/ivs/aws4_request\n"
               "a0a72c6291a46ff6520d11dee76d8f3e3e2c518021e8f00e120d4beedf3f1bde");
    BOOST_TEST(out.signature == "8611de4c08c764ad215f9ae1ee76ed1d07652cd521b8f22768dedb3783667b5e");
    BOOST_TEST(out.authorization ==
               "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240315/us-east-1/ivs/aws4_request, "
               "SignedHeaders=content-type;host;x-amz-date, "
               "Signature=8611de4c08c764ad215f9ae1ee76ed1d07652cd521b8f22768dedb3783667b5e");

    // The emulator's view: the request as received verifies; a changed body does not.
    owned_request received = r;
    for (const sigv4::header& h : out.headers()) received.headers.emplace_back(h.name, h.value);
    const auto auth = sigv4::parse_authorization(out.authorization).value();
    sigv4::signing_result check;
    BOOST_TEST(ivs_signer().verify(received.view(), auth, example_secret, check));
    received.body = R"({"tags":{"env":"prod"}})";
    BOOST_TEST(!ivs_signer().verify(received.view(), auth, example_secret, check));
}

// UntagResource: DELETE with the tagKeys key repeated; equal keys sort by value.
BOOST_AUTO_TEST_CASE(untag_resource_sorts_repeated_keys_by_value) {
    owned_request r;
    r.method = "DELETE";
    r.path = "/tags/arn%3Aaws%3Aivs%3Aus-east-1%3A123456789012%3Astage%2FabcdEFGH1234";
    r.query = {{"tagKeys", "team"}, {"tagKeys", "env"}};  // wire order: team first
    r.headers = {{"Host", "ivsrealtime.us-east-1.amazonaws.com"}};
    sigv4::signing_result out;
    ivs_signer().sign(r.view(), example_creds, at(2024, 3, 15, 10, 15, 0), out);

    // Derivation: query pairs sorted by key, then value: "env" < "team". Empty body hash.
    const std::string expected =
        "DELETE\n"
        "/tags/arn%253Aaws%253Aivs%253Aus-east-1%253A123456789012%253Astage%252FabcdEFGH1234\n"
        "tagKeys=env&tagKeys=team\n"
        "host:ivsrealtime.us-east-1.amazonaws.com\n"
        "x-amz-date:20240315T101500Z\n"
        "\n"
        "host;x-amz-date\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    BOOST_TEST(out.canonical_request == expected);
    // SHA-256 of `expected` and the signature, both from Python hashlib/hmac.
    BOOST_TEST(line_of(out.string_to_sign, 3) ==
               "55549134ccc5e2175c8a3a7ac62e983308fbdb606863cefcc7ee6ff7cd08efbe");
    BOOST_TEST(out.signature == "72fff0cd12312e9709214a02503d086b7c3312f2212f3c42449f46dc8a88a6ca");
}

BOOST_AUTO_TEST_CASE(headers_to_add_in_header_mode) {
    owned_request r;
    r.method = "POST";
    r.path = "/CreateParticipantToken";
    r.headers = {{"host", "ivsrealtime.us-east-1.amazonaws.com"}};
    r.body = "{}";
    ivsrt::credentials creds = example_creds;
    creds.session_token = "token/with+chars=";
    sigv4::signer_options options{.region = "us-east-1", .service = "ivs"};
    options.content_sha256_header = true;
    sigv4::signing_result out;
    sigv4::signer(options).sign(r.view(), creds, at(2024, 3, 15, 10, 15, 0), out);

    std::vector<std::pair<std::string, std::string>> got;
    for (const sigv4::header& h : out.headers()) got.emplace_back(h.name, h.value);
    BOOST_TEST_REQUIRE(got.size() == 4u);
    BOOST_TEST(got[0].first == "Authorization");
    BOOST_TEST(got[1].first == "X-Amz-Date");
    BOOST_TEST(got[1].second == "20240315T101500Z");
    BOOST_TEST(got[2].first == "X-Amz-Security-Token");
    BOOST_TEST(got[2].second == "token/with+chars=");
    // SHA-256 of "{}" (sha256sum).
    BOOST_TEST(got[3].second == "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
    BOOST_TEST(line_of(out.canonical_request, 8) ==
               "host;x-amz-content-sha256;x-amz-date;x-amz-security-token");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(canonical_form)

// The canonical URI (line 1) of GET <path> under the given switches.
std::string canonical_uri(std::string_view path, bool normalize, bool double_encode) {
    owned_request r;
    r.method = "GET";
    r.path = path;
    r.headers = {{"Host", "example.amazonaws.com"}};
    sigv4::signer_options options{.region = "us-east-1", .service = "s3"};
    options.normalize_path = normalize;
    options.double_encode_path = double_encode;
    sigv4::signing_result out;
    sigv4::signer(options).sign(r.view(), example_creds, at(2015, 8, 30, 12, 36, 0), out);
    return line_of(out.canonical_request, 1);
}

BOOST_AUTO_TEST_CASE(path_switches_are_independent) {
    // S3 style (both off): the wire path is used verbatim, escapes and dot segments included.
    BOOST_TEST(canonical_uri("/bucket//my%20photo/./a.jpg", false, false) ==
               "/bucket//my%20photo/./a.jpg");
    // Double encoding without normalization: '%' -> %25, segments untouched.
    BOOST_TEST(canonical_uri("/a/./b/../c%2Fd", false, true) == "/a/./b/../c%252Fd");
    // Normalization without double encoding.
    BOOST_TEST(canonical_uri("/a//b/./c/../d%20e/", true, false) == "/a/b/d%20e/");
    // Both on (every non-S3 service): an already encoded space becomes %2520.
    BOOST_TEST(canonical_uri("/a//b/./c/../d%20e/", true, true) == "/a/b/d%2520e/");
    // ".." above the root stays at the root; an empty path is "/".
    BOOST_TEST(canonical_uri("/../../x", true, true) == "/x");
    BOOST_TEST(canonical_uri("", true, true) == "/");
    BOOST_TEST(canonical_uri("", false, true) == "/");
}

BOOST_AUTO_TEST_CASE(given_payload_hash_is_used_verbatim) {
    owned_request r;
    r.method = "PUT";
    r.path = "/bucket/key";
    r.headers = {{"Host", "s3.amazonaws.com"}};
    r.body = "not hashed";
    sigv4::signer_options options{.region = "us-east-1", .service = "s3"};
    options.normalize_path = false;
    options.double_encode_path = false;
    options.content_sha256_header = true;
    sigv4::signing_result out;
    sigv4::signer(options).sign(r.view(sigv4::unsigned_payload), example_creds,
                                at(2015, 8, 30, 12, 36, 0), out);
    BOOST_TEST(line_of(out.canonical_request, 4) == "x-amz-content-sha256:UNSIGNED-PAYLOAD");
    BOOST_TEST(line_of(out.canonical_request, 8) == "UNSIGNED-PAYLOAD");
    BOOST_TEST(out.payload_hash == "UNSIGNED-PAYLOAD");
}

BOOST_AUTO_TEST_CASE(query_sorts_encoded_pairs_and_keeps_empty_values) {
    owned_request r;
    r.method = "GET";
    r.path = "/";
    // Decoded pairs in wire order. By hand: encode (space -> %20, '/' -> %2F, '+' -> %2B,
    // '=' -> %3D), then sort by key then value, bytewise: "B" (0x42) < "_" (0x5F) < "a" < "b";
    // for key "a" the values "1" < "10" < "2".
    r.query = {{"b", ""},   {"a", "2"}, {"a", "1"},       {"_", "x"},
               {"a", "10"}, {"B", "y"}, {"c", "a b/c+d="}};
    r.headers = {{"Host", "example.amazonaws.com"}};
    sigv4::signing_result out;
    ivs_signer().sign(r.view(), example_creds, at(2015, 8, 30, 12, 36, 0), out);
    BOOST_TEST(line_of(out.canonical_request, 2) == "B=y&_=x&a=1&a=10&a=2&b=&c=a%20b%2Fc%2Bd%3D");
}

BOOST_AUTO_TEST_CASE(header_values_are_trimmed_collapsed_and_joined) {
    owned_request r;
    r.method = "GET";
    r.path = "/";
    r.headers = {{"Host", "example.amazonaws.com"},
                 {"X-B", "\t two \t  words "},
                 {"x-a", "first"},
                 {"X-A", " second\n\tline "},
                 {"X-Empty", "   "},
                 // Longer than 8 bytes, with runs past the first 8, and UTF-8 (bytes >= 0x80).
                 {"X-Long", "abcdefghij  klmnop\tqrstuvwx\xc3\xa9yz a  "}};
    sigv4::signing_result out;
    ivs_signer().sign(r.view(), example_creds, at(2015, 8, 30, 12, 36, 0), out);
    // By hand: lowercase names, sort, join repeats in request order with ',', trim/collapse.
    BOOST_TEST(line_of(out.canonical_request, 3) == "host:example.amazonaws.com");
    BOOST_TEST(line_of(out.canonical_request, 4) == "x-a:first,second line");
    BOOST_TEST(line_of(out.canonical_request, 5) == "x-amz-date:20150830T123600Z");
    BOOST_TEST(line_of(out.canonical_request, 6) == "x-b:two words");
    BOOST_TEST(line_of(out.canonical_request, 7) == "x-empty:");
    BOOST_TEST(line_of(out.canonical_request, 8) ==
               "x-long:abcdefghij klmnop qrstuvwx\xc3\xa9yz a");
    BOOST_TEST(line_of(out.canonical_request, 10) == "host;x-a;x-amz-date;x-b;x-empty;x-long");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(authorization_header)

BOOST_AUTO_TEST_CASE(parses_the_three_fields) {
    const std::string value =
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        "SignedHeaders=host;x-amz-date, "
        "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
    const auto a = sigv4::parse_authorization(value);
    BOOST_TEST_REQUIRE(a.has_value());
    BOOST_TEST(a->access_key_id == "AKIDEXAMPLE");
    BOOST_TEST(a->date == "20150830");
    BOOST_TEST(a->region == "us-east-1");
    BOOST_TEST(a->service == "service");
    BOOST_TEST(a->signed_headers == "host;x-amz-date");
    BOOST_TEST(a->signature == "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    // Field order and spacing after commas are free.
    const auto b = sigv4::parse_authorization(
        "AWS4-HMAC-SHA256 "
        "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31,"
        "SignedHeaders=host,Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request");
    BOOST_TEST_REQUIRE(b.has_value());
    BOOST_TEST(b->signed_headers == "host");
}

BOOST_AUTO_TEST_CASE(rejects_malformed_values) {
    const std::string cred = "Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request";
    const std::string sh = "SignedHeaders=host";
    const std::string sig =
        "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
    const auto parse = [](const std::string& v) { return sigv4::parse_authorization(v); };
    BOOST_TEST(parse("AWS4-HMAC-SHA256 " + cred + ", " + sh + ", " + sig).has_value());
    BOOST_TEST(!parse("AWS4-HMAC-SHA1 " + cred + ", " + sh + ", " + sig));
    BOOST_TEST(!parse("AWS4-HMAC-SHA256" + cred + ", " + sh + ", " + sig));
    BOOST_TEST(!parse("AWS4-HMAC-SHA256 " + cred + ", " + sh));
    BOOST_TEST(!parse("AWS4-HMAC-SHA256 " + cred + ", " + sh + ", " + sig + ", " + sig));
    BOOST_TEST(!parse("AWS4-HMAC-SHA256 " + cred + ", " + sh + ", " + sig + ", Extra=1"));
    BOOST_TEST(!parse("AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=, " + sig));
    BOOST_TEST(!parse("AWS4-HMAC-SHA256 " + cred + ", " + sh + ", Signature=5FA0"));
    BOOST_TEST(!parse("AWS4-HMAC-SHA256 " + cred + ", " + sh + ", " + sig.substr(0, 70) + "X"));
    BOOST_TEST(!parse("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service, " + sh +
                      ", " + sig));
    BOOST_TEST(
        !parse("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/2015083/us-east-1/service/"
               "aws4_request, " +
               sh + ", " + sig));
    BOOST_TEST(
        !parse("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
               "aws4_request/x, " +
               sh + ", " + sig));
    BOOST_TEST(
        !parse("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
               "aws5_request, " +
               sh + ", " + sig));
    BOOST_TEST(!parse(""));
}

BOOST_AUTO_TEST_CASE(verify_rejects_scope_and_header_mismatches) {
    owned_request r;
    r.method = "POST";
    r.path = "/GetStage";
    r.headers = {{"Host", "ivsrealtime.us-east-1.amazonaws.com"},
                 {"Content-Type", "application/json"}};
    r.body = "{}";
    sigv4::signing_result out;
    ivs_signer().sign(r.view(), example_creds, at(2024, 3, 15, 10, 15, 0), out);
    owned_request received = r;
    for (const sigv4::header& h : out.headers()) received.headers.emplace_back(h.name, h.value);
    const auto auth = sigv4::parse_authorization(out.authorization).value();
    sigv4::signing_result check;
    BOOST_TEST(ivs_signer().verify(received.view(), auth, example_secret, check));
    BOOST_TEST(check.signature == out.signature);

    // Another region or service in the verifier.
    BOOST_TEST(!sigv4::signer({.region = "eu-west-1", .service = "ivs"})
                    .verify(received.view(), auth, example_secret, check));
    // A signed header missing from the request.
    owned_request no_type = received;
    std::erase_if(no_type.headers, [](const auto& h) { return h.first == "Content-Type"; });
    BOOST_TEST(!ivs_signer().verify(no_type.view(), auth, example_secret, check));
    // X-Amz-Date on another day than the scope.
    owned_request other_day = received;
    for (auto& h : other_day.headers) {
        if (h.first == "X-Amz-Date") h.second = "20240316T101500Z";
    }
    BOOST_TEST(!ivs_signer().verify(other_day.view(), auth, example_secret, check));
    // An unsigned header may be added on the way.
    owned_request extra = received;
    extra.headers.emplace_back("User-Agent", "proxy");
    BOOST_TEST(ivs_signer().verify(extra.view(), auth, example_secret, check));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(presign)

BOOST_AUTO_TEST_CASE(expiry_bounds) {
    owned_request r;
    r.method = "GET";
    r.path = "/";
    r.headers = {{"Host", "example.amazonaws.com"}};
    sigv4::signing_result out;
    const auto signer = ivs_signer();
    const auto now = at(2015, 8, 30, 12, 36, 0);
    BOOST_CHECK_NO_THROW(signer.presign(r.view(), example_creds, now, 604800s, out));
    BOOST_TEST(out.presigned_query.find("X-Amz-Expires=604800&") != std::string::npos);
    BOOST_CHECK_NO_THROW(signer.presign(r.view(), example_creds, now, 1s, out));
    BOOST_CHECK_THROW(signer.presign(r.view(), example_creds, now, 0s, out),
                      boost::system::system_error);
    BOOST_CHECK_THROW(signer.presign(r.view(), example_creds, now, 604801s, out),
                      boost::system::system_error);
}

BOOST_AUTO_TEST_CASE(query_parameters_owned_by_the_signer_are_rejected) {
    owned_request r;
    r.method = "GET";
    r.path = "/";
    r.query = {{"X-Amz-Date", "20150830T123600Z"}};
    r.headers = {{"Host", "example.amazonaws.com"}};
    sigv4::signing_result out;
    try {
        ivs_signer().presign(r.view(), example_creds, at(2015, 8, 30, 12, 36, 0), 60s, out);
        BOOST_FAIL("presign accepted X-Amz-Date in the query");
    } catch (const boost::system::system_error& e) {
        BOOST_TEST((e.code() == ivsrt::errc::invalid_request));
        BOOST_TEST(std::string(e.what()).find("X-Amz-Date") != std::string::npos);
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(input_errors_and_secrets)

// Runs `f`, expecting errc::invalid_request; returns the message.
template <class F>
std::string invalid_request_message(F f) {
    try {
        f();
    } catch (const boost::system::system_error& e) {
        BOOST_TEST((e.code() == ivsrt::errc::invalid_request));
        return e.what();
    }
    BOOST_FAIL("no error raised");
    return {};
}

BOOST_AUTO_TEST_CASE(bad_input_names_the_field) {
    owned_request r;
    r.method = "GET";
    r.path = "/";
    r.headers = {{"Accept", "*/*"}};
    sigv4::signing_result out;
    const auto now = at(2015, 8, 30, 12, 36, 0);
    const auto signer = ivs_signer();
    BOOST_TEST(invalid_request_message([&] {
                   signer.sign(r.view(), example_creds, now, out);
               }).find("Host") != std::string::npos);

    r.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
    BOOST_TEST(invalid_request_message([&] {
                   signer.sign(r.view(), example_creds, now, out);
               }).find("x-amz-date") != std::string::npos);
    r.headers = {{"Host", "example.amazonaws.com"}, {"Authorization", "x"}};
    BOOST_TEST(invalid_request_message([&] {
                   signer.sign(r.view(), example_creds, now, out);
               }).find("authorization") != std::string::npos);

    r.headers = {{"Host", "example.amazonaws.com"}};
    ivsrt::credentials bad = example_creds;
    bad.access_key_id = "AKID/EXAMPLE";
    const std::string msg = invalid_request_message([&] { signer.sign(r.view(), bad, now, out); });
    BOOST_TEST(msg.find("access_key_id") != std::string::npos);
    BOOST_TEST(msg.find(example_secret) == std::string::npos);
    bad = example_creds;
    bad.secret_access_key.clear();
    BOOST_TEST(invalid_request_message([&] {
                   signer.sign(r.view(), bad, now, out);
               }).find("secret_access_key") != std::string::npos);

    BOOST_TEST(invalid_request_message([] {
                   sigv4::signer({.region = "", .service = "ivs"});
               }).find("region") != std::string::npos);
    BOOST_TEST(invalid_request_message([] {
                   sigv4::signer({.region = "us-east-1", .service = "ivs/x"});
               }).find("service") != std::string::npos);
}

// What becomes a header value (X-Amz-Security-Token, the Credential in Authorization) must not
// carry CR, LF, NUL or another control character but HTAB: the signer refuses, naming the field,
// never quoting the value, in both modes.
BOOST_AUTO_TEST_CASE(control_characters_in_credentials_are_refused) {
    owned_request r;
    r.method = "POST";
    r.path = "/ListStages";
    r.headers = {{"Host", "ivsrealtime.us-east-1.amazonaws.com"}};
    r.body = "{}";
    const auto now = at(2024, 3, 15, 10, 15, 0);
    const auto signer = ivs_signer();
    sigv4::signing_result out;
    const std::string secret_part = "SECRETPART";
    using namespace std::string_literals;
    for (const std::string& bad : {"\r"s, "\n"s, "\0"s, "\r\n"s, "\x7f"s, "\x1b"s}) {
        const std::string value = secret_part + bad + "X-Injected: 1";
        ivsrt::credentials c = example_creds;
        c.access_key_id = value;
        std::string msg = invalid_request_message([&] { signer.sign(r.view(), c, now, out); });
        BOOST_TEST(msg.find("credentials.access_key_id") != std::string::npos);
        BOOST_TEST(msg.find(secret_part) == std::string::npos);
        BOOST_TEST(msg.find("X-Injected") == std::string::npos);

        c = example_creds;
        c.session_token = value;
        for (int mode = 0; mode < 2; ++mode) {
            msg = invalid_request_message([&] {
                if (mode == 0) {
                    signer.sign(r.view(), c, now, out);
                } else {
                    signer.presign(r.view(), c, now, 300s, out);
                }
            });
            BOOST_TEST(msg.find("credentials.session_token") != std::string::npos);
            BOOST_TEST(msg.find(secret_part) == std::string::npos);
            BOOST_TEST(msg.find("X-Injected") == std::string::npos);
        }
    }
    // HTAB, spaces and obs-text are allowed in a field value.
    ivsrt::credentials c = example_creds;
    c.session_token = "tok\ten \x80\xff";
    signer.sign(r.view(), c, now, out);
    BOOST_TEST(out.security_token == *c.session_token);
}

BOOST_AUTO_TEST_CASE(secret_never_appears_in_output) {
    const std::string secret = "Zq9/SECRET+never-print-this/0123456789ab";
    const std::string token = "FwoGZXIvYXdzEXAMPLE-session-token/abc+def==";
    const ivsrt::credentials creds = make_credentials("AKIDEXAMPLE", secret, token);

    std::ostringstream printed;
    printed << creds;
    BOOST_TEST(printed.str().find("AKIDEXAMPLE") != std::string::npos);
    BOOST_TEST(printed.str().find(secret) == std::string::npos);
    BOOST_TEST(printed.str().find(token) == std::string::npos);
    BOOST_TEST(printed.str().find("redacted") != std::string::npos);

    owned_request r;
    r.method = "POST";
    r.path = "/CreateParticipantToken";
    r.headers = {{"Host", "ivsrealtime.us-east-1.amazonaws.com"}};
    r.body = "{}";
    const auto now = at(2024, 3, 15, 10, 15, 0);
    for (bool sign_token : {true, false}) {
        sigv4::signer_options options{.region = "us-east-1", .service = "ivs"};
        options.content_sha256_header = true;
        options.sign_session_token = sign_token;
        const sigv4::signer signer(options);
        sigv4::signing_result out;
        for (int mode = 0; mode < 2; ++mode) {
            if (mode == 0) {
                signer.sign(r.view(), creds, now, out);
            } else {
                signer.presign(r.view(), creds, now, 300s, out);
            }
            for (const std::string* s :
                 {&out.authorization, &out.amz_date, &out.payload_hash, &out.security_token,
                  &out.presigned_query, &out.canonical_request, &out.string_to_sign,
                  &out.signature}) {
                BOOST_TEST(s->find(secret) == std::string::npos);
                BOOST_TEST(s->find(ivsrt::detail::percent_encode(
                               secret, ivsrt::detail::unreserved_chars)) == std::string::npos);
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(allocations_)

// Once the thread's workspace, the key cache and the result's buffers are warm, signing the same
// shape of request allocates nothing on the C++ heap.
BOOST_AUTO_TEST_CASE(steady_state_signing_does_not_allocate) {
    owned_request r;
    r.method = "POST";
    r.path = "/tags/arn%3Aaws%3Aivs%3Aus-east-1%3A123456789012%3Astage%2FabcdEFGH1234";
    r.query = {{"tagKeys", "b"}, {"tagKeys", "a"}};
    r.headers = {{"Host", "ivsrealtime.us-east-1.amazonaws.com"},
                 {"Content-Type", "application/json"}};
    r.body = R"({"tags":{"env":"dev"}})";
    const sigv4::request_view view = r.view();
    const ivsrt::credentials creds = make_credentials("AKIDEXAMPLE", "secret", "token");
    const sigv4::signer signer({.region = "us-east-1", .service = "ivs"});
    const auto now = at(2024, 3, 15, 10, 15, 0);
    sigv4::signing_result out;
    signer.sign(view, creds, now, out);
    signer.presign(view, creds, now, 60s, out);
    signer.sign(view, creds, now, out);

    const std::size_t before = allocations.load();
    for (int i = 0; i < 10; ++i) {
        signer.sign(view, creds, now + std::chrono::seconds(i), out);
        signer.presign(view, creds, now + std::chrono::seconds(i), 60s, out);
        signer.sign(view, creds, now + std::chrono::seconds(i), out);
    }
    BOOST_TEST(allocations.load() - before == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(key_cache)

// Threads sign concurrently across more (date, credentials) combinations than a thread caches,
// so keys are derived, evicted and rederived while other threads do the same; every signature
// must equal the one computed beforehand on this thread.
BOOST_AUTO_TEST_CASE(concurrent_signing_with_many_dates) {
    owned_request r;
    r.method = "POST";
    r.path = "/CreateParticipantToken";
    r.headers = {{"Host", "ivsrealtime.us-east-1.amazonaws.com"},
                 {"Content-Type", "application/json"}};
    r.body = R"({"stageArn":"arn:aws:ivs:us-east-1:123456789012:stage/abcdEFGH1234"})";
    const sigv4::request_view view = r.view();
    const std::vector<ivsrt::credentials> creds{
        make_credentials("AKIDEXAMPLE", std::string(example_secret)),
        make_credentials("AKIDOTHER", "another/secret+key", "session"),
    };
    constexpr int days = 9;
    const auto time_of = [](int day) { return at(2024, 1, 1 + day, 23, 59, 59); };
    const sigv4::signer signer({.region = "us-east-1", .service = "ivs"});

    std::vector<std::string> reference;  // [day * creds + c]
    sigv4::signing_result out;
    for (int day = 0; day < days; ++day) {
        for (const auto& c : creds) {
            signer.sign(view, c, time_of(day), out);
            reference.push_back(out.signature);
        }
    }
    // Each (day, credentials) pair signs differently.
    std::vector<std::string> unique = reference;
    std::sort(unique.begin(), unique.end());
    BOOST_TEST((std::unique(unique.begin(), unique.end()) == unique.end()));

    constexpr int threads = 4;
    constexpr int rounds = 300;
    std::atomic<int> checked{0};
    std::atomic<int> wrong{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            sigv4::signing_result mine;
            for (int i = 0; i < rounds; ++i) {
                const int day = (i * (t + 1) + t) % days;
                const std::size_t c = static_cast<std::size_t>(i + t) % creds.size();
                signer.sign(view, creds[c], time_of(day), mine);
                if (mine.signature != reference[static_cast<std::size_t>(day) * creds.size() + c]) {
                    ++wrong;
                }
                ++checked;
            }
        });
    }
    for (auto& th : pool) th.join();
    BOOST_TEST(checked.load() == threads * rounds);
    BOOST_TEST(wrong.load() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
