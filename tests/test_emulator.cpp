// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
// The emulator's API: resources, validation, errors, pagination, tags, tokens, participants.
// Expected values come from the IVS model and API reference, not from the emulator.
#define BOOST_TEST_MODULE test_emulator
#include <boost/test/unit_test.hpp>

#include "common/emulator_client.hpp"

#include <ivsrt/detail/jwt.hpp>
#include <ivsrt/participant_token.hpp>

#include <boost/json/serialize.hpp>

#include <regex>
#include <set>

using namespace ivsrt::test;

namespace {

std::string s(const json::value& v) {
    return std::string(v.as_string());
}
std::string body(const json::object& o) {
    return json::serialize(o);
}

// Percent-encodes an ARN for the tag trio's path, as on the wire (':' %3A, '/' %2F).
std::string encode_arn(std::string_view arn) {
    std::string out;
    for (char c : arn) {
        if (c == ':') {
            out += "%3A";
        } else if (c == '/') {
            out += "%2F";
        } else {
            out += c;
        }
    }
    return out;
}

bool matches(const std::string& text, const char* pattern) {
    return std::regex_match(text, std::regex(pattern));
}

json::object create_stage(client& c, json::object request = {}) {
    return c.ok("CreateStage", body(request)).at("stage").as_object();
}

std::string token_for(client& c, const std::string& stage_arn, json::object extra = {}) {
    extra["stageArn"] = stage_arn;
    return s(c.ok("CreateParticipantToken", body(extra)).at("participantToken").at("token"));
}

json::object join(client& c, const std::string& token) {
    const response r = c.control("join", body({{"token", token}}));
    BOOST_TEST_REQUIRE(r.status == 200u, r.body);
    return r.json().as_object();
}

std::vector<std::string> event_names(client& c, const std::string& stage,
                                     const std::string& session, const std::string& participant) {
    const auto events =
        c.ok("ListParticipantEvents",
             body({{"stageArn", stage}, {"sessionId", session}, {"participantId", participant}}))
            .at("events")
            .as_array();
    std::vector<std::string> names;
    for (const auto& e : events) names.push_back(s(e.at("name")));
    return names;
}

}  // namespace

