// Tests for ivsrt/model/json.hpp: the JSON codecs of every structure of the generated model.
#define BOOST_TEST_MODULE test_model_json
#include <boost/test/unit_test.hpp>

#include <ivsrt/model/all.hpp>

#include "common/data_file.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

namespace model = ivsrt::model;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

json::value load(const std::string& name) {
    return json::parse(ivsrt::test::test_data("model/" + name));
}

// Decodes `text` into a T, failing the test with the decoder's message if it does not decode.
template <class T>
T decode(std::string_view text) {
    T value;
    std::string error;
    BOOST_TEST_REQUIRE(model::from_json(text, value, error), error);
    return value;
}

template <class T>
std::string encode(const T& value) {
    std::string out;
    model::to_json(value, out);
    return out;
}

template <class T>
std::string decode_error(std::string_view text) {
    T value;
    std::string error;
    BOOST_TEST(!model::from_json(text, value, error));
    return error;
}

// Same keys at every level and same array lengths: nothing dropped, nothing renamed.
void check_same_keys(const json::value& expected, const json::value& actual,
                     const std::string& path) {
    if (expected.is_object()) {
        BOOST_TEST_REQUIRE(actual.is_object(), path);
        BOOST_TEST(expected.as_object().size() == actual.as_object().size(), path);
        for (const auto& [key, value] : expected.as_object()) {
            const json::value* other = actual.as_object().if_contains(key);
            BOOST_TEST_REQUIRE(other != nullptr, path << "." << key << " was dropped");
            check_same_keys(value, *other, path + "." + std::string(key));
        }
    } else if (expected.is_array()) {
        BOOST_TEST_REQUIRE(actual.is_array(), path);
        BOOST_TEST_REQUIRE(expected.as_array().size() == actual.as_array().size(), path);
        for (std::size_t i = 0; i < expected.as_array().size(); ++i) {
            check_same_keys(expected.as_array()[i], actual.as_array()[i],
                            path + "[" + std::to_string(i) + "]");
        }
    }
}

template <class T>
void check_round_trip(const json::object& samples, const std::string& shape,
                      std::set<std::string>& covered) {
    BOOST_TEST_CONTEXT(shape) {
        const json::value* sample = samples.if_contains(shape);
        BOOST_TEST_REQUIRE(sample != nullptr, "no sample for " << shape);
        covered.insert(shape);
        const T value = decode<T>(json::serialize(*sample));
        const std::string text = encode(value);
        BOOST_TEST(json::parse(text) == *sample, text);
        BOOST_TEST((decode<T>(text) == value));
    }
}

model::timestamp utc(std::chrono::year_month_day day, std::chrono::milliseconds time) {
    return std::chrono::sys_days{day} + time;
}

}  // namespace

