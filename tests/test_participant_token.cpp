#define BOOST_TEST_MODULE test_participant_token
#include <boost/test/unit_test.hpp>

#include <ivsrt/detail/jwt.hpp>
#include <ivsrt/model/validate.hpp>
#include <ivsrt/participant_token.hpp>

#include "common/data_file.hpp"
#include "common/temp_dir.hpp"

#include <boost/json.hpp>

#include <openssl/err.h>

#include <array>
#include <chrono>
#include <cstdlib>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

namespace detail = ivsrt::detail;

std::string read_data(const std::string& name) {
    return ivsrt::test::test_data("participant_token/" + name);
}

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}

std::string_view as_text(const detail::es384_signature& sig) {
    return {reinterpret_cast<const char*>(sig.data()), sig.size()};
}

// Every base64 line of a PEM text (the key material).
std::vector<std::string> pem_body_lines(const std::string& pem) {
    std::vector<std::string> lines;
    std::istringstream in(pem);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.rfind("-----", 0) != 0) lines.push_back(line);
    }
    BOOST_REQUIRE(!lines.empty());
    return lines;
}

// Runs `make`, expecting std::invalid_argument whose text contains `rule` and no line of `pem`.
template <class Make>
void check_rejected(Make make, const std::string& pem, std::string_view rule) {
    try {
        make();
        BOOST_FAIL("accepted a key that should have been rejected");
    } catch (const std::invalid_argument& e) {
        const std::string what = e.what();
        BOOST_TEST_INFO("message: " << what);
        BOOST_TEST(what.find(rule) != std::string::npos);
        for (const auto& line : pem_body_lines(pem))
            BOOST_TEST(what.find(line) == std::string::npos);
    }
    BOOST_TEST(ERR_peek_error() == 0ul);  // the error queue is left clean
}

