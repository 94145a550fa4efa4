// Tests for ivsrt/endpoint.hpp: the official endpoint test vectors, endpoint overrides, region
// checks, and the rules interpreter (detail/endpoint_rules.hpp) on small rule sets of our own.
#define BOOST_TEST_MODULE test_endpoint
#include <boost/test/unit_test.hpp>

#include <ivsrt/detail/generated/endpoint_data.hpp>
#include <ivsrt/detail/endpoint_rules.hpp>
#include <ivsrt/endpoint.hpp>

#include "common/data_file.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <thread>
#include <vector>

namespace json = boost::json;
using ivsrt::endpoint_params;

namespace {

// The rules and partitions live with the generator (tools/codegen/endpoints/), the test vectors
// with the test data.
json::value load(const std::string& name) {
    const std::string path =
        (name == "endpoint-tests.json" ? IVSRT_TEST_DATA_DIR "/endpoints/"
                                       : IVSRT_SOURCE_DIR "/tools/codegen/endpoints/") +
        name;
    return json::parse(ivsrt::test::read_data_file(path));
}

// The URL or the error message (Boost.Test may evaluate assertion messages that pass, too).
std::string describe(const boost::system::result<ivsrt::endpoint, ivsrt::endpoint_error>& r) {
    return r ? "endpoint " + r->url : "error " + r.error().message;
}

ivsrt::endpoint resolve_ok(const endpoint_params& p) {
    auto r = ivsrt::resolve_endpoint(p);
    BOOST_TEST_REQUIRE(r.has_value(), describe(r));
    return *r;
}

std::string resolve_error(const endpoint_params& p) {
    auto r = ivsrt::resolve_endpoint(p);
    BOOST_TEST_REQUIRE(!r.has_value(), describe(r));
    BOOST_TEST((r.error().code == ivsrt::errc::endpoint));
    return r.error().message;
}

std::string url_for(std::string region, bool fips = false, bool dual_stack = false) {
    return resolve_ok({.region = std::move(region), .use_fips = fips, .use_dual_stack = dual_stack})
        .url;
}

// The members embed_endpoints.py leaves out of the built-in copy.
json::value without_prose(const json::value& v) {
    if (const auto* o = v.if_object()) {
        json::object out;
        for (const auto& [key, item] : *o) {
            if (key != "documentation" && key != "description") out[key] = without_prose(item);
        }
        return out;
    }
    if (const auto* a = v.if_array()) {
        json::array out;
        for (const auto& item : *a) out.push_back(without_prose(item));
        return out;
    }
    return v;
}

}  // namespace

// Runs first, so that several threads race for the one-time parse of the built-in rules.
BOOST_AUTO_TEST_CASE(concurrent_first_use_gives_identical_results) {
    std::vector<std::string> urls(4);
    std::vector<std::thread> threads;
    for (auto& url : urls) {
        threads.emplace_back([&url] {
            auto r = ivsrt::resolve_endpoint({.region = "eu-west-1"});
            url = describe(r);
        });
    }
    for (auto& t : threads) t.join();
    for (const auto& url : urls) {
        BOOST_TEST(url == "endpoint https://ivsrealtime.eu-west-1.amazonaws.com");
    }
}

BOOST_AUTO_TEST_CASE(built_in_data_matches_the_vendored_files) {
    BOOST_TEST(json::parse(ivsrt::detail::endpoint_ruleset_json) ==
               without_prose(load("endpoint-ruleset.json")));
    BOOST_TEST(json::parse(ivsrt::detail::partitions_json) ==
               without_prose(load("partitions.json")));
}

