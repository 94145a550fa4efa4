// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <ivsrt/sigv4.hpp>

#include <ivsrt/credentials_value.hpp>
#include <ivsrt/detail/crypto.hpp>
#include <ivsrt/detail/http_text.hpp>
#include <ivsrt/detail/uri.hpp>
#include <ivsrt/error.hpp>

#include <boost/assert.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <vector>

// Signing-key cache. Each thread keeps a few derived keys (with their HMAC states precomputed)
// in a thread_local workspace, keyed by (access key id, secret, date, region, service), next to
// its scratch buffers and hash context. Signing never suspends, so a coroutine uses one thread's
// workspace for the whole call. The hot path touches no shared memory: no lock, and no atomic
// reference count bouncing between cores, which an atomically swapped shared_ptr would cost on
// every signature (libstdc++ also implements std::atomic<std::shared_ptr> with a lock bit).
// A thread derives a key once per day and credential set (four HMACs).
//
// The workspace also keeps what repeats between signatures: the X-Amz-Date text of the current
// second, and the SHA-256 states after the first 64-byte block of the canonical request (the
// same for every call of one operation) and of the string to sign (the same within a second).
// Each saves one SHA-256 block per signature; a changed block is simply hashed again.

namespace ivsrt::sigv4::detail {

using ivsrt::detail::char_set;
using ivsrt::detail::hmac_sha256_key;
using ivsrt::detail::percent_encode;
using ivsrt::detail::sha256_context;
using ivsrt::detail::sha256_digest;
using ivsrt::detail::sha256_prefix_cache;
using ivsrt::detail::unreserved_chars;

inline constexpr char_set path_chars = unreserved_chars + "/";
// Characters allowed in the access key id, region and service (they are joined with '/').
inline constexpr char_set name_chars =
    char_set{"-._"} + "ABCDEFGHIJKLMNOPQRSTUVWXYZ" + "abcdefghijklmnopqrstuvwxyz" + "0123456789";
inline constexpr std::string_view scope_terminator = "aws4_request";
inline constexpr std::string_view empty_payload_hash =  // SHA-256 of nothing
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
inline constexpr std::chrono::seconds max_presign_expiry{7 * 24 * 3600};

[[noreturn]] inline void throw_invalid(const std::string& what) {
    throw ivsrt::exception(ivsrt::errc::invalid_request, "sigv4: " + what);
}

inline bool is_name(std::string_view s) noexcept {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return name_chars.contains(c); });
}

inline void check_credentials(const credentials& creds) {
    if (!is_name(creds.access_key_id)) {
        throw_invalid("credentials.access_key_id must be non-empty letters, digits, '-', '.', '_'");
    }
    if (creds.secret_access_key.empty()) throw_invalid("credentials.secret_access_key is empty");
    // Sent as the X-Amz-Security-Token header: a line break would inject headers.
    if (creds.session_token && !ivsrt::detail::is_field_value(*creds.session_token)) {
        throw_invalid(
            "credentials.session_token must not contain control characters (CR, LF, NUL)");
    }
}

inline std::string_view session_token(const credentials& creds) noexcept {
    return creds.session_token ? std::string_view(*creds.session_token) : std::string_view();
}

struct header_entry {
    std::string_view name;  // lowercase
    std::string_view value;
    std::size_t order;  // position in the request, then the signer's own headers
};

struct query_entry {
    std::size_t key_begin, key_end, value_end;  // offsets into workspace::query_text

    std::string_view key(std::string_view text) const noexcept {
        return text.substr(key_begin, key_end - key_begin);
    }
    std::string_view value(std::string_view text) const noexcept {
        return text.substr(key_end, value_end - key_end);
    }
};

// A derived signing key, what it was derived from, and its credential scope.
struct cached_key {
    std::string access_key_id, secret_access_key, date, region, service;
    std::string scope;  // date/region/service/aws4_request
    std::optional<hmac_sha256_key> key;
    // The key's inner state after the first block of the string to sign, which holds the
    // timestamp and the scope: it repeats for every signature within a second.
    std::optional<sha256_prefix_cache> string_to_sign_start;