BOOST_AUTO_TEST_CASE(create_get_update_delete_stage) {
    running_emulator emu;
    client c(emu);
    const response created = c.call("CreateStage", R"({"name":"show","tags":{"team":"a"}})");
    BOOST_TEST(created.status == 200u);
    // x-amzn-RequestId on every response, uuid-like; Date is the emulator's clock (RFC 7231).
    BOOST_TEST(matches(created.header("x-amzn-RequestId"),
                       "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
    BOOST_TEST(created.header("Date") == "Fri, 02 Jan 2026 03:04:05 GMT");
    const json::object stage = created.json().at("stage").as_object();
    const std::string arn = s(stage.at("arn"));
    BOOST_TEST(matches(arn, "arn:aws:ivs:us-east-1:123456789012:stage/[a-zA-Z0-9]{12}"));
    BOOST_TEST(s(stage.at("name")) == "show");
    BOOST_TEST(s(stage.at("tags").at("team")) == "a");
    const auto& endpoints = stage.at("endpoints").as_object();
    BOOST_TEST(s(endpoints.at("events")).starts_with("wss://"));
    BOOST_TEST(s(endpoints.at("whip")).starts_with("https://"));
    BOOST_TEST(s(endpoints.at("rtmp")).starts_with("rtmp://"));
    BOOST_TEST(s(endpoints.at("rtmps")).starts_with("rtmps://"));
    BOOST_TEST(!stage.contains("activeSessionId"));

    BOOST_TEST(c.ok("GetStage", body({{"arn", arn}})).at("stage").as_object() == stage);
    const auto updated = c.ok("UpdateStage", body({{"arn", arn}, {"name", "renamed"}}));
    BOOST_TEST(s(updated.at("stage").at("name")) == "renamed");
    BOOST_TEST(c.call("DeleteStage", body({{"arn", arn}})).status == 200u);
    const response gone = c.call("GetStage", body({{"arn", arn}}));
    BOOST_TEST(gone.status == 404u);
    BOOST_TEST(gone.error_type() == "ResourceNotFoundException");
    BOOST_TEST(gone.message().find(arn) != std::string::npos);
    BOOST_TEST(gone.json().as_object().contains("exceptionMessage"));
}

BOOST_AUTO_TEST_CASE(validation_and_decoding_errors) {
    running_emulator emu;
    client c(emu);
    const std::string arn = s(create_stage(c).at("arn"));
    // duration is 1-20160 in the model.
    response r = c.call("CreateParticipantToken", body({{"stageArn", arn}, {"duration", 0}}));
    BOOST_TEST(r.status == 400u);
    BOOST_TEST(r.error_type() == "ValidationException");
    BOOST_TEST(r.message().find("duration") != std::string::npos);
    // stageArn is required.
    r = c.call("CreateParticipantToken", "{}");
    BOOST_TEST(r.status == 400u);
    BOOST_TEST(r.error_type() == "ValidationException");
    BOOST_TEST(r.message().find("stageArn") != std::string::npos);
    // A stage ARN must match arn:aws:ivs:<region>:<account>:stage/<id>.
    r = c.call("GetStage", body({{"arn", "arn:aws:ivs:us-east-1:123456789012:channel/x"}}));
    BOOST_TEST(r.error_type() == "ValidationException");
    // Not JSON; a member of the wrong type.
    r = c.call("CreateStage", "{not json");
    BOOST_TEST(r.status == 400u);
    BOOST_TEST(r.error_type() == "SerializationException");
    r = c.call("CreateStage", R"({"name": 5})");
    BOOST_TEST(r.status == 400u);
    BOOST_TEST(r.error_type() == "SerializationException");
    // No such operation.
    r = c.call("CreateChannel", "{}");
    BOOST_TEST(r.status == 404u);
    BOOST_TEST(r.error_type() == "UnknownOperationException");
    // A known path with the wrong method.
    call_options get;
    get.method = "GET";
    r = c.send("/CreateStage", "", get);
    BOOST_TEST(r.error_type() == "UnknownOperationException");
}

BOOST_AUTO_TEST_CASE(participant_token_claims) {
    running_emulator emu;
    client c(emu);
    const json::object stage = create_stage(c);
    const std::string arn = s(stage.at("arn"));
    const auto token = c.ok("CreateParticipantToken", body({{"stageArn", arn},
                                                            {"userId", "u1"},
                                                            {"attributes", {{"seat", "3"}}},
                                                            {"capabilities", {"SUBSCRIBE"}}}))
                           .at("participantToken")
                           .as_object();
    // Default duration: 720 minutes, so 2026-01-02T03:04:05Z + 12 h.
    BOOST_TEST(token.at("duration").as_int64() == 720);
    BOOST_TEST(s(token.at("expirationTime")) == "2026-01-02T15:04:05Z");
    BOOST_TEST(s(token.at("userId")) == "u1");
    const std::string participant_id = s(token.at("participantId"));
    BOOST_TEST(matches(participant_id, "[a-zA-Z0-9]{12}"));

    const std::string jwt = s(token.at("token"));
    const auto parts = ivsrt::detail::split_jwt(jwt);
    BOOST_TEST_REQUIRE(parts.has_value());
    const auto header = json::parse(*ivsrt::detail::base64url_decode(parts->header)).as_object();
    BOOST_TEST(s(header.at("alg")) == "ES384");
    BOOST_TEST(s(header.at("typ")) == "JWT");
    BOOST_TEST(ivsrt::detail::base64url_decode(parts->signature)->size() == 96u);
    const auto claims = json::parse(*ivsrt::detail::base64url_decode(parts->claims)).as_object();
    const std::int64_t iat = 1767323045;  // date -u -d 2026-01-02T03:04:05Z +%s
    BOOST_TEST(claims.at("iat").as_int64() == iat);
    BOOST_TEST(claims.at("exp").as_int64() == iat + 720 * 60);
    BOOST_TEST(s(claims.at("jti")) == participant_id);
    BOOST_TEST(s(claims.at("resource")) == arn);
    BOOST_TEST(s(claims.at("topic")) == arn.substr(arn.rfind('/') + 1));
    BOOST_TEST(s(claims.at("events_url")) == s(stage.at("endpoints").at("events")));
    BOOST_TEST(s(claims.at("whip_url")) == s(stage.at("endpoints").at("whip")));
    BOOST_TEST(s(claims.at("user_id")) == "u1");
    BOOST_TEST(s(claims.at("attributes").at("seat")) == "3");
    BOOST_TEST(claims.at("capabilities").at("allow_publish").as_bool() == false);
    BOOST_TEST(claims.at("capabilities").at("allow_subscribe").as_bool() == true);
    BOOST_TEST(s(claims.at("version")) == "1.0");

    // CreateStage's participantTokenConfigurations give one token each.
    const auto created = c.ok("CreateStage", R"({"participantTokenConfigurations":
        [{"userId":"a","duration":60},{"userId":"b"}]})");
    const auto& tokens = created.at("participantTokens").as_array();
    BOOST_TEST_REQUIRE(tokens.size() == 2u);
    BOOST_TEST(s(tokens[0].at("expirationTime")) == "2026-01-02T04:04:05Z");
    BOOST_TEST(s(tokens[1].at("userId")) == "b");

    const response missing =
        c.call("CreateParticipantToken",
               body({{"stageArn", "arn:aws:ivs:us-east-1:123456789012:stage/abcdABCDefgh"}}));
    BOOST_TEST(missing.status == 404u);
    BOOST_TEST(missing.error_type() == "ResourceNotFoundException");
}

BOOST_AUTO_TEST_CASE(pagination) {
    running_emulator emu;
    client c(emu);
    std::set<std::string> created;
    for (int i = 0; i < 5; ++i) created.insert(s(create_stage(c).at("arn")));

    std::set<std::string> seen;
    std::vector<std::size_t> sizes;
    std::optional<std::string> token;
    std::string first_token;
    do {
        json::object request{{"maxResults", 2}};
        if (token) request["nextToken"] = *token;
        const auto page = c.ok("ListStages", body(request));
        sizes.push_back(page.at("stages").as_array().size());
        for (const auto& st : page.at("stages").as_array()) seen.insert(s(st.at("arn")));
        token.reset();
        if (page.contains("nextToken")) token = s(page.at("nextToken"));
        if (token && first_token.empty()) first_token = *token;
        BOOST_TEST_REQUIRE(sizes.size() <= 3u);
    } while (token);
    BOOST_TEST((sizes == std::vector<std::size_t>{2, 2, 1}));
    BOOST_TEST((seen == created));
    // Without maxResults, the model's default (50) covers all five in one page.
    const auto all = c.ok("ListStages", "{}");
    BOOST_TEST(all.at("stages").as_array().size() == 5u);
    BOOST_TEST(!all.contains("nextToken"));

    // A token that is not one, one from another list, one from another emulator.
    response r = c.call("ListStages", body({{"nextToken", "garbage"}}));
    BOOST_TEST(r.status == 400u);
    BOOST_TEST(r.error_type() == "ValidationException");
    BOOST_TEST(r.message() == "invalid nextToken");
    r = c.call("ListStorageConfigurations", body({{"nextToken", first_token}}));
    BOOST_TEST(r.message() == "invalid nextToken");
    running_emulator other;
    client c2(other);
    create_stage(c2);
    r = c2.call("ListStages", body({{"nextToken", first_token}}));
    BOOST_TEST(r.message() == "invalid nextToken");
    // maxResults is 1-100 for ListStages.
    BOOST_TEST(c.call("ListStages", body({{"maxResults", 0}})).error_type() ==
               "ValidationException");
    BOOST_TEST(c.call("ListStages", body({{"maxResults", 101}})).error_type() ==
               "ValidationException");
}

BOOST_AUTO_TEST_CASE(tags_with_the_arn_in_the_path) {
    running_emulator emu;
    client c(emu);
    const std::string arn = s(create_stage(c, {{"tags", {{"a", "1"}}}}).at("arn"));
    const std::string path = "/tags/" + encode_arn(arn);
    BOOST_TEST(c.send(path, R"({"tags":{"b":"2","c":"3"}})").status == 200u);
    call_options get;
    get.method = "GET";
    response r = c.send(path, "", get);
    BOOST_TEST(r.status == 200u);
    BOOST_TEST((r.json() == json::parse(R"({"tags":{"a":"1","b":"2","c":"3"}})")));
    call_options del;
    del.method = "DELETE";
    del.query_params = {{"tagKeys", "a"}, {"tagKeys", "c"}};
    BOOST_TEST(c.send(path, "", del).status == 200u);
    r = c.send(path, "", get);
    BOOST_TEST((r.json() == json::parse(R"({"tags":{"b":"2"}})")));
    BOOST_TEST((c.ok("GetStage", body({{"arn", arn}})).at("stage").at("tags") ==
                json::parse(R"({"b":"2"})")));

    // Other resources are taggable too; an unknown ARN is 404.
    const std::string storage =
        s(c.ok("CreateStorageConfiguration", R"({"s3":{"bucketName":"my-bucket"}})")
              .at("storageConfiguration")
              .at("arn"));
    BOOST_TEST(c.send("/tags/" + encode_arn(storage), R"({"tags":{"x":"y"}})").status == 200u);
    BOOST_TEST((c.send("/tags/" + encode_arn(storage), "", get).json() ==
                json::parse(R"({"tags":{"x":"y"}})")));
    r = c.send("/tags/" + encode_arn("arn:aws:ivs:us-east-1:123456789012:stage/nope"), "", get);
    BOOST_TEST(r.status == 404u);
    BOOST_TEST(r.error_type() == "ResourceNotFoundException");
}

// Found by tests/fuzz/fuzz_emulator_request: error messages quote the request's path, which may
// hold bytes that are not UTF-8; the error body stayed JSON only for lenient parsers.
BOOST_AUTO_TEST_CASE(error_bodies_are_utf8_whatever_the_path_holds) {
    running_emulator emu;
    client c(emu);
    // An unknown operation, with a raw byte 0xFF and a truncated "é" in the path.
    response r = c.send("/CreateStage\xFF\xC3", "{}");
    BOOST_TEST(r.status == 404u);
    BOOST_TEST(r.error_type() == "UnknownOperationException");
    BOOST_TEST(r.message() == "No operation matches POST /CreateStage\uFFFD\uFFFD");
    // An ARN label decoded to a lone continuation byte, an overlong '/' and a surrogate: not
    // UTF-8, so the request fails validation, and the message names the byte, not the value.
    call_options get;
    get.method = "GET";
    r = c.send("/tags/arn%80%C0%AF%ED%A0%80", "", get);
    BOOST_TEST(r.status == 400u);
    BOOST_TEST(r.error_type() == "ValidationException");
    BOOST_TEST(r.message() == "list_tags_for_resource.resource_arn: is not valid UTF-8 (byte 3)");
    // Well-formed UTF-8 is kept as it is.
    r = c.send("/tags/arn%C3%A9%F0%9F%8E%A5", "", get);
    BOOST_TEST(r.message().ends_with("arn\u00E9\U0001F3A5"), r.message());
}

BOOST_AUTO_TEST_CASE(participants_sessions_and_events) {
    running_emulator emu;
    client c(emu);
    const std::string arn = s(create_stage(c).at("arn"));
    const json::object joined = join(c, token_for(c, arn, {{"userId", "alice"}}));
    const std::string session = s(joined.at("sessionId"));
    BOOST_TEST(matches(session, "st-[a-zA-Z0-9]{13}"));
    const std::string alice = s(joined.at("participant").at("participantId"));
    BOOST_TEST(s(c.ok("GetStage", body({{"arn", arn}})).at("stage").at("activeSessionId")) ==
               session);
    emu.advance(std::chrono::seconds(1));

    // A viewer that may only subscribe.
    const json::object viewer_joined =
        join(c, token_for(c, arn, {{"userId", "bob"}, {"capabilities", {"SUBSCRIBE"}}}));
    BOOST_TEST(s(viewer_joined.at("sessionId")) == session);
    const std::string bob = s(viewer_joined.at("participant").at("participantId"));

    BOOST_TEST(c.control("publish", body({{"stageArn", arn}, {"participantId", alice}})).status ==
               200u);
    response r = c.control(
        "subscribe",
        body({{"stageArn", arn}, {"participantId", bob}, {"remoteParticipantId", alice}}));
    BOOST_TEST(r.status == 200u);
    r = c.control("publish", body({{"stageArn", arn}, {"participantId", bob}}));
    BOOST_TEST(r.status == 403u);
    BOOST_TEST(r.error_type() == "AccessDeniedException");

    const auto participant =
        c.ok("GetParticipant",
             body({{"stageArn", arn}, {"sessionId", session}, {"participantId", alice}}))
            .at("participant")
            .as_object();
    BOOST_TEST(s(participant.at("state")) == "CONNECTED");
    BOOST_TEST(participant.at("published").as_bool());
    BOOST_TEST(s(participant.at("userId")) == "alice");
    BOOST_TEST(s(participant.at("firstJoinTime")) == "2026-01-02T03:04:05Z");
    auto listed = c.ok("ListParticipants", body({{"stageArn", arn}, {"sessionId", session}}));
    BOOST_TEST(listed.at("participants").as_array().size() == 2u);
    listed = c.ok("ListParticipants",
                  body({{"stageArn", arn}, {"sessionId", session}, {"filterByPublished", true}}));
    BOOST_TEST(listed.at("participants").as_array().size() == 1u);

    // Alice leaves: her publication ends, and with it Bob's subscription.
    BOOST_TEST(c.control("leave", body({{"stageArn", arn}, {"participantId", alice}})).status ==
               200u);
    BOOST_TEST((event_names(c, arn, session, alice) ==
                std::vector<std::string>{"JOINED", "PUBLISH_STARTED", "PUBLISH_STOPPED", "LEFT"}));
    BOOST_TEST((event_names(c, arn, session, bob) ==
                std::vector<std::string>{"JOINED", "SUBSCRIBE_STARTED", "PUBLISH_ERROR",
                                         "SUBSCRIBE_STOPPED"}));
    // The last one is disconnected by the API: the session ends.
    emu.advance(std::chrono::seconds(9));
    BOOST_TEST(c.call("DisconnectParticipant",
                      body({{"stageArn", arn}, {"participantId", bob}, {"reason", "done"}}))
                   .status == 200u);
    const auto ended = c.ok("GetStageSession", body({{"stageArn", arn}, {"sessionId", session}}))
                           .at("stageSession");
    BOOST_TEST(s(ended.at("startTime")) == "2026-01-02T03:04:05Z");
    BOOST_TEST(s(ended.at("endTime")) == "2026-01-02T03:04:15Z");
    BOOST_TEST(!c.ok("GetStage", body({{"arn", arn}}))
                    .at("stage")
                    .as_object()
                    .contains("activeSessionId"));
    const auto sessions = c.ok("ListStageSessions", body({{"stageArn", arn}})).at("stageSessions");
    BOOST_TEST(sessions.as_array().size() == 1u);
    r = c.call("DisconnectParticipant", body({{"stageArn", arn}, {"participantId", bob}}));
    BOOST_TEST(r.status == 404u);
    // A new join starts a second session.
    const json::object again = join(c, token_for(c, arn));
    BOOST_TEST(s(again.at("sessionId")) != session);
    // A stage with an active session cannot be deleted.
    r = c.call("DeleteStage", body({{"arn", arn}}));
    BOOST_TEST(r.status == 409u);
    BOOST_TEST(r.error_type() == "ConflictException");
}

// ListParticipants, ListParticipantEvents and ListParticipantReplicas declare no
// ResourceNotFoundException in the model: for a stage, session or participant that does not exist
// they answer an empty list, as the model allows, not an error the SDKs do not expect.
BOOST_AUTO_TEST_CASE(list_operations_answer_unknown_ids_with_empty_lists) {
    running_emulator emu;
    client c(emu);
    const std::string arn = s(create_stage(c).at("arn"));
    const std::string session = s(join(c, token_for(c, arn)).at("sessionId"));
    const std::string unknown_stage = "arn:aws:ivs:us-east-1:123456789012:stage/abcdABCD1234";
    const std::string unknown_session = "st-abcdABCD12345";
    struct call_case {
        std::string operation;
        json::object request;
        std::string list;
    };
    const std::vector<call_case> cases{
        {"ListParticipants", {{"stageArn", unknown_stage}, {"sessionId", session}}, "participants"},
        {"ListParticipants", {{"stageArn", arn}, {"sessionId", unknown_session}}, "participants"},
        {"ListParticipantEvents",
         {{"stageArn", unknown_stage}, {"sessionId", session}, {"participantId", "p1"}},
         "events"},
        {"ListParticipantEvents",
         {{"stageArn", arn}, {"sessionId", unknown_session}, {"participantId", "p1"}},
         "events"},
        {"ListParticipantEvents",
         {{"stageArn", arn}, {"sessionId", session}, {"participantId", "nobody"}},
         "events"},
        {"ListParticipantReplicas",
         {{"sourceStageArn", unknown_stage}, {"participantId", "p1"}},
         "replicas"},
    };
    for (const auto& k : cases) {
        BOOST_TEST_CONTEXT(k.operation << " " << body(k.request)) {
            const response r = c.call(k.operation, body(k.request));
            BOOST_TEST(r.status == 200u, r.body);
            if (r.status == 200u) {
                BOOST_TEST(json::parse(r.body).at(k.list).as_array().empty());
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(self_signed_tokens_and_public_keys) {
    running_emulator emu;
    client c(emu);
    const json::object stage_json = create_stage(c);
    const std::string arn = s(stage_json.at("arn"));
    const auto keys = ivsrt::generate_participant_token_key_pair();
    const auto imported =
        c.ok("ImportPublicKey", body({{"publicKeyMaterial", keys.public_key_pem}, {"name", "k1"}}))
            .at("publicKey")
            .as_object();
    const std::string key_arn = s(imported.at("arn"));
    BOOST_TEST(matches(key_arn, "arn:aws:ivs:us-east-1:123456789012:public-key/[a-zA-Z0-9]{12}"));
    // Fingerprint: SHA-256 of the DER SubjectPublicKeyInfo, 32 hex pairs.
    BOOST_TEST(s(imported.at("fingerprint")) ==
               ivsrt::detail::es384_public_key(keys.public_key_pem).fingerprint());
    BOOST_TEST(matches(s(imported.at("fingerprint")), "([0-9a-f]{2}:){31}[0-9a-f]{2}"));
    // The same key twice is a conflict; a P-256 key or garbage is invalid.
    response r = c.call("ImportPublicKey", body({{"publicKeyMaterial", keys.public_key_pem}}));
    BOOST_TEST(r.status == 409u);
    const std::string p256 =
        "-----BEGIN PUBLIC KEY-----\n"
        "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEVs/o5+uQbTjL3chynL4wXgUg2R9\n"
        "q9UU8I5mEovUf86QZ7kOBIjJwqnzD1omageEHWwHdBO6B+dFabmdT9POxg==\n"
        "-----END PUBLIC KEY-----\n";
    r = c.call("ImportPublicKey", body({{"publicKeyMaterial", p256}}));
    BOOST_TEST(r.status == 400u);
    BOOST_TEST(r.error_type() == "ValidationException");

    const ivsrt::participant_token_minter minter(keys.private_key_pem, key_arn);
    auto claims = ivsrt::participant_token_claims::for_stage(ivsrt::model::stage{
        .arn = arn,
        .endpoints =
            ivsrt::model::stage_endpoints{.events = s(stage_json.at("endpoints").at("events")),
                                          .whip = s(stage_json.at("endpoints").at("whip"))}});
    claims.user_id = "self";
    claims.participant_id = "selfSigned01";
    claims.issued_at = emu.now();
    const std::string token = *minter.mint(claims).token;
    const json::object joined = join(c, token);
    BOOST_TEST(s(joined.at("participant").at("participantId")) == "selfSigned01");
    BOOST_TEST(s(joined.at("participant").at("userId")) == "self");
    // Joining again while connected is a conflict; the key is in use.
    BOOST_TEST(c.control("join", body({{"token", token}})).status == 409u);
    BOOST_TEST(c.call("DeletePublicKey", body({{"arn", key_arn}})).status == 409u);

    // Tampered signature, unknown key, expired, other stage.
    std::string tampered = token;
    tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
    BOOST_TEST(c.control("join", body({{"token", tampered}})).status == 403u);
    const auto other_keys = ivsrt::generate_participant_token_key_pair();
    const ivsrt::participant_token_minter stranger(other_keys.private_key_pem, key_arn);
    claims.participant_id = "other";
    BOOST_TEST(c.control("join", body({{"token", *stranger.mint(claims).token}})).status == 403u);
    const ivsrt::participant_token_minter unknown(
        other_keys.private_key_pem, "arn:aws:ivs:us-east-1:123456789012:public-key/nope");
    BOOST_TEST(c.control("join", body({{"token", *unknown.mint(claims).token}})).status == 403u);
    claims.duration = std::chrono::minutes(1);
    claims.issued_at = emu.now() - std::chrono::minutes(2);
    BOOST_TEST(c.control("join", body({{"token", *minter.mint(claims).token}})).status == 403u);
    claims.issued_at = emu.now();
    claims.stage_arn = "arn:aws:ivs:us-east-1:123456789012:stage/nope";
    BOOST_TEST(c.control("join", body({{"token", *minter.mint(claims).token}})).status == 404u);
    BOOST_TEST(c.control("join", body({{"token", "not.a-token"}})).status == 400u);

    BOOST_TEST(c.ok("ListPublicKeys").at("publicKeys").as_array().size() == 1u);
    BOOST_TEST(s(c.ok("GetPublicKey", body({{"arn", key_arn}})).at("publicKey").at("name")) ==
               "k1");
    BOOST_TEST(
        c.control("leave", body({{"stageArn", arn}, {"participantId", "selfSigned01"}})).status ==
        200u);
    BOOST_TEST(c.call("DeletePublicKey", body({{"arn", key_arn}})).status == 200u);
    BOOST_TEST(c.call("GetPublicKey", body({{"arn", key_arn}})).status == 404u);
}

BOOST_AUTO_TEST_CASE(participant_replication) {
    running_emulator emu;
    client c(emu);
    const std::string source = s(create_stage(c).at("arn"));
    const std::string destination = s(create_stage(c).at("arn"));
    const json::object joined = join(c, token_for(c, source, {{"userId", "host"}}));
    const std::string id = s(joined.at("participant").at("participantId"));
    const std::string request = body(
        {{"sourceStageArn", source}, {"destinationStageArn", destination}, {"participantId", id}});
    const response started = c.call("StartParticipantReplication", request);
    BOOST_TEST(started.status == 200u);
    BOOST_TEST(started.header("Access-Control-Allow-Origin") == "*");
    BOOST_TEST(c.call("StartParticipantReplication", request).status == 409u);

    const auto replicas =
        c.ok("ListParticipantReplicas", body({{"sourceStageArn", source}, {"participantId", id}}))
            .at("replicas")
            .as_array();
    BOOST_TEST_REQUIRE(replicas.size() == 1u);
    BOOST_TEST(s(replicas[0].at("replicationState")) == "ACTIVE");
    BOOST_TEST(s(replicas[0].at("sourceSessionId")) == s(joined.at("sessionId")));
    const std::string dest_session = s(replicas[0].at("destinationSessionId"));
    const auto replica =
        c.ok("GetParticipant",
             body({{"stageArn", destination}, {"sessionId", dest_session}, {"participantId", id}}))
            .at("participant");
    BOOST_TEST(s(replica.at("replicationType")) == "REPLICA");
    BOOST_TEST(s(replica.at("sourceStageArn")) == source);

    BOOST_TEST(c.call("StopParticipantReplication", request).status == 200u);
    BOOST_TEST(
        s(c.ok("ListParticipantReplicas", body({{"sourceStageArn", source}, {"participantId", id}}))
              .at("replicas")
              .at(0)
              .at("replicationState")) == "STOPPED");
    BOOST_TEST(
        c.ok("GetStageSession", body({{"stageArn", destination}, {"sessionId", dest_session}}))
            .at("stageSession")
            .as_object()
            .contains("endTime"));
    BOOST_TEST((event_names(c, source, s(joined.at("sessionId")), id) ==
                std::vector<std::string>{"JOINED", "REPLICATION_STARTED", "REPLICATION_STOPPED"}));
    BOOST_TEST(c.call("StopParticipantReplication", request).status == 404u);
}

BOOST_AUTO_TEST_CASE(compositions_and_configurations) {
    running_emulator emu;
    client c(emu);
    const std::string stage = s(create_stage(c).at("arn"));
    const auto encoder =
        c.ok("CreateEncoderConfiguration", R"({"name":"hd","video":{"width":1920}})")
            .at("encoderConfiguration")
            .as_object();
    const std::string encoder_arn = s(encoder.at("arn"));
    BOOST_TEST(matches(encoder_arn,
                       "arn:aws:ivs:us-east-1:123456789012:encoder-configuration/[a-zA-Z0-9]{12}"));
    BOOST_TEST(encoder.at("video").at("width").as_int64() == 1920);
    BOOST_TEST(c.ok("ListEncoderConfigurations").at("encoderConfigurations").as_array().size() ==
               1u);
    BOOST_TEST(
        c.ok("GetEncoderConfiguration", body({{"arn", encoder_arn}})).at("encoderConfiguration") ==
        encoder);
    const std::string storage_arn =
        s(c.ok("CreateStorageConfiguration", R"({"s3":{"bucketName":"my-bucket"}})")
              .at("storageConfiguration")
              .at("arn"));
    BOOST_TEST(matches(storage_arn,
                       "arn:aws:ivs:us-east-1:123456789012:storage-configuration/[a-zA-Z0-9]{12}"));
    BOOST_TEST(s(c.ok("GetStorageConfiguration", body({{"arn", storage_arn}}))
                     .at("storageConfiguration")
                     .at("s3")
                     .at("bucketName")) == "my-bucket");
    BOOST_TEST(c.ok("ListStorageConfigurations").at("storageConfigurations").as_array().size() ==
               1u);

    const std::string start = body({{"stageArn", stage},
                                    {"idempotencyToken", "once"},
                                    {"destinations",
                                     {{{"s3",
                                        {{"storageConfigurationArn", storage_arn},
                                         {"encoderConfigurationArns", {encoder_arn}}}}}}}});
    const auto composition = c.ok("StartComposition", start).at("composition").as_object();
    const std::string composition_arn = s(composition.at("arn"));
    BOOST_TEST(
        matches(composition_arn, "arn:aws:ivs:us-east-1:123456789012:composition/[a-zA-Z0-9]{12}"));
    BOOST_TEST(s(composition.at("state")) == "STARTING");
    // The same idempotency token gives the same composition.
    BOOST_TEST(s(c.ok("StartComposition", start).at("composition").at("arn")) == composition_arn);
    BOOST_TEST(
        s(c.ok("GetComposition", body({{"arn", composition_arn}})).at("composition").at("state")) ==
        "ACTIVE");
    BOOST_TEST(c.ok("ListCompositions", body({{"filterByEncoderConfigurationArn", encoder_arn}}))
                   .at("compositions")
                   .as_array()
                   .size() == 1u);
    // Resources in use by a running composition cannot be deleted.
    BOOST_TEST(c.call("DeleteEncoderConfiguration", body({{"arn", encoder_arn}})).status == 409u);
    BOOST_TEST(c.call("DeleteStorageConfiguration", body({{"arn", storage_arn}})).status == 409u);
    emu.advance(std::chrono::seconds(30));
    BOOST_TEST(c.call("StopComposition", body({{"arn", composition_arn}})).status == 200u);
    const auto stopped = c.ok("GetComposition", body({{"arn", composition_arn}})).at("composition");
    BOOST_TEST(s(stopped.at("state")) == "STOPPED");
    BOOST_TEST(s(stopped.at("endTime")) == "2026-01-02T03:04:35Z");
    BOOST_TEST(c.call("DeleteEncoderConfiguration", body({{"arn", encoder_arn}})).status == 200u);
    BOOST_TEST(c.call("DeleteStorageConfiguration", body({{"arn", storage_arn}})).status == 200u);
    BOOST_TEST(c.call("GetEncoderConfiguration", body({{"arn", encoder_arn}})).status == 404u);
}

BOOST_AUTO_TEST_CASE(ingest_configurations) {
    running_emulator emu;
    client c(emu);
    const std::string stage = s(create_stage(c).at("arn"));
    const auto created =
        c.ok("CreateIngestConfiguration",
             body({{"name", "obs"}, {"stageArn", stage}, {"ingestProtocol", "RTMPS"}}))
            .at("ingestConfiguration")
            .as_object();
    const std::string arn = s(created.at("arn"));
    BOOST_TEST(
        matches(arn, "arn:aws:ivs:us-east-1:123456789012:ingest-configuration/[a-zA-Z0-9]{12}"));
    BOOST_TEST(s(created.at("state")) == "INACTIVE");
    // The model's StreamKey pattern.
    BOOST_TEST(matches(s(created.at("streamKey")), "rt_[0-9]+_[a-z0-9-]+_[a-zA-Z0-9-]+_.+"));
    BOOST_TEST(c.ok("GetIngestConfiguration", body({{"arn", arn}})).at("ingestConfiguration") ==
               created);
    const std::string other = s(create_stage(c).at("arn"));
    const auto updated =
        c.ok("UpdateIngestConfiguration", body({{"arn", arn}, {"stageArn", other}}));
    BOOST_TEST(s(updated.at("ingestConfiguration").at("stageArn")) == other);
    BOOST_TEST(c.ok("ListIngestConfigurations", body({{"filterByStageArn", other}}))
                   .at("ingestConfigurations")
                   .as_array()
                   .size() == 1u);
    BOOST_TEST(c.ok("ListIngestConfigurations", body({{"filterByStageArn", stage}}))
                   .at("ingestConfigurations")
                   .as_array()
                   .empty());

    // A simulated RTMPS publisher with the stream key: the configuration is active while it is
    // connected, and cannot change or be deleted without force meanwhile.
    const std::string stream_key = s(created.at("streamKey"));
    response r = c.control("ingest-start", body({{"streamKey", stream_key}}));
    BOOST_TEST_REQUIRE(r.status == 200u, r.body);
    const auto publisher = r.json().at("participant").as_object();
    BOOST_TEST(s(publisher.at("participantId")) == s(created.at("participantId")));
    BOOST_TEST(s(publisher.at("protocol")) == "RTMPS");
    BOOST_TEST(publisher.at("published").as_bool());
    BOOST_TEST(s(publisher.at("ingestConfigurationArn")) == arn);
    BOOST_TEST(s(r.json().at("stageArn")) == other);
    BOOST_TEST(s(c.ok("GetIngestConfiguration", body({{"arn", arn}}))
                     .at("ingestConfiguration")
                     .at("state")) == "ACTIVE");
    BOOST_TEST(c.control("ingest-start", body({{"streamKey", stream_key}})).status == 409u);
    BOOST_TEST(c.control("ingest-start", body({{"streamKey", "rt_1_x_y_wrong"}})).status == 403u);
    BOOST_TEST(
        c.call("UpdateIngestConfiguration", body({{"arn", arn}, {"stageArn", stage}})).status ==
        409u);
    BOOST_TEST(c.call("DeleteIngestConfiguration", body({{"arn", arn}})).status == 409u);
    BOOST_TEST(c.control("ingest-stop", body({{"streamKey", stream_key}})).status == 200u);
    BOOST_TEST(s(c.ok("GetIngestConfiguration", body({{"arn", arn}}))
                     .at("ingestConfiguration")
                     .at("state")) == "INACTIVE");
    // Disconnecting the publisher through the API also ends the ingest.
    BOOST_TEST(c.control("ingest-start", body({{"streamKey", stream_key}})).status == 200u);
    BOOST_TEST(
        c.call("DisconnectParticipant",
               body({{"stageArn", other}, {"participantId", s(created.at("participantId"))}}))
            .status == 200u);
    BOOST_TEST(s(c.ok("GetIngestConfiguration", body({{"arn", arn}}))
                     .at("ingestConfiguration")
                     .at("state")) == "INACTIVE");
    r = c.control("ingest-start", body({{"streamKey", stream_key}}));
    BOOST_TEST_REQUIRE(r.status == 200u);
    BOOST_TEST(c.call("DeleteIngestConfiguration", body({{"arn", arn}, {"force", true}})).status ==
               200u);
    // Forced deletion disconnects the publisher.
    BOOST_TEST(s(c.ok("GetParticipant", body({{"stageArn", other},
                                              {"sessionId", s(r.json().at("sessionId"))},
                                              {"participantId", s(created.at("participantId"))}}))
                     .at("participant")
                     .at("state")) == "DISCONNECTED");
    BOOST_TEST(c.call("GetIngestConfiguration", body({{"arn", arn}})).status == 404u);
    BOOST_TEST(c.call("CreateIngestConfiguration", R"({"ingestProtocol":"SRT"})").status == 400u);
}

BOOST_AUTO_TEST_CASE(reset_clears_everything) {
    running_emulator emu;
    client c(emu);
    create_stage(c);
    BOOST_TEST(c.control("reset", "{}").status == 200u);
    BOOST_TEST(c.ok("ListStages").at("stages").as_array().empty());
    BOOST_TEST(c.control("nope", "{}").status == 404u);
}