// The smithy.rules#endpointTests cases. The file's `_note` says 4 iso dual-stack cases predate the
// current partition data (aws-iso and aws-iso-b now support dual-stack): they are skipped, and
// checked instead against the URLs the note gives.
BOOST_AUTO_TEST_CASE(official_test_vectors) {
    const json::value doc = load("endpoint-tests.json");
    const std::string note(doc.at("_note").as_string());
    int run = 0;
    std::vector<std::string> skipped;
    for (const auto& item : doc.at("testCases").as_array()) {
        const auto& tc = item.as_object();
        const std::string name(tc.at("documentation").as_string());
        BOOST_TEST_CONTEXT(name) {
            endpoint_params p;
            if (const auto* params = tc.if_contains("params")) {
                for (const auto& [key, v] : params->as_object()) {
                    if (key == "Region") {
                        p.region = v.as_string();
                    } else if (key == "UseFIPS") {
                        p.use_fips = v.as_bool();
                    } else if (key == "UseDualStack") {
                        p.use_dual_stack = v.as_bool();
                    } else if (key == "Endpoint") {
                        p.endpoint_url = std::string(v.as_string());
                    } else {
                        BOOST_FAIL("unknown parameter " << key);
                    }
                }
            }
            const auto& expect = tc.at("expect").as_object();
            const auto result = ivsrt::resolve_endpoint(p);

            const bool outdated = expect.contains("error") && p.use_dual_stack &&
                                  (p.region == "us-iso-east-1" || p.region == "us-isob-east-1");
            if (outdated) {
                skipped.push_back(name);
                const std::string expected =
                    std::string("https://ivsrealtime") + (p.use_fips ? "-fips." : ".") + p.region +
                    (p.region == "us-iso-east-1" ? ".api.aws.ic.gov" : ".api.aws.scloud");
                BOOST_TEST_REQUIRE(result.has_value(), describe(result));
                BOOST_TEST(result->url == expected);
                continue;
            }
            ++run;
            if (const auto* error = expect.if_contains("error")) {
                BOOST_TEST_REQUIRE(!result.has_value(), describe(result));
                BOOST_TEST(result.error().message == error->as_string());
                BOOST_TEST((result.error().code == ivsrt::errc::endpoint));
            } else {
                const auto& ep = expect.at("endpoint").as_object();
                BOOST_TEST(!ep.contains("properties"));  // nothing here checks them
                BOOST_TEST(!ep.contains("headers"));
                BOOST_TEST_REQUIRE(result.has_value(), describe(result));
                BOOST_TEST(result->url == ep.at("url").as_string());
            }
        }
    }
    BOOST_TEST_MESSAGE("endpoint test vectors: " << run << " run, " << skipped.size()
                                                 << " skipped because: " << note);
    for (const auto& name : skipped) BOOST_TEST_MESSAGE("  skipped: " << name);
    BOOST_TEST_REQUIRE(run == 21);
    BOOST_TEST_REQUIRE(skipped.size() == 4u);
}

BOOST_AUTO_TEST_CASE(resolved_endpoint_is_split_for_the_client) {
    const auto ep = resolve_ok({.region = "cn-northwest-1", .use_dual_stack = true});
    // partitions.json: aws-cn's dualStackDnsSuffix is api.amazonwebservices.com.cn.
    BOOST_TEST(ep.url == "https://ivsrealtime.cn-northwest-1.api.amazonwebservices.com.cn");
    BOOST_TEST(ep.scheme == "https");
    BOOST_TEST(ep.host == "ivsrealtime.cn-northwest-1.api.amazonwebservices.com.cn");
    BOOST_TEST(ep.port == 443);
    BOOST_TEST(ep.authority == ep.host);
    BOOST_TEST(ep.base_path == "");
    BOOST_TEST(ep.signing_region == "cn-northwest-1");
    BOOST_TEST(ep.signing_name == "ivs");
}

BOOST_AUTO_TEST_CASE(fips_and_dual_stack_in_china_and_govcloud) {
    // dnsSuffix / dualStackDnsSuffix: aws-cn amazonaws.com.cn / api.amazonwebservices.com.cn,
    // aws-us-gov amazonaws.com / api.aws.
    BOOST_TEST(url_for("cn-north-1", true, true) ==
               "https://ivsrealtime-fips.cn-north-1.api.amazonwebservices.com.cn");
    BOOST_TEST(url_for("cn-northwest-1", true) ==
               "https://ivsrealtime-fips.cn-northwest-1.amazonaws.com.cn");
    BOOST_TEST(url_for("us-gov-west-1", false, true) ==
               "https://ivsrealtime.us-gov-west-1.api.aws");
    BOOST_TEST(url_for("us-gov-west-1", true, true) ==
               "https://ivsrealtime-fips.us-gov-west-1.api.aws");
    BOOST_TEST(url_for("us-gov-west-1", true) ==
               "https://ivsrealtime-fips.us-gov-west-1.amazonaws.com");
}