    cached_key() = default;
    cached_key(const cached_key&) = delete;
    cached_key& operator=(const cached_key&) = delete;
    ~cached_key() { OPENSSL_cleanse(secret_access_key.data(), secret_access_key.size()); }
};

// Per-thread scratch state: buffers keep their capacity between signatures.
struct workspace {
    sha256_context hash;
    sha256_prefix_cache canonical_request_start;  // the first block repeats per operation
    std::chrono::sys_seconds amz_date_second = std::chrono::sys_seconds::min();
    std::array<char, 16> amz_date_text{};  // X-Amz-Date of amz_date_second
    std::string header_names;              // lowercased names that `headers` view into
    std::vector<header_entry> headers;
    std::string signed_headers;
    std::string query_text;  // encoded keys and values that `query` indexes
    std::vector<query_entry> query;
    std::vector<std::string_view> segments;
    std::string credential;  // access key id/scope
    std::array<cached_key, 4> keys;
    std::size_t next_key = 0;  // round-robin replacement
};

inline workspace& thread_workspace() {
    thread_local workspace ws;
    return ws;
}

inline cached_key& signing_key(workspace& ws, std::string_view access_key_id,
                               std::string_view secret, std::string_view date,
                               const signer_options& opt) {
    for (cached_key& k : ws.keys) {
        if (k.key && k.date == date && k.access_key_id == access_key_id && k.region == opt.region &&
            k.service == opt.service && k.secret_access_key == secret) {
            return k;
        }
    }
    cached_key& k = ws.keys[ws.next_key];
    ws.next_key = (ws.next_key + 1) % ws.keys.size();
    k.string_to_sign_start.reset();
    k.key.reset();
    OPENSSL_cleanse(k.secret_access_key.data(), k.secret_access_key.size());
    k.access_key_id = access_key_id;
    k.secret_access_key = secret;
    k.date = date;
    k.region = opt.region;
    k.service = opt.service;
    k.scope.clear();
    k.scope.append(date).append("/").append(opt.region).append("/").append(opt.service);
    k.scope.append("/").append(scope_terminator);

    std::string secret_key = "AWS4";
    secret_key += secret;
    sha256_digest d = hmac_sha256_key(secret_key).mac(date, ws.hash);
    OPENSSL_cleanse(secret_key.data(), secret_key.size());
    d = hmac_sha256_key(d).mac(opt.region, ws.hash);
    d = hmac_sha256_key(d).mac(opt.service, ws.hash);
    d = hmac_sha256_key(d).mac(scope_terminator, ws.hash);
    k.key.emplace(std::span<const unsigned char>(d));
    OPENSSL_cleanse(d.data(), d.size());
    k.string_to_sign_start.emplace(&k.key->inner());
    return k;
}

// "YYYYMMDDTHHMMSSZ", formatted once per second and thread.
inline void format_amz_date(std::chrono::system_clock::time_point t, workspace& ws,
                            std::string& out) {
    using namespace std::chrono;
    const auto second = floor<seconds>(t);
    if (second != ws.amz_date_second) {
        const auto day = floor<days>(second);
        const year_month_day ymd{day};
        const hh_mm_ss hms{second - day};
        const int year = static_cast<int>(ymd.year());
        if (year < 0 || year > 9999) throw_invalid("the signing time must be in years 0 to 9999");
        char* const buf = ws.amz_date_text.data();
        const auto put = [buf](int pos, unsigned value, int width) {
            for (int i = pos + width - 1; i >= pos; --i, value /= 10) {
                buf[i] = char('0' + value % 10);
            }
        };
        put(0, static_cast<unsigned>(year), 4);
        put(4, static_cast<unsigned>(ymd.month()), 2);
        put(6, static_cast<unsigned>(ymd.day()), 2);
        buf[8] = 'T';
        put(9, static_cast<unsigned>(hms.hours().count()), 2);
        put(11, static_cast<unsigned>(hms.minutes().count()), 2);
        put(13, static_cast<unsigned>(hms.seconds().count()), 2);
        buf[15] = 'Z';
        ws.amz_date_second = second;
    }
    out.assign(ws.amz_date_text.data(), ws.amz_date_text.size());
}

