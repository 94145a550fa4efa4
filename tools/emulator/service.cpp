// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.

// Request handling common to every operation: routing over the model, SigV4 verification,
// quotas, decoding and validation, errors, pagination tokens and identifiers.

#include "service.hpp"

#include <ivsrt/detail/query.hpp>

#include <openssl/rand.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <unordered_map>

namespace ivsrt::emulator::detail {

namespace json = boost::json;

void throw_error(unsigned status, std::string_view code, std::string message) {
    throw api_error{status, std::string(code), std::move(message)};
}

void throw_validation(std::string message) {
    throw_error(400, "ValidationException", std::move(message));
}

void throw_not_found(std::string_view what, std::string_view arn) {
    throw_error(404, "ResourceNotFoundException",
                std::string(what) + " not found: " + std::string(arn));
}

void throw_conflict(std::string message) {
    throw_error(409, "ConflictException", std::move(message));
}

participant_record* session_record::find(std::string_view participant_id) {
    for (auto& p : participants) {
        if (p.info.participant_id == participant_id) return &p;
    }
    return nullptr;
}

std::size_t session_record::connected() const {
    return static_cast<std::size_t>(
        std::count_if(participants.begin(), participants.end(), [](const participant_record& p) {
            return p.info.state == model::participant_state::connected;
        }));
}

session_record* stage_record::active() {
    if (sessions.empty() || sessions.back().end_time) return nullptr;
    return &sessions.back();
}

session_record* stage_record::find_session(std::string_view session_id) {
    for (auto& s : sessions) {
        if (s.id == session_id) return &s;
    }
    return nullptr;
}

// ---- dispatch over the model ---------------------------------------------------------------

namespace {

using invoke_fn = void (*)(service&, std::string_view path, const model::query_params& query,
                           std::string_view body, reply& out);

template <class Request>
void invoke(service& s, std::string_view path, const model::query_params& query,
            std::string_view body, reply& out) {
    using traits = model::operation_traits<Request>;
    Request request;
    std::string error;
    if (!model::from_json(body.empty() ? std::string_view("{}") : body, request, error)) {
        // A missing member is a rule of the model; anything else is a malformed document.
        if (error.ends_with("missing required member")) throw_validation(std::move(error));
        throw_error(400, "SerializationException", std::move(error));
    }
    if (!model::read_target(path, query, request)) {
        throw_validation("malformed percent-encoding in the request path");
    }
    if (!model::validate(request, error)) throw_validation(std::move(error));
    typename traits::result_type result;
    s.run(request, result);
    model::to_json(result, out.body);
    for (const auto& binding : traits::response_headers) {
        if (const auto& value = result.*(binding.member))
            out.headers.emplace_back(binding.header, *value);
    }
}

struct operation_entry {
    model::http_method method;
    std::string_view uri;
    std::string_view name;
    invoke_fn invoke;
};

const auto& operation_table() {
#define IVSRT_EMULATOR_ENTRY(Name, snake)                                        \
    operation_entry{model::operation_traits<model::snake##_request>::method,     \
                    model::operation_traits<model::snake##_request>::uri, #Name, \
                    &invoke<model::snake##_request>},
    static const std::array table{IVSRT_MODEL_OPERATIONS(IVSRT_EMULATOR_ENTRY)};
#undef IVSRT_EMULATOR_ENTRY
    return table;
}

model::http_method method_of(std::string_view method) {
    if (method == "GET") return model::http_method::get;
    if (method == "PUT") return model::http_method::put;
    if (method == "DELETE") return model::http_method::delete_;
    return model::http_method::post;
}

const operation_entry* find_operation(std::string_view method, std::string_view path) {
    static const auto exact = [] {
        std::unordered_map<std::string_view, const operation_entry*> map;
        for (const auto& op : operation_table()) {
            if (op.uri.find('{') == std::string_view::npos) map.emplace(op.uri, &op);
        }
        return map;
    }();
    const model::http_method m = method_of(method);
    if (auto it = exact.find(path); it != exact.end()) {
        return it->second->method == m ? it->second : nullptr;
    }
    for (const auto& op : operation_table()) {
        if (op.method != m || op.uri.find('{') == std::string_view::npos) continue;
        std::array<model::detail::uri_label, 1> labels{};
        labels[0].name = op.uri.substr(op.uri.find('{') + 1);
        labels[0].name.remove_suffix(1);
        if (model::detail::match_uri(op.uri, path, labels)) return &op;
    }
    return nullptr;
}

std::string_view path_of(std::string_view target) {
    return target.substr(0, target.find('?'));
}

std::optional<std::string_view> header_value(std::span<const sigv4::header> headers,
                                             std::string_view name) {
    for (const auto& h : headers) {
        if (h.name.size() == name.size() &&
            std::equal(name.begin(), name.end(), h.name.begin(), [](char a, char b) {
                return a == (b >= 'A' && b <= 'Z' ? static_cast<char>(b - 'A' + 'a') : b);
            })) {
            return h.value;
        }
    }
    return std::nullopt;
}

// "YYYYMMDDTHHMMSSZ", digits only (from_chars alone would take a sign). Kept in seconds:
// every four-digit year fits, while system_clock's nanoseconds end in 2262.
std::optional<std::chrono::sys_seconds> parse_amz_date(std::string_view text) {
    const auto digits = [&](std::size_t from, std::size_t to) {
        return std::all_of(text.begin() + from, text.begin() + to,
                           [](char c) { return c >= '0' && c <= '9'; });
    };
    if (text.size() != 16 || !digits(0, 8) || text[8] != 'T' || !digits(9, 15) || text[15] != 'Z')
        return std::nullopt;
    auto number = [&](std::size_t pos, std::size_t len) {
        int out = 0;
        for (char c : text.substr(pos, len)) out = out * 10 + (c - '0');
        return out;
    };
    const int y = number(0, 4), mo = number(4, 2), d = number(6, 2);
    const int h = number(9, 2), mi = number(11, 2), s = number(13, 2);
    const std::chrono::year_month_day ymd{std::chrono::year(y),
                                          std::chrono::month(static_cast<unsigned>(mo)),
                                          std::chrono::day(static_cast<unsigned>(d))};
    if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
    return std::chrono::sys_days(ymd) + std::chrono::hours(h) + std::chrono::minutes(mi) +
           std::chrono::seconds(s);
}

// `text` with each byte that is not part of a well-formed UTF-8 sequence replaced by U+FFFD. A
// JSON text must be UTF-8 and strict parsers (Boost.JSON's, so ivsrt's client) reject anything
// else, while error messages quote the request's path and query, which may hold any byte.
std::string valid_utf8(std::string message) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(message[i]); };
    std::string out;
    std::size_t copied = 0;  // message[copied, i) is valid and not yet copied
    for (std::size_t i = 0; i < message.size();) {
        const unsigned char lead = byte(i);
        std::size_t n = lead < 0x80                    ? 1
                        : lead >= 0xC2 && lead <= 0xDF ? 2
                        : lead >= 0xE0 && lead <= 0xEF ? 3
                        : lead >= 0xF0 && lead <= 0xF4 ? 4
                                                       : 0;
        if (n > message.size() - i) n = 0;
        if (n > 1) {
            // No overlong forms, surrogates or code points above U+10FFFF (RFC 3629).
            const unsigned char low = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
            const unsigned char high = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
            if (byte(i + 1) < low || byte(i + 1) > high) n = 0;
            for (std::size_t k = 2; n != 0 && k < n; ++k) {
                if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) n = 0;
            }
        }
        if (n != 0) {
            i += n;
            continue;
        }
        out.append(message, copied, i - copied);
        out += "\xEF\xBF\xBD";
        copied = ++i;
    }
    if (copied == 0) return message;
    out.append(message, copied);
    return out;
}

