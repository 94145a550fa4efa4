// Tests for ivsrt/model/validate.hpp: every kind of constraint of the model, with a request that
// breaks it and one at the boundary that passes. Expected messages are written from the model.
#define BOOST_TEST_MODULE test_model_validation
#include <boost/test/unit_test.hpp>

#include <ivsrt/model/all.hpp>

#include <atomic>
#include <cstdlib>
#include <limits>
#include <map>
#include <new>
#include <string>
#include <vector>

namespace model = ivsrt::model;

namespace {
std::atomic<long> allocations{0};
}  // namespace

// Counts allocations, to show that a passing validation makes none. (Out of line, so that the
// compiler does not see free() meet a pointer from operator new.)
[[gnu::noinline]] void* operator new(std::size_t size) {
    ++allocations;
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept {
    std::free(p);
}
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}

namespace {

const std::string stage_arn = "arn:aws:ivs:us-west-2:123456789012:stage/AbCdEfGhIjKl";
const std::string session_id = "st-a1B2c3D4e5F6g";  // exactly 16 characters

// The message of a request that must be rejected.
template <class Request>
std::string rejection(const Request& request) {
    std::string message;
    BOOST_TEST(!model::validate(request, message), "accepted: " << request);
    return message;
}

// True when `request` passes; the message is left alone then.
template <class Request>
bool passes(const Request& request) {
    std::string message = "untouched";
    const bool ok = model::validate(request, message);
    BOOST_TEST(message == "untouched");
    return ok;
}

model::create_participant_token_request token_request() {
    return {.stage_arn = stage_arn};
}

}  // namespace

BOOST_AUTO_TEST_CASE(required_members) {
    BOOST_TEST(rejection(model::create_participant_token_request{}) ==
               "create_participant_token.stage_arn: is required");
    BOOST_TEST(passes(token_request()));

    // An enum is missing while unset.
    BOOST_TEST(rejection(model::create_ingest_configuration_request{}) ==
               "create_ingest_configuration.ingest_protocol: is required");
    BOOST_TEST(passes(model::create_ingest_configuration_request{
        .ingest_protocol = model::ingest_protocol::rtmps}));

    // Members bound to the URI and the query cannot be empty on the wire.
    BOOST_TEST(rejection(model::untag_resource_request{.tag_keys = {"team"}}) ==
               "untag_resource.resource_arn: is required");
    BOOST_TEST(rejection(model::untag_resource_request{.resource_arn = stage_arn}) ==
               "untag_resource.tag_keys: is required");
    BOOST_TEST(
        passes(model::untag_resource_request{.resource_arn = stage_arn, .tag_keys = {"team"}}));

    // Required members of nested structures.
    BOOST_TEST(rejection(model::create_storage_configuration_request{}) ==
               "create_storage_configuration.s3.bucket_name: is required");

    // An empty string the model accepts is a value, not a missing member: "" turns
    // auto-recording off.
    BOOST_TEST(passes(model::update_stage_request{
        .arn = stage_arn,
        .auto_participant_recording_configuration =
            model::auto_participant_recording_configuration{.storage_configuration_arn = ""}}));
}

BOOST_AUTO_TEST_CASE(string_lengths_count_characters) {
    auto request = token_request();
    request.user_id = std::string(128, 'u');
    BOOST_TEST(passes(request));
    request.user_id = std::string(129, 'u');
    BOOST_TEST(rejection(request) ==
               "create_participant_token.user_id: length 129 is above the maximum 128");

    // 128 characters of two bytes each pass; 129 do not.
    std::string accented;
    for (int i = 0; i < 128; ++i) accented += "\xC3\xA9";  // é
    request.user_id = accented;
    BOOST_TEST(passes(request));
    request.user_id = accented + "\xC3\xA9";
    BOOST_TEST(rejection(request) ==
               "create_participant_token.user_id: length 129 is above the maximum 128");

    // Minimum: an idempotency token has 1 to 64 characters.
    model::start_composition_request composition{
        .stage_arn = stage_arn, .idempotency_token = "", .destinations = {{.name = "d"}}};
    BOOST_TEST(rejection(composition) ==
               "start_composition.idempotency_token: length 0 is below the minimum 1");
    composition.idempotency_token = "a";
    BOOST_TEST(passes(composition));

    // Exactly 16 characters for a session id.
    model::get_stage_session_request session{.stage_arn = stage_arn, .session_id = session_id};
    BOOST_TEST(passes(session));
    session.session_id = "st-a1B2c3D4e5F6";
    BOOST_TEST(rejection(session) ==
               "get_stage_session.session_id: length 15 is below the minimum 16");
    session.session_id = "st-a1B2c3D4e5F6gh";
    BOOST_TEST(rejection(session) ==
               "get_stage_session.session_id: length 17 is above the maximum 16");

    // Minimum 3 for a bucket name.
    BOOST_TEST(
        rejection(model::create_storage_configuration_request{.s3 = {.bucket_name = "ab"}}) ==
        "create_storage_configuration.s3.bucket_name: length 2 is below the minimum 3");
    BOOST_TEST(passes(model::create_storage_configuration_request{.s3 = {.bucket_name = "abc"}}));
}

