// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// The emulated service, without I/O: a request in (method, target, headers, body), a reply out.
// service.cpp authenticates and dispatches over the model, operations.cpp holds the handlers of
// the resources, participants.cpp the sessions, participants, tokens and control endpoints.

#include "emulator.hpp"

#include <ivsrt/detail/crypto.hpp>
#include <ivsrt/detail/jwt.hpp>
#include <ivsrt/model/all.hpp>
#include <ivsrt/pacing.hpp>
#include <ivsrt/sigv4.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace ivsrt::emulator::detail {

using time_point = std::chrono::system_clock::time_point;

// An error answered to the caller (thrown by the handlers).
struct api_error {
    unsigned status;
    std::string code;
    std::string message;
};

[[noreturn]] void throw_error(unsigned status, std::string_view code, std::string message);
[[noreturn]] void throw_validation(std::string message);
[[noreturn]] void throw_not_found(std::string_view what, std::string_view arn);
[[noreturn]] void throw_conflict(std::string message);

struct request_view {
    std::string_view method;
    std::string_view target;  // path and query, as on the wire
    std::span<const sigv4::header> headers;
    std::string_view body;
};

struct reply {
    unsigned status = 200;
    std::string body;
    std::string_view operation;  // the operation's name; empty outside the AWS API
    std::string error_code;      // x-amzn-ErrorType, empty on success
    std::vector<std::pair<std::string_view, std::string>> headers;  // besides the standard ones
};

// A participant of one session, and what happened to it.
struct participant_record {
    model::participant info{};
    std::vector<model::event> events{};
    bool can_publish = false;
    bool can_subscribe = false;
    std::string key_arn{};  // public key of the self-signed token it joined with, else empty
    std::set<std::string> subscriptions{};  // participant ids it subscribes to
};

struct session_record {
    std::string id{};
    model::timestamp start_time{};
    std::optional<model::timestamp> end_time{};
    std::vector<participant_record> participants{};  // in join order

    participant_record* find(std::string_view participant_id);
    std::size_t connected() const;
};

struct stage_record {
    model::stage stage{};
    std::vector<session_record> sessions{};  // oldest first; the last one may be active

    session_record* active();
    session_record* find_session(std::string_view session_id);
};

struct public_key_record {
    model::public_key key{};
    ivsrt::detail::es384_public_key pkey;
};

// The claims of a participant token, as the emulator issues them or checks them on a join.
struct token_claims {
    std::string participant_id{};
    std::string stage_arn{};
    std::optional<std::string> user_id{};
    std::map<std::string, std::string> attributes{};
    bool can_publish = true;
    bool can_subscribe = true;
    std::string key_arn{};  // the public key that signed it; empty for the emulator's own
    model::timestamp expiration_time{};
};

class service {
  public:
    explicit service(const options& opts);

    // An AWS API request (anything not under /_emulator/). Never throws.
    void handle_api(const request_view& request, reply& out);
    // A control endpoint (/_emulator/...). Never throws.
    void handle_control(const request_view& request, reply& out);
    // The operation a request is for ("" if none), for fault filters.
    std::string_view operation_of(std::string_view method, std::string_view target) const;
    // An error reply (for injected faults).
    void error_reply(unsigned status, std::string_view code, std::string message, reply& out);

    time_point now() const { return clock_ ? clock_() : std::chrono::system_clock::now(); }
    model::timestamp now_ms() const { return std::chrono::floor<std::chrono::milliseconds>(now()); }

    // The operation handlers, one per operation of the model (operations.cpp, participants.cpp).
#define IVSRT_EMULATOR_DECLARE(Name, snake) \
    void run(const model::snake##_request& request, model::snake##_result& result);
    IVSRT_MODEL_OPERATIONS(IVSRT_EMULATOR_DECLARE)
#undef IVSRT_EMULATOR_DECLARE

    // Helpers shared by the handler files.
    std::string make_id(std::size_t length);
    std::string make_arn(std::string_view kind, std::string_view id) const;
    std::string make_session_id();

    struct page {
        std::size_t begin = 0;
        std::size_t end = 0;
        std::optional<std::string> next_token;
    };
    // The slice of a list of `total` items that a request asks for: from its nextToken (issued
    // for list `kind` by this instance, else 400), at most max_results (default_size if unset).
    page paginate(std::string_view kind, const std::optional<std::string>& next_token,
                  std::optional<std::int32_t> max_results, std::int32_t default_size,
                  std::size_t total) const;

    stage_record& stage(std::string_view arn);
    session_record* find_session(std::string_view arn, std::string_view session_id);
    model::optional_map<std::string>* tags_of(std::string_view arn);

    // participants.cpp
    model::participant_token issue_token(const std::string& stage_arn,
                                         const model::participant_token_configuration& config);
    token_claims verify_token(std::string_view token);
    participant_record& join(const token_claims& claims, session_record*& session);
    // Disconnects a participant (its replicas and subscriptions end); the session ends with
    // its last connected participant.
    void leave(stage_record& stage, session_record& session, participant_record& participant);
    void add_event(participant_record& participant, model::event_name name);
    // A simulated RTMP(S) publisher connecting with (start) or disconnecting from an ingest
    // configuration's stream key. Returns the stage ARN, session and participant.
    std::tuple<std::string, session_record*, participant_record*> ingest(
        std::string_view stream_key, bool start);
    void reset();

    const options& opts;

    // State, by ARN.
    std::map<std::string, stage_record, std::less<>> stages;
    std::map<std::string, model::composition, std::less<>> compositions;
    std::map<std::string, model::encoder_configuration, std::less<>> encoder_configurations;
    std::map<std::string, model::storage_configuration, std::less<>> storage_configurations;
    std::map<std::string, model::ingest_configuration, std::less<>> ingest_configurations;
    std::map<std::string, public_key_record, std::less<>> public_keys;
    std::vector<model::participant_replica> replicas;
    std::map<std::string, std::string, std::less<>> composition_tokens;  // ARN -> idempotency token

  private:
    void authenticate(const request_view& request, std::string_view path,
                      std::span<const sigv4::query_param> query);
    void check_quota(std::string_view operation);

    std::function<time_point()> clock_;
    sigv4::signer signer_;
    std::mt19937_64 random_;
    std::string nonce_;  // ties pagination tokens to this instance
    std::map<std::string, std::unique_ptr<pacing_bucket>, std::less<>> quotas_;

    // The signature of the emulator's tokens: ES384 (96 bytes) or HS256 (32 bytes).
    struct signature {
        std::array<unsigned char, ivsrt::detail::es384_signature_size> bytes{};
        std::size_t size = 0;
        std::string_view view() const {
            return {reinterpret_cast<const char*>(bytes.data()), size};
        }
    };
    signature sign(std::string_view input) const;

    std::optional<ivsrt::detail::es384_private_key> token_key_;
    std::optional<ivsrt::detail::hmac_sha256_key> token_hmac_;
    std::string token_kid_;
    std::string token_header_;  // the tokens' JOSE header, base64url, and '.'
};

}  // namespace ivsrt::emulator::detail