BOOST_AUTO_TEST_CASE(unlisted_regions_use_the_partition_regex_then_aws) {
    // Not listed in partitions.json; each matches one partition's regionRegex.
    BOOST_TEST(url_for("us-west-9") == "https://ivsrealtime.us-west-9.amazonaws.com");
    BOOST_TEST(url_for("cn-south-7") == "https://ivsrealtime.cn-south-7.amazonaws.com.cn");
    BOOST_TEST(url_for("eusc-de-south-1") == "https://ivsrealtime.eusc-de-south-1.amazonaws.eu");
    BOOST_TEST(url_for("eu-isoe-north-2", false, true) ==
               "https://ivsrealtime.eu-isoe-north-2.api.cloud-aws.adc-e.uk");
    BOOST_TEST(url_for("us-isof-west-4", true) ==
               "https://ivsrealtime-fips.us-isof-west-4.csp.hci.ic.gov");
    // Matches no regex ("mars" is no aws prefix): the aws partition.
    BOOST_TEST(url_for("mars-central-1") == "https://ivsrealtime.mars-central-1.amazonaws.com");
    BOOST_TEST(url_for("mars-central-1", false, true) ==
               "https://ivsrealtime.mars-central-1.api.aws");
}

BOOST_AUTO_TEST_CASE(region_must_be_set_and_a_valid_host_label) {
    BOOST_TEST(resolve_error({}) == "Invalid Configuration: Missing Region");
    BOOST_TEST(resolve_error({.region = "", .use_fips = true}) ==
               "Invalid Configuration: Missing Region");
    const std::string invalid =
        "Invalid Configuration: Region must be a valid host label (1 to 63 letters, digits or "
        "'-', not starting with '-')";
    for (const char* region : {"us east 1", "-us-east-1", "us-east-1.example.com", "us_east_1",
                               "us-east-1/", "us-east-1\n"}) {
        BOOST_TEST(resolve_error({.region = region}) == invalid, region);
    }
    BOOST_TEST(resolve_error({.region = std::string(64, 'a')}) == invalid);
    const std::string longest(63, 'a');
    BOOST_TEST(url_for(longest) == "https://ivsrealtime." + longest + ".amazonaws.com");
}

BOOST_AUTO_TEST_CASE(override_with_port_and_base_path) {
    const auto ep = resolve_ok(
        {.region = "us-west-2", .endpoint_url = "https://ivs.example.com:8443/prefix/v1/"});
    BOOST_TEST(ep.url == "https://ivs.example.com:8443/prefix/v1/");
    BOOST_TEST(ep.scheme == "https");
    BOOST_TEST(ep.host == "ivs.example.com");
    BOOST_TEST(ep.port == 8443);
    BOOST_TEST(ep.authority == "ivs.example.com:8443");
    BOOST_TEST(ep.base_path == "/prefix/v1");
    BOOST_TEST(ep.signing_region == "us-west-2");
    BOOST_TEST(ep.signing_name == "ivs");
}

BOOST_AUTO_TEST_CASE(http_and_ip_overrides) {
    auto ep = resolve_ok({.region = "us-east-1", .endpoint_url = "http://127.0.0.1:8080"});
    BOOST_TEST(ep.scheme == "http");
    BOOST_TEST(ep.host == "127.0.0.1");
    BOOST_TEST(ep.port == 8080);
    BOOST_TEST(ep.authority == "127.0.0.1:8080");
    BOOST_TEST(ep.base_path == "");

    ep = resolve_ok({.endpoint_url = "http://localhost/"});  // no region: nothing to sign with
    BOOST_TEST(ep.port == 80);
    BOOST_TEST(ep.authority == "localhost");
    BOOST_TEST(ep.base_path == "");
    BOOST_TEST(ep.signing_region == "");

    ep = resolve_ok({.region = "us-east-1", .endpoint_url = "https://[::1]:9443/x"});
    BOOST_TEST(ep.host == "::1");
    BOOST_TEST(ep.authority == "[::1]:9443");
    BOOST_TEST(ep.base_path == "/x");

    ep = resolve_ok({.region = "us-east-1", .endpoint_url = "HTTPS://Example.com:443"});
    BOOST_TEST(ep.scheme == "https");
    BOOST_TEST(ep.port == 443);
    BOOST_TEST(ep.authority == "Example.com");  // default port left out
}

