// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <ivsrt/participant_token.hpp>

#include <ivsrt/model_support/detail/escape.hpp>
#include <ivsrt/model_support/detail/validation.hpp>

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <stdexcept>

namespace ivsrt {

namespace participant_token_impl {

using model::detail::append_quoted;
using model::detail::count_characters;  // lengths count code points, as in the model
using model::detail::invalid_utf8_at;

inline constexpr std::chrono::minutes min_duration{1};
inline constexpr std::chrono::minutes max_duration{20160};  // 14 days
inline constexpr std::size_t generated_id_length = 12;

[[noreturn]] inline void throw_invalid(std::string_view field, std::string_view rule) {
    std::string what(field);
    what += ' ';
    what += rule;
    throw std::invalid_argument(what);
}

inline bool is_id_char(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

inline bool is_id(std::string_view s) noexcept {
    return std::all_of(s.begin(), s.end(), is_id_char);
}

// A jti (participant id): [A-Za-z0-9_-], as the IVS Real-Time User Guide's token schema and the
// API model's ParticipantTokenId say.
inline bool is_participant_id(std::string_view s) noexcept {
    return std::all_of(s.begin(), s.end(), [](char c) { return is_id_char(c) || c == '_'; });
}

// The resource id in an ARN arn:<partition>:ivs:<region>:<account>:<type>/<id> whose
// resource starts with `type_slash`, or "" when `arn` is not one.
inline std::string_view ivs_resource_id(std::string_view arn, std::string_view type_slash) {
    std::array<std::string_view, 6> fields;
    std::size_t start = 0;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const std::size_t end = i + 1 < fields.size() ? arn.find(':', start) : arn.size();
        if (end == std::string_view::npos) return {};
        fields[i] = arn.substr(start, end - start);
        start = end + 1;
    }
    const bool valid = fields[0] == "arn" && !fields[1].empty() && fields[2] == "ivs" &&
                       !fields[3].empty() && !fields[4].empty() &&
                       std::all_of(fields[4].begin(), fields[4].end(),
                                   [](char c) { return c >= '0' && c <= '9'; }) &&
                       fields[5].starts_with(type_slash);
    if (!valid) return {};
    const std::string_view id = fields[5].substr(type_slash.size());
    return is_id(id) ? id : std::string_view{};
}

// A random id of 12 characters from [A-Za-z0-9], from OpenSSL's CSPRNG.
inline std::string random_participant_id() {
    static constexpr std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    constexpr unsigned limit = 256 / alphabet.size() * alphabet.size();  // unbiased below this
    std::string id;
    id.reserve(generated_id_length);
    while (id.size() < generated_id_length) {
        std::array<unsigned char, 16> bytes;
        if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
            detail::throw_openssl_failure("RAND_bytes");
        }
        for (const unsigned char b : bytes) {
            if (b < limit && id.size() < generated_id_length) id += alphabet[b % alphabet.size()];
        }
    }
    return id;
}

inline void append_integer(std::string& out, std::int64_t value) {
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr);
}

inline void append_member(std::string& out, std::string_view key, std::string_view value) {
    out += ',';
    append_quoted(out, key);
    out += ':';
    append_quoted(out, value);
}

struct checked_claims {
    std::string_view topic;
    bool allow_publish = false;
    bool allow_subscribe = false;
};

inline checked_claims check(const participant_token_claims& c) {
    checked_claims out;
    out.topic = ivs_resource_id(c.stage_arn, "stage/");
    if (out.topic.empty()) {
        throw_invalid("participant_token_claims.stage_arn",
                      "must be a stage ARN, arn:<partition>:ivs:<region>:<account>:stage/<id>");
    }
    if (c.events_url.empty() || count_characters(c.events_url) > 2048) {
        throw_invalid("participant_token_claims.events_url",
                      "must be 1 to 2048 characters (the stage's endpoints.events)");
    }
    if (c.whip_url.empty() || count_characters(c.whip_url) > 2048) {
        throw_invalid("participant_token_claims.whip_url",
                      "must be 1 to 2048 characters (the stage's endpoints.whip)");
    }
    if (invalid_utf8_at(c.user_id) != c.user_id.size()) {
        throw_invalid("participant_token_claims.user_id", "must be valid UTF-8");
    }
    if (count_characters(c.user_id) > 128) {
        throw_invalid("participant_token_claims.user_id", "must be at most 128 characters");
    }
    // As CreateParticipantToken: UTF-8, at most 1 KB of keys and values in all (IVS API reference).
    std::size_t attribute_bytes = 0;
    for (const auto& [key, value] : c.attributes) {
        if (invalid_utf8_at(key) != key.size() || invalid_utf8_at(value) != value.size()) {
            throw_invalid("participant_token_claims.attributes",
                          "keys and values must be valid UTF-8");
        }
        attribute_bytes += key.size() + value.size();
    }
    if (attribute_bytes > 1024) {
        throw_invalid("participant_token_claims.attributes",
                      "keys and values must total at most 1024 bytes");
    }
    if (c.duration < min_duration || c.duration > max_duration) {
        throw_invalid("participant_token_claims.duration", "must be 1 to 20160 minutes");
    }
    if (c.participant_id.size() > 64 || !is_participant_id(c.participant_id)) {
        throw_invalid("participant_token_claims.participant_id",
                      "must be at most 64 characters from [A-Za-z0-9_-]");
    }
    for (const auto& capability : c.capabilities) {
        if (capability == model::participant_token_capability::publish) {
            out.allow_publish = true;
        } else if (capability == model::participant_token_capability::subscribe) {
            out.allow_subscribe = true;
        } else {
            throw_invalid("participant_token_claims.capabilities",
                          "may hold only PUBLISH and SUBSCRIBE");
        }
    }
    return out;
}

}  // namespace participant_token_impl

