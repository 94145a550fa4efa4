// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#define BOOST_TEST_MODULE test_client
#include <boost/test/unit_test.hpp>

// ivsrt::client against a loopback server scripted by each test: the request on the wire, error
// mapping, retries, timeouts, cancellation, pacing, TLS and the event hook. The paginators, the
// completion tokens, the default token's exceptions and the configuration have files of their
// own: test_paginator, test_completion_tokens, test_with_diagnostics, test_client_config.

#include "common/client_fixture.hpp"
#include "common/connect_proxy.hpp"
#include "common/data_file.hpp"
#include "common/header_injection.hpp"
#include "common/temp_dir.hpp"
#include "common/test_tls.hpp"

#include <ivsrt/client.hpp>
#include <ivsrt/detail/client_errors.hpp>
#include <ivsrt/detail/proxy.hpp>
#include <ivsrt/detail/query.hpp>
#include <ivsrt/detail/wire_request.hpp>
#include <ivsrt/sigv4.hpp>
#include <ivsrt/version.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace model = ivsrt::model;
using ivsrt::errc;
using ivsrt::test::server_connection;
using namespace std::chrono_literals;

namespace {

using ivsrt::test::access_key;
using ivsrt::test::client_fixture;
using ivsrt::test::get_stage;
using ivsrt::test::header;
using ivsrt::test::isolated_sources;
using ivsrt::test::make_response;
using ivsrt::test::request_t;
using ivsrt::test::response_t;
using ivsrt::test::scripted_service;
using ivsrt::test::secret_key;
using ivsrt::test::stage_arn;
using ivsrt::test::test_config;

// Checks the request's signature with the signer's verify (validated by the AWS suite in
// test_sigv4) using the secret of the test credentials.
bool signature_valid(const request_t& r, std::string_view region = "us-west-2") {
    const std::string target(r.target());
    const auto q = target.find('?');
    const std::string path = target.substr(0, q);
    ivsrt::detail::decoded_query decoded;
    if (q != std::string::npos && !ivsrt::detail::decode_query(target.substr(q + 1), decoded)) {
        return false;
    }
    std::vector<ivsrt::sigv4::query_param> query;
    for (const auto& [key, value] : decoded) query.push_back({key, value});
    std::vector<ivsrt::sigv4::header> headers;
    for (const auto& f : r) headers.push_back({f.name_string(), f.value()});
    const std::string authorization = header(r, "authorization");
    const auto auth = ivsrt::sigv4::parse_authorization(authorization);
    if (!auth) return false;
    ivsrt::sigv4::signer signer({.region = std::string(region), .service = "ivs"});
    ivsrt::sigv4::signing_result out;
    return signer.verify({.method = r.method_string(),
                          .path = path,
                          .query = query,
                          .headers = headers,
                          .body = r.body()},
                         *auth, secret_key, out);
}

boost::json::value json(std::string_view text) {
    return boost::json::parse(text);
}

// A random UUID as the AWS SDKs write it: lowercase 8-4-4-4-12, version 4, RFC 9562 variant.
bool is_uuid_v4(std::string_view s) {
    static const std::regex uuid(
        "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    return std::regex_match(s.begin(), s.end(), uuid);
}

// The idempotency token of a request's JSON body, or "" when it has none.
std::string body_token(const request_t& r) {
    const boost::json::value body = json(r.body());
    const boost::json::value* token = body.as_object().if_contains("idempotencyToken");
    return token && token->is_string() ? std::string(token->as_string()) : std::string();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(wire)

BOOST_FIXTURE_TEST_CASE(create_participant_token_request_and_result, client_fixture) {
    service.responses.push_back(make_response(
        200,
        R"({"participantToken":{"participantId":"p1","token":"tok","userId":"u1",)"
        R"("duration":60,"capabilities":["PUBLISH"],"expirationTime":"2026-11-26T10:00:00Z"}})",
        {{"x-amzn-RequestId", "req-1"}}));
    auto cfg = config();
    cfg.app_id = "my app/1";
    ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
    run([&]() -> asio::awaitable<void> {
        const model::create_participant_token_request request{
            .stage_arn = std::string(stage_arn),
            .duration = 60,
            .user_id = "u1",
            .attributes = {{"team", "a"}},
            .capabilities = {model::participant_token_capability::publish}};
        auto result = co_await ivs.async_create_participant_token(request);
        BOOST_TEST_REQUIRE(result.participant_token.has_value());
        BOOST_TEST(*result.participant_token->participant_id == "p1");
        BOOST_TEST(*result.participant_token->duration == 60);
    });
    BOOST_TEST_REQUIRE(service.requests.size() == 1u);
    const request_t& r = service.requests[0];
    BOOST_TEST(r.method_string() == "POST");
    BOOST_TEST(r.target() == "/CreateParticipantToken");
    BOOST_TEST(header(r, "host") == "127.0.0.1:" + std::to_string(port));
    BOOST_TEST(header(r, "content-type") == "application/json");
    BOOST_TEST(json(r.body()) ==
               json(R"({"stageArn":"arn:aws:ivs:us-west-2:123456789012:stage/abcdABCDefgh",)"
                    R"("duration":60,"userId":"u1","attributes":{"team":"a"},)"
                    R"("capabilities":["PUBLISH"]})"));
    const std::string ua = header(r, "user-agent");
    BOOST_TEST(ua.find("ivsrt/" + std::string(ivsrt::version_string)) == 0u);
    BOOST_TEST(ua.find(" api/ivs-realtime#") != std::string::npos);
    BOOST_TEST(ua.find(" app/my-app-1") != std::string::npos);  // ' ' and '/' replaced
    BOOST_TEST(is_uuid_v4(header(r, "amz-sdk-invocation-id")));
    BOOST_TEST(header(r, "amz-sdk-request") == "attempt=1; max=3");
    BOOST_TEST(header(r, "authorization").find("Credential=AKIDEXAMPLE/") != std::string::npos);
    BOOST_TEST(header(r, "authorization").find("/us-west-2/ivs/aws4_request") != std::string::npos);
    BOOST_TEST(signature_valid(r));
}

BOOST_FIXTURE_TEST_CASE(tag_operations_encode_the_arn_and_repeat_tag_keys, client_fixture) {
    service.responses.push_back(make_response(200, R"({"tags":{"a":"1"}})"));
    ivsrt::client ivs(ioc.get_executor(), config());
    run([&]() -> asio::awaitable<void> {
        const model::list_tags_for_resource_request list{.resource_arn = std::string(stage_arn)};
        auto tags = co_await ivs.async_list_tags_for_resource(list);
        BOOST_TEST(tags.tags.at("a") == "1");
        const model::tag_resource_request tag{.resource_arn = std::string(stage_arn),
                                              .tags = {{"team", "a b"}}};
        co_await ivs.async_tag_resource(tag);
        const model::untag_resource_request untag{.resource_arn = std::string(stage_arn),
                                                  .tag_keys = {"team", "x/y"}};
        co_await ivs.async_untag_resource(untag);
    });
    BOOST_TEST_REQUIRE(service.requests.size() == 3u);
    const std::string path =
        "/tags/arn%3Aaws%3Aivs%3Aus-west-2%3A123456789012%3Astage%2FabcdABCDefgh";
    BOOST_TEST(service.requests[0].method_string() == "GET");
    BOOST_TEST(service.requests[0].target() == path);
    BOOST_TEST(service.requests[0].body().empty());
    BOOST_TEST(header(service.requests[0], "content-type").empty());
    BOOST_TEST(service.requests[1].method_string() == "POST");
    BOOST_TEST(service.requests[1].target() == path);
    BOOST_TEST(json(service.requests[1].body()) == json(R"({"tags":{"team":"a b"}})"));
    BOOST_TEST(service.requests[2].method_string() == "DELETE");
    BOOST_TEST(service.requests[2].target() == path + "?tagKeys=team&tagKeys=x%2Fy");
    for (const auto& r : service.requests) BOOST_TEST(signature_valid(r));
}

BOOST_FIXTURE_TEST_CASE(invalid_request_is_not_sent, client_fixture) {
    ivsrt::client ivs(ioc.get_executor(), config());
    run([&]() -> asio::awaitable<void> {
        ivsrt::diagnostics diag;
        const model::create_participant_token_request bad{.stage_arn = std::string(stage_arn),
                                                          .duration = 0};
        auto [ec, result] =
            co_await ivs.async_create_participant_token(bad, diag, asio::as_tuple(asio::deferred));
        BOOST_TEST(ec == errc::invalid_request);
        BOOST_TEST(std::string(diag.message()).find("duration") != std::string::npos);
        BOOST_TEST(diag.http_status() == 0u);
    });
    BOOST_TEST(service.requests.empty());
    BOOST_TEST(server.accepted() == 0u);
}

// What a wire request sends, parsed back as a server would.
http::request<http::string_body> sent(const ivsrt::detail::wire_request& wire) {
    std::string bytes;
    const ivsrt::detail::request_writer writer = wire.writer();
    writer.write(writer.request, bytes, nullptr);
    http::request_parser<http::string_body> parser;
    parser.eager(true);
    boost::system::error_code ec;
    std::size_t used = 0;
    for (int i = 0; i < 4 && !parser.is_done() && !ec; ++i) {
        used += parser.put(asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    }
    BOOST_TEST(!ec, ec.message());
    BOOST_TEST(parser.is_done());
    BOOST_TEST(used == bytes.size());  // nothing after the message
    return parser.release();
}

// A call's wire request: the signer sees the path, query, headers and body of the very message
// that is sent; each attempt's headers replace the previous attempt's.
BOOST_AUTO_TEST_CASE(wire_request_signs_what_it_sends) {
    ivsrt::endpoint endpoint;
    endpoint.authority = "example.com:8443";
    endpoint.base_path = "/base";
    const model::untag_resource_request untag{.resource_arn = std::string(stage_arn),
                                              .tag_keys = {"team", "x/y"}};
    ivsrt::detail::wire_request del(endpoint, "ua", ivsrt::detail::prepare_request(untag));
    std::array<ivsrt::sigv4::header, 2> headers;
    ivsrt::sigv4::request_view view = del.signing_view(headers);
    const std::string path =
        "/base/tags/arn%3Aaws%3Aivs%3Aus-west-2%3A123456789012%3Astage%2FabcdABCDefgh";
    auto message = sent(del);
    BOOST_TEST(view.method == "DELETE");
    BOOST_TEST(message.method_string() == "DELETE");
    BOOST_TEST(view.path == path);
    BOOST_TEST(message.target() == path + "?tagKeys=team&tagKeys=x%2Fy");
    BOOST_TEST_REQUIRE(view.query.size() == 2u);
    BOOST_TEST(view.query[0].key == "tagKeys");
    BOOST_TEST(view.query[0].value == "team");
    BOOST_TEST(view.query[1].value == "x/y");
    BOOST_TEST_REQUIRE(view.headers.size() == 1u);  // no body, no content type
    BOOST_TEST(view.headers[0].name == "host");
    BOOST_TEST(view.headers[0].value == message["host"]);
    BOOST_TEST(message["host"] == "example.com:8443");
    BOOST_TEST(message["user-agent"] == "ua");
    BOOST_TEST(message.count("content-length") == 0u);  // a DELETE without a body has none
    BOOST_TEST(view.body.empty());

    const model::create_stage_request create{.name = std::string("s")};
    ivsrt::detail::wire_request post(endpoint, "ua", ivsrt::detail::prepare_request(create));
    view = post.signing_view(headers);
    message = sent(post);
    BOOST_TEST(view.path == "/base/CreateStage");
    BOOST_TEST(message.target() == "/base/CreateStage");
    BOOST_TEST(view.query.empty());
    BOOST_TEST_REQUIRE(view.headers.size() == 2u);
    BOOST_TEST(view.headers[1].name == "content-type");
    BOOST_TEST(view.headers[1].value == message["content-type"]);
    BOOST_TEST(message["content-type"] == "application/json");
    BOOST_TEST(message.body() == view.body);
    BOOST_TEST(json(std::string(view.body)) == json(R"({"name":"s"})"));
    BOOST_TEST(message["content-length"] == std::to_string(view.body.size()));

    // Two attempts, the first with a session token and the second without: the second sends
    // its own signature and no token.
    const ivsrt::sigv4::signer signer({.region = "us-west-2", .service = "ivs"});
    ivsrt::sigv4::signing_result signing;
    const ivsrt::credentials session{
        .access_key_id = "AKIDEXAMPLE", .secret_access_key = "secret", .session_token = "token-1"};
    signer.sign(view, session, std::chrono::system_clock::now(), signing);
    post.set_attempt_fields(signing, "id-1", "attempt=1; max=3");
    message = sent(post);
    BOOST_TEST(message["x-amz-security-token"] == "token-1");
    BOOST_TEST(message["authorization"] == signing.authorization);
    BOOST_TEST(message["amz-sdk-request"] == "attempt=1; max=3");
    const ivsrt::credentials keys{.access_key_id = "AKIDEXAMPLE", .secret_access_key = "secret"};
    signer.sign(view, keys, std::chrono::system_clock::now(), signing);
    post.set_attempt_fields(signing, "id-1", "attempt=2; max=3");
    message = sent(post);
    BOOST_TEST(message.count("x-amz-security-token") == 0u);
    BOOST_TEST(message.count("authorization") == 1u);
    BOOST_TEST(message["authorization"] == signing.authorization);
    BOOST_TEST(message["amz-sdk-invocation-id"] == "id-1");
    BOOST_TEST(message["amz-sdk-request"] == "attempt=2; max=3");
    BOOST_TEST(message.body() == view.body);
}

// A request that fails validation completes at its initiation: posted to the handler's executor,
// with nothing spawned on the client's (which never runs here).
BOOST_FIXTURE_TEST_CASE(invalid_request_completes_at_initiation, client_fixture) {
    ivsrt::client ivs(ioc.get_executor(), config());
    asio::io_context caller{1};
    ivsrt::diagnostics diag;
    const model::create_participant_token_request bad{.stage_arn = std::string(stage_arn),
                                                      .duration = 0};
    std::optional<boost::system::error_code> completed;
    ivs.async_create_participant_token(
        bad, diag,
        asio::bind_executor(
            caller, [&](boost::system::error_code ec,
                        const model::create_participant_token_result&) { completed = ec; }));
    BOOST_TEST(!completed);  // never inside the initiating function
    BOOST_TEST(caller.poll() == 1u);
    BOOST_TEST_REQUIRE(completed.has_value());
    BOOST_TEST(*completed == errc::invalid_request);
    BOOST_TEST(diag.message() ==
               "CreateParticipantToken: create_participant_token.duration: 0 is below the "
               "minimum 1");
    BOOST_TEST(events.empty());
    BOOST_TEST(server.accepted() == 0u);
}

// Every operation: the request ivsrt puts on the wire for the inputs of wire_inputs.json equals
// the one the AWS SDK for JavaScript v3 builds for the same inputs (js_sdk_wire.json, recorded by
// tests/compat/capture_wire.mjs): method, path with its encoded labels, query, content type, body.
// An input is named after its operation, optionally followed by "#variant". A body member the
// reference holds as "<generated UUID v4>" is an idempotency token the input leaves out: both
// SDKs make one at random, so ivsrt's must be present and a UUID v4, not equal.
// Builds the request of one wire input (tests/data/client/wire_inputs.json: the body members,
// plus the path labels and query keys by their wire names) and sends it.
template <class Request>
asio::awaitable<void> send_wire_input(ivsrt::client& ivs, const std::string& name,
                                      const boost::json::object& input) {
    using traits = model::operation_traits<Request>;
    Request request;
    std::string error;
    boost::json::object body = input;
    for (const auto& b : traits::path_bindings) body.erase(b.label);
    for (const auto& b : traits::query_bindings) body.erase(b.key);
    BOOST_TEST_REQUIRE(model::from_json(boost::json::serialize(body), request, error), error);
    for (const auto& b : traits::path_bindings) {
        request.*(b.member) = input.at(b.label).as_string().c_str();
    }
    for (const auto& b : traits::query_bindings) {
        for (const auto& v : input.at(b.key).as_array()) {
            (request.*(b.member)).push_back(v.as_string().c_str());
        }
    }
    ivsrt::diagnostics diag;
    auto [ec, result] = co_await ivs.async_call(request, diag, asio::as_tuple(asio::deferred));
    BOOST_TEST(!ec, name << ": " << ec.message() << " " << diag.message());
}

BOOST_FIXTURE_TEST_CASE(every_operation_matches_the_js_sdk, client_fixture) {
    auto read_json = [](const std::string& name) {
        return boost::json::parse(ivsrt::test::test_data("client/" + name)).as_object();
    };
    const boost::json::object inputs = read_json("wire_inputs.json");
    const boost::json::object reference = read_json("js_sdk_wire.json");
    BOOST_TEST_REQUIRE(reference.size() == inputs.size());

    ivsrt::client ivs(ioc.get_executor(), config());
    std::vector<std::string> sent;  // input names, in order
    std::set<std::string> covered;  // operation names
    run([&]() -> asio::awaitable<void> {
        for (const auto& case_ : inputs) {
            const std::string name(case_.key());
            const std::string operation = name.substr(0, name.find('#'));
            // One small coroutine per operation, not 39 co_awaits in this one: a coroutine's
            // compile time grows much faster than its size.
#define IVSRT_SEND(Name, snake)                                                                 \
    if (operation == #Name) {                                                                   \
        co_await send_wire_input<model::snake##_request>(ivs, name, case_.value().as_object()); \
        sent.push_back(name);                                                                   \
        covered.insert(operation);                                                              \
    }
            IVSRT_MODEL_OPERATIONS(IVSRT_SEND)
#undef IVSRT_SEND
        }
    });
    BOOST_TEST(sent.size() == inputs.size());  // every input names an operation
    BOOST_TEST(covered.size() == ivsrt::detail::operation_count);
    BOOST_TEST_REQUIRE(service.requests.size() == sent.size());
    const boost::json::string generated_uuid("<generated UUID v4>");
    for (std::size_t i = 0; i < sent.size(); ++i) {
        const request_t& r = service.requests[i];
        const boost::json::object& want = reference.at(sent[i]).as_object();
        BOOST_TEST_CONTEXT(sent[i]) {
            const std::string target(r.target());
            const auto q = target.find('?');
            BOOST_TEST(r.method_string() == want.at("method").as_string());
            BOOST_TEST(target.substr(0, q) == want.at("path").as_string());
            boost::json::object query;
            if (q != std::string::npos) {
                ivsrt::detail::decoded_query decoded;
                BOOST_TEST_REQUIRE(ivsrt::detail::decode_query(target.substr(q + 1), decoded));
                for (const auto& [key, value] : decoded) {
                    auto& list = query[key];
                    if (!list.is_array()) list = boost::json::array();
                    list.as_array().push_back(boost::json::string(value));
                }
            }
            BOOST_TEST(boost::json::value(query) == want.at("query"));
            BOOST_TEST(header(r, "content-type") == want.at("contentType").as_string());
            if (want.at("body").is_null()) {
                BOOST_TEST(r.body().empty());
            } else {
                boost::json::value body = json(r.body());
                for (const auto& member : want.at("body").as_object()) {
                    if (member.value() != generated_uuid) continue;
                    boost::json::value* token = body.as_object().if_contains(member.key());
                    BOOST_TEST((token && token->is_string() && is_uuid_v4(token->as_string())),
                               member.key() << " is not a UUID v4 in " << body);
                    if (token) *token = generated_uuid;
                }
                BOOST_TEST(body == want.at("body"));
            }
            BOOST_TEST(signature_valid(r));
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(errors)

BOOST_AUTO_TEST_CASE(normalize_error_code) {
    using ivsrt::detail::normalize_error_code;
    BOOST_TEST(normalize_error_code("ValidationException") == "ValidationException");
    BOOST_TEST(normalize_error_code("aws.ivs#ConflictException") == "ConflictException");
    BOOST_TEST(normalize_error_code("ResourceNotFoundException:http://internal.amazon.com/x") ==
               "ResourceNotFoundException");
    BOOST_TEST(normalize_error_code("com.amazon#ThrottlingException,Other") ==
               "ThrottlingException");
    BOOST_TEST(normalize_error_code("a#b#AccessDeniedException:x#y") == "AccessDeniedException");
}

// Every error kind, from the header, the body's code or its __type; the message from message,
// Message or exceptionMessage.
BOOST_FIXTURE_TEST_CASE(service_errors_map_to_codes_and_diagnostics, client_fixture) {
    struct case_t {
        unsigned status;
        std::string header_code;
        std::string body;
        errc expected;
        std::string code;
        std::string message;
    };
    const std::vector<case_t> cases = {
        {400, "ValidationException:http://internal", R"({"message":"bad name"})", errc::validation,
         "ValidationException", "bad name"},
        {403, "", R"({"code":"AccessDeniedException","Message":"no"})", errc::access_denied,
         "AccessDeniedException", "no"},
        {403, "", R"({"__type":"com.amazonaws.ivs#PendingVerification","message":"verify"})",
         errc::pending_verification, "PendingVerification", "verify"},
        {404, "ResourceNotFoundException", R"({"exceptionMessage":"no stage"})",
         errc::resource_not_found, "ResourceNotFoundException", "no stage"},
        {409, "ConflictException", "{}", errc::conflict, "ConflictException", ""},
        {402, "ServiceQuotaExceededException", R"({"message":"quota"})",
         errc::service_quota_exceeded, "ServiceQuotaExceededException", "quota"},
        {400, "SomethingNewException", R"({"message":"new"})", errc::unknown_service_error,
         "SomethingNewException", "new"},
    };
    for (const auto& c : cases) {
        response_t res = make_response(c.status, c.body, {{"x-amzn-RequestId", "rid-9"}});
        if (!c.header_code.empty()) res.set("x-amzn-ErrorType", c.header_code);
        service.responses.push_back(std::move(res));
    }
    ivsrt::client ivs(ioc.get_executor(), config());
    run([&]() -> asio::awaitable<void> {
        for (const auto& c : cases) {
            ivsrt::diagnostics diag;
            auto [ec, r] =
                co_await ivs.async_get_stage(get_stage, diag, asio::as_tuple(asio::deferred));
            BOOST_TEST(ec == c.expected, c.code);
            BOOST_TEST(diag.aws_error_code() == c.code);
            BOOST_TEST(diag.message() == c.message);
            BOOST_TEST(diag.request_id() == "rid-9");
            BOOST_TEST(diag.http_status() == c.status);
        }
    });
    BOOST_TEST(service.requests.size() == cases.size());  // none of them is retried
}

BOOST_FIXTURE_TEST_CASE(throttling_429_without_a_code, client_fixture) {
    auto cfg = config();
    cfg.retry = ivsrt::retry_config{.max_attempts = 1};
    for (int i = 0; i < 2; ++i) service.responses.push_back(make_response(429, ""));
    ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
    run([&]() -> asio::awaitable<void> {
        ivsrt::diagnostics diag;
        auto [ec, r] =
            co_await ivs.async_get_stage(get_stage, diag, asio::as_tuple(asio::deferred));
        BOOST_TEST(ec == errc::throttling);
        BOOST_TEST(diag.http_status() == 429u);
    });
    BOOST_TEST(service.requests.size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(unparsable_success_body_is_invalid_response, client_fixture) {
    service.responses.push_back(make_response(200, R"({"stage": 5})"));
    ivsrt::client ivs(ioc.get_executor(), config());
    run([&]() -> asio::awaitable<void> {
        ivsrt::diagnostics diag;
        auto [ec, r] =
            co_await ivs.async_get_stage(get_stage, diag, asio::as_tuple(asio::deferred));
        BOOST_TEST(ec == errc::invalid_response);
        BOOST_TEST(std::string(diag.message()).find("stage") != std::string::npos);
    });
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(retries)

// 503, 500, then success: three attempts, one invocation id, amz-sdk-request counting, and the
// backoff of the standard mode with uniform() = 0.5: 0.5 * 50 ms * 2^0, then 0.5 * 50 ms * 2^1.
BOOST_FIXTURE_TEST_CASE(transient_errors_are_retried_with_backoff, client_fixture) {
    service.responses.push_back(
        make_response(503, "", {{"x-amzn-ErrorType", "ServiceUnavailable"}}));
    service.responses.push_back(make_response(500, R"({"__type":"InternalServerException"})"));
    service.responses.push_back(make_response(200, R"({"stage":{"arn":"a"}})"));
    ivsrt::client ivs(ioc.get_executor(), config());
    run([&]() -> asio::awaitable<void> {
        auto r = co_await ivs.async_get_stage(get_stage);
        BOOST_TEST(r.stage->arn == "a");
    });
    BOOST_TEST_REQUIRE(service.requests.size() == 3u);
    BOOST_TEST(header(service.requests[0], "amz-sdk-request") == "attempt=1; max=3");
    BOOST_TEST(header(service.requests[1], "amz-sdk-request") == "attempt=2; max=3");
    BOOST_TEST(header(service.requests[2], "amz-sdk-request") == "attempt=3; max=3");
    const std::string id = header(service.requests[0], "amz-sdk-invocation-id");
    BOOST_TEST(header(service.requests[2], "amz-sdk-invocation-id") == id);
    const std::vector<std::chrono::nanoseconds> expected{25ms, 50ms};
    BOOST_TEST(retry_delays() == expected, boost::test_tools::per_element());
}

// Credentials that change between two attempts, from session credentials to long-term keys:
// the retry sends its own signature's headers only, not the first attempt's session token.
BOOST_FIXTURE_TEST_CASE(each_attempt_sends_only_its_own_credentials, client_fixture) {
    struct changing : ivsrt::credentials_provider::impl {
        int calls = 0;
        void async_get(ivsrt::credentials_diagnostics&,
                       asio::any_completion_handler<ivsrt::credentials_signature>) override {
            BOOST_FAIL("the credentials are always available at once");
        }
        std::shared_ptr<const ivsrt::credentials> try_get() override {
            auto c = std::make_shared<ivsrt::credentials>();
            c->access_key_id = "AKIDEXAMPLE";
            c->secret_access_key = "secret";
            if (calls++ == 0) c->session_token = "session-token-1";
            return c;
        }
    };
    service.responses.push_back(make_response(500, R"({"__type":"InternalServerException"})"));
    service.responses.push_back(make_response(200, R"({"stage":{"arn":"a"}})"));
    auto cfg = config();
    cfg.credentials = ivsrt::credentials_provider(std::make_shared<changing>());
    ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
    run([&]() -> asio::awaitable<void> {
        auto r = co_await ivs.async_get_stage(get_stage);
        BOOST_TEST(r.stage->arn == "a");
    });
    BOOST_TEST_REQUIRE(service.requests.size() == 2u);
    BOOST_TEST(header(service.requests[0], "x-amz-security-token") == "session-token-1");
    BOOST_TEST(service.requests[1].count("x-amz-security-token") == 0u);
    BOOST_TEST(service.requests[1].count("authorization") == 1u);
}

BOOST_FIXTURE_TEST_CASE(max_attempts_then_the_last_error, client_fixture) {
    for (int i = 0; i < 3; ++i) {
        service.responses.push_back(make_response(
            500, R"({"message":"boom"})", {{"x-amzn-ErrorType", "InternalServerException"}}));
    }
    ivsrt::client ivs(ioc.get_executor(), config());
    run([&]() -> asio::awaitable<void> {
        ivsrt::diagnostics diag;
        auto [ec, r] =
            co_await ivs.async_get_stage(get_stage, diag, asio::as_tuple(asio::deferred));
        BOOST_TEST(ec == errc::internal_server);
        BOOST_TEST(diag.message() == "boom");
    });
    BOOST_TEST(service.requests.size() == 3u);
}

// x-amz-retry-after (milliseconds) replaces the backoff; throttling uses its 1 s base otherwise.
BOOST_FIXTURE_TEST_CASE(retry_after_and_throttling_backoff, client_fixture) {
    auto cfg = config();
    cfg.retry = ivsrt::retry_config{.max_attempts = 3, .throttling_base_delay = 20ms};
    service.responses.push_back(make_response(
        429, "", {{"x-amzn-ErrorType", "ThrottlingException"}, {"x-amz-retry-after", "30"}}));
    service.responses.push_back(make_response(400, R"({"__type":"ThrottlingException"})"));
    ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
    run([&]() -> asio::awaitable<void> { co_await ivs.async_get_stage(get_stage); });
    BOOST_TEST(service.requests.size() == 3u);
    // 30 ms as asked; then 0.5 * 20 ms * 2^1.
    const std::vector<std::chrono::nanoseconds> expected{30ms, 20ms};
    BOOST_TEST(retry_delays() == expected, boost::test_tools::per_element());
}

// Our clock is an hour slow: the service rejects the signature and sends its Date; the retry is
// signed with the corrected time.
BOOST_FIXTURE_TEST_CASE(clock_skew_is_corrected_from_the_date_header, client_fixture) {
    using namespace std::chrono;
    const sys_seconds server_now = sys_days{year{2026} / 11 / 26} + 9h;
    auto cfg = config();
    cfg.wall_clock = [&] { return server_now - 1h; };
    service.responses.push_back(make_response(
        403, R"({"message":"Signature expired: 20261126T080000Z is now earlier than ..."})",
        {{"x-amzn-ErrorType", "InvalidSignatureException"},
         {"Date", "Thu, 26 Nov 2026 09:00:00 GMT"}}));
    ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
    run([&]() -> asio::awaitable<void> { co_await ivs.async_get_stage(get_stage); });
    BOOST_TEST_REQUIRE(service.requests.size() == 2u);
    BOOST_TEST(header(service.requests[0], "x-amz-date") == "20261126T080000Z");
    BOOST_TEST(header(service.requests[1], "x-amz-date") == "20261126T090000Z");
    BOOST_TEST(signature_valid(service.requests[1]));
}

BOOST_FIXTURE_TEST_CASE(connection_refused_is_a_connection_error, client_fixture) {
    auto cfg = config();
    server.stop();  // nothing listens on the port any more
    cfg.retry = ivsrt::retry_config{.max_attempts = 2, .transient_base_delay = 1ms};
    ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
    run([&]() -> asio::awaitable<void> {
        ivsrt::diagnostics diag;
        auto [ec, r] =
            co_await ivs.async_get_stage(get_stage, diag, asio::as_tuple(asio::deferred));
        BOOST_TEST(ec == errc::connection);
        BOOST_TEST(std::string(diag.message()).find("attempt 2") != std::string::npos);
    });
    BOOST_TEST(retry_delays().size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(idempotency_tokens)

// A StartComposition the caller sends without a token.
const model::start_composition_request start_composition{
    .stage_arn = std::string(stage_arn),
    .destinations = {{.name = "d",
                      .channel = model::channel_destination_configuration{
                          .channel_arn = "arn:aws:ivs:us-west-2:123456789012:"
                                         "channel/abcdABCDefgh"}}}};

// Each call without a token sends a new UUID v4.
BOOST_FIXTURE_TEST_CASE(unset_token_is_a_new_uuid_per_call, client_fixture) {
    ivsrt::client ivs(ioc.get_executor(), config());
    run([&]() -> asio::awaitable<void> {
        co_await ivs.async_start_composition(start_composition);
        co_await ivs.async_start_composition(start_composition);
    });
    BOOST_TEST_REQUIRE(service.requests.size() == 2u);
    const std::string first = body_token(service.requests[0]);
    const std::string second = body_token(service.requests[1]);
    BOOST_TEST(is_uuid_v4(first), "token \"" << first << "\" is not a UUID v4");
    BOOST_TEST(is_uuid_v4(second), "token \"" << second << "\" is not a UUID v4");
    BOOST_TEST(first != second);
}

// The token is made once per call: a retry sends the first attempt's token again.
BOOST_FIXTURE_TEST_CASE(retry_resends_the_same_token, client_fixture) {
    service.responses.push_back(make_response(500, R"({"__type":"InternalServerException"})"));
    ivsrt::client ivs(ioc.get_executor(), config());
    run([&]() -> asio::awaitable<void> {
        co_await ivs.async_start_composition(start_composition);
    });
    BOOST_TEST_REQUIRE(service.requests.size() == 2u);
    BOOST_TEST(header(service.requests[1], "amz-sdk-request") == "attempt=2; max=3");
    const std::string first = body_token(service.requests[0]);
    BOOST_TEST(is_uuid_v4(first), "token \"" << first << "\" is not a UUID v4");
    BOOST_TEST(body_token(service.requests[1]) == first);
    BOOST_TEST(signature_valid(service.requests[1]));
}

// A token the caller sets is sent as it is, on every attempt and every call.
BOOST_FIXTURE_TEST_CASE(caller_token_is_sent_verbatim, client_fixture) {
    service.responses.push_back(
        make_response(503, "", {{"x-amzn-ErrorType", "ServiceUnavailable"}}));
    model::start_composition_request request = start_composition;
    request.idempotency_token = "my-Token_1";
    ivsrt::client ivs(ioc.get_executor(), config());
    run([&]() -> asio::awaitable<void> {
        co_await ivs.async_start_composition(request);
        co_await ivs.async_start_composition(request);
    });
    BOOST_TEST_REQUIRE(service.requests.size() == 3u);
    for (const request_t& r : service.requests) BOOST_TEST(body_token(r) == "my-Token_1");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(timeouts_and_cancellation)

BOOST_FIXTURE_TEST_CASE(attempt_timeout, client_fixture) {
    auto cfg = config();
    cfg.retry = ivsrt::retry_config{.max_attempts = 1};
    cfg.attempt_timeout = 50ms;
    service.responses.push_back(make_response(0, ""));  // never answered
    ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
    run([&]() -> asio::awaitable<void> {
        ivsrt::diagnostics diag;
        auto [ec, r] =
            co_await ivs.async_get_stage(get_stage, diag, asio::as_tuple(asio::deferred));
        BOOST_TEST(ec == errc::timeout);
        BOOST_TEST(std::string(diag.message()).find("attempt timeout (50 ms)") !=
                   std::string::npos);
    });
    BOOST_TEST(ivs.connection_stats().in_use == 0u);
    BOOST_TEST(ivs.connection_stats().idle == 0u);  // the abandoned connection is not reused
}

// Cancelled while the server holds the request: the call ends with errc::cancelled, the
// connection is discarded, and the next call works on a new connection.
BOOST_FIXTURE_TEST_CASE(cancellation_mid_request, client_fixture) {
    asio::cancellation_signal signal;
    service.hold_and_cancel(signal);
    ivsrt::client ivs(ioc.get_executor(), config());
    run([&]() -> asio::awaitable<void> {
        auto [ec, r] = co_await ivs.async_get_stage(
            get_stage,
            asio::bind_cancellation_slot(signal.slot(), asio::as_tuple(asio::use_awaitable)));
        BOOST_TEST(ec == errc::cancelled);
        BOOST_TEST(ivs.connection_stats().discards == 1u);
        co_await ivs.async_get_stage(get_stage);
    });
    BOOST_TEST(server.accepted() == 2u);
    BOOST_TEST(service.requests.size() == 2u);
}

// Cancelled before the exchange started (between two steps of the call): nothing is sent.
BOOST_FIXTURE_TEST_CASE(cancellation_before_sending, client_fixture) {
    asio::cancellation_signal signal;
    ivsrt::client ivs(ioc.get_executor(), config());
    run([&]() -> asio::awaitable<void> {
        asio::post(ioc, [&] { signal.emit(asio::cancellation_type::terminal); });
        auto [ec, r] = co_await ivs.async_get_stage(
            get_stage,
            asio::bind_cancellation_slot(signal.slot(), asio::as_tuple(asio::use_awaitable)));
        BOOST_TEST(ec == errc::cancelled);
    });
    BOOST_TEST(service.requests.empty());
}

// A coroutine on the client's one-thread io_context runs its calls' steps itself. When a call
// ends, the coroutine's settings are as before (throw_if_cancelled), and a cancellation that
// ended an earlier call (the coroutine's cancellation state stays cancelled) ends no later call.
BOOST_FIXTURE_TEST_CASE(calls_in_the_callers_coroutine_leave_its_state_as_it_was, client_fixture) {
    asio::cancellation_signal signal;
    service.responses.push_back(make_response(200, "{}"));
    service.hold_and_cancel(signal);
    ivsrt::client ivs(ioc.get_executor(), config());
    bool finished = false;
    std::exception_ptr failure;
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            const bool throws_at_first = co_await asio::this_coro::throw_if_cancelled();
            co_await ivs.async_get_stage(get_stage);
            const bool throws_after = co_await asio::this_coro::throw_if_cancelled();
            BOOST_TEST(throws_at_first);
            BOOST_TEST(throws_after);

            co_await asio::this_coro::throw_if_cancelled(false);
            auto [held_ec, held] =
                co_await ivs.async_get_stage(get_stage, asio::as_tuple(asio::use_awaitable));
            BOOST_TEST(held_ec == errc::cancelled);
            const asio::cancellation_state state = co_await asio::this_coro::cancellation_state;
            BOOST_TEST((state.cancelled() == asio::cancellation_type::terminal));
            auto [ec, r] =
                co_await ivs.async_get_stage(get_stage, asio::as_tuple(asio::use_awaitable));
            BOOST_TEST(!ec, ec.message());
            const bool throws_at_last = co_await asio::this_coro::throw_if_cancelled();
            BOOST_TEST(!throws_at_last);
            finished = true;
        },
        asio::bind_cancellation_slot(signal.slot(), [&](std::exception_ptr e) {
            failure = e;
            server.stop();
        }));
    ivsrt::test::run_until(ioc, [&] { return finished || failure; });
    if (failure) std::rethrow_exception(failure);
    BOOST_TEST(service.requests.size() == 3u);
}

// The server asks for a wait of an hour (capped at max_delay, 10 min here): more than the call
// has left of its 30 s, so the call ends at once with the service's error instead of sleeping
// past its deadline. (The 30 s only need to cover one loopback exchange; a client that slept
// would end with errc::timeout after them.)
BOOST_FIXTURE_TEST_CASE(call_timeout_stops_retries, client_fixture) {
    auto cfg = config();
    cfg.call_timeout = 30s;
    cfg.retry = ivsrt::retry_config{.max_delay = 10min};
    service.responses.push_back(make_response(
        503, "", {{"x-amzn-ErrorType", "ServiceUnavailable"}, {"retry-after", "3600"}}));
    ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
    run([&]() -> asio::awaitable<void> {
        auto [ec, r] = co_await ivs.async_get_stage(get_stage, asio::as_tuple(asio::deferred));
        BOOST_TEST(ec == errc::unknown_service_error);
    });
    BOOST_TEST(service.requests.size() == 1u);
    BOOST_TEST(retry_delays().empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(client_shutdown)

struct call_record {
    bool done = false;
    boost::system::error_code ec;
    ivsrt::diagnostics diag;
};

// A completion handler that fills `r` (once).
auto record(call_record& r) {
    return [&r](boost::system::error_code ec, auto&&) {
        BOOST_TEST(!r.done);
        r.done = true;
        r.ec = ec;
    };
}

template <class Request>
asio::awaitable<void> call_in_tuple(ivsrt::client& ivs, const Request& request, call_record& r) {
    auto [ec, result] =
        co_await ivs.async_call(request, r.diag, asio::as_tuple(asio::use_awaitable));
    r.ec = ec;
    r.done = true;
}

template <class Request>
asio::awaitable<void> call_throwing(ivsrt::client& ivs, const Request& request, call_record& r) {
    try {
        co_await ivs.async_call(request, r.diag);
    } catch (const ivsrt::error_with_diagnostics& e) {
        r.ec = e.code();
    }
    r.done = true;
}

// Starts a call: with a completion handler (the call is spawned), else in a coroutine of its own
// that awaits it with the default token or as_tuple(use_awaitable) (the call runs in that
// coroutine, the client's io_context being a one-thread one).
template <class Request>
void start_call(asio::io_context& ioc, ivsrt::client& ivs, const Request& request, call_record& r,
                bool in_coroutine, bool throwing) {
    if (!in_coroutine) {
        ivs.async_call(request, r.diag, record(r));
    } else if (throwing) {
        asio::co_spawn(ioc, call_throwing(ivs, request, r), asio::detached);
    } else {
        asio::co_spawn(ioc, call_in_tuple(ivs, request, r), asio::detached);
    }
}

// Calls at each step when the client shuts down: three exchanging (the server holds them), two
// queued for one of the three connections, one queued after them, one waiting for its pacing
// turn. Only shutdown() can end them (the timeouts are an hour): each completes once with
// errc::cancelled, saying why; a later call sends nothing; and the io_context then runs out of
// work: no call, timer or connection is left behind. The calls have completion handlers, or run
// in their callers' coroutines.
void shutdown_at_every_step(client_fixture& f, bool in_coroutines) {
    asio::io_context& ioc = f.ioc;
    auto& service = f.service;
    auto& server = f.server;
    auto cfg = f.config();
    cfg.pool.max_connections = 3;
    cfg.attempt_timeout = cfg.call_timeout = 1h;
    cfg.pacing = {.enabled = true, .operations = {{"ListStages", 0.001, 1}}};
    for (int i = 0; i < 6; ++i) service.responses.push_back(make_response(0, ""));
    ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
    int held = 0;
    service.on_hold = [&] {
        if (++held == 3) ivs.shutdown();
    };
    std::array<call_record, 7> calls;
    const model::list_stages_request list{};
    for (int i = 0; i < 5; ++i)
        start_call(ioc, ivs, get_stage, calls[i], in_coroutines, i % 2 == 1);
    for (int i = 5; i < 7; ++i) start_call(ioc, ivs, list, calls[i], in_coroutines, i % 2 == 1);
    ivsrt::test::run_until(ioc, [&] {
        return std::all_of(calls.begin(), calls.end(), [](auto& r) { return r.done; });
    });
    for (const auto& r : calls) {
        BOOST_TEST(r.ec == errc::cancelled);
        BOOST_TEST(std::string(r.diag.message()).ends_with("(the client was shut down)"),
                   r.diag.message());
    }
    BOOST_TEST(calls[6].diag.message() ==
               "ListStages: cancelled while waiting for the pacing turn (the client was shut "
               "down)");
    BOOST_TEST(service.requests.size() == 3u);
    const auto stats = ivs.connection_stats();
    BOOST_TEST(stats.open == 0u);
    BOOST_TEST(stats.waiting == 0u);

    call_record later;
    start_call(ioc, ivs, get_stage, later, in_coroutines, true);
    ivsrt::test::run_until(ioc, [&] { return later.done; });
    BOOST_TEST(later.ec == errc::cancelled);
    BOOST_TEST(later.diag.message() == "GetStage: cancelled: the client was shut down");
    BOOST_TEST(service.requests.size() == 3u);

    server.stop();
    ioc.restart();
    ioc.run_for(30s);
    BOOST_TEST(ioc.stopped(), "work was left on the io_context after shutdown");
}

BOOST_FIXTURE_TEST_CASE(shutdown_ends_the_calls_at_every_step, client_fixture) {
    shutdown_at_every_step(*this, false);
}

BOOST_FIXTURE_TEST_CASE(shutdown_ends_the_calls_in_their_callers_coroutines, client_fixture) {
    shutdown_at_every_step(*this, true);
}

// Destroying the client with calls in flight: they complete normally (the shared state lives
// until the last one ends), and nothing leaks or is used after being freed (ASan in CI). Then
// with shutdown() first: they end with errc::cancelled.
BOOST_FIXTURE_TEST_CASE(destroying_the_client_lets_its_calls_complete, client_fixture) {
    std::optional<ivsrt::client> ivs(std::in_place, ioc.get_executor(), config());
    std::array<call_record, 6> calls;
    for (int i = 0; i < 3; ++i) ivs->async_get_stage(get_stage, calls[i].diag, record(calls[i]));
    ivs.reset();
    ivsrt::test::run_until(ioc, [&] { return calls[0].done && calls[1].done && calls[2].done; });
    for (int i = 0; i < 3; ++i) BOOST_TEST(!calls[i].ec, calls[i].diag.message());
    BOOST_TEST(service.requests.size() == 3u);

    ivs.emplace(ioc.get_executor(), config());
    for (int i = 3; i < 6; ++i) ivs->async_get_stage(get_stage, calls[i].diag, record(calls[i]));
    ivs->shutdown();
    ivs.reset();
    ivsrt::test::run_until(ioc, [&] { return calls[3].done && calls[4].done && calls[5].done; });
    for (int i = 3; i < 6; ++i) BOOST_TEST(calls[i].ec == errc::cancelled);
    server.stop();
    ioc.restart();
    ioc.run_for(30s);
    BOOST_TEST(ioc.stopped(), "work was left on the io_context");
}

// An idle connection closes at shutdown(), not when the pool is next used.
BOOST_FIXTURE_TEST_CASE(shutdown_closes_idle_connections, client_fixture) {
    ivsrt::client ivs(ioc.get_executor(), config());
    run([&]() -> asio::awaitable<void> {
        co_await ivs.async_get_stage(get_stage);
        BOOST_TEST(ivs.connection_stats().idle == 1u);
        ivs.shutdown();
        BOOST_TEST(ivs.connection_stats().open == 0u);
        ivs.shutdown();  // again: nothing
        ivsrt::diagnostics diag;
        auto [ec, r] =
            co_await ivs.async_get_stage(get_stage, diag, asio::as_tuple(asio::deferred));
        BOOST_TEST(ec == errc::cancelled);
    });
    BOOST_TEST(service.requests.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(pacing)

// Three calls at 20 TPS with burst 1: the second and third wait for their turn, the first does
// not; with pacing off nobody waits.
BOOST_FIXTURE_TEST_CASE(calls_wait_for_their_turn, client_fixture) {
    auto cfg = config();
    cfg.pacing = {.enabled = true, .operations = {{"GetStage", 20, 1}}};
    ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
    run([&]() -> asio::awaitable<void> {
        for (int i = 0; i < 3; ++i) co_await ivs.async_get_stage(get_stage);
    });
    std::size_t waits = 0;
    for (const auto& e : events) waits += e.kind == ivsrt::client_event_kind::pacing_wait;
    BOOST_TEST(waits == 2u);
}

// One call per 1000 s: the second call's turn comes long after its 30 s call timeout, so it ends
// at once with errc::timeout, sends nothing and does not wait. (The 30 s only need to cover the
// first call's loopback exchange.)
BOOST_FIXTURE_TEST_CASE(pacing_wait_honors_the_call_timeout, client_fixture) {
    auto cfg = config();
    cfg.pacing = {.enabled = true, .operations = {{"GetStage", 0.001, 1}}};
    cfg.call_timeout = 30s;
    ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
    run([&]() -> asio::awaitable<void> {
        co_await ivs.async_get_stage(get_stage);
        ivsrt::diagnostics diag;
        auto [ec, r] =
            co_await ivs.async_get_stage(get_stage, diag, asio::as_tuple(asio::deferred));
        BOOST_TEST(ec == errc::timeout);
        BOOST_TEST(diag.message() ==
                   "GetStage: the call timeout (30000 ms) would expire before "
                   "the operation's pacing turn");
    });
    BOOST_TEST(service.requests.size() == 1u);
    for (const auto& e : events) BOOST_TEST((e.kind != ivsrt::client_event_kind::pacing_wait));
}

BOOST_AUTO_TEST_SUITE_END()

// CR, LF, NUL (and other control characters) in anything that becomes a header value are refused
// before anything is sent, naming the setting and never quoting the value. (The settings of
// client_config, app_id and endpoint_url: test_client_config.)
BOOST_AUTO_TEST_SUITE(header_injection)

using namespace ivsrt::test::injection;

// A call with each of `creds` fails with errc::credentials: the messages.
std::vector<std::string> credentials_errors(client_fixture& f,
                                            std::vector<ivsrt::credentials> creds) {
    std::vector<ivsrt::client> clients;
    for (auto& c : creds) {
        auto cfg = f.config();
        cfg.credentials = ivsrt::make_static_provider(f.ioc.get_executor(), std::move(c));
        clients.emplace_back(f.ioc.get_executor(), std::move(cfg));
    }
    std::vector<std::string> messages;
    f.run([&]() -> asio::awaitable<void> {
        for (auto& ivs : clients) {
            ivsrt::diagnostics diag;
            auto [ec, r] =
                co_await ivs.async_get_stage(get_stage, diag, asio::as_tuple(asio::deferred));
            BOOST_TEST(ec == errc::credentials);
            messages.emplace_back(diag.message());
        }
    });
    BOOST_TEST(messages.size() == clients.size());
    return messages;
}

BOOST_FIXTURE_TEST_CASE(access_key_id, client_fixture) {
    std::vector<ivsrt::credentials> creds;
    for (const std::string& bad : bad_chars) {
        creds.push_back({.access_key_id = injected(bad),
                         .secret_access_key = std::string(secret_key),
                         .provider = "test"});
    }
    for (const std::string& message : credentials_errors(*this, std::move(creds))) {
        BOOST_TEST(names_without_quoting(message, "credentials.access_key_id"), message);
    }
    BOOST_TEST(server.accepted() == 0u);
}

BOOST_FIXTURE_TEST_CASE(session_token, client_fixture) {
    std::vector<ivsrt::credentials> creds;
    for (const std::string& bad : bad_chars) {
        creds.push_back({.access_key_id = std::string(access_key),
                         .secret_access_key = std::string(secret_key),
                         .session_token = injected(bad),
                         .provider = "test"});
    }
    for (const std::string& message : credentials_errors(*this, std::move(creds))) {
        BOOST_TEST(names_without_quoting(message, "credentials.session_token"), message);
    }
    BOOST_TEST(server.accepted() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(threads)

// One client used from an io_context run by four threads (connections on strands), the server
// on an io_context of its own: 200 concurrent calls all complete, each exactly once, and each
// with its own result (every call asks for a stage of its own, which the server echoes).
BOOST_AUTO_TEST_CASE(concurrent_calls_from_several_threads) {
    asio::io_context server_ioc{1};
    std::vector<std::string> served;  // the ARNs asked for, on the server's thread
    ivsrt::test::loopback_server server{
        server_ioc.get_executor(), [&](server_connection& c) -> asio::awaitable<void> {
            for (;;) {
                request_t req;
                if (!co_await c.read(req)) co_return;
                const boost::json::value body = json(req.body());
                const std::string arn(body.at("arn").as_string());
                served.push_back(arn);
                response_t res = make_response(
                    200, boost::json::serialize(
                             boost::json::object{{"stage", boost::json::object{{"arn", arn}}}}));
                if (!co_await c.send(res)) co_return;
            }
        }};
    const std::uint16_t port = server.port();
    auto server_work = asio::make_work_guard(server_ioc);
    std::thread server_thread([&] { server_ioc.run(); });

    asio::io_context ioc{4};
    ivsrt::client_config cfg =
        test_config(ioc.get_executor(), "http://127.0.0.1:" + std::to_string(port));
    cfg.pool.max_connections = 8;
    ivsrt::client ivs(ioc.get_executor(), std::move(cfg));

    constexpr int calls = 200;
    std::atomic<int> ok{0}, own{0}, done{0};
    std::mutex mutex;
    std::vector<std::string> wrong;  // "asked -> got", for the failure message
    for (int i = 0; i < calls; ++i) {
        asio::co_spawn(
            ioc,
            [&, i]() -> asio::awaitable<void> {
                const model::get_stage_request request{
                    .arn = "arn:aws:ivs:us-west-2:123456789012:stage/caller-" + std::to_string(i)};
                auto [ec, r] =
                    co_await ivs.async_get_stage(request, asio::as_tuple(asio::use_awaitable));
                if (ec) co_return;
                ++ok;
                const std::string got = r.stage ? r.stage->arn : "no stage";
                if (got == request.arn) {
                    ++own;
                } else {
                    std::lock_guard lock(mutex);
                    wrong.push_back(request.arn + " -> " + got);
                }
            },
            [&](std::exception_ptr) { ++done; });
    }
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) threads.emplace_back([&] { ioc.run(); });
    for (auto& t : threads) t.join();
    BOOST_TEST(done.load() == calls);
    BOOST_TEST(ok.load() == calls);
    BOOST_TEST(own.load() == calls);
    BOOST_TEST(wrong.empty(), wrong.size() << " calls got another call's result, the first: "
                                           << (wrong.empty() ? "" : wrong.front()));
    BOOST_TEST(ivs.connection_stats().open <= 8u);

    asio::post(server_ioc, [&] { server.stop(); });
    server_work.reset();
    server_thread.join();
    // Each ARN asked for exactly once.
    BOOST_TEST(std::set<std::string>(served.begin(), served.end()).size() ==
               static_cast<std::size_t>(calls));
    BOOST_TEST(served.size() == static_cast<std::size_t>(calls));
}

// shutdown() from a thread of its own while 64 calls run on an io_context of two threads (calls
// and connections on strands): 16 held by the server, 48 queued for a connection. Every call
// completes once with errc::cancelled, and the io_context's threads run out of work. The calls'
// coroutines run on the io_context (each call spawned on a strand of its own), then each on a
// strand (each call's steps run in its coroutine).
void shutdown_from_another_thread_with(bool callers_on_strands) {
    asio::io_context server_ioc{1};
    std::atomic<int> held{0};
    ivsrt::test::loopback_server server{server_ioc.get_executor(),
                                        [&](server_connection& c) -> asio::awaitable<void> {
                                            request_t req;
                                            if (!co_await c.read(req)) co_return;
                                            ++held;
                                            request_t more;
                                            co_await c.read(more);  // until the client closes
                                        }};
    const std::uint16_t port = server.port();
    auto server_work = asio::make_work_guard(server_ioc);
    std::thread server_thread([&] { server_ioc.run(); });

    asio::io_context ioc{2};
    ivsrt::client_config cfg =
        test_config(ioc.get_executor(), "http://127.0.0.1:" + std::to_string(port));
    cfg.pool.max_connections = 16;
    cfg.attempt_timeout = cfg.call_timeout = 1h;
    ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
    constexpr int calls = 64;
    std::atomic<int> cancelled{0}, done{0};
    for (int i = 0; i < calls; ++i) {
        const asio::any_io_executor caller = callers_on_strands
                                                 ? asio::any_io_executor(asio::make_strand(ioc))
                                                 : asio::any_io_executor(ioc.get_executor());
        asio::co_spawn(
            caller,
            [&]() -> asio::awaitable<void> {
                auto [ec, r] =
                    co_await ivs.async_get_stage(get_stage, asio::as_tuple(asio::use_awaitable));
                cancelled += ec == errc::cancelled;
                ++done;
            },
            asio::detached);
    }
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) threads.emplace_back([&] { ioc.run_for(60s); });
    for (int i = 0; i < 6000 && held.load() < 16; ++i) std::this_thread::sleep_for(10ms);
    BOOST_TEST(held.load() == 16);
    ivs.shutdown();
    for (auto& t : threads) t.join();
    BOOST_TEST(ioc.stopped(), "the io_context's threads did not run out of work");
    BOOST_TEST(done.load() == calls);
    BOOST_TEST(cancelled.load() == calls);
    BOOST_TEST(ivs.connection_stats().open == 0u);

    asio::post(server_ioc, [&] { server.stop(); });
    server_work.reset();
    server_thread.join();
}

BOOST_AUTO_TEST_CASE(shutdown_from_another_thread) {
    shutdown_from_another_thread_with(false);
    shutdown_from_another_thread_with(true);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(tls)

struct tls_fixture {
    ivsrt::test::test_ca ca = ivsrt::test::make_test_ca("ivsrt test CA");
    ivsrt::test::test_cert cert = ca.issue("127.0.0.1", "IP:127.0.0.1");
    asio::ssl::context ctx = ivsrt::test::server_tls_context(cert);
    ivsrt_test::temp_dir dir;
};

BOOST_FIXTURE_TEST_CASE(trusted_ca_accepted_untrusted_rejected, tls_fixture) {
    asio::io_context ioc;
    scripted_service service;
    ivsrt::test::loopback_server server{ioc.get_executor(), service.script(), &ctx};
    const std::string ca_file = dir.write("ca.pem", ca.root.cert_pem);
    auto make = [&](bool trust) {
        ivsrt::client_config c =
            test_config(ioc.get_executor(), "https://127.0.0.1:" + std::to_string(server.port()));
        c.retry = ivsrt::retry_config{.max_attempts = 1};
        if (trust) c.pool.ca_bundle = ca_file;
        return c;
    };
    ivsrt::client trusted(ioc.get_executor(), make(true));
    ivsrt::client untrusted(ioc.get_executor(), make(false));
    bool finished = false;
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            auto [ec1, r1] =
                co_await trusted.async_get_stage(get_stage, asio::as_tuple(asio::deferred));
            BOOST_TEST(!ec1);
            ivsrt::diagnostics diag;
            auto [ec2, r2] =
                co_await untrusted.async_get_stage(get_stage, diag, asio::as_tuple(asio::deferred));
            BOOST_TEST(ec2 == errc::tls);
            BOOST_TEST(std::string(diag.message()).find("certificate") != std::string::npos);
            finished = true;
            server.stop();
        },
        asio::detached);
    ioc.run();
    BOOST_TEST(finished);
    BOOST_TEST(service.requests.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(proxy)

using ivsrt::detail::no_proxy_matches;

BOOST_AUTO_TEST_CASE(no_proxy_rules) {
    BOOST_TEST(no_proxy_matches("*", "ivs.us-east-1.amazonaws.com", "443"));
    BOOST_TEST(no_proxy_matches("amazonaws.com", "ivs.us-east-1.amazonaws.com", "443"));
    BOOST_TEST(no_proxy_matches(".amazonaws.com", "ivs.us-east-1.amazonaws.com", "443"));
    BOOST_TEST(no_proxy_matches("*.AmazonAWS.com", "ivs.us-east-1.amazonaws.com", "443"));
    BOOST_TEST(no_proxy_matches("localhost, amazonaws.com:443", "ivs.amazonaws.com", "443"));
    BOOST_TEST(!no_proxy_matches("amazonaws.com:8443", "ivs.amazonaws.com", "443"));
    BOOST_TEST(!no_proxy_matches("zonaws.com", "ivs.amazonaws.com", "443"));  // not a subdomain
    BOOST_TEST(!no_proxy_matches("ivs.amazonaws.com.evil", "ivs.amazonaws.com", "443"));
    BOOST_TEST(no_proxy_matches("10.0.0.1 127.0.0.1", "127.0.0.1", "8080"));
    BOOST_TEST(no_proxy_matches("127.0.0.1:8080", "127.0.0.1", "8080"));
    BOOST_TEST(!no_proxy_matches("127.0.0.1:8081", "127.0.0.1", "8080"));
    BOOST_TEST(!no_proxy_matches("0.0.1", "127.0.0.1", "8080"));  // addresses match only whole
    BOOST_TEST(no_proxy_matches("::1", "::1", "443"));
    BOOST_TEST(no_proxy_matches("[::1]:443", "::1", "443"));
    BOOST_TEST(!no_proxy_matches("[::1]:80", "::1", "443"));
    BOOST_TEST(!no_proxy_matches("", "example.com", "443"));
    BOOST_TEST(!no_proxy_matches(" , ", "example.com", "443"));
}

BOOST_AUTO_TEST_CASE(proxy_urls) {
    using ivsrt::detail::parse_proxy_url;
    const auto r = parse_proxy_url("http://user:p%40ss@proxy.internal:3128", "HTTPS_PROXY");
    BOOST_TEST(r.host == "proxy.internal");
    BOOST_TEST(r.port == "3128");
    BOOST_TEST(r.authorization == "Basic dXNlcjpwQHNz");  // base64("user:p@ss")
    const auto bare = parse_proxy_url("10.1.2.3", "HTTPS_PROXY");
    BOOST_TEST(bare.host == "10.1.2.3");
    BOOST_TEST(bare.port == "80");
    BOOST_TEST(bare.authorization.empty());
    BOOST_TEST(parse_proxy_url("http://[::1]:8080/", "p").host == "::1");
    for (const char* bad : {"https://user:hunter2@proxy:443", "http://user:hunter2@proxy:x",
                            "http://user:hunter2@proxy:3128/path", "http://user:hunter2@:3128",
                            "socks5://user:hunter2@proxy:1080", "http://user:hun%zzter2@proxy"}) {
        try {
            parse_proxy_url(bad, "HTTPS_PROXY");
            BOOST_ERROR("accepted " << bad);
        } catch (const std::invalid_argument& e) {
            const std::string what = e.what();
            BOOST_TEST(what.starts_with("HTTPS_PROXY: "), what);
            BOOST_TEST(what.find("hunter2") == std::string::npos, what);
            BOOST_TEST(what.find("hun%zz") == std::string::npos, what);
        }
    }
}

// An http endpoint through a proxy: absolute-form targets and Proxy-Authorization on each
// request. (The fixture's server plays the proxy; the endpoint's host never resolves.)
BOOST_FIXTURE_TEST_CASE(http_endpoint_through_a_proxy, client_fixture) {
    auto cfg = config();
    cfg.endpoint_url = "http://ivs.invalid:8080";
    cfg.pool.proxy = "http://user:secret@127.0.0.1:" + std::to_string(port);
    ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
    run([&]() -> asio::awaitable<void> {
        co_await ivs.async_get_stage(get_stage);
        co_await ivs.async_get_stage(get_stage);
    });
    BOOST_TEST_REQUIRE(service.requests.size() == 2u);
    for (const auto& r : service.requests) {
        BOOST_TEST(r.target() == "http://ivs.invalid:8080/GetStage");
        BOOST_TEST(header(r, "Proxy-Authorization") == "Basic dXNlcjpzZWNyZXQ=");
        BOOST_TEST(header(r, "Host") == "ivs.invalid:8080");
    }
    BOOST_TEST(server.accepted() == 1u);  // kept alive
}

// The environment: HTTP_PROXY applies unless NO_PROXY exempts the host; pool.proxy = "" wins
// over both. (The proxy named here listens nowhere: a call through it would fail.)
BOOST_FIXTURE_TEST_CASE(proxy_from_the_environment, client_fixture) {
    auto with_env = [&](std::map<std::string, std::string, std::less<>> vars,
                        std::optional<std::string> proxy) {
        auto cfg = config();
        cfg.retry = ivsrt::retry_config{.max_attempts = 1};
        cfg.sources.env = ivsrt::environment(std::move(vars));
        cfg.pool.proxy = std::move(proxy);
        return cfg;
    };
    const std::string dead = "http://127.0.0.1:1";
    ivsrt::client exempt(
        ioc.get_executor(),
        with_env({{"HTTP_PROXY", dead}, {"NO_PROXY", "example.com,127.0.0.1"}}, {}));
    ivsrt::client direct(ioc.get_executor(), with_env({{"http_proxy", dead}}, ""));
    ivsrt::client proxied(ioc.get_executor(), with_env({{"http_proxy", dead}}, {}));
    ivsrt::client https_only(ioc.get_executor(), with_env({{"HTTPS_PROXY", dead}}, {}));
    run([&]() -> asio::awaitable<void> {
        auto [ec1, r1] = co_await exempt.async_get_stage(get_stage, asio::as_tuple(asio::deferred));
        BOOST_TEST(!ec1);
        auto [ec2, r2] = co_await direct.async_get_stage(get_stage, asio::as_tuple(asio::deferred));
        BOOST_TEST(!ec2);
        auto [ec3, r3] =
            co_await https_only.async_get_stage(get_stage, asio::as_tuple(asio::deferred));
        BOOST_TEST(!ec3);  // an http endpoint: HTTPS_PROXY does not apply
        auto [ec4, r4] =
            co_await proxied.async_get_stage(get_stage, asio::as_tuple(asio::deferred));
        BOOST_TEST(ec4 == errc::connection);
    });
    BOOST_TEST(service.requests.size() == 3u);
    for (const auto& r : service.requests) BOOST_TEST(r.target() == "/GetStage");
    try {
        ivsrt::client bad(ioc.get_executor(), with_env({{"http_proxy", "ftp://u:hunter2@p"}}, {}));
        BOOST_ERROR("accepted a malformed http_proxy");
    } catch (const std::invalid_argument& e) {
        BOOST_TEST(std::string(e.what()).starts_with("http_proxy: "), e.what());
        BOOST_TEST(std::string(e.what()).find("hunter2") == std::string::npos);
    }
}

struct tunnel_fixture : tls::tls_fixture {
    asio::io_context ioc;
    scripted_service service;
    ivsrt::test::loopback_server server{ioc.get_executor(), service.script(), &ctx};
    const std::string origin_port = std::to_string(server.port());
    const std::string ca_file = dir.write("ca.pem", ca.root.cert_pem);

    ivsrt::client_config config(const ivsrt::test::connect_proxy& proxy,
                                std::string host = "127.0.0.1") {
        ivsrt::client_config c =
            test_config(ioc.get_executor(), "https://" + host + ":" + origin_port);
        c.retry = ivsrt::retry_config{.max_attempts = 1};
        c.pool.ca_bundle = ca_file;
        c.pool.proxy = proxy.url("user:p%40ss");
        return c;
    }
    template <class F>
    void run(F body, ivsrt::test::connect_proxy& proxy) {
        ivsrt::test::run_on(ioc, std::move(body), [&] {
            server.stop();
            proxy.stop();
        });
    }
};

// An https endpoint through a CONNECT tunnel: one tunnel carries the three calls, TLS runs with
// the origin inside it, and the proxy gets the credentials as Proxy-Authorization.
BOOST_FIXTURE_TEST_CASE(https_endpoint_through_a_connect_tunnel, tunnel_fixture) {
    ivsrt::test::connect_proxy proxy(ioc.get_executor());
    ivsrt::client ivs(ioc.get_executor(), config(proxy));
    run(
        [&]() -> asio::awaitable<void> {
            for (int i = 0; i < 3; ++i) co_await ivs.async_get_stage(get_stage);
        },
        proxy);
    BOOST_TEST(proxy.tunnels() == 1u);
    BOOST_TEST(service.requests.size() == 3u);
    BOOST_TEST(server.accepted() == 1u);
    BOOST_TEST_REQUIRE(proxy.heads().size() == 1u);
    const std::string origin = "127.0.0.1:" + origin_port;
    BOOST_TEST(proxy.heads()[0] == "CONNECT " + origin + " HTTP/1.1\r\nHost: " + origin +
                                       "\r\nProxy-Authorization: Basic dXNlcjpwQHNz\r\n\r\n");
    BOOST_TEST(header(service.requests[0], "Proxy-Authorization").empty());  // not to the origin
}

// Through the tunnel the certificate is checked against the origin's name: the server's is for
// 127.0.0.1, the endpoint says localhost.
BOOST_FIXTURE_TEST_CASE(the_origin_certificate_is_checked_inside_the_tunnel, tunnel_fixture) {
    ivsrt::test::connect_proxy proxy(ioc.get_executor());
    ivsrt::client ivs(ioc.get_executor(), config(proxy, "localhost"));
    run(
        [&]() -> asio::awaitable<void> {
            ivsrt::diagnostics diag;
            auto [ec, r] =
                co_await ivs.async_get_stage(get_stage, diag, asio::as_tuple(asio::deferred));
            BOOST_TEST(ec == errc::tls);
            BOOST_TEST(std::string(diag.message()).find("not valid for that host name") !=
                           std::string::npos,
                       diag.message());
        },
        proxy);
    BOOST_TEST(proxy.tunnels() == 1u);
    BOOST_TEST(service.requests.empty());
}

// A proxy that refuses the tunnel (407): a connection error that says so, and no trace of the
// proxy's credentials anywhere.
BOOST_FIXTURE_TEST_CASE(a_refused_tunnel_is_a_connection_error, tunnel_fixture) {
    ivsrt::test::connect_proxy proxy(ioc.get_executor(), 407);
    std::vector<std::string> texts;
    auto cfg = config(proxy);
    cfg.on_event = [&](const ivsrt::client_event& e) {
        texts.emplace_back(e.detail);
        texts.push_back(e.error.message());
    };
    ivsrt::client ivs(ioc.get_executor(), std::move(cfg));
    run(
        [&]() -> asio::awaitable<void> {
            ivsrt::diagnostics diag;
            auto [ec, r] =
                co_await ivs.async_get_stage(get_stage, diag, asio::as_tuple(asio::deferred));
            BOOST_TEST(ec == errc::connection);
            texts.emplace_back(diag.message());
            BOOST_TEST(std::string(diag.message()).find("the proxy refused the tunnel: HTTP 407") !=
                           std::string::npos,
                       diag.message());
        },
        proxy);
    BOOST_TEST(proxy.tunnels() == 0u);
    BOOST_TEST(service.requests.empty());
    for (const auto& t : texts) {
        BOOST_TEST(t.find("p@ss") == std::string::npos, t);
        BOOST_TEST(t.find("p%40ss") == std::string::npos, t);
        BOOST_TEST(t.find("dXNlcjpwQHNz") == std::string::npos, t);
    }
}

BOOST_AUTO_TEST_SUITE_END()