BOOST_AUTO_TEST_CASE(patterns) {
    model::create_stage_request stage{.name = "a b"};
    BOOST_TEST(rejection(stage) ==
               R"(create_stage.name: "a b" does not match pattern ^[a-zA-Z0-9-_]*$)");
    stage.name = "Show-2_b";
    BOOST_TEST(passes(stage));
    stage.name = "";
    BOOST_TEST(passes(stage));

    // An ARN of another resource type.
    auto request = token_request();
    request.stage_arn = "arn:aws:ivs:us-west-2:123456789012:channel/AbCdEfGhIjKl";
    BOOST_TEST(rejection(request) ==
               "create_participant_token.stage_arn: "
               R"("arn:aws:ivs:us-west-2:123456789012:channel/AbCdEfGhIjKl" does not match )"
               "pattern ^arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage/[a-zA-Z0-9-]+$");
    for (const char* bad :
         {"arn:aws:ivs:us-west-2:123456789012:stage/", "arn:aws:ivs::1:stage/a",
          "arn:aws:ivs:us-west-2:12a:stage/a", "arn:aws:ivs:us-west-2:1:stage/a/b",
          " arn:aws:ivs:us-west-2:1:stage/a", "arn:aws:ivs:US:1:stage/a"}) {
        request.stage_arn = bad;
        std::string message;
        BOOST_TEST(!model::validate(request, message), bad);
    }
    request.stage_arn = "arn:aws:ivs:us-west-2:1:stage/a";
    BOOST_TEST(passes(request));

    // "^$|^arn:...$": empty or a stage ARN.
    model::update_ingest_configuration_request ingest{
        .arn = "arn:aws:ivs:us-west-2:123456789012:ingest-configuration/QnGiXo3zCs1d",
        .stage_arn = ""};
    BOOST_TEST(passes(ingest));
    ingest.stage_arn = stage_arn;
    BOOST_TEST(passes(ingest));
    ingest.stage_arn = "x" + stage_arn;
    BOOST_TEST(rejection(ingest).starts_with("update_ingest_configuration.stage_arn: \"x"));

    // [a-z0-9-.]+ after the length check.
    BOOST_TEST(
        rejection(model::create_storage_configuration_request{.s3 = {.bucket_name = "ABC"}}) ==
        R"(create_storage_configuration.s3.bucket_name: "ABC" does not match pattern )"
        "^[a-z0-9-.]+$");
    BOOST_TEST(passes(model::create_storage_configuration_request{.s3 = {.bucket_name = "a.b-c"}}));

    // st-[a-zA-Z0-9]+ with exactly 16 characters.
    BOOST_TEST(rejection(model::get_stage_session_request{.stage_arn = stage_arn,
                                                          .session_id = "xx-a1B2c3D4e5F6g"})
                   .ends_with("does not match pattern ^st-[a-zA-Z0-9]+$"));

    // A pagination token.
    BOOST_TEST(passes(model::list_stages_request{.next_token = "AQICAHhB+/dL2v=_-"}));
    BOOST_TEST(rejection(model::list_stages_request{.next_token = "a b"}) ==
               R"(list_stages.next_token: "a b" does not match pattern ^[a-zA-Z0-9+/=_-]*$)");
}

