// Tests for the generated model's types, enums, operation traits, HTTP targets and readable text
// (ivsrt/model/*.hpp). JSON and validation have their own test files.
#define BOOST_TEST_MODULE test_model
#include <boost/test/unit_test.hpp>

#include <ivsrt/model/all.hpp>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>

namespace model = ivsrt::model;

namespace {

const std::string stage_arn = "arn:aws:ivs:us-west-2:123456789012:stage/AbCdEfGhIjKl";
const std::string encoded_stage_arn =
    "arn%3Aaws%3Aivs%3Aus-west-2%3A123456789012%3Astage%2FAbCdEfGhIjKl";

template <class Traits>
bool declares_error(std::string_view code) {
    return std::find(Traits::errors.begin(), Traits::errors.end(), code) != Traits::errors.end();
}

}  // namespace

// ---- Types

BOOST_AUTO_TEST_CASE(designated_initializers_read_like_the_api) {
    const model::create_participant_token_request request{
        .stage_arn = stage_arn,
        .user_id = "u1",
        .attributes = {{"team", "a"}},
        .capabilities = {model::participant_token_capability::publish}};
    BOOST_TEST(request.stage_arn == stage_arn);
    BOOST_TEST(!request.duration.has_value());
    BOOST_TEST_REQUIRE(request.capabilities.has_value());
    BOOST_TEST(request.capabilities->size() == 1u);
    BOOST_TEST((request.capabilities->front() == model::participant_token_capability::publish));
    BOOST_TEST(request.attributes->size() == 1u);
    BOOST_TEST(request.attributes->at("team") == "a");
}

BOOST_AUTO_TEST_CASE(optional_lists_distinguish_unset_from_empty) {
    model::optional_list<int> list = {};
    BOOST_TEST(!list.has_value());
    BOOST_TEST((list == std::nullopt));
    list = std::vector<int>{};
    BOOST_TEST(list.has_value());
    BOOST_TEST(list->empty());
    list = {1, 2, 3};
    BOOST_TEST(list->size() == 3u);
    model::optional_list<int> same = {1, 2, 3};
    BOOST_TEST((list == same));
    same->push_back(4);
    BOOST_TEST((list != same));
    model::optional_map<std::string> map = {{"a", "1"}, {"b", "2"}};
    BOOST_TEST(map->size() == 2u);
    map = std::nullopt;
    BOOST_TEST(!map.has_value());
}

BOOST_AUTO_TEST_CASE(enums_keep_unknown_values) {
    using model::participant_token_capability;
    const participant_token_capability publish = participant_token_capability::publish;
    BOOST_TEST(publish.to_string() == "PUBLISH");
    BOOST_TEST(publish.is_known());
    BOOST_TEST((participant_token_capability::from_string("SUBSCRIBE") ==
                participant_token_capability::subscribe));
    BOOST_TEST((publish != participant_token_capability::subscribe));

    const auto future = participant_token_capability::from_string("MODERATE");
    BOOST_TEST(!future.is_known());
    BOOST_TEST(!future.empty());
    BOOST_TEST(future.to_string() == "MODERATE");
    BOOST_TEST((future == participant_token_capability::from_string("MODERATE")));
    BOOST_TEST((future != participant_token_capability::from_string("OTHER")));
    BOOST_TEST((future != publish));

    const participant_token_capability unset;
    BOOST_TEST(unset.empty());
    BOOST_TEST(!unset.is_known());
    BOOST_TEST(unset.to_string() == "");
    BOOST_TEST((participant_token_capability::from_string("") == unset));

    std::ostringstream os;
    os << publish << ' ' << future;
    BOOST_TEST(os.str() == "PUBLISH MODERATE");
    BOOST_TEST(model::to_string(model::video_aspect_ratio{model::video_aspect_ratio::auto_}) ==
               "AUTO");
    BOOST_TEST(model::to_string(model::event_error_code{
                   model::event_error_code::b_frame_present}) == "B_FRAME_PRESENT");
}