BOOST_AUTO_TEST_CASE(invalid_override_urls_are_rejected_without_echoing_them) {
    const std::string prefix = "Invalid Configuration: Endpoint URL ";
    const std::pair<const char*, const char*> cases[] = {
        {"", "is not an absolute URL"},
        {"ivs.example.com", "is not an absolute URL"},
        {"https://exa mple.com", "is not an absolute URL"},
        {"http://abc.com:a/foo", "is not an absolute URL"},
        {"ftp://example.com", "must use the http or https scheme"},
        {"https://user:s3cr3t@example.com", "must not contain user information"},
        {"https://example.com/?a=b", "must not contain a query"},
        {"https://example.com/#top", "is not an absolute URL"},  // RFC 3986 absolute-URI
        {"https:///path", "has an invalid host"},
        {"https://ex!ample.com", "has an invalid host"},
        {"https://ex%41mple.com", "has an invalid host"},
        {"https://example.com:0", "has an invalid port"},
        {"https://example.com:65536", "has an invalid port"},
    };
    for (const auto& [url, problem] : cases) {
        BOOST_TEST(resolve_error({.region = "us-east-1", .endpoint_url = url}) == prefix + problem,
                   url);
    }
}

BOOST_AUTO_TEST_CASE(override_excludes_fips_and_dual_stack) {
    BOOST_TEST(
        resolve_error(
            {.region = "us-east-1", .use_fips = true, .endpoint_url = "https://example.com"}) ==
        "Invalid Configuration: FIPS and custom endpoint are not supported");
    BOOST_TEST(resolve_error({.region = "us-east-1",
                              .use_dual_stack = true,
                              .endpoint_url = "http://localhost:1"}) ==
               "Invalid Configuration: Dualstack and custom endpoint are not supported");
    // The rules check FIPS before looking at the URL.
    BOOST_TEST(resolve_error({.region = "us-east-1", .use_fips = true, .endpoint_url = "bad"}) ==
               "Invalid Configuration: FIPS and custom endpoint are not supported");
}

BOOST_AUTO_TEST_CASE(value_throws_system_error_with_the_message) {
    BOOST_CHECK_EXCEPTION(
        ivsrt::resolve_endpoint(
            {.region = "us-iso-east-1", .use_fips = true, .endpoint_url = "https://example.com"})
            .value(),
        boost::system::system_error, [](const boost::system::system_error& e) {
            return e.code() == ivsrt::errc::endpoint &&
                   std::string(e.what()).find("FIPS and custom endpoint are not supported") !=
                       std::string::npos;
        });
}

// ---- the interpreter on rule sets of our own --------------------------------------------------