// tests/data/model/samples.json is written by the generator from the model: one document per
// structure with every member set. Each must decode and encode back to the same JSON.
BOOST_AUTO_TEST_CASE(every_structure_round_trips) {
    const json::object samples = load("samples.json").as_object();
    std::set<std::string> covered;
#define IVSRT_ROUND_TRIP(Name, snake)                                            \
    check_round_trip<model::snake##_request>(samples, #Name "Request", covered); \
    check_round_trip<model::snake##_result>(samples, #Name "Response", covered);
    IVSRT_MODEL_OPERATIONS(IVSRT_ROUND_TRIP)
#undef IVSRT_ROUND_TRIP
    check_round_trip<model::auto_participant_recording_configuration>(
        samples, "AutoParticipantRecordingConfiguration", covered);
    check_round_trip<model::channel_destination_configuration>(
        samples, "ChannelDestinationConfiguration", covered);
    check_round_trip<model::composition>(samples, "Composition", covered);
    check_round_trip<model::composition_recording_hls_configuration>(
        samples, "CompositionRecordingHlsConfiguration", covered);
    check_round_trip<model::composition_summary>(samples, "CompositionSummary", covered);
    check_round_trip<model::composition_thumbnail_configuration>(
        samples, "CompositionThumbnailConfiguration", covered);
    check_round_trip<model::destination>(samples, "Destination", covered);
    check_round_trip<model::destination_configuration>(samples, "DestinationConfiguration",
                                                       covered);
    check_round_trip<model::destination_detail>(samples, "DestinationDetail", covered);
    check_round_trip<model::destination_summary>(samples, "DestinationSummary", covered);
    check_round_trip<model::encoder_configuration>(samples, "EncoderConfiguration", covered);
    check_round_trip<model::encoder_configuration_summary>(samples, "EncoderConfigurationSummary",
                                                           covered);
    check_round_trip<model::event>(samples, "Event", covered);
    check_round_trip<model::exchanged_participant_token>(samples, "ExchangedParticipantToken",
                                                         covered);
    check_round_trip<model::grid_configuration>(samples, "GridConfiguration", covered);
    check_round_trip<model::ingest_configuration>(samples, "IngestConfiguration", covered);
    check_round_trip<model::ingest_configuration_summary>(samples, "IngestConfigurationSummary",
                                                          covered);
    check_round_trip<model::layout_configuration>(samples, "LayoutConfiguration", covered);
    check_round_trip<model::participant>(samples, "Participant", covered);
    check_round_trip<model::participant_recording_hls_configuration>(
        samples, "ParticipantRecordingHlsConfiguration", covered);
    check_round_trip<model::participant_replica>(samples, "ParticipantReplica", covered);
    check_round_trip<model::participant_summary>(samples, "ParticipantSummary", covered);
    check_round_trip<model::participant_thumbnail_configuration>(
        samples, "ParticipantThumbnailConfiguration", covered);
    check_round_trip<model::participant_token>(samples, "ParticipantToken", covered);
    check_round_trip<model::participant_token_configuration>(
        samples, "ParticipantTokenConfiguration", covered);
    check_round_trip<model::pip_configuration>(samples, "PipConfiguration", covered);
    check_round_trip<model::public_key>(samples, "PublicKey", covered);
    check_round_trip<model::public_key_summary>(samples, "PublicKeySummary", covered);
    check_round_trip<model::recording_configuration>(samples, "RecordingConfiguration", covered);
    check_round_trip<model::redundant_ingest_credential>(samples, "RedundantIngestCredential",
                                                         covered);
    check_round_trip<model::s3_destination_configuration>(samples, "S3DestinationConfiguration",
                                                          covered);
    check_round_trip<model::s3_detail>(samples, "S3Detail", covered);
    check_round_trip<model::s3_storage_configuration>(samples, "S3StorageConfiguration", covered);
    check_round_trip<model::stage>(samples, "Stage", covered);
    check_round_trip<model::stage_endpoints>(samples, "StageEndpoints", covered);
    check_round_trip<model::stage_session>(samples, "StageSession", covered);
    check_round_trip<model::stage_session_summary>(samples, "StageSessionSummary", covered);
    check_round_trip<model::stage_summary>(samples, "StageSummary", covered);
    check_round_trip<model::storage_configuration>(samples, "StorageConfiguration", covered);
    check_round_trip<model::storage_configuration_summary>(samples, "StorageConfigurationSummary",
                                                           covered);
    check_round_trip<model::video>(samples, "Video", covered);
    // 39 operations (78 structures) plus the 41 other structures, each exactly once.
    BOOST_TEST(covered.size() == 119u);
    BOOST_TEST(samples.size() == covered.size());
}