// The PublicKeyMaterial pattern needs backtracking; the generator compiled it into a DFA.
BOOST_AUTO_TEST_CASE(public_key_material_pattern) {
    const std::string body =
        "MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEqVWUtqs6EktQMR1sCYmEzGvRwtaycI16\n"
        "9pmzcpiWu/uhNStGlteJ5odRfRwVkoQUMnSZXTCcbn9bBTTmiWo4mJcFOOAz==";
    const std::string pem = "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----";
    const auto request = [](std::string material) {
        return model::import_public_key_request{.public_key_material = std::move(material)};
    };
    BOOST_TEST(passes(request(pem)));
    BOOST_TEST(passes(request(pem + "\n")));
    BOOST_TEST(passes(request(pem + "\r\n")));
    BOOST_TEST(
        passes(request("-----BEGIN PUBLIC KEY-----\r\nAAAA\r\nBBBB\r\n-----END PUBLIC KEY-----")));
    // Anything on the first line before the header, and on the last line after the footer.
    BOOST_TEST(passes(request("key: " + pem + " trailing")));
    BOOST_TEST(passes(request("-----BEGIN PUBLIC KEY-----\nA\n-----END PUBLIC KEY-----")));
    BOOST_TEST(passes(request(pem + "\none line after")));

    for (const std::string& bad : std::vector<std::string>{
             "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----",              // no key
             "-----BEGIN PUBLIC KEY-----\n" + body + "\n",                        // no footer
             "-----BEGIN PUBLIC KEY-----\nAB*C\n-----END PUBLIC KEY-----",        // not base64
             "line\n" + pem,                                                      // a line before
             pem + "\nline\nline",                                                // two lines after
             "-----BEGIN PUBLIC KEY-----" + body + "\n-----END PUBLIC KEY-----",  // no line break
             "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"}) {
        const std::string message = rejection(request(bad));
        BOOST_TEST(message.starts_with("import_public_key.public_key_material: "), message);
        BOOST_TEST(message.ends_with(
            R"(does not match pattern ^.*-----BEGIN PUBLIC KEY-----\r?\n([a-zA-Z0-9+/=\r\n]+)\r?\n)"
            R"(-----END PUBLIC KEY-----(\r?\n)?.*$)"));
    }
}

// ResourceArn's model pattern (":[a-z-]/" leaves one character for the resource type) matches
// no real ARN, so only its length is enforced.
BOOST_AUTO_TEST_CASE(resource_arn_pattern_is_not_enforced) {
    BOOST_TEST(
        passes(model::tag_resource_request{.resource_arn = stage_arn, .tags = {{"a", "b"}}}));
    BOOST_TEST(passes(model::list_tags_for_resource_request{.resource_arn = "anything"}));
    BOOST_TEST(
        rejection(model::list_tags_for_resource_request{.resource_arn = std::string(129, 'a')}) ==
        "list_tags_for_resource.resource_arn: length 129 is above the maximum 128");
}

BOOST_AUTO_TEST_CASE(numeric_ranges) {
    auto request = token_request();
    request.duration = 0;
    BOOST_TEST(rejection(request) == "create_participant_token.duration: 0 is below the minimum 1");
    request.duration = 1;
    BOOST_TEST(passes(request));
    request.duration = 20160;
    BOOST_TEST(passes(request));
    request.duration = 20161;
    BOOST_TEST(rejection(request) ==
               "create_participant_token.duration: 20161 is above the maximum 20160");
    request.duration = std::numeric_limits<std::int32_t>::min();
    BOOST_TEST(rejection(request) ==
               "create_participant_token.duration: -2147483648 is below the minimum 1");

    // A float range, NaN included.
    model::create_encoder_configuration_request encoder{.video = model::video{.framerate = 0.5}};
    BOOST_TEST(rejection(encoder) ==
               "create_encoder_configuration.video.framerate: 0.5 is below the minimum 1");
    encoder.video->framerate = 60.0;
    BOOST_TEST(passes(encoder));
    encoder.video->framerate = 60.25;
    BOOST_TEST(rejection(encoder) ==
               "create_encoder_configuration.video.framerate: 60.25 is above the maximum 60");
    encoder.video->framerate = std::numeric_limits<double>::quiet_NaN();
    BOOST_TEST(rejection(encoder).starts_with("create_encoder_configuration.video.framerate: "));

    // A minimum without maximum.
    model::start_composition_request composition{
        .stage_arn = stage_arn,
        .layout = model::layout_configuration{.grid = model::grid_configuration{.grid_gap = -1}},
        .destinations = {{.name = "d"}}};
    BOOST_TEST(rejection(composition) ==
               "start_composition.layout.grid.grid_gap: -1 is below the minimum 0");
    composition.layout->grid->grid_gap = 0;
    BOOST_TEST(passes(composition));

    // Page sizes.
    BOOST_TEST(passes(model::list_participant_replicas_request{
        .source_stage_arn = stage_arn, .participant_id = "p", .max_results = 50}));
    BOOST_TEST(rejection(model::list_participant_replicas_request{
                   .source_stage_arn = stage_arn, .participant_id = "p", .max_results = 51}) ==
               "list_participant_replicas.max_results: 51 is above the maximum 50");
}