namespace {

// One error rule per case; the error text shows what a function computed.
constexpr std::string_view test_rules = R"json({
  "version": "1.0",
  "parameters": {
    "Case": {"type": "string", "required": true},
    "Input": {"type": "string", "required": false},
    "Flag": {"type": "boolean", "required": true, "default": true}
  },
  "rules": [
    {"conditions": [{"fn": "stringEquals", "argv": ["{Case}", "substring"]},
                    {"fn": "substring", "argv": ["{Input}", 1, 4, false], "assign": "out"}],
     "error": "<{out}>", "type": "error"},
    {"conditions": [{"fn": "stringEquals", "argv": ["{Case}", "substring-reverse"]},
                    {"fn": "substring", "argv": ["{Input}", 0, 3, true], "assign": "out"}],
     "error": "<{out}>", "type": "error"},
    {"conditions": [{"fn": "stringEquals", "argv": ["{Case}", "uriEncode"]},
                    {"fn": "uriEncode", "argv": ["{Input}"], "assign": "out"}],
     "error": "<{out}>", "type": "error"},
    {"conditions": [{"fn": "stringEquals", "argv": ["{Case}", "hostLabel"]},
                    {"fn": "isValidHostLabel", "argv": [{"ref": "Input"}, false]}],
     "error": "label", "type": "error"},
    {"conditions": [{"fn": "stringEquals", "argv": ["{Case}", "hostLabel"]},
                    {"fn": "isValidHostLabel", "argv": [{"ref": "Input"}, true]}],
     "error": "subdomains", "type": "error"},
    {"conditions": [{"fn": "stringEquals", "argv": ["{Case}", "parseURL"]},
                    {"fn": "parseURL", "argv": ["{Input}"], "assign": "url"},
                    {"fn": "booleanEquals", "argv": [{"fn": "getAttr", "argv": [{"ref": "url"}, "isIp"]}, true]}],
     "error": "ip {url#authority}", "type": "error"},
    {"conditions": [{"fn": "stringEquals", "argv": ["{Case}", "parseURL"]},
                    {"fn": "parseURL", "argv": ["{Input}"], "assign": "url"}],
     "error": "{url#scheme} {url#authority} <{url#path}> {url#normalizedPath}", "type": "error"},
    {"conditions": [{"fn": "stringEquals", "argv": ["{Case}", "partition"]},
                    {"fn": "aws.partition", "argv": ["{Input}"], "assign": "p"}],
     "error": "{p#name} {p#dnsSuffix}", "type": "error"},
    {"conditions": [{"fn": "stringEquals", "argv": ["{Case}", "getAttr"]},
                    {"fn": "getAttr", "argv": [["a", "{Input}"], "[1]"], "assign": "out"}],
     "error": "<{out}>", "type": "error"},
    {"conditions": [{"fn": "stringEquals", "argv": ["{Case}", "getAttr-missing"]},
                    {"fn": "getAttr", "argv": [["a"], "[1]"]}],
     "error": "unexpected", "type": "error"},
    {"conditions": [{"fn": "stringEquals", "argv": ["{Case}", "unset"]},
                    {"fn": "not", "argv": [{"fn": "isSet", "argv": [{"ref": "Input"}]}]},
                    {"fn": "booleanEquals", "argv": [{"ref": "Flag"}, true]}],
     "error": "{{not set}}", "type": "error"},
    {"conditions": [{"fn": "stringEquals", "argv": ["{Case}", "tree"]},
                    {"fn": "aws.partition", "argv": ["us-east-1"], "assign": "p"}],
     "rules": [
       {"conditions": [{"fn": "stringEquals", "argv": ["{Input}", "a"]}],
        "endpoint": {"url": "https://{Input}.{p#dnsSuffix}",
                     "properties": {"authSchemes": [
                       {"name": "sigv4a", "signingName": "wrong"},
                       {"name": "sigv4", "signingName": "svc", "signingRegion": "{p#name}-1"}]}},
        "type": "endpoint"}],
     "type": "tree"},
    {"conditions": [{"fn": "stringEquals", "argv": ["{Case}", "scope"]},
                    {"fn": "aws.partition", "argv": ["us-east-1"], "assign": "gone"},
                    {"fn": "booleanEquals", "argv": [true, false]}],
     "error": "unexpected", "type": "error"},
    {"conditions": [{"fn": "stringEquals", "argv": ["{Case}", "scope"]}],
     "error": "{gone#name}", "type": "error"},
    {"conditions": [{"fn": "stringEquals", "argv": ["{Case}", "arn"]},
                    {"fn": "aws.parseArn", "argv": ["{Input}"]}],
     "error": "unexpected", "type": "error"},
    {"conditions": [], "error": "no case", "type": "error"}
  ]
})json";

// Region "us-special-1" overrides its partition's dnsSuffix.
constexpr std::string_view test_partitions = R"json({"partitions": [
  {"id": "aws", "regionRegex": "^(us|eu)\\-\\w+\\-\\d+$",
   "outputs": {"name": "aws", "dnsSuffix": "example.com"},
   "regions": {"us-east-1": {}, "us-special-1": {"dnsSuffix": "special.example", "description": "x"}}},
  {"id": "other", "regionRegex": "^(?:xx|yy)\\-\\w+\\-\\d+$",
   "outputs": {"name": "other", "dnsSuffix": "other.example"}, "regions": {}}
]})json";