std::string amz_date(std::chrono::sys_seconds t) {
    std::string text;
    model::format_timestamp(t, text);
    // 2024-01-02T03:04:05Z -> 20240102T030405Z
    std::erase(text, '-');
    std::erase(text, ':');
    return text;
}

}  // namespace

service::service(const options& o)
    : opts(o),
      clock_(o.clock),
      signer_(sigv4::signer_options{.region = o.region, .service = "ivs"}),
      random_(std::random_device{}()) {
    std::array<unsigned char, 32> secret{};
    if (RAND_bytes(secret.data(), static_cast<int>(secret.size())) != 1) {
        throw std::runtime_error("ivsrt-emulator: OpenSSL RAND_bytes failed");
    }
    nonce_ = ivsrt::detail::base64url_encode(
        std::string_view(reinterpret_cast<const char*>(secret.data()), 6));
    if (opts.token_signing == signing_algorithm::es384) {
        token_key_.emplace(ivsrt::detail::es384_private_key::generate());
    } else {
        token_hmac_.emplace(secret);
    }
    OPENSSL_cleanse(secret.data(), secret.size());
    token_kid_ = "ivsrt-emulator-" + nonce_;
    const json::object header{
        {"alg", token_key_ ? "ES384" : "HS256"}, {"typ", "JWT"}, {"kid", token_kid_}};
    token_header_ = ivsrt::detail::base64url_encode(json::serialize(header)) + ".";
    for (const auto& q : documented_quotas()) {
        const auto burst = static_cast<unsigned>(std::ceil(q.tps));
        quotas_.emplace(q.operation, std::make_unique<pacing_bucket>(q.tps, burst));
    }
}