// tests/data/model/responses.json: one realistic response body per operation, written by hand.
BOOST_AUTO_TEST_CASE(a_realistic_response_of_every_operation_decodes) {
    const json::object responses = load("responses.json").as_object();
    std::set<std::string> seen;
#define IVSRT_DECODE_RESPONSE(Name, snake)                                         \
    BOOST_TEST_CONTEXT(#Name) {                                                    \
        const json::value* body = responses.if_contains(#Name);                    \
        BOOST_TEST_REQUIRE(body != nullptr, "no response for " #Name);             \
        seen.insert(#Name);                                                        \
        const auto result = decode<model::snake##_result>(json::serialize(*body)); \
        const std::string again = encode(result);                                  \
        check_same_keys(*body, json::parse(again), #Name);                         \
        BOOST_TEST((decode<model::snake##_result>(again) == result));              \
    }
    IVSRT_MODEL_OPERATIONS(IVSRT_DECODE_RESPONSE)
#undef IVSRT_DECODE_RESPONSE
    BOOST_TEST(seen.size() == 39u);
    BOOST_TEST(responses.size() == seen.size() + 1);  // + "_comment"
}

BOOST_AUTO_TEST_CASE(create_participant_token_response_values) {
    const json::value body = load("responses.json").at("CreateParticipantToken");
    const auto result = decode<model::create_participant_token_result>(json::serialize(body));
    BOOST_TEST_REQUIRE(result.participant_token.has_value());
    const model::participant_token& token = *result.participant_token;
    BOOST_TEST(*token.participant_id == "p7KO5PJBk1pq");
    BOOST_TEST(token.token->starts_with("eyJhbGciOiJLTVMi"));
    BOOST_TEST(*token.user_id == "user-42");
    BOOST_TEST(token.attributes->at("displayName") == "Ada");
    BOOST_TEST(*token.duration == 720);
    BOOST_TEST_REQUIRE(token.capabilities->size() == 2u);
    BOOST_TEST(((*token.capabilities)[0] == model::participant_token_capability::publish));
    BOOST_TEST(((*token.capabilities)[1] == model::participant_token_capability::subscribe));
    BOOST_TEST(
        (*token.expiration_time == utc(2023y / std::chrono::November / 17, 6h + 10min + 23s)));
}

BOOST_AUTO_TEST_CASE(get_composition_response_values) {
    const json::value body = load("responses.json").at("GetComposition");
    const auto result = decode<model::get_composition_result>(json::serialize(body));
    const model::composition& c = *result.composition;
    BOOST_TEST(c.arn == "arn:aws:ivs:us-west-2:123456789012:composition/abcdABCDefgh");
    BOOST_TEST((c.state == model::composition_state::active));
    BOOST_TEST((c.layout.grid->video_fill_mode == model::video_fill_mode::cover));
    BOOST_TEST(*c.layout.grid->grid_gap == 2);
    BOOST_TEST(*c.layout.grid->participant_order_attribute == "");
    BOOST_TEST(!c.layout.pip.has_value());
    BOOST_TEST_REQUIRE(c.destinations.size() == 2u);
    // "+00:00" offsets and a fraction of a second.
    BOOST_TEST((*c.start_time == utc(2023y / std::chrono::October / 16, 23h + 24min)));
    BOOST_TEST((*c.destinations[1].start_time ==
                utc(2023y / std::chrono::October / 16, 23h + 26min + 500ms)));
    BOOST_TEST((c.destinations[1].state == model::destination_state::reconnecting));
    const model::s3_destination_configuration& s3 = *c.destinations[1].configuration.s3;
    BOOST_TEST(s3.encoder_configuration_arns.size() == 1u);
    BOOST_TEST((s3.recording_configuration->format == model::recording_configuration_format::hls));
    BOOST_TEST(*(*s3.thumbnail_configurations)[0].target_interval_seconds == 30);
    BOOST_TEST(c.destinations[1].detail->s3->recording_prefix == "aBcDeFgH/AbCdEfGh/ABCdefGH");
    BOOST_TEST(*c.destinations[0].configuration.channel->encoder_configuration_arn ==
               "arn:aws:ivs:us-west-2:123456789012:encoder-configuration/9W59OBY2M8s4");
}

BOOST_AUTO_TEST_CASE(list_participant_events_response_values) {
    const json::value body = load("responses.json").at("ListParticipantEvents");
    const auto result = decode<model::list_participant_events_result>(json::serialize(body));
    BOOST_TEST_REQUIRE(result.events.size() == 7u);
    BOOST_TEST((result.events[2].name == model::event_name::publish_error));
    BOOST_TEST((result.events[2].error_code == model::event_error_code::bitrate_exceeded));
    BOOST_TEST(*result.events[3].remote_participant_id == "Ra2fCsUvbDGa");
    const model::event& exchanged = result.events[4];
    BOOST_TEST(exchanged.previous_token->capabilities->size() == 1u);
    BOOST_TEST(exchanged.new_token->attributes->at("role") == "speaker");
    BOOST_TEST((*exchanged.new_token->expiration_time ==
                utc(2023y / std::chrono::April / 26, 22h + 30min)));
    BOOST_TEST(*result.events[5].replica == false);
    BOOST_TEST(*result.events[5].destination_session_id == "st-Zz9Yy8Xx7Ww6V");
    BOOST_TEST(*result.next_token == "AQICAHhBdL2v+G4ESuSJbRdQgtESuwN=");
}

BOOST_AUTO_TEST_CASE(other_response_values) {
    const json::value responses = load("responses.json");
    const auto video = decode<model::get_encoder_configuration_result>(
                           json::serialize(responses.at("GetEncoderConfiguration")))
                           .encoder_configuration->video;
    BOOST_TEST(*video->framerate == 29.97);
    BOOST_TEST(*video->height == 1280);

    const auto ingest = decode<model::get_ingest_configuration_result>(
                            json::serialize(responses.at("GetIngestConfiguration")))
                            .ingest_configuration;
    BOOST_TEST((ingest->ingest_protocol == model::ingest_protocol::rtmp));
    BOOST_TEST(ingest->stream_key.starts_with("rt_123456789012_us-west-2_"));
    BOOST_TEST(*(*ingest->redundant_ingest_credentials)[0].participant_id == "9kQ2ZxWvUt8s");

    const auto participants =
        decode<model::list_participants_result>(json::serialize(responses.at("ListParticipants")));
    BOOST_TEST((participants.participants[0].replication_type == model::replication_type::source));
    BOOST_TEST((participants.participants[1].recording_state ==
                model::participant_recording_state::disabled));
    BOOST_TEST(*participants.next_token == "");

    const auto session =
        decode<model::get_stage_session_result>(json::serialize(responses.at("GetStageSession")));
    BOOST_TEST((*session.stage_session->end_time ==
                utc(2023y / std::chrono::April / 26, 21h + 41min + 7s + 118ms)));

    const auto tags = decode<model::list_tags_for_resource_result>(
        json::serialize(responses.at("ListTagsForResource")));
    BOOST_TEST(
        (tags.tags == std::map<std::string, std::string>{{"env", "prod"}, {"team", "video"}}));

    const auto updated =
        decode<model::update_stage_result>(json::serialize(responses.at("UpdateStage")));
    BOOST_TEST(updated.stage->auto_participant_recording_configuration->storage_configuration_arn ==
               "");
}

// The exact bytes a client sends: members in model order, set members only, no spaces.
BOOST_AUTO_TEST_CASE(requests_encode_to_the_expected_json) {
    const model::create_participant_token_request request{
        .stage_arn = "arn:aws:ivs:us-west-2:123456789012:stage/AbCdEfGhIjKl",
        .duration = 60,
        .user_id = "u1",
        .attributes = {{"b", "2"}, {"a", "1"}},
        .capabilities = {model::participant_token_capability::publish,
                         model::participant_token_capability::subscribe}};
    BOOST_TEST(encode(request) ==
               R"({"stageArn":"arn:aws:ivs:us-west-2:123456789012:stage/AbCdEfGhIjKl",)"
               R"("duration":60,"userId":"u1","attributes":{"a":"1","b":"2"},)"
               R"("capabilities":["PUBLISH","SUBSCRIBE"]})");

    BOOST_TEST(encode(model::list_stages_request{}) == "{}");
    BOOST_TEST(encode(model::get_stage_request{.arn = "x"}) == R"({"arn":"x"})");
    // An empty list is a value, unlike an unset one.
    BOOST_TEST(encode(model::create_participant_token_request{
                   .stage_arn = "s",
                   .capabilities = std::vector<model::participant_token_capability>{}}) ==
               R"({"stageArn":"s","capabilities":[]})");
    // Members bound to the URI and the query are not in the body.
    BOOST_TEST(encode(model::tag_resource_request{
                   .resource_arn = "arn", .tags = {{"team", "a"}}}) == R"({"tags":{"team":"a"}})");
    BOOST_TEST(encode(model::untag_resource_request{.resource_arn = "arn", .tag_keys = {"team"}}) ==
               "{}");
    // Numbers, booleans and nested structures.
    const model::create_encoder_configuration_request encoder{
        .name = "hd", .video = model::video{.width = 1280, .height = 720, .framerate = 29.97}};
    BOOST_TEST(encode(encoder) ==
               R"({"name":"hd","video":{"width":1280,"height":720,"framerate":29.97}})");
    BOOST_TEST(encode(model::video{.framerate = 30.0}) == R"({"framerate":30})");
    BOOST_TEST(encode(model::delete_ingest_configuration_request{.arn = "a", .force = true}) ==
               R"({"arn":"a","force":true})");
}

BOOST_AUTO_TEST_CASE(strings_are_escaped) {
    const model::get_stage_request request{.arn = "q\"b\\s/\n\t\x01\x1f é"};
    BOOST_TEST(encode(request) == R"({"arn":"q\"b\\s/\n\t\u0001\u001f é"})");
    BOOST_TEST(decode<model::get_stage_request>(encode(request)).arn == request.arn);
    BOOST_TEST(decode<model::get_stage_request>(R"({"arn":"\u00e9\ud83d\ude00\/"})").arn ==
               "é\xF0\x9F\x98\x80/");
}

BOOST_AUTO_TEST_CASE(timestamps_encode_in_utc_with_milliseconds_when_present) {
    model::stage_session session{.start_time = utc(2024y / 1 / 2, 3h + 4min + 5s)};
    BOOST_TEST(encode(session) == R"({"startTime":"2024-01-02T03:04:05Z"})");
    session.start_time = utc(2024y / 2 / 29, 23h + 59min + 59s + 7ms);
    BOOST_TEST(encode(session) == R"({"startTime":"2024-02-29T23:59:59.007Z"})");
}

BOOST_AUTO_TEST_CASE(timestamps_parse_iso_8601_forms) {
    const auto parse = [](std::string_view text) {
        model::timestamp t{};
        BOOST_TEST_REQUIRE(model::parse_timestamp(text, t), text);
        return t;
    };
    BOOST_TEST((parse("2024-01-02T03:04:05Z") == utc(2024y / 1 / 2, 3h + 4min + 5s)));
    BOOST_TEST((parse("2024-01-02t03:04:05z") == utc(2024y / 1 / 2, 3h + 4min + 5s)));
    BOOST_TEST((parse("2024-01-02T03:04:05.5Z") == utc(2024y / 1 / 2, 3h + 4min + 5s + 500ms)));
    // Digits beyond the millisecond are dropped.
    BOOST_TEST(
        (parse("2024-01-02T03:04:05.123999Z") == utc(2024y / 1 / 2, 3h + 4min + 5s + 123ms)));
    BOOST_TEST((parse("2024-01-02T03:04:05+00:00") == utc(2024y / 1 / 2, 3h + 4min + 5s)));
    // 03:04 at UTC+01:00 is 02:04 UTC; 20:00 at UTC-05:30 is 01:30 UTC the next day.
    BOOST_TEST((parse("2024-01-02T03:04:05+01:00") == utc(2024y / 1 / 2, 2h + 4min + 5s)));
    BOOST_TEST((parse("2023-12-31T20:00:00-0530") == utc(2024y / 1 / 1, 1h + 30min)));
    for (std::string_view bad :
         {"", "2024-01-02", "2024-01-02T03:04:05", "2024-01-02 03:04:05Z", "2024-02-30T00:00:00Z",
          "2024-01-02T24:00:00Z", "2024-01-02T03:60:00Z", "2024-01-02T03:04:05.Z",
          "2024-01-02T03:04:05Zjunk", "2024-1-02T03:04:05Z", "2024-01-02T03:04:05+1:00"}) {
        model::timestamp t{};
        BOOST_TEST(!model::parse_timestamp(bad, t), bad);
    }
}

// Found by tests/fuzz/fuzz_result_decode: an offset moved a time at the edge of the years
// 0000-9999 out of them in UTC, and encoding it again wrote "000/-12-31T23:59:00Z" (year -1) or
// "0000-01-01T00:59:59Z" (year 10000 cut to four digits).
BOOST_AUTO_TEST_CASE(timestamps_stay_within_the_years_0000_to_9999_in_utc) {
    model::timestamp t{};
    BOOST_TEST(!model::parse_timestamp("0000-01-01T00:00:00+00:01", t));
    BOOST_TEST(!model::parse_timestamp("9999-12-31T23:59:59-01:00", t));
    BOOST_TEST(!model::parse_timestamp("9999-12-31T23:30:00.000-00:30", t));
    // The edges themselves, and offsets that stay inside.
    BOOST_TEST_REQUIRE(model::parse_timestamp("0000-01-01T00:00:00Z", t));
    BOOST_TEST(encode(model::stage_session{.start_time = t}) ==
               R"({"startTime":"0000-01-01T00:00:00Z"})");
    BOOST_TEST_REQUIRE(model::parse_timestamp("0000-01-01T00:30:00+00:30", t));
    BOOST_TEST(encode(model::stage_session{.start_time = t}) ==
               R"({"startTime":"0000-01-01T00:00:00Z"})");
    BOOST_TEST_REQUIRE(model::parse_timestamp("9999-12-31T22:59:59.999-01:00", t));
    BOOST_TEST(encode(model::stage_session{.start_time = t}) ==
               R"({"startTime":"9999-12-31T23:59:59.999Z"})");
    // A response holding one is rejected like any other malformed timestamp.
    BOOST_TEST(decode_error<model::get_stage_session_result>(
                   R"({"stageSession":{"startTime":"9999-12-31T23:59:59-01:00"}})") ==
               "stageSession.startTime: expected an ISO-8601 timestamp");
}

BOOST_AUTO_TEST_CASE(unknown_keys_are_ignored_and_null_is_unset) {
    const auto result = decode<model::get_stage_result>(
        R"({"stage":{"arn":"a","futureMember":{"x":[1,2,{"y":null}]},"name":null},"extra":true})");
    BOOST_TEST(result.stage->arn == "a");
    BOOST_TEST(!result.stage->name.has_value());
}

BOOST_AUTO_TEST_CASE(unknown_enum_values_are_kept) {
    const auto result = decode<model::get_participant_result>(
        R"({"participant":{"state":"RECONNECTING","protocol":"SRT"}})");
    const model::participant& p = *result.participant;
    BOOST_TEST(!p.state->is_known());
    BOOST_TEST(p.state->to_string() == "RECONNECTING");
    BOOST_TEST((*p.state != model::participant_state::connected));
    BOOST_TEST((*p.state == model::participant_state::from_string("RECONNECTING")));
    BOOST_TEST(encode(result) == R"({"participant":{"state":"RECONNECTING","protocol":"SRT"}})");
}

BOOST_AUTO_TEST_CASE(wrong_types_are_rejected_with_their_path) {
    BOOST_TEST(
        decode_error<model::get_stage_result>(R"({"stage":{"arn":"a","tags":{"team":5}}})") ==
        "stage.tags.team: expected a string");
    BOOST_TEST(decode_error<model::list_participants_result>(
                   R"({"participants":[{"participantId":"a"},{"published":"yes"}]})") ==
               "participants[1].published: expected a boolean");
    BOOST_TEST(decode_error<model::get_composition_result>(
                   R"({"composition":{"destinations":[{"configuration":{"s3":{)"
                   R"("encoderConfigurationArns":["a",7]}}}]}})") ==
               "composition.destinations[0].configuration.s3.encoderConfigurationArns[1]: "
               "expected a string");
    BOOST_TEST(decode_error<model::create_participant_token_result>(
                   R"({"participantToken":{"duration":4294967296}})") ==
               "participantToken.duration: expected a 32-bit integer");
    BOOST_TEST(decode_error<model::create_participant_token_result>(
                   R"({"participantToken":{"duration":1.5}})") ==
               "participantToken.duration: expected a 32-bit integer");
    BOOST_TEST(decode_error<model::get_stage_session_result>(
                   R"({"stageSession":{"startTime":1700000000}})") ==
               "stageSession.startTime: expected an ISO-8601 timestamp");
    BOOST_TEST(decode_error<model::list_stages_result>(R"({"stages":{}})") ==
               "stages: expected an array");
    BOOST_TEST(decode_error<model::get_encoder_configuration_result>(
                   R"({"encoderConfiguration":{"video":{"framerate":"30"}}})") ==
               "encoderConfiguration.video.framerate: expected a number");
    // A key that starts with '[' is a key, not an index. (Found by a differential fuzz of the
    // decoder against its previous version, which wrote "stage.tags[0]".)
    BOOST_TEST(decode_error<model::get_stage_result>(R"({"stage":{"tags":{"[0]":5}}})") ==
               "stage.tags.[0]: expected a string");
    BOOST_TEST(decode_error<model::get_stage_result>("[]") == "expected an object");
    BOOST_TEST(decode_error<model::get_stage_result>("{").starts_with("invalid JSON: "));
    BOOST_TEST(decode_error<model::get_stage_result>("{} x").starts_with("invalid JSON: "));
}

// A double decodes to the correctly rounded value of its text (as strtod gives it), so that what
// decodes encodes to text that decodes to the same value; beyond a double's range it is refused.
// (Found by fuzz_result_decode: a 130-digit framerate missed by a unit in the last place.)
BOOST_AUTO_TEST_CASE(doubles_are_correctly_rounded_and_within_range) {
    const std::vector<std::string> texts = {
        std::string(120, '6') + "299.7",
        "0.1",
        "29.97",
        "1.7976931348623157e308",
        "4.9406564584124654e-324",
        "123456789012345678901234567890e-10",
        "9007199254740993",
        "2.2250738585072011e-308",
    };
    for (const auto& text : texts) {
        const auto decoded = decode<model::get_encoder_configuration_result>(
            R"({"encoderConfiguration":{"video":{"framerate":)" + text + "}}}");
        const double framerate = *decoded.encoder_configuration->video->framerate;
        BOOST_TEST(framerate == std::strtod(text.c_str(), nullptr), text);
        std::string json;
        model::to_json(decoded, json);
        BOOST_TEST((decode<model::get_encoder_configuration_result>(json) == decoded), text);
    }
    for (const char* text : {"1e400", "-1e400"}) {
        BOOST_TEST(
            decode_error<model::get_encoder_configuration_result>(
                std::string(R"({"encoderConfiguration":{"video":{"framerate":)") + text + "}}}") ==
            "encoderConfiguration.video.framerate: number out of range for "
            "a double");
    }
}

// A server reading a request rejects a missing required member; a client reading a response
// keeps the default, as Smithy recommends, so that a change of the service cannot break it.
BOOST_AUTO_TEST_CASE(missing_required_members) {
    BOOST_TEST(decode_error<model::create_participant_token_request>(R"({"duration":5})") ==
               "stageArn: missing required member");
    BOOST_TEST(decode_error<model::start_composition_request>(
                   R"({"stageArn":"s","destinations":[{"s3":{"storageConfigurationArn":"a"}}]})") ==
               "destinations[0].s3.encoderConfigurationArns: missing required member");
    const auto result = decode<model::get_stage_result>(R"({"stage":{"name":"n"}})");
    BOOST_TEST(result.stage->arn == "");
    BOOST_TEST(decode<model::list_stages_result>("{}").stages.empty());
}

BOOST_AUTO_TEST_CASE(decoding_replaces_the_previous_value) {
    model::get_stage_result result{.stage = model::stage{.arn = "old", .name = "old"}};
    std::string error;
    BOOST_TEST_REQUIRE(model::from_json(R"({"stage":{"arn":"new"}})", result, error));
    BOOST_TEST(result.stage->arn == "new");
    BOOST_TEST(!result.stage->name.has_value());
}

// Keys and strings are compared and stored unescaped, whatever their length: the parser hands
// long or escaped text over in parts.
BOOST_AUTO_TEST_CASE(escaped_and_long_text_decodes_whole) {
    BOOST_TEST(decode<model::get_stage_result>(R"({"st\u0061ge":{"\u0061rn":"a\"b\u00e9\n"}})")
                   .stage->arn == "a\"b\xc3\xa9\n");
    std::string long_value;
    for (int i = 0; i < 3000; ++i) long_value += "x\\\"y\\u00e9";
    std::string expected;
    for (int i = 0; i < 3000; ++i) expected += "x\"y\xc3\xa9";
    const auto result =
        decode<model::get_stage_result>(R"({"stage":{"arn":")" + long_value + R"(","name":"n"}})");
    BOOST_TEST(result.stage->arn == expected);
    BOOST_TEST(*result.stage->name == "n");
    BOOST_TEST(decode_error<model::get_stage_result>("{\"stage\":{\"arn\":\"\xff\"}}")
                   .starts_with("invalid JSON: "));
}

// As with a JSON object of Boost.JSON or JavaScript, a repeated key takes its last value, whole.
BOOST_AUTO_TEST_CASE(a_repeated_key_takes_its_last_value) {
    const auto result = decode<model::get_stage_result>(
        R"({"stage":{"arn":"a","name":"n"},"stage":{"arn":"b","arn":"c"}})");
    BOOST_TEST(result.stage->arn == "c");
    BOOST_TEST(!result.stage->name.has_value());
    const auto tags = decode<model::get_stage_result>(
        R"({"stage":{"tags":{"a":"1","b":"2","a":"3"},"name":"n","name":null}})");
    BOOST_TEST((*tags.stage->tags == std::map<std::string, std::string>{{"a", "3"}, {"b", "2"}}));
    BOOST_TEST(!tags.stage->name.has_value());
}

// Numbers: any JSON number for a double, only integers within 32 bits for an integer; values
// beyond int64 and nesting beyond 32 levels are refused.
BOOST_AUTO_TEST_CASE(numbers_and_depth) {
    const auto video = decode<model::get_encoder_configuration_result>(
        R"({"encoderConfiguration":{"video":{"framerate":2.5e1,"bitrate":-2147483648}}})");
    BOOST_TEST(*video.encoder_configuration->video->framerate == 25.0);
    BOOST_TEST(*video.encoder_configuration->video->bitrate == -2147483648);
    BOOST_TEST(*decode<model::get_encoder_configuration_result>(
                    R"({"encoderConfiguration":{"video":{"framerate":18446744073709551615}}})")
                    .encoder_configuration->video->framerate == 18446744073709551615.0);
    BOOST_TEST(decode_error<model::get_encoder_configuration_result>(
                   R"({"encoderConfiguration":{"video":{"bitrate":-2147483649}}})") ==
               "encoderConfiguration.video.bitrate: expected a 32-bit integer");
    BOOST_TEST(decode_error<model::get_encoder_configuration_result>(
                   R"({"encoderConfiguration":{"video":{"bitrate":true}}})") ==
               "encoderConfiguration.video.bitrate: expected a 32-bit integer");
    const std::string deep = std::string(40, '[') + std::string(40, ']');
    BOOST_TEST(decode_error<model::get_stage_result>(R"({"x":)" + deep + "}")
                   .starts_with("invalid JSON: "));
    const std::string skipped = std::string(20, '[') + "{\"a\":{}}" + std::string(20, ']');
    BOOST_TEST(decode<model::get_stage_result>(R"({"x":)" + skipped + R"(,"stage":{"arn":"a"}})")
                   .stage->arn == "a");
}