// ---- Operation traits

BOOST_AUTO_TEST_CASE(every_operation_is_listed_once) {
    std::set<std::string_view> names;
#define IVSRT_NAME(Name, snake)                                                                \
    static_assert(model::operation_request<model::snake##_request>);                           \
    static_assert(std::is_same_v<model::operation_traits<model::snake##_request>::result_type, \
                                 model::snake##_result>);                                      \
    BOOST_TEST(model::operation_traits<model::snake##_request>::name == #Name);                \
    BOOST_TEST(model::operation_traits<model::snake##_request>::snake_name == #snake);         \
    names.insert(#Name);
    IVSRT_MODEL_OPERATIONS(IVSRT_NAME)
#undef IVSRT_NAME
    BOOST_TEST(names.size() == 39u);
    // The 15 operations of the original OpenAPI specification are among them.
    for (std::string_view original :
         {"CreateParticipantToken", "CreateStage", "DeleteStage", "DisconnectParticipant",
          "GetParticipant", "GetStage", "GetStageSession", "ListParticipantEvents",
          "ListParticipants", "ListStageSessions", "ListStages", "ListTagsForResource",
          "TagResource", "UntagResource", "UpdateStage"}) {
        BOOST_TEST(names.count(original) == 1u, original);
    }
}

BOOST_AUTO_TEST_CASE(traits_of_a_post_operation) {
    using traits = model::operation_traits<model::create_participant_token_request>;
    static_assert(traits::method == model::http_method::post);
    static_assert(traits::uri == "/CreateParticipantToken");
    static_assert(traits::has_body);
    static_assert(!traits::idempotent);
    static_assert(traits::idempotency_token == nullptr);
    // Reads are POSTs too, and safe to send twice.
    static_assert(model::operation_traits<model::get_stage_request>::idempotent);
    static_assert(model::operation_traits<model::list_tags_for_resource_request>::idempotent);
    static_assert(traits::path_bindings.empty() && traits::query_bindings.empty());
    static_assert(traits::response_headers.empty());
    BOOST_TEST(traits::errors.size() == 5u);
    BOOST_TEST(declares_error<traits>("ServiceQuotaExceededException"));
    BOOST_TEST(declares_error<traits>("PendingVerification"));
    BOOST_TEST(!declares_error<traits>("ConflictException"));
    BOOST_TEST(model::to_string(traits::method) == "POST");
}

BOOST_AUTO_TEST_CASE(traits_of_the_tag_operations) {
    using list = model::operation_traits<model::list_tags_for_resource_request>;
    using tag = model::operation_traits<model::tag_resource_request>;
    using untag = model::operation_traits<model::untag_resource_request>;
    static_assert(list::method == model::http_method::get && list::idempotent && !list::has_body);
    static_assert(tag::method == model::http_method::post && !tag::idempotent && tag::has_body);
    static_assert(untag::method == model::http_method::delete_ && untag::idempotent &&
                  !untag::has_body);
    static_assert(list::uri == "/tags/{resourceArn}" && tag::uri == list::uri &&
                  untag::uri == list::uri);
    static_assert(untag::path_bindings.size() == 1 && untag::query_bindings.size() == 1);
    static_assert(untag::path_bindings[0].label == "resourceArn");
    static_assert(untag::path_bindings[0].member == &model::untag_resource_request::resource_arn);
    static_assert(untag::query_bindings[0].key == "tagKeys");
    static_assert(untag::query_bindings[0].member == &model::untag_resource_request::tag_keys);
    BOOST_TEST(model::to_string(untag::method) == "DELETE");
    BOOST_TEST(declares_error<untag>("InternalServerException"));
}

BOOST_AUTO_TEST_CASE(idempotency_token_and_response_headers) {
    using start = model::operation_traits<model::start_composition_request>;
    static_assert(start::idempotency_token == &model::start_composition_request::idempotency_token);
    using replicate = model::operation_traits<model::start_participant_replication_request>;
    BOOST_TEST(replicate::response_headers.size() == 7u);
    BOOST_TEST(replicate::response_headers[0].header == "Access-Control-Allow-Origin");
    BOOST_TEST((replicate::response_headers[0].member ==
                &model::start_participant_replication_result::access_control_allow_origin));
    // Header members are not in the body.
    std::string json;
    model::to_json(model::start_participant_replication_result{.cache_control = "no-store"}, json);
    BOOST_TEST(json == "{}");
}

BOOST_AUTO_TEST_CASE(paginators_of_the_ten_list_operations) {
    int paginated = 0;
#define IVSRT_COUNT(Name, snake) paginated += model::paginated_request<model::snake##_request>;
    IVSRT_MODEL_OPERATIONS(IVSRT_COUNT)
#undef IVSRT_COUNT
    BOOST_TEST(paginated == 10);
    static_assert(!model::paginated_request<model::list_tags_for_resource_request>);

    using stages = model::paginator_traits<model::list_stages_request>;
    static_assert(std::is_same_v<stages::item_type, model::stage_summary>);
    static_assert(stages::input_token == &model::list_stages_request::next_token);
    static_assert(stages::output_token == &model::list_stages_result::next_token);
    static_assert(stages::page_size == &model::list_stages_request::max_results);
    static_assert(stages::items == &model::list_stages_result::stages);
    static_assert(stages::max_page_size == 100);

    using replicas = model::paginator_traits<model::list_participant_replicas_request>;
    static_assert(replicas::max_page_size == 50);
    static_assert(replicas::items == &model::list_participant_replicas_result::replicas);
    using events = model::paginator_traits<model::list_participant_events_request>;
    static_assert(std::is_same_v<events::item_type, model::event>);
}

BOOST_AUTO_TEST_CASE(modeled_errors) {
    BOOST_TEST(model::modeled_errors.size() == 7u);
    const auto find = [](std::string_view code) {
        return *std::find_if(model::modeled_errors.begin(), model::modeled_errors.end(),
                             [&](const model::modeled_error& e) { return e.code == code; });
    };
    BOOST_TEST(find("ServiceQuotaExceededException").http_status == 402u);
    BOOST_TEST(find("PendingVerification").http_status == 403u);
    BOOST_TEST(find("AccessDeniedException").http_status == 403u);
    BOOST_TEST(find("InternalServerException").server_fault);
    BOOST_TEST(!find("ValidationException").server_fault);
}

// ---- HTTP targets

BOOST_AUTO_TEST_CASE(post_operations_target_their_name) {
    std::string path = "stale";
    model::query_params query{{"stale", "x"}};
    model::write_target(model::create_stage_request{.name = "show"}, path, query);
    BOOST_TEST(path == "/CreateStage");
    BOOST_TEST(query.empty());

    model::get_stage_request request;
    BOOST_TEST(model::read_target("/GetStage", {}, request));
    BOOST_TEST(!model::read_target("/GetStages", {}, request));
}

BOOST_AUTO_TEST_CASE(tag_operations_encode_the_arn_once) {
    std::string path;
    model::query_params query;
    model::write_target(
        model::untag_resource_request{.resource_arn = stage_arn, .tag_keys = {"team", "a b&c"}},
        path, query);
    BOOST_TEST(path == "/tags/" + encoded_stage_arn);
    BOOST_TEST((query == model::query_params{{"tagKeys", "team"}, {"tagKeys", "a b&c"}}));

    model::write_target(model::list_tags_for_resource_request{.resource_arn = stage_arn}, path,
                        query);
    BOOST_TEST(path == "/tags/" + encoded_stage_arn);
    BOOST_TEST(query.empty());
    // Every byte but the unreserved ones is encoded.
    model::write_target(model::tag_resource_request{.resource_arn = "a~b_c.d-e é+"}, path, query);
    BOOST_TEST(path == "/tags/a~b_c.d-e%20%C3%A9%2B");
}

BOOST_AUTO_TEST_CASE(servers_read_the_target_back) {
    model::untag_resource_request request{.tag_keys = {"old"}};
    BOOST_TEST_REQUIRE(model::read_target("/tags/" + encoded_stage_arn,
                                          {{"tagKeys", "team"}, {"other", "x"}, {"tagKeys", "b"}},
                                          request));
    BOOST_TEST(request.resource_arn == stage_arn);
    BOOST_TEST((request.tag_keys == std::vector<std::string>{"team", "b"}));

    model::list_tags_for_resource_request list;
    BOOST_TEST(model::read_target("/tags/arn%3aaws", {}, list));
    BOOST_TEST(list.resource_arn == "arn:aws");
    BOOST_TEST(!model::read_target("/tags/", {}, list));       // empty label
    BOOST_TEST(!model::read_target("/tags/a/b", {}, list));    // two segments
    BOOST_TEST(!model::read_target("/tag/abc", {}, list));     // another path
    BOOST_TEST(!model::read_target("/tags/ab%2", {}, list));   // truncated escape
    BOOST_TEST(!model::read_target("/tags/ab%zz", {}, list));  // not hex
}

// ---- Readable text

BOOST_AUTO_TEST_CASE(text_shows_set_members) {
    const model::stage stage{.arn = "a\"b", .tags = {{"team", "x"}}};
    BOOST_TEST(model::to_string(stage) == R"(stage{arn: "a\"b", tags: {"team": "x"}})");
    const model::create_participant_token_request request{
        .stage_arn = "s",
        .duration = 5,
        .capabilities = {model::participant_token_capability::publish,
                         model::participant_token_capability::from_string("NEW")}};
    BOOST_TEST(model::to_string(request) ==
               R"(create_participant_token_request{stage_arn: "s", duration: 5, )"
               R"(capabilities: [PUBLISH, "NEW"]})");
    BOOST_TEST(model::to_string(model::delete_stage_result{}) == "delete_stage_result{}");
    std::ostringstream os;
    os << model::video{.framerate = 29.97, .bitrate = 1000};
    BOOST_TEST(os.str() == "video{framerate: 29.97, bitrate: 1000}");
}

BOOST_AUTO_TEST_CASE(sensitive_members_are_redacted) {
    const std::string secret = "eyJhbGciOiJLTVMiLCJ0eXAiOiJKV1QifQ.secret-part";
    const model::create_participant_token_result token{
        .participant_token = model::participant_token{.participant_id = "p1", .token = secret}};
    const std::string text = model::to_string(token);
    BOOST_TEST(text ==
               R"(create_participant_token_result{participant_token: {participant_id: "p1", )"
               R"(token: ***}})");
    std::ostringstream os;
    os << token;
    BOOST_TEST(os.str() == text);

    const model::create_stage_result stage{
        .participant_tokens = {{.token = secret}, {.user_id = "u"}}};
    BOOST_TEST(model::to_string(stage) ==
               R"(create_stage_result{participant_tokens: [{token: ***}, {user_id: "u"}]})");

    const std::string key = "rt_123456789012_us-west-2_QnGiXo3zCs1d_secretsecret";
    const model::get_ingest_configuration_result ingest{
        .ingest_configuration = model::ingest_configuration{
            .stream_key = key,
            .redundant_ingest_credentials = {{.participant_id = "b", .stream_key = key}}}};
    const std::string ingest_text = model::to_string(ingest);
    BOOST_TEST(ingest_text.find("rt_") == std::string::npos, ingest_text);
    BOOST_TEST(ingest_text.find("stream_key: ***") != std::string::npos, ingest_text);
    BOOST_TEST(ingest_text.find(
                   R"(redundant_ingest_credentials: [{participant_id: "b", stream_key: ***}])") !=
                   std::string::npos,
               ingest_text);
    // Required members are printed even when empty; an empty secret is still redacted.
    BOOST_TEST(model::to_string(model::ingest_configuration{}).find("stream_key: ***") !=
               std::string::npos);
}