inline bool is_amz_date(std::string_view s) noexcept {
    const auto digits = [s](std::size_t from, std::size_t to) {
        return std::all_of(s.begin() + from, s.begin() + to,
                           [](char c) { return c >= '0' && c <= '9'; });
    };
    return s.size() == 16 && digits(0, 8) && s[8] == 'T' && digits(9, 15) && s[15] == 'Z';
}

// Writes through a raw cursor into room made up front; on destruction the string is cut to
// what was written. Callers make room for at least what they write.
class writer {
  public:
    writer(std::string& s, std::size_t room) : s_(s) {
        const std::size_t old_size = s_.size();
        s_.resize(old_size + room);
        p_ = s_.data() + old_size;
    }
    writer(const writer&) = delete;
    writer& operator=(const writer&) = delete;
    ~writer() {
        BOOST_ASSERT(size() <= s_.size());
        s_.resize(size());
    }

    std::size_t size() const noexcept { return static_cast<std::size_t>(p_ - s_.data()); }

    writer& operator<<(char c) noexcept {
        *p_++ = c;
        return *this;
    }
    writer& operator<<(std::string_view v) noexcept {
        if (!v.empty()) std::memcpy(p_, v.data(), v.size());
        p_ += v.size();
        return *this;
    }
    // As lowercase hex.
    writer& operator<<(const sha256_digest& d) noexcept {
        ivsrt::detail::to_hex(d, p_);
        p_ += 2 * d.size();
        return *this;
    }
    // Percent-encoded: up to 3 chars per byte.
    writer& encoded(std::string_view v, const char_set& keep) noexcept {
        p_ = percent_encode(p_, v, keep);
        return *this;
    }

  private:
    std::string& s_;
    char* p_;
};

inline void set_payload_hash(const request_view& req, workspace& ws, std::string& out) {
    if (req.payload_hash) {
        out.assign(*req.payload_hash);
    } else if (req.body.empty()) {
        out.assign(empty_payload_hash);
    } else {
        out.clear();
        writer(out, 64) << ws.hash.reset().update(req.body).finish();
    }
}

constexpr char to_lower_ascii(char c) noexcept {
    return c >= 'A' && c <= 'Z' ? char(c + 32) : c;
}

inline bool iequals(std::string_view a, std::string_view lowercase) noexcept {
    return a.size() == lowercase.size() &&
           std::equal(a.begin(), a.end(), lowercase.begin(),
                      [](char x, char y) { return to_lower_ascii(x) == y; });
}

// Lowercases the request's header names into the workspace, then appends `added` (lowercase).
inline void collect_headers(workspace& ws, std::span<const header> request_headers,
                            std::span<const header> added) {
    std::size_t total = 0;
    for (const header& h : request_headers) total += h.name.size();
    ws.header_names.resize(total);  // not resized again below: the views stay valid
    char* lowered = ws.header_names.data();
    ws.headers.clear();
    std::size_t order = 0;
    for (const header& h : request_headers) {
        std::transform(h.name.begin(), h.name.end(), lowered, to_lower_ascii);
        ws.headers.push_back({{lowered, h.name.size()}, h.value, order++});
        lowered += h.name.size();
    }
    for (const header& h : added) ws.headers.push_back({h.name, h.value, order++});
}

// Signing: the request must name its host and leave the signer's headers to the signer.
inline void check_request_headers(const workspace& ws, std::size_t request_count,
                                  std::span<const header> added) {
    bool has_host = false;
    for (std::size_t i = 0; i < request_count; ++i) {
        const std::string_view name = ws.headers[i].name;
        has_host = has_host || name == "host";
        const bool taken = name == "authorization" ||
                           std::any_of(added.begin(), added.end(),
                                       [name](const header& h) { return h.name == name; });
        if (taken) throw_invalid("request header '" + std::string(name) + "' is set by the signer");
    }
    if (!has_host) throw_invalid("the request has no Host header");
}

// Sorts by name, then request order (repeated headers keep their order), and lists the names.
inline void sort_headers(workspace& ws) {
    std::sort(ws.headers.begin(), ws.headers.end(),
              [](const header_entry& a, const header_entry& b) {
                  if (const int c = a.name.compare(b.name)) return c < 0;
                  return a.order < b.order;
              });
    std::size_t room = 0;
    for (const header_entry& h : ws.headers) room += h.name.size() + 1;
    ws.signed_headers.clear();
    writer w(ws.signed_headers, room);
    for (std::size_t i = 0; i < ws.headers.size(); ++i) {
        if (i > 0 && ws.headers[i].name == ws.headers[i - 1].name) continue;
        if (i > 0) w << ';';
        w << ws.headers[i].name;
    }
}