BOOST_AUTO_TEST_CASE(list_sizes) {
    model::start_composition_request composition{.stage_arn = stage_arn};
    BOOST_TEST(rejection(composition) ==
               "start_composition.destinations: size 0 is below the minimum 1");
    composition.destinations = {{.name = "a"}, {.name = "b"}};
    BOOST_TEST(passes(composition));
    composition.destinations.push_back({.name = "c"});
    BOOST_TEST(rejection(composition) ==
               "start_composition.destinations: size 3 is above the maximum 2");

    auto request = token_request();
    request.capabilities = {model::participant_token_capability::publish,
                            model::participant_token_capability::subscribe};
    BOOST_TEST(passes(request));
    request.capabilities->push_back(model::participant_token_capability::publish);
    BOOST_TEST(rejection(request) ==
               "create_participant_token.capabilities: size 3 is above the maximum 2");
}

BOOST_AUTO_TEST_CASE(map_sizes_keys_and_values) {
    model::create_stage_request stage{.tags = std::map<std::string, std::string>{}};
    for (int i = 0; i < 50; ++i) stage.tags->emplace("key" + std::to_string(i), "v");
    BOOST_TEST(passes(stage));
    stage.tags->emplace("one-more", "v");
    BOOST_TEST(rejection(stage) == "create_stage.tags: size 51 is above the maximum 50");

    stage.tags = {{"", "v"}};
    BOOST_TEST(rejection(stage) == "create_stage.tags: key length 0 is below the minimum 1");
    stage.tags = {{std::string(128, 'k'), std::string(256, 'v')}};
    BOOST_TEST(passes(stage));
    stage.tags = {{"team", std::string(257, 'v')}};
    BOOST_TEST(rejection(stage) == "create_stage.tags.team: length 257 is above the maximum 256");
}

BOOST_AUTO_TEST_CASE(enum_values) {
    auto request = token_request();
    request.capabilities = {model::participant_token_capability::from_string("ADMIN")};
    BOOST_TEST(
        rejection(request) ==
        R"(create_participant_token.capabilities[0]: "ADMIN" is not one of PUBLISH, SUBSCRIBE)");
    request.capabilities = {model::participant_token_capability::from_string("SUBSCRIBE")};
    BOOST_TEST(passes(request));

    model::list_participants_request participants{
        .stage_arn = stage_arn,
        .session_id = session_id,
        .filter_by_state = model::participant_state::from_string("RECONNECTING")};
    BOOST_TEST(rejection(participants) ==
               R"(list_participants.filter_by_state: "RECONNECTING" is not one of CONNECTED, )"
               "DISCONNECTED");
    participants.filter_by_state = model::participant_state::disconnected;
    BOOST_TEST(passes(participants));
}

