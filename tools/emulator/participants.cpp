// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.

// Participant tokens, simulated participants (the control endpoints), stage sessions,
// participant events and replication.

#include "list.hpp"
#include "service.hpp"

#include <ivsrt/detail/crypto.hpp>
#include <ivsrt/model_support/detail/escape.hpp>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <tuple>

namespace ivsrt::emulator::detail {

namespace json = boost::json;
using ivsrt::model::detail::append_quoted;

namespace {

std::int64_t unix_seconds(time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

[[noreturn]] void reject_token(std::string why) {
    throw_error(403, "AccessDeniedException", "participant token rejected: " + std::move(why));
}

const json::object* object_member(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v ? v->if_object() : nullptr;
}

std::optional<std::string> string_member(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (!v || !v->is_string()) return std::nullopt;
    return std::string(v->get_string());
}

}  // namespace

// ---- tokens ----------------------------------------------------------------------------------

service::signature service::sign(std::string_view input) const {
    signature out;
    if (token_key_) {
        const auto sig = token_key_->sign(input);
        out.size = sig.size();
        std::memcpy(out.bytes.data(), sig.data(), sig.size());
    } else {
        thread_local ivsrt::detail::sha256_context work;
        const auto mac = token_hmac_->mac(input, work);
        out.size = mac.size();
        std::memcpy(out.bytes.data(), mac.data(), mac.size());
    }
    return out;
}

model::participant_token service::issue_token(
    const std::string& stage_arn, const model::participant_token_configuration& config) {
    const model::stage_endpoints& endpoints = *stage(stage_arn).stage.endpoints;
    const std::int32_t duration = config.duration.value_or(720);
    const time_point now = this->now();
    const time_point expiry = now + std::chrono::minutes(duration);
    using capability = model::participant_token_capability;
    model::participant_token token{
        .participant_id = make_id(12),
        .user_id = config.user_id,
        .attributes = config.attributes,
        .duration = duration,
        .capabilities = config.capabilities,
        .expiration_time = std::chrono::floor<std::chrono::milliseconds>(expiry),
    };
    if (!token.capabilities) token.capabilities = {capability::publish, capability::subscribe};
    // The claims, written directly (this is the hot path of token issuance).
    auto allowed = [&](capability c) { return std::ranges::count(*token.capabilities, c) > 0; };
    std::string claims = "{\"exp\":" + std::to_string(unix_seconds(expiry));
    claims += ",\"iat\":" + std::to_string(unix_seconds(now));
    claims += ",\"jti\":";
    append_quoted(claims, *token.participant_id);
    claims += ",\"resource\":";
    append_quoted(claims, stage_arn);
    claims += ",\"topic\":";
    append_quoted(claims, std::string_view(stage_arn).substr(stage_arn.rfind('/') + 1));
    claims += ",\"events_url\":";
    append_quoted(claims, endpoints.events.value_or(""));
    claims += ",\"whip_url\":";
    append_quoted(claims, endpoints.whip.value_or(""));
    claims += ",\"capabilities\":{\"allow_publish\":";
    claims += allowed(capability::publish) ? "true" : "false";
    claims += ",\"allow_subscribe\":";
    claims += allowed(capability::subscribe) ? "true" : "false";
    claims += "},\"version\":\"1.0\"";
    if (config.user_id) {
        claims += ",\"user_id\":";
        append_quoted(claims, *config.user_id);
    }
    if (config.attributes) {
        claims += ",\"attributes\":{";
        for (const auto& [k, v] : *config.attributes) {
            if (claims.back() != '{') claims += ',';
            append_quoted(claims, k);
            claims += ':';
            append_quoted(claims, v);
        }
        claims += '}';
    }
    claims += '}';
    std::string text = token_header_;
    ivsrt::detail::append_base64url(text, claims);
    const signature sig = sign(text);
    text += '.';
    ivsrt::detail::append_base64url(text, sig.view());
    token.token = std::move(text);
    return token;
}

token_claims service::verify_token(std::string_view token) {
    const auto parts = ivsrt::detail::split_jwt(token);
    if (!parts) throw_validation("token: not a JWT (three base64url parts)");
    const auto header_text = ivsrt::detail::base64url_decode(parts->header);
    const auto claims_text = ivsrt::detail::base64url_decode(parts->claims);
    const auto signature = ivsrt::detail::base64url_decode(parts->signature);
    boost::system::error_code ec;
    json::value header, claims_value;
    if (header_text) header = json::parse(*header_text, ec);
    if (!ec && claims_text) claims_value = json::parse(*claims_text, ec);
    if (!header_text || !claims_text || !signature || ec || !header.is_object() ||
        !claims_value.is_object()) {
        throw_validation("token: not a JWT (three base64url parts, JSON header and claims)");
    }
    const json::object& claims = claims_value.get_object();
    const auto alg = string_member(header.get_object(), "alg");
    const auto kid = string_member(header.get_object(), "kid");
    if (!kid) reject_token("its header has no kid");
    const std::string_view input = parts->signing_input;
    const std::span<const unsigned char> signature_bytes(
        reinterpret_cast<const unsigned char*>(signature->data()), signature->size());
    token_claims out;
    if (*kid == token_kid_) {
        const bool valid =
            token_key_ ? alg == "ES384" && token_key_->public_key().verify(input, signature_bytes)
                       : alg == "HS256" &&
                             ivsrt::detail::equal_constant_time(sign(input).view(), *signature);
        if (!valid) reject_token("bad signature");
    } else {
        auto key = public_keys.find(*kid);
        if (key == public_keys.end()) reject_token("kid is not an imported public key: " + *kid);
        if (alg != "ES384") reject_token("alg must be ES384");
        if (!key->second.pkey.verify(input, signature_bytes)) {
            reject_token("bad signature for public key " + *kid);
        }
        out.key_arn = *kid;
    }
    const auto* exp = claims.if_contains("exp");
    if (!exp || !exp->is_number()) reject_token("claim exp is missing");
    const auto expiry =
        std::chrono::sys_seconds(std::chrono::seconds(exp->to_number<std::int64_t>()));
    if (expiry <= now()) reject_token("expired");
    out.expiration_time = expiry;
    const auto resource = string_member(claims, "resource");
    if (!resource) reject_token("claim resource (the stage ARN) is missing");
    out.stage_arn = *resource;
    out.participant_id = string_member(claims, "jti").value_or("");
    if (out.participant_id.empty()) out.participant_id = make_id(12);
    if (out.participant_id.size() > 64 || !std::ranges::all_of(out.participant_id, [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
        })) {
        reject_token("claim jti must be 1-64 characters of [a-zA-Z0-9-_]");
    }
    out.user_id = string_member(claims, "user_id");
    if (const auto* attributes = object_member(claims, "attributes")) {
        for (const auto& [k, v] : *attributes) {
            if (v.is_string()) out.attributes.emplace(k, v.get_string());
        }
    }
    const auto* caps = object_member(claims, "capabilities");
    auto flag = [&](std::string_view name) {
        const auto* v = caps ? caps->if_contains(name) : nullptr;
        return v && v->is_bool() && v->get_bool();
    };
    out.can_publish = flag("allow_publish");
    out.can_subscribe = flag("allow_subscribe");
    return out;
}

// ---- participants ----------------------------------------------------------------------------

void service::add_event(participant_record& participant, model::event_name name) {
    participant.events.push_back(
        {.name = name, .participant_id = participant.info.participant_id, .event_time = now_ms()});
}

participant_record& service::join(const token_claims& claims, session_record*& session) {
    stage_record& s = stage(claims.stage_arn);
    session = s.active();
    if (!session) {
        s.sessions.push_back({.id = make_session_id(), .start_time = now_ms()});
        session = &s.sessions.back();
        s.stage.active_session_id = session->id;
    }
    participant_record* p = session->find(claims.participant_id);
    if (p && p->info.state == model::participant_state::connected) {
        throw_conflict("participant " + claims.participant_id + " is already connected");
    }
    if (!p) {
        p = &session->participants.emplace_back();
        p->info =
            model::participant{.participant_id = claims.participant_id,
                               .user_id = claims.user_id,
                               .first_join_time = now_ms(),
                               .attributes = claims.attributes,
                               .recording_state = model::participant_recording_state::disabled,
                               .protocol = model::participant_protocol::whip,
                               .replication_type = model::replication_type::none};
    }
    p->info.state = model::participant_state::connected;
    p->info.published = false;
    p->can_publish = claims.can_publish;
    p->can_subscribe = claims.can_subscribe;
    p->key_arn = claims.key_arn;
    add_event(*p, model::event_name::joined);
    return *p;
}

void service::leave(stage_record& s, session_record& session, participant_record& p) {
    const std::string id = p.info.participant_id.value_or("");
    // Replicas of this participant end with it.
    for (auto& r : replicas) {
        if (r.source_stage_arn != s.stage.arn || r.participant_id != id ||
            r.source_session_id != session.id ||
            r.replication_state != model::replication_state::active) {
            continue;
        }
        r.replication_state = model::replication_state::stopped;
        auto dest = stages.find(r.destination_stage_arn);
        session_record* dest_session = dest == stages.end() ? nullptr : dest->second.active();
        participant_record* replica = dest_session ? dest_session->find(id) : nullptr;
        if (replica && replica->info.state == model::participant_state::connected) {
            leave(dest->second, *dest_session, *replica);
        }
        p.events.push_back({.name = model::event_name::replication_stopped,
                            .participant_id = id,
                            .event_time = now_ms(),
                            .destination_stage_arn = r.destination_stage_arn,
                            .destination_session_id = r.destination_session_id});
        p.info.replication_state = model::replication_state::stopped;
    }
    for (const auto& remote : p.subscriptions) {
        p.events.push_back({.name = model::event_name::subscribe_stopped,
                            .participant_id = id,
                            .event_time = now_ms(),
                            .remote_participant_id = remote});
    }
    p.subscriptions.clear();
    if (p.info.published.value_or(false)) {
        add_event(p, model::event_name::publish_stopped);
        p.info.published = false;
        for (auto& other : session.participants) {
            if (other.subscriptions.erase(id) > 0) {
                other.events.push_back({.name = model::event_name::subscribe_stopped,
                                        .participant_id = other.info.participant_id,
                                        .event_time = now_ms(),
                                        .remote_participant_id = id});
            }
        }
    }
    if (const auto& arn = p.info.ingest_configuration_arn) {
        auto ingest = ingest_configurations.find(*arn);
        if (ingest != ingest_configurations.end()) {
            ingest->second.state = model::ingest_configuration_state::inactive;
        }
    }
    add_event(p, model::event_name::left);
    p.info.state = model::participant_state::disconnected;
    if (session.connected() == 0) {
        session.end_time = now_ms();
        s.stage.active_session_id.reset();
    }
}

void service::reset() {
    stages.clear();
    compositions.clear();
    encoder_configurations.clear();
    storage_configurations.clear();
    ingest_configurations.clear();
    public_keys.clear();
    replicas.clear();
    composition_tokens.clear();
}

// ---- operations ------------------------------------------------------------------------------

void service::run(const model::create_participant_token_request& request,
                  model::create_participant_token_result& result) {
    result.participant_token =
        issue_token(request.stage_arn, {.duration = request.duration,
                                        .user_id = request.user_id,
                                        .attributes = request.attributes,
                                        .capabilities = request.capabilities});
}

namespace {

session_record& session_or_404(stage_record& s, std::string_view session_id) {
    session_record* session = s.find_session(session_id);
    if (!session) throw_not_found("stage session", std::string(session_id) + " of " + s.stage.arn);
    return *session;
}

participant_record& participant_or_404(session_record& session, std::string_view id) {
    participant_record* p = session.find(id);
    if (!p) throw_not_found("participant", std::string(id) + " in session " + session.id);
    return *p;
}

// The connected participant `id` of the stage's active session.
std::pair<session_record*, participant_record*> connected_participant(stage_record& s,
                                                                      std::string_view id) {
    session_record* session = s.active();
    participant_record* p = session ? session->find(id) : nullptr;
    if (!p || p->info.state != model::participant_state::connected) {
        throw_not_found("connected participant", std::string(id) + " of " + s.stage.arn);
    }
    return {session, p};
}

}  // namespace

void service::run(const model::disconnect_participant_request& request,
                  model::disconnect_participant_result&) {
    stage_record& s = stage(request.stage_arn);
    auto [session, p] = connected_participant(s, request.participant_id);
    leave(s, *session, *p);
}

void service::run(const model::get_stage_session_request& request,
                  model::get_stage_session_result& result) {
    const session_record& session = session_or_404(stage(request.stage_arn), request.session_id);
    result.stage_session = model::stage_session{
        .session_id = session.id, .start_time = session.start_time, .end_time = session.end_time};
}

void service::run(const model::list_stage_sessions_request& request,
                  model::list_stage_sessions_result& result) {
    stage_record& s = stage(request.stage_arn);
    std::vector<const session_record*> items;  // newest first
    for (auto it = s.sessions.rbegin(); it != s.sessions.rend(); ++it) items.push_back(&*it);
    result.next_token =
        fill_page(*this, "stage-sessions:" + s.stage.arn, request, 50, items, result.stage_sessions,
                  [](const session_record& r) {
                      return model::stage_session_summary{
                          .session_id = r.id, .start_time = r.start_time, .end_time = r.end_time};
                  });
}

void service::run(const model::get_participant_request& request,
                  model::get_participant_result& result) {
    session_record& session = session_or_404(stage(request.stage_arn), request.session_id);
    result.participant = participant_or_404(session, request.participant_id).info;
}

// The session `session_id` of the stage `arn`, or null when either does not exist. The list
// operations answer an empty list then: the model declares no not-found error for them.
session_record* service::find_session(std::string_view arn, std::string_view session_id) {
    const auto it = stages.find(arn);
    return it == stages.end() ? nullptr : it->second.find_session(session_id);
}

void service::run(const model::list_participants_request& request,
                  model::list_participants_result& result) {
    session_record* session = find_session(request.stage_arn, request.session_id);
    static const std::vector<participant_record> none;
    std::vector<const participant_record*> items;
    for (const auto& p : session ? session->participants : none) {
        const auto& i = p.info;
        if (request.filter_by_user_id && i.user_id != request.filter_by_user_id) continue;
        if (request.filter_by_published &&
            i.published.value_or(false) != *request.filter_by_published) {
            continue;
        }
        if (request.filter_by_state && i.state != request.filter_by_state) continue;
        if (request.filter_by_recording_state &&
            (!i.recording_state ||
             i.recording_state->to_string() != request.filter_by_recording_state->to_string())) {
            continue;
        }
        items.push_back(&p);
    }
    result.next_token = fill_page(*this, "participants:" + request.session_id, request, 50, items,
                                  result.participants, [](const participant_record& r) {
                                      const auto& i = r.info;
                                      return model::participant_summary{
                                          .participant_id = i.participant_id,
                                          .user_id = i.user_id,
                                          .state = i.state,
                                          .first_join_time = i.first_join_time,
                                          .published = i.published,
                                          .recording_state = i.recording_state,
                                          .replication_type = i.replication_type,
                                          .replication_state = i.replication_state,
                                          .source_stage_arn = i.source_stage_arn,
                                          .source_session_id = i.source_session_id,
                                          .redundant_ingest = i.redundant_ingest,
                                          .ingest_configuration_arn = i.ingest_configuration_arn};
                                  });
}

void service::run(const model::list_participant_events_request& request,
                  model::list_participant_events_result& result) {
    session_record* session = find_session(request.stage_arn, request.session_id);
    const participant_record* p = session ? session->find(request.participant_id) : nullptr;
    std::vector<const model::event*> items;
    if (p) {
        for (const auto& e : p->events) items.push_back(&e);
    }
    result.next_token =
        fill_page(*this, "events:" + request.session_id + ":" + request.participant_id, request, 50,
                  items, result.events, [](const model::event& e) { return e; });
}

// ---- replication -----------------------------------------------------------------------------

namespace {

void set_security_headers(auto& result) {
    result.access_control_allow_origin = "*";
    result.access_control_expose_headers = "Access-Control-Allow-Origin";
    result.cache_control = "no-store";
    result.content_security_policy = "default-src 'self'";
    result.strict_transport_security = "max-age=47304000; includeSubDomains";
    result.x_content_type_options = "nosniff";
    result.x_frame_options = "DENY";
}

}  // namespace

void service::run(const model::start_participant_replication_request& request,
                  model::start_participant_replication_result& result) {
    if (request.source_stage_arn == request.destination_stage_arn) {
        throw_validation(
            "start_participant_replication: the source and destination stages are the same");
    }
    stage_record& source = stage(request.source_stage_arn);
    stage(request.destination_stage_arn);
    auto [session, p] = connected_participant(source, request.participant_id);
    for (const auto& r : replicas) {
        if (r.source_stage_arn == request.source_stage_arn &&
            r.destination_stage_arn == request.destination_stage_arn &&
            r.participant_id == request.participant_id &&
            r.replication_state == model::replication_state::active) {
            throw_conflict("participant " + request.participant_id + " is already replicated to " +
                           request.destination_stage_arn);
        }
    }
    token_claims claims{
        .participant_id = request.participant_id,
        .stage_arn = request.destination_stage_arn,
        .user_id = p->info.user_id,
        .attributes = p->info.attributes.value_or(std::map<std::string, std::string>{}),
        .can_publish = p->can_publish,
        .can_subscribe = false};
    if (request.attributes) {
        for (const auto& [k, v] : *request.attributes) claims.attributes.insert_or_assign(k, v);
    }
    session_record* dest_session = nullptr;
    participant_record& replica = join(claims, dest_session);
    const std::string source_session_id = session->id;
    replica.info.replication_type = model::replication_type::replica;
    replica.info.replication_state = model::replication_state::active;
    replica.info.source_stage_arn = request.source_stage_arn;
    replica.info.source_session_id = source_session_id;
    replica.info.published = p->info.published;
    // `p` may have moved if both stages share storage; look it up again.
    participant_record& original = *connected_participant(source, request.participant_id).second;
    original.info.replication_type = model::replication_type::source;
    original.info.replication_state = model::replication_state::active;
    original.events.push_back({.name = model::event_name::replication_started,
                               .participant_id = request.participant_id,
                               .event_time = now_ms(),
                               .destination_stage_arn = request.destination_stage_arn,
                               .destination_session_id = dest_session->id});
    replicas.push_back({.source_stage_arn = request.source_stage_arn,
                        .participant_id = request.participant_id,
                        .source_session_id = source_session_id,
                        .destination_stage_arn = request.destination_stage_arn,
                        .destination_session_id = dest_session->id,
                        .replication_state = model::replication_state::active});
    set_security_headers(result);
}

void service::run(const model::stop_participant_replication_request& request,
                  model::stop_participant_replication_result& result) {
    stage(request.source_stage_arn);
    stage_record& dest = stage(request.destination_stage_arn);
    auto it = std::ranges::find_if(replicas, [&](const model::participant_replica& r) {
        return r.source_stage_arn == request.source_stage_arn &&
               r.destination_stage_arn == request.destination_stage_arn &&
               r.participant_id == request.participant_id &&
               r.replication_state == model::replication_state::active;
    });
    if (it == replicas.end()) {
        throw_not_found("active replication",
                        request.participant_id + " to " + request.destination_stage_arn);
    }
    it->replication_state = model::replication_state::stopped;
    if (session_record* session = dest.active()) {
        participant_record* replica = session->find(request.participant_id);
        if (replica && replica->info.state == model::participant_state::connected) {
            leave(dest, *session, *replica);
        }
    }
    stage_record& source = stage(request.source_stage_arn);
    if (session_record* session = source.active()) {
        if (participant_record* p = session->find(request.participant_id)) {
            p->events.push_back({.name = model::event_name::replication_stopped,
                                 .participant_id = request.participant_id,
                                 .event_time = now_ms(),
                                 .destination_stage_arn = request.destination_stage_arn,
                                 .destination_session_id = it->destination_session_id});
            p->info.replication_state = model::replication_state::stopped;
        }
    }
    set_security_headers(result);
}

void service::run(const model::list_participant_replicas_request& request,
                  model::list_participant_replicas_result& result) {
    std::vector<const model::participant_replica*> items;
    for (const auto& r : replicas) {
        if (r.source_stage_arn == request.source_stage_arn &&
            r.participant_id == request.participant_id) {
            items.push_back(&r);
        }
    }
    result.next_token = fill_page(
        *this, "replicas:" + request.source_stage_arn + ":" + request.participant_id, request, 50,
        items, result.replicas, [](const model::participant_replica& r) { return r; });
}

// ---- ingest ----------------------------------------------------------------------------------

std::tuple<std::string, session_record*, participant_record*> service::ingest(
    std::string_view stream_key, bool start) {
    auto it = std::ranges::find_if(ingest_configurations, [&](const auto& entry) {
        return ivsrt::detail::equal_constant_time(entry.second.stream_key, stream_key);
    });
    if (it == ingest_configurations.end()) {
        throw_error(403, "AccessDeniedException", "no ingest configuration has this stream key");
    }
    model::ingest_configuration& c = it->second;
    if (c.stage_arn.empty()) {
        throw_conflict("ingest configuration " + c.arn + " is not attached to a stage");
    }
    stage_record& s = stage(c.stage_arn);
    const bool active = c.state == model::ingest_configuration_state::active;
    if (!start) {
        if (!active) throw_conflict("ingest configuration " + c.arn + " is not active");
        auto [session, p] = connected_participant(s, c.participant_id);
        leave(s, *session, *p);  // makes the configuration inactive
        return {c.stage_arn, session, p};
    }
    if (active) throw_conflict("ingest configuration " + c.arn + " is already active");
    session_record* session = nullptr;
    participant_record& p =
        join({.participant_id = c.participant_id,
              .stage_arn = c.stage_arn,
              .user_id = c.user_id,
              .attributes = c.attributes.value_or(std::map<std::string, std::string>{}),
              .can_publish = true,
              .can_subscribe = false},
             session);
    p.info.protocol = c.ingest_protocol == model::ingest_protocol::rtmp
                          ? model::participant_protocol::rtmp
                          : model::participant_protocol::rtmps;
    p.info.ingest_configuration_arn = c.arn;
    p.info.redundant_ingest = c.redundant_ingest;
    p.info.published = true;
    add_event(p, model::event_name::publish_started);
    c.state = model::ingest_configuration_state::active;
    return {c.stage_arn, session, &p};
}

// ---- control endpoints -----------------------------------------------------------------------

void service::handle_control(const request_view& request, reply& out) {
    try {
        std::string_view action = request.target.substr(0, request.target.find('?'));
        action.remove_prefix(std::string_view("/_emulator/").size());
        if (request.method != "POST") {
            throw_error(405, "MethodNotAllowedException", "control endpoints take POST");
        }
        boost::system::error_code ec;
        const json::value body =
            json::parse(request.body.empty() ? std::string_view("{}") : request.body, ec);
        if (ec || !body.is_object()) {
            throw_error(400, "SerializationException", "the body must be a JSON object");
        }
        const json::object& args = body.get_object();
        auto required = [&](std::string_view key) {
            auto value = string_member(args, key);
            if (!value || value->empty()) throw_validation(std::string(key) + ": required string");
            return *value;
        };
        auto respond = [&](const std::string& stage_arn, const session_record& session,
                           const participant_record& p) {
            out.body = R"({"stageArn":)";
            append_quoted(out.body, stage_arn);
            out.body += R"(,"sessionId":")" + session.id + R"(","participant":)";
            model::to_json(p.info, out.body);
            out.body += '}';
        };
        constexpr std::string_view actions[] = {"reset",     "join",         "publish",
                                                "unpublish", "subscribe",    "unsubscribe",
                                                "leave",     "ingest-start", "ingest-stop"};
        if (std::ranges::find(actions, action) == std::end(actions)) {
            throw_error(404, "UnknownOperationException",
                        "no control endpoint /_emulator/" + std::string(action));
        }
        if (action == "reset") {
            reset();
            out.body = "{}";
            return;
        }
        if (action == "join") {
            const token_claims claims = verify_token(required("token"));
            session_record* session = nullptr;
            const participant_record& p = join(claims, session);
            respond(claims.stage_arn, *session, p);
            return;
        }
        if (action == "ingest-start" || action == "ingest-stop") {
            auto [stage_arn, session, p] = ingest(required("streamKey"), action == "ingest-start");
            respond(stage_arn, *session, *p);
            return;
        }
        const std::string stage_arn = required("stageArn");
        stage_record& s = stage(stage_arn);
        session_record* session = nullptr;
        participant_record* p = nullptr;
        std::tie(session, p) = connected_participant(s, required("participantId"));
        auto fail_with_event = [&](model::event_name name, model::event_error_code code,
                                   unsigned status, std::string_view error, std::string message) {
            p->events.push_back({.name = name,
                                 .participant_id = p->info.participant_id,
                                 .event_time = now_ms(),
                                 .error_code = code});
            throw_error(status, error, std::move(message));
        };
        if (action == "publish") {
            if (!p->can_publish) {
                fail_with_event(model::event_name::publish_error,
                                model::event_error_code::insufficient_capabilities, 403,
                                "AccessDeniedException", "the token does not allow publishing");
            }
            if (!p->info.published.value_or(false)) {
                p->info.published = true;
                add_event(*p, model::event_name::publish_started);
            }
        } else if (action == "unpublish") {
            if (p->info.published.value_or(false)) {
                p->info.published = false;
                add_event(*p, model::event_name::publish_stopped);
            }
        } else if (action == "subscribe" || action == "unsubscribe") {
            const std::string remote = required("remoteParticipantId");
            if (action == "subscribe") {
                if (!p->can_subscribe) {
                    fail_with_event(model::event_name::subscribe_error,
                                    model::event_error_code::insufficient_capabilities, 403,
                                    "AccessDeniedException",
                                    "the token does not allow subscribing");
                }
                const participant_record* publisher = session->find(remote);
                if (!publisher || publisher->info.state != model::participant_state::connected ||
                    !publisher->info.published.value_or(false)) {
                    fail_with_event(model::event_name::subscribe_error,
                                    model::event_error_code::publisher_not_found, 404,
                                    "ResourceNotFoundException",
                                    "no connected publisher " + remote + " in the session");
                }
            }
            const bool changed = action == "subscribe" ? p->subscriptions.insert(remote).second
                                                       : p->subscriptions.erase(remote) > 0;
            if (changed) {
                p->events.push_back({.name = action == "subscribe"
                                                 ? model::event_name::subscribe_started
                                                 : model::event_name::subscribe_stopped,
                                     .participant_id = p->info.participant_id,
                                     .event_time = now_ms(),
                                     .remote_participant_id = remote});
            }
        } else {  // leave
            leave(s, *session, *p);
        }
        respond(stage_arn, *session, *p);
    } catch (const api_error& e) {
        error_reply(e.status, e.code, e.message, out);
    } catch (const std::exception& e) {
        error_reply(500, "InternalServerException", e.what(), out);
    }
}

}  // namespace ivsrt::emulator::detail