inline bool is_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Index of the first byte <= ' ' (whitespace or control) in v at or after i, or v.size().
// Tests 8 bytes at a time: a byte below 0x21 borrows into its top bit.
inline std::size_t find_low_byte(std::string_view v, std::size_t i) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101;
    constexpr std::uint64_t tops = 0x8080808080808080;
    for (std::uint64_t x; i + 8 <= v.size(); i += 8) {
        std::memcpy(&x, v.data() + i, 8);
        if (((x - 0x21 * ones) & ~x & tops) != 0) break;
    }
    while (i < v.size() && static_cast<unsigned char>(v[i]) > ' ') ++i;
    return i;
}

// Writes the value without leading and trailing whitespace, each inner run (folded line
// breaks included) collapsed to one space. Stretches needing no change are copied whole.
inline void write_trimmed(writer& w, std::string_view v) {
    std::size_t begin = 0;
    std::size_t end = v.size();
    while (begin < end && is_space(v[begin])) ++begin;
    while (end > begin && is_space(v[end - 1])) --end;
    v = v.substr(0, end);
    std::size_t copied = begin;  // start of what is still to be copied
    for (std::size_t i = find_low_byte(v, begin); i < end; i = find_low_byte(v, i + 1)) {
        // v ends in a non-space, so v[i + 1] exists.
        if (!is_space(v[i]) || (v[i] == ' ' && !is_space(v[i + 1]))) continue;
        w << v.substr(copied, i - copied) << ' ';
        while (is_space(v[i + 1])) ++i;
        copied = i + 1;
    }
    w << v.substr(copied);
}

inline void write_canonical_headers(writer& w, const workspace& ws) {
    for (std::size_t i = 0; i < ws.headers.size();) {
        const std::string_view name = ws.headers[i].name;
        w << name << ':';
        write_trimmed(w, ws.headers[i].value);
        for (++i; i < ws.headers.size() && ws.headers[i].name == name; ++i) {
            w << ',';
            write_trimmed(w, ws.headers[i].value);
        }
        w << '\n';
    }
}

inline void write_path_part(writer& w, std::string_view part, bool encode) {
    if (encode) {
        w.encoded(part, path_chars);
    } else {
        w << part;
    }
}

// At most 3 * path.size() + 2 chars.
inline void write_canonical_uri(writer& w, std::string_view path, const signer_options& opt,
                                std::vector<std::string_view>& segments) {
    // Without "//" or "/." (a superset of the dot segments) there is nothing to normalize.
    const bool normal = path.starts_with('/') && path.find("//") == std::string_view::npos &&
                        path.find("/.") == std::string_view::npos;
    if (!opt.normalize_path || normal) {
        write_path_part(w, path.empty() ? "/" : path, opt.double_encode_path);
        return;
    }
    segments.clear();
    for (std::string_view rest = path; !rest.empty();) {
        const std::size_t slash = rest.find('/');
        const std::string_view segment = rest.substr(0, slash);
        rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
        if (segment.empty() || segment == ".") continue;
        if (segment == "..") {
            if (!segments.empty()) segments.pop_back();
        } else {
            segments.push_back(segment);
        }
    }
    w << '/';
    for (std::size_t i = 0; i < segments.size(); ++i) {
        if (i > 0) w << '/';
        write_path_part(w, segments[i], opt.double_encode_path);
    }
    if (!segments.empty() && path.ends_with('/')) w << '/';
}