// Every string must be valid UTF-8 (RFC 3629), whether the model constrains it or not: plain
// members, members bound to the URI or the query, map keys and values, list items. The message
// gives the offset of the first bad byte, never the value.
BOOST_AUTO_TEST_CASE(strings_must_be_valid_utf8) {
    // Each of these is rejected at the byte given.
    const std::vector<std::pair<std::string, std::size_t>> invalid = {
        {"a\x80", 1},             // a continuation byte alone
        {"ab\xC3", 2},            // a sequence cut short
        {"\xC0\xAF", 0},          // overlong '/'
        {"\xE0\x80\xAF", 0},      // overlong, three bytes
        {"\xED\xA0\x80", 0},      // a surrogate (U+D800)
        {"\xF4\x90\x80\x80", 0},  // above U+10FFFF
        {"\xF5\x80\x80\x80", 0},  // no such lead byte
        {"\xFF", 0},
        {"x\xE2\x82", 1},  // euro sign cut short
    };
    for (const auto& [text, at] : invalid) {
        auto token = token_request();
        token.user_id = text;
        BOOST_TEST(rejection(token) ==
                   "create_participant_token.user_id: is not valid UTF-8 (byte " +
                       std::to_string(at) + ")");
    }
    // Valid: ASCII, 2, 3 and 4 byte forms, the highest code point, U+FFFF, U+E000.
    for (const std::string text : {"Ada", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x8E\xA5",
                                   "\xF4\x8F\xBF\xBF", "\xEF\xBF\xBF", "\xEE\x80\x80"}) {
        auto token = token_request();
        token.user_id = text;
        BOOST_TEST(passes(token), text);
    }

    // A string the model does not constrain at all: attribute keys and values.
    auto token = token_request();
    token.attributes = {{"name", "\xC3"}};
    BOOST_TEST(rejection(token) ==
               "create_participant_token.attributes.name: is not valid UTF-8 (byte 0)");
    token.attributes = {{"n\xC3", "v"}};
    BOOST_TEST(rejection(token) ==
               "create_participant_token.attributes: key is not valid UTF-8 (byte 1)");
    // A member bound to the URI, one bound to the query, a list item.
    BOOST_TEST(
        rejection(model::untag_resource_request{.resource_arn = "arn\xFF", .tag_keys = {"team"}}) ==
        "untag_resource.resource_arn: is not valid UTF-8 (byte 3)");
    BOOST_TEST(rejection(model::untag_resource_request{.resource_arn = stage_arn,
                                                       .tag_keys = {"team", "\xC0\x80"}}) ==
               "untag_resource.tag_keys[1]: is not valid UTF-8 (byte 0)");
    // Inside a list of structures.
    model::create_stage_request stage{
        .participant_token_configurations = {{.user_id = "ok"}, {.user_id = "\x80"}}};
    BOOST_TEST(rejection(stage) ==
               "create_stage.participant_token_configurations[1].user_id: is not valid UTF-8 "
               "(byte 0)");
}

// Participant token attributes: at most 1 KB of keys and values in all (the IVS API reference,
// not the model). Counted in bytes of UTF-8.
BOOST_AUTO_TEST_CASE(participant_token_attributes_total_size) {
    auto token = token_request();
    token.attributes = {{"a", std::string(1000, 'x')}, {"bb", std::string(21, 'y')}};  // 1024
    BOOST_TEST(passes(token));
    (*token.attributes)["c"] = "";  // 1025
    BOOST_TEST(rejection(token) ==
               "create_participant_token.attributes: keys and values total "
               "1025 bytes, above the maximum 1024");
    // Multi-byte characters count as their bytes: 342 euro signs are 1026 bytes.
    std::string euros;
    for (int i = 0; i < 342; ++i) euros += "\xE2\x82\xAC";
    token.attributes = {{"", euros}};
    BOOST_TEST(rejection(token) ==
               "create_participant_token.attributes: keys and values total "
               "1026 bytes, above the maximum 1024");
    // The same limit in a stage's participant token configurations.
    model::create_stage_request stage{
        .participant_token_configurations = {{.attributes = {{"k", std::string(1024, 'v')}}}}};
    BOOST_TEST(rejection(stage) ==
               "create_stage.participant_token_configurations[0].attributes: keys and values "
               "total 1025 bytes, above the maximum 1024");
}