const ivsrt::detail::rule_set& test_rule_set() {
    static const ivsrt::detail::rule_set rules(test_rules, test_partitions);
    return rules;
}

ivsrt::detail::rule_outcome evaluate(std::string_view test_case, const char* input = nullptr) {
    json::object params{{"Case", test_case}};
    if (input) params["Input"] = input;
    return test_rule_set().evaluate(params, {});
}

// The error text of the case, or "endpoint <url>".
std::string outcome(std::string_view test_case, const char* input = nullptr) {
    auto result = evaluate(test_case, input);
    if (const auto* e = std::get_if<ivsrt::detail::rule_error>(&result)) {
        return std::string(e->message);
    }
    return "endpoint " + std::string(std::get<ivsrt::detail::rule_endpoint>(result).url);
}

}  // namespace

BOOST_AUTO_TEST_CASE(rules_substring_is_ascii_only_and_bounded) {
    BOOST_TEST(outcome("substring", "abcdefg") == "<bcd>");  // [1, 4)
    BOOST_TEST(outcome("substring", "abcd") == "<bcd>");
    BOOST_TEST(outcome("substring", "abc") == "no case");            // too short: null
    BOOST_TEST(outcome("substring", "abc\xc3\xa9") == "no case");    // non-ASCII: null
    BOOST_TEST(outcome("substring-reverse", "abcdefg") == "<efg>");  // last 3
    BOOST_TEST(outcome("substring-reverse", "ab") == "no case");
}

BOOST_AUTO_TEST_CASE(rules_uri_encode_keeps_only_unreserved) {
    BOOST_TEST(outcome("uriEncode", "a b/c~d:e_f.g-h") == "<a%20b%2Fc~d%3Ae_f.g-h>");
    BOOST_TEST(outcome("uriEncode", "\xc3\xa9%") == "<%C3%A9%25>");  // UTF-8 bytes, upper hex
    BOOST_TEST(outcome("uriEncode", "") == "<>");
}

BOOST_AUTO_TEST_CASE(rules_is_valid_host_label) {
    BOOST_TEST(outcome("hostLabel", "us-east-1") == "label");
    BOOST_TEST(outcome("hostLabel", "9lives") == "label");
    BOOST_TEST(outcome("hostLabel", "a.b-c.d") == "subdomains");
    BOOST_TEST(outcome("hostLabel", "a..b") == "no case");
    BOOST_TEST(outcome("hostLabel", "a.") == "no case");
    BOOST_TEST(outcome("hostLabel", "-a") == "no case");
    BOOST_TEST(outcome("hostLabel", "a_b") == "no case");
    BOOST_TEST(outcome("hostLabel", "") == "no case");
    BOOST_TEST(outcome("hostLabel", std::string(63, 'x').c_str()) == "label");
    BOOST_TEST(outcome("hostLabel", std::string(64, 'x').c_str()) == "no case");
}

BOOST_AUTO_TEST_CASE(rules_parse_url) {
    BOOST_TEST(outcome("parseURL", "https://example.com") == "https example.com <> /");
    BOOST_TEST(outcome("parseURL", "HTTP://example.com:8080/a/b") ==
               "http example.com:8080 </a/b> /a/b/");
    BOOST_TEST(outcome("parseURL", "https://example.com/a/") == "https example.com </a/> /a/");
    BOOST_TEST(outcome("parseURL", "https://10.0.0.1:443/x") == "ip 10.0.0.1:443");
    BOOST_TEST(outcome("parseURL", "https://[fe80::1]") == "ip [fe80::1]");
    BOOST_TEST(outcome("parseURL", "https://example.com/?q=1") == "no case");
    BOOST_TEST(outcome("parseURL", "wss://example.com") == "no case");
    BOOST_TEST(outcome("parseURL", "not a url") == "no case");
}