std::string_view service::operation_of(std::string_view method, std::string_view target) const {
    const operation_entry* op = find_operation(method, path_of(target));
    return op ? op->name : std::string_view{};
}

void service::authenticate(const request_view& request, std::string_view path,
                           std::span<const sigv4::query_param> query) {
    const auto authorization = header_value(request.headers, "authorization");
    if (!authorization) {
        throw_error(403, "MissingAuthenticationTokenException", "Missing Authentication Token");
    }
    const auto auth = sigv4::parse_authorization(*authorization);
    if (!auth) {
        throw_error(403, "IncompleteSignatureException",
                    "Authorization header requires the form 'AWS4-HMAC-SHA256 "
                    "Credential=<key id>/<date>/<region>/<service>/aws4_request, "
                    "SignedHeaders=<names>, Signature=<hex>'");
    }
    if (auth->access_key_id != opts.access_key_id) {
        throw_error(403, "UnrecognizedClientException",
                    "The security token included in the request is invalid.");
    }
    if (!opts.session_token.empty()) {
        const auto token = header_value(request.headers, "x-amz-security-token");
        if (!token || *token != opts.session_token) {
            throw_error(403, "UnrecognizedClientException",
                        "The security token included in the request is invalid.");
        }
        if (opts.session_expiration && this->now() >= *opts.session_expiration) {
            throw_error(403, "ExpiredTokenException",
                        "The security token included in the request is expired");
        }
    }
    bool host_signed = false;
    for (std::string_view names = auth->signed_headers; !names.empty();) {
        const std::size_t semicolon = names.find(';');
        host_signed = host_signed || names.substr(0, semicolon) == "host";
        names =
            semicolon == std::string_view::npos ? std::string_view{} : names.substr(semicolon + 1);
    }
    if (!host_signed) {
        throw_error(403, "IncompleteSignatureException",
                    "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
    }
    const auto date_text = header_value(request.headers, "x-amz-date");
    const auto date = date_text ? parse_amz_date(*date_text) : std::nullopt;
    if (!date) {
        throw_error(403, "IncompleteSignatureException",
                    "Authorization header requires an 'X-Amz-Date' header in the form "
                    "YYYYMMDD'T'HHMMSS'Z'");
    }
    // Compared in seconds, where neither a date of year 0000 or 9999 nor the 5 minutes added to
    // it overflow. For whole seconds d, d < now is d < ceil(now) and d > now is d > floor(now).
    const time_point now = this->now();
    const auto now_floor = std::chrono::floor<std::chrono::seconds>(now);
    const auto now_ceil = std::chrono::ceil<std::chrono::seconds>(now);
    constexpr auto max_skew = std::chrono::minutes(5);
    if (*date + max_skew < now_ceil) {
        throw_error(403, "InvalidSignatureException",
                    "Signature expired: " + std::string(*date_text) + " is now earlier than " +
                        amz_date(now_floor - max_skew) + " (" + amz_date(now_floor) + " - 5 min.)");
    }
    if (*date - max_skew > now_floor) {
        throw_error(403, "InvalidSignatureException",
                    "Signature not yet current: " + std::string(*date_text) +
                        " is still later than " + amz_date(now_floor + max_skew) + " (" +
                        amz_date(now_floor) + " + 5 min.)");
    }
    if (auth->region != opts.region || auth->service != "ivs") {
        throw_error(
            403, "InvalidSignatureException",
            "Credential should be scoped to region '" + opts.region + "' and service 'ivs'.");
    }
    thread_local sigv4::signing_result scratch;
    const sigv4::request_view view{.method = request.method,
                                   .path = path,
                                   .query = query,
                                   .headers = request.headers,
                                   .body = request.body};
    if (!signer_.verify(view, *auth, opts.secret_access_key, scratch)) {
        throw_error(403, "InvalidSignatureException",
                    "The request signature we calculated does not match the signature you "
                    "provided. Check your AWS Secret Access Key and signing method.");
    }
}

void service::check_quota(std::string_view operation) {
    auto it = quotas_.find(operation);
    if (it == quotas_.end()) {
        it = quotas_.emplace(std::string(operation), std::make_unique<pacing_bucket>(5, 5)).first;
    }
    const auto now = pacing_bucket::time_point(
        std::chrono::duration_cast<pacing_bucket::clock::duration>(this->now().time_since_epoch()));
    const auto reservation = it->second->reserve(now);
    if (reservation.start > now) {
        it->second->cancel(reservation);
        throw_error(429, "ThrottlingException", "Rate exceeded for " + std::string(operation));
    }
}

void service::handle_api(const request_view& request, reply& out) {
    try {
        const std::string_view path = path_of(request.target);
        const std::string_view raw_query =
            path.size() < request.target.size() ? request.target.substr(path.size() + 1) : "";
        const operation_entry* op = find_operation(request.method, path);
        if (op) out.operation = op->name;
        model::query_params query;
        if (!ivsrt::detail::decode_query(raw_query, query)) {
            throw_validation("malformed percent-encoding in the query");
        }
        std::vector<sigv4::query_param> signed_query;
        signed_query.reserve(query.size());
        for (const auto& [k, v] : query) signed_query.push_back({k, v});
        authenticate(request, path, signed_query);
        if (!op) {
            throw_error(
                404, "UnknownOperationException",
                "No operation matches " + std::string(request.method) + " " + std::string(path));
        }
        if (opts.enforce_quotas) check_quota(op->name);
        op->invoke(*this, path, query, request.body, out);
    } catch (const api_error& e) {
        out.body.clear();
        out.headers.clear();
        error_reply(e.status, e.code, e.message, out);
    } catch (const std::exception& e) {
        out.body.clear();
        out.headers.clear();
        error_reply(500, "InternalServerException", e.what(), out);
    }
}

void service::error_reply(unsigned status, std::string_view code, std::string message, reply& out) {
    out.status = status;
    out.error_code.assign(code);
    message = valid_utf8(std::move(message));
    json::object body;
    body["message"] = message;
    body["exceptionMessage"] = std::move(message);
    out.body = json::serialize(body);
}

// ---- identifiers and pagination ------------------------------------------------------------

std::string service::make_id(std::size_t length) {
    static constexpr std::string_view alnum =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::string id(length, '\0');
    std::uniform_int_distribution<std::size_t> pick(0, alnum.size() - 1);
    for (char& c : id) c = alnum[pick(random_)];
    return id;
}

std::string service::make_arn(std::string_view kind, std::string_view id) const {
    std::string arn = "arn:aws:ivs:";
    arn.append(opts.region).append(":").append(opts.account_id).append(":");
    arn.append(kind).append("/").append(id);
    return arn;
}

std::string service::make_session_id() {
    return "st-" + make_id(13);
}

service::page service::paginate(std::string_view kind, const std::optional<std::string>& next_token,
                                std::optional<std::int32_t> max_results, std::int32_t default_size,
                                std::size_t total) const {
    // Token: base64url("<kind>:<offset>:<instance nonce>").
    page p;
    if (next_token && !next_token->empty()) {
        const auto text = ivsrt::detail::base64url_decode(*next_token);
        std::size_t offset = 0;
        bool ok = false;
        if (text) {
            const std::string prefix = std::string(kind) + ":";
            const std::string suffix = ":" + nonce_;
            if (text->starts_with(prefix) && text->ends_with(suffix) &&
                text->size() > prefix.size() + suffix.size()) {
                const char* first = text->data() + prefix.size();
                const char* last = text->data() + text->size() - suffix.size();
                auto [end, ec] = std::from_chars(first, last, offset);
                ok = ec == std::errc{} && end == last;
            }
        }
        if (!ok) throw_validation("invalid nextToken");
        p.begin = std::min(offset, total);
    }
    const auto size = static_cast<std::size_t>(max_results.value_or(default_size));
    p.end = std::min(total, p.begin + size);
    if (p.end < total) {
        p.next_token = ivsrt::detail::base64url_encode(std::string(kind) + ":" +
                                                       std::to_string(p.end) + ":" + nonce_);
    }
    return p;
}

stage_record& service::stage(std::string_view arn) {
    auto it = stages.find(arn);
    if (it == stages.end()) throw_not_found("stage", arn);
    return it->second;
}

model::optional_map<std::string>* service::tags_of(std::string_view arn) {
    if (auto it = stages.find(arn); it != stages.end()) return &it->second.stage.tags;
    if (auto it = compositions.find(arn); it != compositions.end()) return &it->second.tags;
    if (auto it = encoder_configurations.find(arn); it != encoder_configurations.end()) {
        return &it->second.tags;
    }
    if (auto it = storage_configurations.find(arn); it != storage_configurations.end()) {
        return &it->second.tags;
    }
    if (auto it = ingest_configurations.find(arn); it != ingest_configurations.end()) {
        return &it->second.tags;
    }
    if (auto it = public_keys.find(arn); it != public_keys.end()) return &it->second.key.tags;
    return nullptr;
}

}  // namespace ivsrt::emulator::detail