BOOST_AUTO_TEST_CASE(paths_through_lists_and_structures) {
    model::create_stage_request stage{
        .participant_token_configurations = {{.duration = 60}, {.duration = 0}}};
    BOOST_TEST(
        rejection(stage) ==
        "create_stage.participant_token_configurations[1].duration: 0 is below the minimum 1");

    const std::string encoder =
        "arn:aws:ivs:us-west-2:123456789012:encoder-configuration/9W59OBY2M8s4";
    model::start_composition_request composition{
        .stage_arn = stage_arn,
        .destinations = {
            {.s3 = model::s3_destination_configuration{
                 .storage_configuration_arn =
                     "arn:aws:ivs:us-west-2:123456789012:storage-configuration/FefABabCDcdE",
                 .encoder_configuration_arns = {"bad"}}}}};
    BOOST_TEST(rejection(composition) ==
               "start_composition.destinations[0].s3.encoder_configuration_arns[0]: \"bad\" does "
               "not match pattern ^arn:aws:ivs:[a-z0-9-]+:[0-9]+:encoder-configuration/"
               "[a-zA-Z0-9-]+$");
    composition.destinations[0].s3->encoder_configuration_arns = {encoder};
    BOOST_TEST(passes(composition));
    composition.destinations[0].s3->thumbnail_configurations = {
        {.storage = {model::thumbnail_storage_type::latest,
                     model::thumbnail_storage_type::from_string("")}}};
    BOOST_TEST(
        rejection(composition) ==
        "start_composition.destinations[0].s3.thumbnail_configurations[0].storage[1]: \"\" is "
        "not one of SEQUENTIAL, LATEST");
}

BOOST_AUTO_TEST_CASE(long_values_are_cut_in_messages) {
    model::create_stage_request stage{.name = std::string(100, 'x') + " y"};
    const std::string message = rejection(stage);
    BOOST_TEST(message == "create_stage.name: \"" + std::string(64, 'x') +
                              "\"... does not match pattern ^[a-zA-Z0-9-_]*$");
    // A cut never splits a character.
    stage.name = std::string(63, 'x') + "\xC3\xA9 y";
    BOOST_TEST(rejection(stage) == "create_stage.name: \"" + std::string(63, 'x') +
                                       "\"... does not match pattern ^[a-zA-Z0-9-_]*$");
}

// Every operation validates; a request with its required members set passes (a sample of them,
// one per kind of operation).
BOOST_AUTO_TEST_CASE(typical_requests_pass) {
    BOOST_TEST(passes(model::create_stage_request{
        .name = "show",
        .participant_token_configurations =
            {{.duration = 60,
              .user_id = "host",
              .attributes = {{"role", "host"}},
              .capabilities = {model::participant_token_capability::publish}}},
        .tags = {{"team", "video"}},
        .auto_participant_recording_configuration = model::auto_participant_recording_configuration{
            .storage_configuration_arn =
                "arn:aws:ivs:us-west-2:123456789012:storage-configuration/FefABabCDcdE",
            .media_types = {model::participant_recording_media_type::audio_only},
            .thumbnail_configuration =
                model::participant_thumbnail_configuration{
                    .target_interval_seconds = 86400,
                    .recording_mode = model::thumbnail_recording_mode::disabled},
            .recording_reconnect_window_seconds = 300,
            .hls_configuration = model::participant_recording_hls_configuration{
                .target_segment_duration_seconds = 10}}}));
    BOOST_TEST(passes(model::get_participant_request{
        .stage_arn = stage_arn, .session_id = session_id, .participant_id = "p7KO5PJBk1pq"}));
    BOOST_TEST(passes(model::disconnect_participant_request{
        .stage_arn = stage_arn, .participant_id = "p7KO5PJBk1pq", .reason = "kicked"}));
    BOOST_TEST(passes(model::start_participant_replication_request{
        .source_stage_arn = stage_arn,
        .destination_stage_arn = "arn:aws:ivs:us-west-2:123456789012:stage/ZyXwVuTsRqPo",
        .participant_id = "p7KO5PJBk1pq",
        .reconnect_window_seconds = 0}));
    BOOST_TEST(passes(model::create_encoder_configuration_request{
        .video = model::video{.width = 2, .height = 1920, .framerate = 1.0, .bitrate = 8500000}}));
}

BOOST_AUTO_TEST_CASE(passing_validation_allocates_nothing) {
    const model::create_participant_token_request request{
        .stage_arn = stage_arn,
        .duration = 720,
        .user_id = "user-42",
        .attributes = {{"displayName", "Ada"}},
        .capabilities = {model::participant_token_capability::publish}};
    std::string message;
    const long before = allocations;
    const bool ok = model::validate(request, message);
    const long made = allocations - before;
    BOOST_TEST(ok);
    BOOST_TEST(made == 0);

    const long before_failure = allocations;
    BOOST_TEST(!model::validate(model::create_participant_token_request{}, message));
    BOOST_TEST(allocations - before_failure > 0);  // the counter does see allocations
}