// Encodes the parameters into ws.query_text and sorts ws.query by key, then value.
inline void encode_query(workspace& ws, std::span<const query_param> request_query,
                         std::span<const query_param> added) {
    ws.query_text.clear();
    ws.query.clear();
    const auto add = [&ws](const query_param& p) {
        const std::size_t key_begin = ws.query_text.size();
        percent_encode(ws.query_text, p.key, unreserved_chars);
        const std::size_t key_end = ws.query_text.size();
        percent_encode(ws.query_text, p.value, unreserved_chars);
        ws.query.push_back({key_begin, key_end, ws.query_text.size()});
    };
    for (const query_param& p : request_query) add(p);
    for (const query_param& p : added) add(p);
    const std::string_view text = ws.query_text;
    std::sort(ws.query.begin(), ws.query.end(), [text](const query_entry& a, const query_entry& b) {
        if (const int c = a.key(text).compare(b.key(text))) return c < 0;
        return a.value(text) < b.value(text);
    });
}

// At most query_text.size() + 2 * query.size() chars.
inline void write_canonical_query(writer& w, const workspace& ws) {
    const std::string_view text = ws.query_text;
    for (std::size_t i = 0; i < ws.query.size(); ++i) {
        if (i > 0) w << '&';
        w << ws.query[i].key(text) << '=' << ws.query[i].value(text);
    }
}

struct text_range {
    std::size_t begin, end;
};

// Writes out.canonical_request from the sorted headers in `ws` and out.payload_hash.
// Returns where the canonical query is in it.
inline text_range build_canonical_request(const request_view& req, const signer_options& opt,
                                          std::span<const query_param> added_query, workspace& ws,
                                          signing_result& out) {
    encode_query(ws, req.query, added_query);
    std::size_t room = req.method.size() + 5 + (3 * req.path.size() + 2) + ws.query_text.size() +
                       2 * ws.query.size() + ws.signed_headers.size() + out.payload_hash.size();
    for (const header_entry& h : ws.headers) room += h.name.size() + h.value.size() + 2;

    out.canonical_request.clear();
    writer w(out.canonical_request, room);
    w << req.method << '\n';
    write_canonical_uri(w, req.path, opt, ws.segments);
    w << '\n';
    const std::size_t query_begin = w.size();
    write_canonical_query(w, ws);
    const std::size_t query_end = w.size();
    w << '\n';
    write_canonical_headers(w, ws);
    w << '\n' << ws.signed_headers << '\n' << out.payload_hash;
    return {query_begin, query_end};
}

// Writes out.string_to_sign and out.signature.
inline void finish_signature(workspace& ws, cached_key& key, signing_result& out) {
    out.string_to_sign.clear();
    writer(out.string_to_sign, algorithm.size() + out.amz_date.size() + key.scope.size() + 3 + 64)
        << algorithm << '\n'
        << out.amz_date << '\n'
        << key.scope << '\n'
        << ws.canonical_request_start.absorb(out.canonical_request, ws.hash).finish();
    const sha256_digest inner_hash =
        key.string_to_sign_start->absorb(out.string_to_sign, ws.hash).finish();
    out.signature.clear();
    writer(out.signature, 64) << key.key->outer(inner_hash, ws.hash);
}

// True if the ';'-separated list holds `name`.
inline bool list_contains(std::string_view list, std::string_view name) noexcept {
    for (;;) {
        const std::size_t semicolon = list.find(';');
        if (list.substr(0, semicolon) == name) return true;
        if (semicolon == std::string_view::npos) return false;
        list.remove_prefix(semicolon + 1);
    }
}

}  // namespace ivsrt::sigv4::detail