// `token` with one character of part `part` (0 header, 1 claims, 2 signature) changed.
std::string tamper(std::string token, int part) {
    std::size_t pos = 0;
    for (int i = 0; i < part; ++i) pos = token.find('.', pos) + 1;
    pos += 5;
    token[pos] = token[pos] == 'A' ? 'B' : 'A';
    return token;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(base64url)

// RFC 4648 section 10 vectors, unpadded; "-_8" is "+/8=" in the standard alphabet.
BOOST_AUTO_TEST_CASE(encodes_rfc4648_vectors) {
    BOOST_TEST(detail::base64url_encode("") == "");
    BOOST_TEST(detail::base64url_encode("f") == "Zg");
    BOOST_TEST(detail::base64url_encode("fo") == "Zm8");
    BOOST_TEST(detail::base64url_encode("foo") == "Zm9v");
    BOOST_TEST(detail::base64url_encode("foob") == "Zm9vYg");
    BOOST_TEST(detail::base64url_encode("fooba") == "Zm9vYmE");
    BOOST_TEST(detail::base64url_encode("foobar") == "Zm9vYmFy");
    BOOST_TEST(detail::base64url_encode("\xfb\xff") == "-_8");
}

BOOST_AUTO_TEST_CASE(decodes_rfc4648_vectors) {
    BOOST_TEST(detail::base64url_decode("").value() == "");
    BOOST_TEST(detail::base64url_decode("Zg").value() == "f");
    BOOST_TEST(detail::base64url_decode("Zm8").value() == "fo");
    BOOST_TEST(detail::base64url_decode("Zm9v").value() == "foo");
    BOOST_TEST(detail::base64url_decode("Zm9vYg").value() == "foob");
    BOOST_TEST(detail::base64url_decode("Zm9vYmE").value() == "fooba");
    BOOST_TEST(detail::base64url_decode("Zm9vYmFy").value() == "foobar");
    BOOST_TEST(detail::base64url_decode("-_8").value() == "\xfb\xff");
}

BOOST_AUTO_TEST_CASE(decode_rejects_non_canonical_text) {
    BOOST_TEST(!detail::base64url_decode("Zg=="));  // padding
    BOOST_TEST(!detail::base64url_decode("Zm9="));
    BOOST_TEST(!detail::base64url_decode("Z"));  // 4n+1 characters
    BOOST_TEST(!detail::base64url_decode("Zm9vY"));
    BOOST_TEST(!detail::base64url_decode("Zh"));   // unused bits set ("f" is "Zg")
    BOOST_TEST(!detail::base64url_decode("Zm9"));  // "fo" is "Zm8"
    BOOST_TEST(!detail::base64url_decode("+/8"));  // standard alphabet
    BOOST_TEST(!detail::base64url_decode("Zm9v\n"));
    BOOST_TEST(!detail::base64url_decode(std::string_view("Zm\0v", 4)));
}

BOOST_AUTO_TEST_CASE(round_trips_every_byte_value) {
    std::string bytes;
    for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
    for (std::size_t n = 0; n <= 4; ++n) {
        const std::string data = bytes.substr(n);
        BOOST_TEST(detail::base64url_decode(detail::base64url_encode(data)).value() == data);
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(jwt)

BOOST_AUTO_TEST_CASE(splits_three_parts) {
    const auto parts = detail::split_jwt("aa.bbb.cccc");
    BOOST_REQUIRE(parts);
    BOOST_TEST(parts->header == "aa");
    BOOST_TEST(parts->claims == "bbb");
    BOOST_TEST(parts->signature == "cccc");
    BOOST_TEST(parts->signing_input == "aa.bbb");
}

BOOST_AUTO_TEST_CASE(split_rejects_other_shapes) {
    for (const char* bad : {"", "a", "a.b", "a.b.c.d", ".b.c", "a..c", "a.b.", "..", "a.b.c."}) {
        BOOST_TEST_INFO("token: " << bad);
        BOOST_TEST(!detail::split_jwt(bad));
    }
}

BOOST_AUTO_TEST_CASE(verifies_a_token_signed_by_openssl) {
    const detail::es384_public_key key(read_data("p384_public.pem"));
    const std::string token = trimmed(read_data("openssl_signed.jwt"));
    BOOST_TEST(key.verify_jwt(token));
    BOOST_TEST(!key.verify_jwt(tamper(token, 0)));
    BOOST_TEST(!key.verify_jwt(tamper(token, 1)));
    BOOST_TEST(!key.verify_jwt(tamper(token, 2)));
    BOOST_TEST(!key.verify_jwt(token + "A"));
    BOOST_TEST(!key.verify_jwt(token.substr(0, token.size() - 4)));
    BOOST_TEST(!detail::es384_public_key(read_data("p384_other_public.pem")).verify_jwt(token));
    BOOST_TEST(ERR_peek_error() == 0ul);
}

BOOST_AUTO_TEST_CASE(fingerprint_is_sha256_of_der_as_openssl_prints_it) {
    const detail::es384_public_key key(read_data("p384_public.pem"));
    BOOST_TEST(key.fingerprint() == trimmed(read_data("p384_public.fingerprint")));
    BOOST_TEST(detail::es384_private_key(read_data("p384_sec1.pem")).public_key().fingerprint() ==
               trimmed(read_data("p384_public.fingerprint")));
}

BOOST_AUTO_TEST_CASE(public_key_pem_round_trips) {
    const std::string pem = read_data("p384_public.pem");
    BOOST_TEST(detail::es384_public_key(pem).pem() == pem);
}

BOOST_AUTO_TEST_CASE(loads_sec1_and_pkcs8_private_keys) {
    const detail::es384_public_key public_key(read_data("p384_public.pem"));
    for (const char* file : {"p384_sec1.pem", "p384_pkcs8.pem"}) {
        BOOST_TEST_INFO("file: " << file);
        const detail::es384_private_key key(read_data(file));
        const std::string input = "eyJhbGciOiJFUzM4NCJ9.eyJzdWIiOiJ4In0";
        BOOST_TEST(public_key.verify(input, key.sign(input)));
    }
}

BOOST_AUTO_TEST_CASE(signature_covers_exactly_the_input) {
    const detail::es384_private_key key(read_data("p384_sec1.pem"));
    const detail::es384_public_key public_key(read_data("p384_public.pem"));
    const detail::es384_signature sig = key.sign("header.claims");
    BOOST_TEST(public_key.verify("header.claims", sig));
    BOOST_TEST(!public_key.verify("header.claimz", sig));
    BOOST_TEST(!public_key.verify("header.claims ", sig));
    auto flipped = sig;
    flipped[95] ^= 1;
    BOOST_TEST(!public_key.verify("header.claims", flipped));
    BOOST_TEST(
        !detail::es384_public_key(read_data("p384_other_public.pem")).verify("header.claims", sig));
    // ECDSA is randomized: two signatures of one input differ, and both verify.
    const detail::es384_signature again = key.sign("header.claims");
    BOOST_TEST(as_text(again) != as_text(sig));
    BOOST_TEST(public_key.verify("header.claims", again));
}

BOOST_AUTO_TEST_CASE(verify_refuses_malformed_signatures) {
    const detail::es384_private_key key(read_data("p384_sec1.pem"));
    const detail::es384_public_key public_key = key.public_key();
    const detail::es384_signature sig = key.sign("x");
    BOOST_TEST(!public_key.verify("x", std::span(sig).first(95)));
    std::array<unsigned char, 97> longer{};
    std::copy(sig.begin(), sig.end(), longer.begin());
    BOOST_TEST(!public_key.verify("x", longer));
    detail::es384_signature zero{};
    BOOST_TEST(!public_key.verify("x", zero));
    detail::es384_signature r_zero = sig;
    std::fill_n(r_zero.begin(), 48, 0);
    BOOST_TEST(!public_key.verify("x", r_zero));
    detail::es384_signature too_big;
    too_big.fill(0xFF);  // r and s above the group order
    BOOST_TEST(!public_key.verify("x", too_big));
    BOOST_TEST(ERR_peek_error() == 0ul);
}

BOOST_AUTO_TEST_CASE(generated_keys_round_trip_through_pem) {
    const auto key = detail::es384_private_key::generate();
    const std::string private_pem = key.pem();
    const std::string public_pem = key.public_key().pem();
    BOOST_TEST(private_pem.rfind("-----BEGIN PRIVATE KEY-----\n", 0) == 0u);
    BOOST_TEST(public_pem.rfind("-----BEGIN PUBLIC KEY-----\n", 0) == 0u);
    const detail::es384_private_key reloaded(private_pem);
    const detail::es384_public_key public_key(public_pem);
    BOOST_TEST(public_key.verify("abc", reloaded.sign("abc")));
    BOOST_TEST(public_key.fingerprint() == reloaded.public_key().fingerprint());
    const auto other = detail::es384_private_key::generate();
    BOOST_TEST(other.public_key().fingerprint() != public_key.fingerprint());
    BOOST_TEST(!public_key.verify("abc", other.sign("abc")));
}

BOOST_AUTO_TEST_CASE(keys_are_movable) {
    detail::es384_private_key key(read_data("p384_sec1.pem"));
    detail::es384_private_key moved(std::move(key));
    key = detail::es384_private_key::generate();
    detail::es384_public_key public_key = moved.public_key();
    detail::es384_public_key other = key.public_key();
    other = std::move(public_key);
    BOOST_TEST(other.verify("m", moved.sign("m")));
}

BOOST_AUTO_TEST_CASE(rejects_public_keys_other_than_pem_p384) {
    const auto make = [](const std::string& pem) {
        return [pem] { detail::es384_public_key key(pem); };
    };
    const std::string p256 = read_data("p256_public.pem");
    check_rejected(make(p256), p256, "not on curve P-384");
    const std::string ed25519 = read_data("ed25519_public.pem");
    check_rejected(make(ed25519), ed25519, "not an EC key");
    const std::string private_pem = read_data("p384_sec1.pem");
    check_rejected(make(private_pem), private_pem, "not a PEM SubjectPublicKeyInfo");
    const std::string garbage = "-----BEGIN PUBLIC KEY-----\nnot base64 at all\n";
    check_rejected(make(garbage), garbage, "not a PEM SubjectPublicKeyInfo");
}

BOOST_AUTO_TEST_CASE(rejects_private_keys_other_than_pem_p384) {
    const auto make = [](const std::string& pem) {
        return [pem] { detail::es384_private_key key(pem); };
    };
    const std::string p256 = read_data("p256_sec1.pem");
    check_rejected(make(p256), p256, "not on curve P-384");
    const std::string ed25519 = read_data("ed25519_private.pem");
    check_rejected(make(ed25519), ed25519, "not an EC key");
    // Encrypted: refused without prompting for a passphrase.
    const std::string encrypted = read_data("p384_encrypted.pem");
    check_rejected(make(encrypted), encrypted, "not an unencrypted PEM private key");
    const std::string public_pem = read_data("p384_public.pem");
    check_rejected(make(public_pem), public_pem, "not an unencrypted PEM private key");
}

BOOST_AUTO_TEST_CASE(one_key_signs_and_verifies_from_many_threads) {
    const detail::es384_private_key key(read_data("p384_pkcs8.pem"));
    const detail::es384_public_key public_key(read_data("p384_public.pem"));
    constexpr int thread_count = 8;
    constexpr int per_thread = 20;
    std::array<int, thread_count> verified{};
    std::vector<std::thread> threads;
    for (int t = 0; t < thread_count; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                const std::string input = "input-" + std::to_string(t) + "-" + std::to_string(i);
                if (public_key.verify(input, key.sign(input))) ++verified[t];
            }
        });
    }
    for (auto& thread : threads) thread.join();
    for (int t = 0; t < thread_count; ++t) BOOST_TEST(verified[t] == per_thread);
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using ivsrt::participant_token_claims;
using capability = ivsrt::model::participant_token_capability;

constexpr std::string_view public_key_arn =
    "arn:aws:ivs:us-west-2:123456789012:public-key/abcdEFGH1234";
constexpr std::string_view stage_arn = "arn:aws:ivs:us-west-2:123456789012:stage/8zoOP0ZFkCVy";

// 2026-01-02T03:04:05Z: 2025-01-01 is 1735689600 s after the epoch; 2025 has 365 days, so
// 2026-01-01 is 1735689600 + 365 * 86400 = 1767225600; add 1 day, 3 h, 4 min, 5 s (97445 s).
constexpr std::int64_t issued_epoch = 1767323045;
const auto issued_at = std::chrono::system_clock::time_point(std::chrono::seconds(issued_epoch));

participant_token_claims sample_claims() {
    participant_token_claims c;
    c.stage_arn = stage_arn;
    c.events_url = "wss://global.events.live-video.net";
    c.whip_url = "https://453fdfd2ad24df.global-bm.whip.live-video.net";
    c.user_id = "user-42";
    c.attributes = {{"displayName", "Zoë \"Z\" \\ O'Neil\n"}, {"room", "main"}};
    c.capabilities = {capability::publish};
    c.duration = 90min;
    c.participant_id = "Mx6clRRHODPy";
    c.issued_at = issued_at + 999ms;  // iat is whole seconds, rounded down
    return c;
}

const ivsrt::participant_token_minter& data_minter() {
    static const ivsrt::participant_token_minter minter(read_data("p384_sec1.pem"),
                                                        std::string(public_key_arn));
    return minter;
}

const ivsrt::detail::es384_public_key& data_public_key() {
    static const ivsrt::detail::es384_public_key key(read_data("p384_public.pem"));
    return key;
}

json::object decode_part(std::string_view part) {
    const auto text = ivsrt::detail::base64url_decode(part);
    BOOST_REQUIRE(text);
    return json::parse(*text).as_object();
}

struct decoded_token {
    json::object header;
    json::object claims;
};

decoded_token decode(const std::string& token) {
    const auto parts = ivsrt::detail::split_jwt(token);
    BOOST_REQUIRE(parts);
    return {decode_part(parts->header), decode_part(parts->claims)};
}

// Runs `make`, expecting std::invalid_argument whose message contains `field` and `rule`.
template <class Make>
void check_invalid(Make make, std::string_view field, std::string_view rule) {
    try {
        make();
        BOOST_FAIL("accepted input that breaks: " << field << " " << rule);
    } catch (const std::invalid_argument& e) {
        const std::string what = e.what();
        BOOST_TEST_INFO("message: " << what);
        BOOST_TEST(what.find(field) != std::string::npos);
        BOOST_TEST(what.find(rule) != std::string::npos);
    }
}

template <class Change>
void check_invalid_claims(Change change, std::string_view field, std::string_view rule) {
    participant_token_claims c = sample_claims();
    change(c);
    check_invalid([&] { data_minter().mint(c); }, field, rule);
}

bool node_is_installed() {
    return std::system("command -v node >/dev/null") == 0;
}

// Where the node check must run: in CI (CI=true) and under tools/test.sh (IVSRT_REQUIRE_NODE=1).
bool node_required() {
    for (const char* name : {"CI", "IVSRT_REQUIRE_NODE"}) {
        const char* value = std::getenv(name);
        if (value && (std::string_view(value) == "true" || std::string_view(value) == "1")) {
            return true;
        }
    }
    return false;
}

// The node check is skipped without node, except where it is required: there it runs and fails.
boost::test_tools::assertion_result node_installed(boost::unit_test::test_unit_id) {
    boost::test_tools::assertion_result result(node_required() || node_is_installed());
    result.message() << "node is not installed: the node JWT check is skipped";
    return result;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(minting)

BOOST_AUTO_TEST_CASE(token_verifies_with_the_public_key_openssl_derived) {
    const auto minted = data_minter().mint(sample_claims());
    BOOST_REQUIRE(minted.token);
    BOOST_TEST(data_public_key().verify_jwt(*minted.token));
    BOOST_TEST(!ivsrt::detail::es384_public_key(read_data("p384_other_public.pem"))
                    .verify_jwt(*minted.token));
}

BOOST_AUTO_TEST_CASE(tampered_tokens_are_rejected) {
    const std::string token = *data_minter().mint(sample_claims()).token;
    BOOST_TEST(!data_public_key().verify_jwt(tamper(token, 0)));
    BOOST_TEST(!data_public_key().verify_jwt(tamper(token, 1)));
    BOOST_TEST(!data_public_key().verify_jwt(tamper(token, 2)));
    // The claims of another token under this token's signature.
    participant_token_claims other = sample_claims();
    other.capabilities = {capability::publish, capability::subscribe};
    const std::string other_token = *data_minter().mint(other).token;
    const auto parts = ivsrt::detail::split_jwt(token);
    const auto other_parts = ivsrt::detail::split_jwt(other_token);
    BOOST_REQUIRE(parts && other_parts);
    const std::string spliced = std::string(parts->header) + "." +
                                std::string(other_parts->claims) + "." +
                                std::string(parts->signature);
    BOOST_TEST(!data_public_key().verify_jwt(spliced));
}

BOOST_AUTO_TEST_CASE(header_names_es384_and_the_key) {
    const auto decoded = decode(*data_minter().mint(sample_claims()).token);
    const json::object expected{{"alg", "ES384"}, {"typ", "JWT"}, {"kid", public_key_arn}};
    BOOST_TEST(decoded.header == expected);
}

BOOST_AUTO_TEST_CASE(claims_carry_every_input) {
    const auto decoded = decode(*data_minter().mint(sample_claims()).token);
    const json::object expected{
        {"exp", issued_epoch + 90 * 60},
        {"iat", issued_epoch},
        {"jti", "Mx6clRRHODPy"},
        {"resource", stage_arn},
        {"topic", "8zoOP0ZFkCVy"},
        {"events_url", "wss://global.events.live-video.net"},
        {"whip_url", "https://453fdfd2ad24df.global-bm.whip.live-video.net"},
        {"user_id", "user-42"},
        {"attributes", {{"displayName", "Zoë \"Z\" \\ O'Neil\n"}, {"room", "main"}}},
        {"capabilities", {{"allow_publish", true}, {"allow_subscribe", false}}},
        {"version", "1.0"},
    };
    BOOST_TEST(json::serialize(decoded.claims) == json::serialize(expected));
    BOOST_TEST(decoded.claims == expected);
}

// The layout against AWS's documented example (tests/data/participant_token/
// aws_documented_payload.json, from the IVS Real-Time User Guide; its source is in the file):
// a token minted from the example's own values has exactly the example's header and payload
// keys, nesting and JSON types, and the same values.
namespace {

// Same keys, same nesting, same JSON types (any integer kind counts as one), same values.
void check_same_layout(const json::value& got, const json::value& want, const std::string& at) {
    const auto kind = [](const json::value& v) {
        return v.is_int64() || v.is_uint64() ? json::kind::int64 : v.kind();
    };
    BOOST_TEST_REQUIRE((kind(got) == kind(want)), at << ": " << json::serialize(got)
                                                     << " is not of the type of "
                                                     << json::serialize(want));
    if (want.is_object()) {
        const auto& g = got.as_object();
        const auto& w = want.as_object();
        for (const auto& [key, value] : w) {
            BOOST_TEST(g.contains(key), at << ": missing " << key);
            if (g.contains(key)) check_same_layout(g.at(key), value, at + "." + std::string(key));
        }
        for (const auto& [key, value] : g) {
            BOOST_TEST(w.contains(key), at << ": " << key << " is not in the documented layout");
        }
    } else {
        BOOST_TEST((got == want),
                   at << ": " << json::serialize(got) << " != " << json::serialize(want));
    }
}

json::object documented_token() {
    return json::parse(read_data("aws_documented_payload.json")).as_object();
}

}  // namespace

BOOST_AUTO_TEST_CASE(payload_matches_aws_documented_example) {
    const auto doc = documented_token();
    // The documented payload, its placeholders replaced by the page's example values.
    json::object want = doc.at("payload").as_object();
    for (const auto& [placeholder, value] : doc.at("placeholders").as_object()) {
        for (auto& [key, field] : want) {
            if (field.is_string() && field.as_string() == placeholder) field = value;
        }
    }
    BOOST_TEST_REQUIRE(want.size() == 11u);

    // The inputs are read off the example.
    participant_token_claims c;
    c.stage_arn = want.at("resource").as_string();
    c.events_url = want.at("events_url").as_string();
    c.whip_url = want.at("whip_url").as_string();
    c.user_id = want.at("user_id").as_string();
    for (const auto& [key, value] : want.at("attributes").as_object()) {
        c.attributes[std::string(key)] = value.as_string();
    }
    const auto& flags = want.at("capabilities").as_object();
    c.capabilities.clear();
    if (flags.at("allow_publish").as_bool()) c.capabilities.push_back(capability::publish);
    if (flags.at("allow_subscribe").as_bool()) c.capabilities.push_back(capability::subscribe);
    c.participant_id = want.at("jti").as_string();
    const std::int64_t iat = want.at("iat").as_int64();
    const std::int64_t lifetime = want.at("exp").as_int64() - iat;
    BOOST_TEST_REQUIRE(lifetime % 60 == 0);  // 48 hours
    c.duration = std::chrono::minutes(lifetime / 60);
    c.issued_at = std::chrono::system_clock::time_point(std::chrono::seconds(iat));

    const auto decoded = decode(*data_minter().mint(c).token);
    check_same_layout(decoded.claims, want, "payload");

    // The header: the documented keys and types, with our key's ARN (the documented kid is not a
    // well-formed ARN: region and account are swapped).
    json::object header = doc.at("header").as_object();
    header["kid"] = public_key_arn;
    check_same_layout(decoded.header, header, "header");

    // "For subscribe-only tokens, set only allow_subscribe to true" (allow_publish false or
    // absent; ivsrt writes false).
    c.capabilities = {capability::subscribe};
    auto subscribe_only = decode(*data_minter().mint(c).token).claims;
    const auto& capabilities = subscribe_only.at("capabilities").as_object();
    BOOST_TEST(capabilities.at("allow_subscribe") == json::value(true));
    BOOST_TEST(
        !(capabilities.contains("allow_publish") && capabilities.at("allow_publish") != false));
    BOOST_TEST(capabilities.size() <= 2u);
    subscribe_only.erase("capabilities");
    want.erase("capabilities");
    check_same_layout(subscribe_only, want, "subscribe-only payload");

    // "All fields except user_id are mandatory": without user_id and attributes (optional in the
    // API), the other nine are all there.
    c.capabilities = {capability::publish, capability::subscribe};
    want["capabilities"] = doc.at("payload").at("capabilities");
    c.user_id.clear();
    c.attributes.clear();
    const auto minimal = decode(*data_minter().mint(c).token).claims;
    want.erase("user_id");
    want.erase("attributes");
    check_same_layout(minimal, want, "payload without the optional fields");
}

// The page's rule for jti: "up to 64 characters long, containing only alphanumeric, hyphen (-),
// and underscore (_) characters" (the API model's ParticipantTokenId pattern agrees).
BOOST_AUTO_TEST_CASE(participant_ids_follow_the_documented_jti_rule) {
    for (const std::string id : {"a", "Mx6clRRHODPy", "with_underscore", "-_-", "A1-b2_C3"}) {
        participant_token_claims c = sample_claims();
        c.participant_id = id;
        const auto minted = data_minter().mint(c);
        BOOST_TEST(decode(*minted.token).claims.at("jti") == json::value(id));
        BOOST_TEST(minted.participant_id.value() == id);
    }
    for (const std::string id : {"has space", "dot.ted", "slash/", "plus+", "\xc3\xa9"}) {
        check_invalid_claims([&](participant_token_claims& c) { c.participant_id = id; },
                             "participant_id", "[A-Za-z0-9_-]");
    }
}

BOOST_AUTO_TEST_CASE(capabilities_map_to_the_two_flags) {
    const std::vector<std::pair<std::vector<capability>, std::pair<bool, bool>>> cases{
        {{}, {false, false}},
        {{capability::publish}, {true, false}},
        {{capability::subscribe}, {false, true}},
        {{capability::subscribe, capability::publish}, {true, true}},
    };
    for (const auto& [capabilities, flags] : cases) {
        participant_token_claims c = sample_claims();
        c.capabilities = capabilities;
        const auto claims = decode(*data_minter().mint(c).token).claims;
        const json::object expected{{"allow_publish", flags.first},
                                    {"allow_subscribe", flags.second}};
        BOOST_TEST(claims.at("capabilities") == expected);
    }
    // The default is both, as for CreateParticipantToken.
    BOOST_TEST(participant_token_claims{}.capabilities ==
               (std::vector<capability>{capability::publish, capability::subscribe}));
}

BOOST_AUTO_TEST_CASE(empty_user_id_and_attributes_are_left_out) {
    participant_token_claims c = sample_claims();
    c.user_id.clear();
    c.attributes.clear();
    const auto minted = data_minter().mint(c);
    const auto claims = decode(*minted.token).claims;
    BOOST_TEST(!claims.contains("user_id"));
    BOOST_TEST(!claims.contains("attributes"));
    BOOST_TEST(claims.size() == 9u);
    BOOST_TEST(!minted.user_id);
    BOOST_TEST(!minted.attributes);
}

BOOST_AUTO_TEST_CASE(result_describes_the_token_like_the_api) {
    const auto minted = data_minter().mint(sample_claims());
    BOOST_TEST(minted.participant_id.value() == "Mx6clRRHODPy");
    BOOST_TEST(minted.user_id.value() == "user-42");
    BOOST_TEST(minted.attributes->at("room") == "main");
    BOOST_TEST(minted.duration.value() == 90);
    BOOST_TEST((minted.capabilities.value() == std::vector<capability>{capability::publish}));
    // 2026-01-02T04:34:05Z: 03:04:05 plus 90 minutes.
    std::string expiration;
    ivsrt::model::format_timestamp(minted.expiration_time.value(), expiration);
    BOOST_TEST(expiration == "2026-01-02T04:34:05Z");
}

BOOST_AUTO_TEST_CASE(expiry_follows_the_duration) {
    for (const auto minutes : {1, 720, 20160}) {
        participant_token_claims c = sample_claims();
        c.duration = std::chrono::minutes(minutes);
        const auto claims = decode(*data_minter().mint(c).token).claims;
        BOOST_TEST(claims.at("iat").as_int64() == issued_epoch);
        BOOST_TEST(claims.at("exp").as_int64() == issued_epoch + minutes * 60);
    }
    // The default: 12 hours.
    participant_token_claims c = sample_claims();
    c.duration = participant_token_claims{}.duration;
    BOOST_TEST(decode(*data_minter().mint(c).token).claims.at("exp").as_int64() ==
               issued_epoch + 43200);
}

BOOST_AUTO_TEST_CASE(issue_time_defaults_to_now) {
    participant_token_claims c = sample_claims();
    c.issued_at.reset();
    const auto before = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    const auto iat = decode(*data_minter().mint(c).token).claims.at("iat").as_int64();
    const auto after = std::chrono::ceil<std::chrono::seconds>(std::chrono::system_clock::now());
    BOOST_TEST(iat >= before.time_since_epoch().count());
    BOOST_TEST(iat <= after.time_since_epoch().count());
}

BOOST_AUTO_TEST_CASE(participant_id_is_generated_when_empty) {
    participant_token_claims c = sample_claims();
    c.participant_id.clear();
    std::set<std::string> ids;
    for (int i = 0; i < 5; ++i) {
        const auto minted = data_minter().mint(c);
        const std::string id = minted.participant_id.value();
        BOOST_TEST(id.size() == 12u);
        BOOST_TEST(id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                        "0123456789") == std::string::npos);
        BOOST_TEST(decode(*minted.token).claims.at("jti") == json::value(id));
        ids.insert(id);
    }
    BOOST_TEST(ids.size() == 5u);
}

BOOST_AUTO_TEST_CASE(claims_for_a_stage_take_its_arn_and_endpoints) {
    ivsrt::model::stage stage;
    stage.arn = stage_arn;
    stage.endpoints = ivsrt::model::stage_endpoints{.events = "wss://events.example",
                                                    .whip = "https://whip.example",
                                                    .rtmp = "rtmp://x",
                                                    .rtmps = "rtmps://x"};
    const auto c = participant_token_claims::for_stage(stage);
    BOOST_TEST(c.stage_arn == stage_arn);
    BOOST_TEST(c.events_url == "wss://events.example");
    BOOST_TEST(c.whip_url == "https://whip.example");
    BOOST_TEST(c.duration == 720min);
    const auto claims = decode(*data_minter().mint(c).token).claims;
    BOOST_TEST(claims.at("topic") == "8zoOP0ZFkCVy");

    stage.endpoints->whip.reset();
    check_invalid([&] { participant_token_claims::for_stage(stage); }, "stage.endpoints.whip",
                  "missing");
    stage.endpoints.reset();
    check_invalid([&] { participant_token_claims::for_stage(stage); }, "stage.endpoints.events",
                  "missing");
}

BOOST_AUTO_TEST_CASE(invalid_claims_are_named) {
    using C = participant_token_claims;
    const std::string_view arn_rule = "must be a stage ARN";
    check_invalid_claims([](C& c) { c.stage_arn.clear(); }, "stage_arn", arn_rule);
    check_invalid_claims([](C& c) { c.stage_arn = "arn:aws:ivs:us-west-2:123456789012:stage/"; },
                         "stage_arn", arn_rule);
    check_invalid_claims(
        [](C& c) { c.stage_arn = "arn:aws:ivs:us-west-2:123456789012:channel/abc"; }, "stage_arn",
        arn_rule);
    check_invalid_claims([](C& c) { c.stage_arn = "arn:aws:s3:us-west-2:123456789012:stage/abc"; },
                         "stage_arn", arn_rule);
    check_invalid_claims([](C& c) { c.stage_arn = "arn:aws:ivs:us-west-2:12345678901x:stage/abc"; },
                         "stage_arn", arn_rule);
    check_invalid_claims([](C& c) { c.stage_arn += ":extra"; }, "stage_arn", arn_rule);
    check_invalid_claims([](C& c) { c.events_url.clear(); }, "events_url", "1 to 2048");
    check_invalid_claims([](C& c) { c.whip_url = std::string(2049, 'w'); }, "whip_url",
                         "1 to 2048");
    check_invalid_claims([](C& c) { c.user_id = std::string(129, 'u'); }, "user_id", "at most 128");
    check_invalid_claims([](C& c) { c.user_id = "ada\xC3"; }, "user_id", "valid UTF-8");
    check_invalid_claims(
        [](C& c) {
            c.attributes = {{"name", "\xED\xA0\x80"}};
        },
        "attributes", "valid UTF-8");
    check_invalid_claims([](C& c) { c.attributes = {{"\xFF", "v"}}; }, "attributes", "valid UTF-8");
    check_invalid_claims(
        [](C& c) {
            c.attributes = {{"k", std::string(1024, 'v')}};
        },
        "attributes", "at most 1024 bytes");
    check_invalid_claims([](C& c) { c.duration = 0min; }, "duration", "1 to 20160 minutes");
    check_invalid_claims([](C& c) { c.duration = 20161min; }, "duration", "1 to 20160 minutes");
    check_invalid_claims([](C& c) { c.participant_id = "has.dot"; }, "participant_id",
                         "[A-Za-z0-9_-]");
    check_invalid_claims([](C& c) { c.participant_id = std::string(65, 'p'); }, "participant_id",
                         "at most 64");
    check_invalid_claims(
        [](C& c) {
            c.capabilities = {capability::publish, capability::from_string("ADMIN")};
        },
        "capabilities", "only PUBLISH and SUBSCRIBE");
    // Accepted at the limits.
    participant_token_claims c = sample_claims();
    c.user_id.clear();
    for (int i = 0; i < 128; ++i) c.user_id += "\xc3\xa9";  // 128 characters in 256 bytes
    c.participant_id = std::string(64, 'p');
    c.attributes = {{"k", std::string(1023, 'v')}};  // 1024 bytes
    c.stage_arn = "arn:aws-cn:ivs:cn-north-1:123456789012:stage/a-B-1";
    BOOST_TEST(data_public_key().verify_jwt(*data_minter().mint(c).token));
}

BOOST_AUTO_TEST_CASE(minter_rejects_bad_keys_without_quoting_them) {
    const std::string arn(public_key_arn);
    const auto make = [&](const std::string& pem) {
        return [pem, &arn] { ivsrt::participant_token_minter minter(pem, arn); };
    };
    const std::string p256 = read_data("p256_sec1.pem");
    check_rejected(make(p256), p256, "private_key_pem");
    check_rejected(make(p256), p256, "not on curve P-384");
    const std::string public_pem = read_data("p384_public.pem");
    check_rejected(make(public_pem), public_pem, "private_key_pem");
    check_invalid(
        [] {
            ivsrt::participant_token_minter(read_data("p384_sec1.pem"),
                                            std::string("arn:aws:ivs:us-west-2:1:stage/abc"));
        },
        "public_key_arn", "must be a public key ARN");
}

BOOST_AUTO_TEST_CASE(generated_key_pair_mints_verifiable_tokens) {
    const auto keys = ivsrt::generate_participant_token_key_pair();
    const ivsrt::participant_token_minter minter(keys.private_key_pem, std::string(public_key_arn));
    const ivsrt::detail::es384_public_key public_key(keys.public_key_pem);
    BOOST_TEST(public_key.verify_jwt(*minter.mint(sample_claims()).token));
    BOOST_TEST(!data_public_key().verify_jwt(*minter.mint(sample_claims()).token));
}

BOOST_AUTO_TEST_CASE(import_request_carries_the_key_and_passes_model_validation) {
    const auto keys = ivsrt::generate_participant_token_key_pair();
    const auto request =
        ivsrt::make_import_public_key_request(keys.public_key_pem, "minting", {{"team", "video"}});
    BOOST_TEST(request.public_key_material == keys.public_key_pem);
    BOOST_TEST(request.name.value() == "minting");
    BOOST_TEST(request.tags->at("team") == "video");
    std::string message;
    BOOST_TEST(ivsrt::model::validate(request, message), message);
    // The key file openssl wrote (PEM with a final newline) passes too.
    BOOST_TEST(ivsrt::model::validate(
                   ivsrt::make_import_public_key_request(read_data("p384_public.pem")), message),
               message);
    const auto bare = ivsrt::make_import_public_key_request(keys.public_key_pem);
    BOOST_TEST(!bare.name);
    BOOST_TEST(!bare.tags);

    const std::string p256 = read_data("p256_public.pem");
    check_rejected([&] { ivsrt::make_import_public_key_request(p256); }, p256, "public_key_pem");
}

BOOST_AUTO_TEST_CASE(many_threads_mint_with_one_minter) {
    constexpr int thread_count = 8;
    constexpr int per_thread = 12;
    std::vector<std::vector<std::string>> tokens(thread_count);
    std::vector<std::thread> threads;
    for (int t = 0; t < thread_count; ++t) {
        threads.emplace_back([&, t] {
            participant_token_claims c = sample_claims();
            c.participant_id.clear();
            c.user_id = "thread-" + std::to_string(t);
            for (int i = 0; i < per_thread; ++i) tokens[t].push_back(*data_minter().mint(c).token);
        });
    }
    for (auto& thread : threads) thread.join();
    std::set<std::string> ids;
    for (int t = 0; t < thread_count; ++t) {
        BOOST_TEST(tokens[t].size() == static_cast<std::size_t>(per_thread));
        for (const auto& token : tokens[t]) {
            BOOST_TEST(data_public_key().verify_jwt(token));
            const auto claims = decode(token).claims;
            BOOST_TEST(claims.at("user_id") == json::value("thread-" + std::to_string(t)));
            ids.insert(json::value_to<std::string>(claims.at("jti")));
        }
    }
    BOOST_TEST(ids.size() == static_cast<std::size_t>(thread_count * per_thread));
}

// An independent verifier: node's crypto.verify (ieee-p1363 signature encoding) checks minted
// tokens, tampered copies, and a token under the wrong key; see tests/compat/jwt/verify.mjs.
BOOST_AUTO_TEST_CASE(node_crypto_verifies_minted_tokens,
                     *boost::unit_test::precondition(node_installed)) {
    BOOST_TEST_REQUIRE(node_is_installed(),
                       "node is not installed, and CI or IVSRT_REQUIRE_NODE requires this check");
    const auto keys = ivsrt::generate_participant_token_key_pair();
    const ivsrt::participant_token_minter minter(keys.private_key_pem, std::string(public_key_arn));
    json::array cases;
    const auto add = [&](const std::string& token, bool valid, const std::string& public_pem) {
        cases.push_back(
            json::object{{"token", token}, {"valid", valid}, {"publicKey", public_pem}});
    };
    participant_token_claims c = sample_claims();
    for (int i = 0; i < 20; ++i) {
        c.participant_id.clear();
        c.attributes["n"] = std::to_string(i);
        const std::string token = *minter.mint(c).token;
        add(token, true, keys.public_key_pem);
        add(tamper(token, i % 3), false, keys.public_key_pem);
    }
    const std::string token = *data_minter().mint(sample_claims()).token;
    add(token, true, read_data("p384_public.pem"));
    add(token, false, keys.public_key_pem);

    const json::object expected_claims = decode(token).claims;
    const ivsrt_test::temp_dir dir;
    const std::string input = dir.write(
        "cases.json", json::serialize(json::object{
                          {"kid", public_key_arn}, {"cases", cases}, {"claims", expected_claims}}));
    const std::string script = std::string(IVSRT_TEST_DATA_DIR) + "/../compat/jwt/verify.mjs";
    const std::string command = "node '" + script + "' '" + input + "'";
    BOOST_TEST(std::system(command.c_str()) == 0, "node rejected the minted tokens: " << command);
}

BOOST_AUTO_TEST_SUITE_END()