IVSRT_DECL participant_token_key_pair generate_participant_token_key_pair() {
    const auto key = detail::es384_private_key::generate();
    return {.private_key_pem = key.pem(), .public_key_pem = key.public_key().pem()};
}

IVSRT_DECL model::import_public_key_request make_import_public_key_request(
    std::string public_key_pem, std::optional<std::string> name,
    std::map<std::string, std::string> tags) {
    try {
        const detail::es384_public_key parsed(public_key_pem);
    } catch (const std::invalid_argument& e) {
        participant_token_impl::throw_invalid("make_import_public_key_request: public_key_pem:",
                                              e.what());
    }
    model::import_public_key_request request;
    request.public_key_material = std::move(public_key_pem);
    request.name = std::move(name);
    if (!tags.empty()) request.tags = std::move(tags);
    return request;
}

IVSRT_DECL participant_token_claims participant_token_claims::for_stage(const model::stage& stage) {
    const auto& endpoints = stage.endpoints;
    if (!endpoints || !endpoints->events) {
        participant_token_impl::throw_invalid("participant_token_claims::for_stage:",
                                              "stage.endpoints.events is missing");
    }
    if (!endpoints->whip) {
        participant_token_impl::throw_invalid("participant_token_claims::for_stage:",
                                              "stage.endpoints.whip is missing");
    }
    participant_token_claims claims;
    claims.stage_arn = stage.arn;
    claims.events_url = *endpoints->events;
    claims.whip_url = *endpoints->whip;
    return claims;
}

IVSRT_DECL participant_token_minter::participant_token_minter(std::string_view private_key_pem,
                                                              std::string public_key_arn)
    : key_([&] {
          try {
              return detail::es384_private_key(private_key_pem);
          } catch (const std::invalid_argument& e) {
              participant_token_impl::throw_invalid("participant_token_minter: private_key_pem:",
                                                    e.what());
          }
      }()),
      public_key_arn_(std::move(public_key_arn)) {
    if (participant_token_impl::ivs_resource_id(public_key_arn_, "public-key/").empty()) {
        participant_token_impl::throw_invalid(
            "participant_token_minter: public_key_arn",
            "must be a public key ARN, arn:<partition>:ivs:<region>:<account>:public-key/<id>");
    }
    std::string header = R"({"alg":"ES384","typ":"JWT","kid":)";
    participant_token_impl::append_quoted(header, public_key_arn_);
    header += '}';
    detail::append_base64url(encoded_header_, header);
    encoded_header_ += '.';
}

IVSRT_DECL model::participant_token participant_token_minter::mint(
    const participant_token_claims& claims) const {
    namespace impl = participant_token_impl;
    using std::chrono::seconds;
    const impl::checked_claims checked = impl::check(claims);

    model::participant_token result;
    result.participant_id =
        claims.participant_id.empty() ? impl::random_participant_id() : claims.participant_id;
    const auto issued_at =
        std::chrono::floor<seconds>(claims.issued_at.value_or(std::chrono::system_clock::now()));
    const auto expires_at = issued_at + claims.duration;

    std::string json;  // the claims; reserved for the fixed part and the longest values
    json.reserve(384 + claims.stage_arn.size() + claims.events_url.size() + claims.whip_url.size());
    json += R"({"exp":)";
    impl::append_integer(json, expires_at.time_since_epoch().count());
    json += R"(,"iat":)";
    impl::append_integer(json, issued_at.time_since_epoch().count());
    impl::append_member(json, "jti", *result.participant_id);
    impl::append_member(json, "resource", claims.stage_arn);
    impl::append_member(json, "topic", checked.topic);
    impl::append_member(json, "events_url", claims.events_url);
    impl::append_member(json, "whip_url", claims.whip_url);
    if (!claims.user_id.empty()) impl::append_member(json, "user_id", claims.user_id);
    if (!claims.attributes.empty()) {
        json += R"(,"attributes":{)";
        bool first = true;
        for (const auto& [key, value] : claims.attributes) {
            if (!first) json += ',';
            first = false;
            impl::append_quoted(json, key);
            json += ':';
            impl::append_quoted(json, value);
        }
        json += '}';
    }
    json += R"(,"capabilities":{"allow_publish":)";
    json += checked.allow_publish ? "true" : "false";
    json += R"(,"allow_subscribe":)";
    json += checked.allow_subscribe ? "true" : "false";
    json += R"(},"version":"1.0"})";

    std::string token;
    token.reserve(encoded_header_.size() + (json.size() + 2) / 3 * 4 + 1 +
                  (detail::es384_signature_size + 2) / 3 * 4);
    token += encoded_header_;
    detail::append_base64url(token, json);
    const detail::es384_signature signature = key_.sign(token);
    token += '.';
    detail::append_base64url(token, signature);

    result.token = std::move(token);
    if (!claims.user_id.empty()) result.user_id = claims.user_id;
    if (!claims.attributes.empty()) result.attributes = claims.attributes;
    result.duration = static_cast<std::int32_t>(claims.duration.count());
    result.capabilities = claims.capabilities;
    result.expiration_time = std::chrono::time_point_cast<std::chrono::milliseconds>(expires_at);
    return result;
}

}  // namespace ivsrt