namespace ivsrt::sigv4 {

IVSRT_DECL signing_result::header_list signing_result::headers() const {
    header_list list;
    if (authorization.empty()) return list;
    const auto add = [&list](std::string_view name, std::string_view value) {
        list.items_[list.size_++] = {name, value};
    };
    add("Authorization", authorization);
    add("X-Amz-Date", amz_date);
    if (!security_token.empty()) add("X-Amz-Security-Token", security_token);
    if (content_sha256_header) add("x-amz-content-sha256", payload_hash);
    return list;
}

IVSRT_DECL std::optional<authorization> parse_authorization(std::string_view value) noexcept {
    if (!value.starts_with(algorithm) || value.substr(algorithm.size(), 1) != " ") {
        return std::nullopt;
    }
    value.remove_prefix(algorithm.size() + 1);
    std::optional<std::string_view> credential, signed_headers, signature;
    for (bool more = true; more;) {
        const std::size_t comma = value.find(',');
        std::string_view part = value.substr(0, comma);
        more = comma != std::string_view::npos;
        if (more) value.remove_prefix(comma + 1);
        while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
        while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
        const std::size_t eq = part.find('=');
        if (eq == std::string_view::npos) return std::nullopt;
        const std::string_view key = part.substr(0, eq);
        std::optional<std::string_view>* slot = key == "Credential"      ? &credential
                                                : key == "SignedHeaders" ? &signed_headers
                                                : key == "Signature"     ? &signature
                                                                         : nullptr;
        if (slot == nullptr || slot->has_value()) return std::nullopt;
        *slot = part.substr(eq + 1);
    }
    if (!credential || !signed_headers || !signature) return std::nullopt;

    // <access key id>/<date>/<region>/<service>/aws4_request
    std::array<std::string_view, 5> scope;
    std::string_view rest = *credential;
    for (std::size_t i = 0; i < scope.size(); ++i) {
        const std::size_t slash = rest.find('/');
        if ((slash == std::string_view::npos) != (i + 1 == scope.size())) return std::nullopt;
        scope[i] = rest.substr(0, slash);
        if (!detail::is_name(scope[i])) return std::nullopt;
        rest = i + 1 == scope.size() ? std::string_view() : rest.substr(slash + 1);
    }
    const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
    const auto is_hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
    if (scope[1].size() != 8 || !std::all_of(scope[1].begin(), scope[1].end(), is_digit) ||
        scope[4] != detail::scope_terminator || signed_headers->empty() ||
        signature->size() != 64 || !std::all_of(signature->begin(), signature->end(), is_hex)) {
        return std::nullopt;
    }
    return authorization{scope[0], scope[1], scope[2], scope[3], *signed_headers, *signature};
}

IVSRT_DECL signer::signer(signer_options options) : options_(std::move(options)) {
    if (!detail::is_name(options_.region)) {
        detail::throw_invalid(
            "signer_options.region must be non-empty letters, digits, '-', '.', '_'");
    }
    if (!detail::is_name(options_.service)) {
        detail::throw_invalid(
            "signer_options.service must be non-empty letters, digits, '-', '.', '_'");
    }
}

IVSRT_DECL void signer::sign(const request_view& request, const credentials& creds, time_point now,
                             signing_result& out) const {
    detail::check_credentials(creds);
    detail::workspace& ws = detail::thread_workspace();
    detail::format_amz_date(now, ws, out.amz_date);
    detail::cached_key& key =
        detail::signing_key(ws, creds.access_key_id, creds.secret_access_key,
                            std::string_view(out.amz_date).substr(0, 8), options_);
    detail::set_payload_hash(request, ws, out.payload_hash);

    const std::string_view token = detail::session_token(creds);
    const bool sign_token = options_.sign_session_token && !token.empty();
    std::array<header, 3> added;
    std::size_t added_count = 0;
    added[added_count++] = {"x-amz-date", out.amz_date};
    if (sign_token) added[added_count++] = {"x-amz-security-token", token};
    if (options_.content_sha256_header) {
        added[added_count++] = {"x-amz-content-sha256", out.payload_hash};
    }
    const std::span<const header> added_headers(added.data(), added_count);
    detail::collect_headers(ws, request.headers, added_headers);
    detail::check_request_headers(ws, request.headers.size(), added_headers);
    detail::sort_headers(ws);
    detail::build_canonical_request(request, options_, {}, ws, out);
    detail::finish_signature(ws, key, out);

    constexpr std::string_view credential_field = " Credential=";
    constexpr std::string_view signed_headers_field = ", SignedHeaders=";
    constexpr std::string_view signature_field = ", Signature=";
    out.authorization.clear();
    detail::writer(out.authorization, algorithm.size() + credential_field.size() +
                                          creds.access_key_id.size() + 1 + key.scope.size() +
                                          signed_headers_field.size() + ws.signed_headers.size() +
                                          signature_field.size() + out.signature.size())
        << algorithm << credential_field << creds.access_key_id << '/' << key.scope
        << signed_headers_field << ws.signed_headers << signature_field << out.signature;
    out.security_token = token;
    out.content_sha256_header = options_.content_sha256_header;
    out.presigned_query.clear();
}

IVSRT_DECL void signer::presign(const request_view& request, const credentials& creds,
                                time_point now, std::chrono::seconds expires,
                                signing_result& out) const {
    if (expires < std::chrono::seconds(1) || expires > detail::max_presign_expiry) {
        detail::throw_invalid("presign expiry must be 1 to 604800 seconds");
    }
    detail::check_credentials(creds);
    detail::workspace& ws = detail::thread_workspace();
    detail::format_amz_date(now, ws, out.amz_date);
    detail::cached_key& key =
        detail::signing_key(ws, creds.access_key_id, creds.secret_access_key,
                            std::string_view(out.amz_date).substr(0, 8), options_);
    detail::set_payload_hash(request, ws, out.payload_hash);
    detail::collect_headers(ws, request.headers, {});
    detail::check_request_headers(ws, request.headers.size(), {});
    detail::sort_headers(ws);

    ws.credential.clear();
    ws.credential.append(creds.access_key_id).append("/").append(key.scope);
    char expires_text[8];
    const auto expires_end =
        std::to_chars(std::begin(expires_text), std::end(expires_text), expires.count()).ptr;

    const std::string_view token = detail::session_token(creds);
    const bool sign_token = options_.sign_session_token && !token.empty();
    const std::array<query_param, 6> added{{
        {"X-Amz-Algorithm", algorithm},
        {"X-Amz-Credential", ws.credential},
        {"X-Amz-Date", out.amz_date},
        {"X-Amz-Expires", std::string_view(expires_text, expires_end)},
        {"X-Amz-SignedHeaders", ws.signed_headers},
        {"X-Amz-Security-Token", token},
    }};
    const std::span<const query_param> added_query(added.data(), sign_token ? 6 : 5);
    for (const query_param& p : request.query) {
        if (p.key == "X-Amz-Signature" ||
            std::any_of(added.begin(), added.end(),
                        [&p](const query_param& a) { return a.key == p.key; })) {
            detail::throw_invalid("query parameter '" + std::string(p.key) +
                                  "' is set by the signer");
        }
    }

    const detail::text_range query =
        detail::build_canonical_request(request, options_, added_query, ws, out);
    detail::finish_signature(ws, key, out);

    std::string& q = out.presigned_query;
    q.assign(out.canonical_request, query.begin, query.end - query.begin);
    q += "&X-Amz-Signature=";
    q += out.signature;
    if (!sign_token && !token.empty()) {
        q += "&X-Amz-Security-Token=";
        percent_encode(q, token, detail::unreserved_chars);
    }
    out.authorization.clear();
    out.security_token.clear();
    out.content_sha256_header = false;
}

IVSRT_DECL bool signer::verify(const request_view& request, const authorization& auth,
                               std::string_view secret_access_key, signing_result& out) const {
    out.authorization.clear();
    out.security_token.clear();
    out.content_sha256_header = false;
    out.presigned_query.clear();
    if (auth.region != options_.region || auth.service != options_.service ||
        secret_access_key.empty()) {
        return false;
    }
    const auto date_header =
        std::find_if(request.headers.begin(), request.headers.end(),
                     [](const header& h) { return detail::iequals(h.name, "x-amz-date"); });
    if (date_header == request.headers.end() || !detail::is_amz_date(date_header->value) ||
        date_header->value.substr(0, 8) != auth.date) {
        return false;
    }
    out.amz_date = date_header->value;

    detail::workspace& ws = detail::thread_workspace();
    detail::set_payload_hash(request, ws, out.payload_hash);
    detail::collect_headers(ws, request.headers, {});
    std::erase_if(ws.headers, [&auth](const detail::header_entry& h) {
        return !detail::list_contains(auth.signed_headers, h.name);
    });
    detail::sort_headers(ws);
    // Also rejects a list naming a header the request lacks, or not in canonical order.
    if (ws.signed_headers != auth.signed_headers) return false;

    detail::build_canonical_request(request, options_, {}, ws, out);
    detail::finish_signature(
        ws, detail::signing_key(ws, auth.access_key_id, secret_access_key, auth.date, options_),
        out);
    return ivsrt::detail::equal_constant_time(out.signature, auth.signature);
}

}  // namespace ivsrt::sigv4