BOOST_AUTO_TEST_CASE(rules_partition_lookup_order_and_overrides) {
    BOOST_TEST(outcome("partition", "us-east-1") == "aws example.com");
    BOOST_TEST(outcome("partition", "us-special-1") == "aws special.example");  // override
    BOOST_TEST(outcome("partition", "yy-north-3") == "other other.example");    // regex
    BOOST_TEST(outcome("partition", "zz-north-3") == "aws example.com");        // fallback
}

BOOST_AUTO_TEST_CASE(rules_references_templates_and_scopes) {
    BOOST_TEST(outcome("getAttr", "b") == "<b>");
    BOOST_TEST(outcome("getAttr-missing") == "no case");  // index out of range: null
    BOOST_TEST(outcome("unset") == "{not set}");          // default Flag, escaped braces
    BOOST_TEST(outcome("unset", "x") == "no case");
    // A variable assigned by a rule that did not match is out of scope for the next rule.
    BOOST_CHECK_THROW(evaluate("scope"), ivsrt::detail::invalid_rule_set);
    BOOST_CHECK_THROW(evaluate("arn", "arn:aws:ivs:us-east-1:1:stage/a"),
                      ivsrt::detail::invalid_rule_set);
}

BOOST_AUTO_TEST_CASE(rules_tree_is_terminal_and_endpoint_properties_set_signing) {
    // The tree's conditions hold but no rule inside matches: exhaustion, not the next rule.
    BOOST_TEST(outcome("tree", "b") == "No endpoint rule matched the parameters");

    auto result = evaluate("tree", "a");
    const auto* chosen = std::get_if<ivsrt::detail::rule_endpoint>(&result);
    BOOST_TEST_REQUIRE(chosen != nullptr);
    BOOST_TEST(chosen->url == "https://a.example.com");
    const auto sigv4 = ivsrt::detail::sigv4_properties_of(chosen->properties);
    BOOST_TEST(sigv4.signing_name == "svc");      // from the sigv4 scheme, not sigv4a
    BOOST_TEST(sigv4.signing_region == "aws-1");  // "{p#name}-1"
    BOOST_TEST(ivsrt::detail::sigv4_properties_of(json::object{}).signing_name.empty());
}

BOOST_AUTO_TEST_CASE(rules_required_parameters) {
    auto result = test_rule_set().evaluate(json::object{}, {});
    const auto* e = std::get_if<ivsrt::detail::rule_error>(&result);
    BOOST_TEST_REQUIRE(e != nullptr);
    BOOST_TEST(e->message == "Missing required parameter Case");
}

BOOST_AUTO_TEST_CASE(rules_reject_malformed_data) {
    using ivsrt::detail::invalid_rule_set;
    using ivsrt::detail::rule_set;
    BOOST_CHECK_THROW(rule_set("{", test_partitions), invalid_rule_set);
    BOOST_CHECK_THROW(rule_set(R"({"version":"1.0","rules":[]})", test_partitions),
                      invalid_rule_set);
    BOOST_CHECK_THROW(rule_set(test_rules, R"({"partitions":[{"id":"aws","regionRegex":"^[a-z]+$",
                                 "outputs":{},"regions":{}}]})"),
                      invalid_rule_set);
}

BOOST_AUTO_TEST_CASE(region_regex_subset) {
    using ivsrt::detail::region_regex;
    const region_regex aws(R"(^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$)");
    BOOST_TEST(aws.matches("us-east-1"));
    BOOST_TEST(aws.matches("il-central-12"));
    BOOST_TEST(!aws.matches("us-gov-west-1"));  // \w has no '-'
    BOOST_TEST(!aws.matches("us-east-"));
    BOOST_TEST(!aws.matches("xus-east-1"));
    BOOST_TEST(!aws.matches("us-east-1x"));
    BOOST_TEST(!aws.matches(""));
    const region_regex optional(R"(^a?b*c.$)");
    BOOST_TEST(optional.matches("cx"));
    BOOST_TEST(optional.matches("abbbc1"));
    BOOST_TEST(!optional.matches("aac1"));
    for (const char* unsupported :
         {"us-east-1", "^us$x", "^[a-z]$", "^(a)+$", "^\\bx$", "^a|b$", "^(a$", "^a)$", "^a{2}$"}) {
        BOOST_CHECK_THROW(region_regex{unsupported}, std::invalid_argument);
    }
}
