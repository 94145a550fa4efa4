// Tests for ivsrt/credentials.hpp: each provider against temporary files, an injected
// environment, and a loopback HTTP server in the test that plays IMDS, the container endpoint
// and STS (failures included); the cache with an injected clock; the default chain's order.
// Nothing reads the real environment or ~/.aws, and nothing leaves 127.0.0.1.
#define BOOST_TEST_MODULE test_credentials
#include <boost/test/unit_test.hpp>

#include "common/temp_dir.hpp"

#include <ivsrt/credentials.hpp>
#include <ivsrt/detail/credential_endpoints.hpp>
#include <ivsrt/detail/credentials_formats.hpp>
#include <ivsrt/detail/query.hpp>
#include <ivsrt/sigv4.hpp>

#include "common/loopback_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <boost/system/system_error.hpp>

#include <atomic>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <boost/json/parse.hpp>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using namespace std::chrono_literals;
using vars = std::map<std::string, std::string, std::less<>>;
using time_point = std::chrono::system_clock::time_point;
using request_t = http::request<http::string_body>;

// Fake secrets: no error message may ever contain them.
const std::string secret_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYSECRETKEY";
const std::string session_token = "IQoJb3JpZ2luX2VjSESSIONTOKENSECRET==";
const std::string web_token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhcHAifQ.c2lnbmF0dXJl";

// 2030-01-01T00:00:00Z, from calendar.timegm((2030, 1, 1, 0, 0, 0)) in Python.
const time_point year_2030{std::chrono::seconds(1893456000)};

ivsrt::credentials keys(std::string id, std::string secret) {
    ivsrt::credentials c;
    c.access_key_id = std::move(id);
    c.secret_access_key = std::move(secret);
    return c;
}

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

void check_no_secret(const std::string& message) {
    BOOST_TEST(!contains(message, secret_key), message);
    BOOST_TEST(!contains(message, session_token), message);
    BOOST_TEST(!contains(message, web_token), message);
}

using ivsrt_test::temp_dir;

// ---- a loopback HTTP server scripted per test ----

struct reply {
    unsigned status = 200;
    std::string body;
    bool silent = false;  // read the request and never answer
};

// The shared test server, answering each request (one per connection) with what the script says,
// and recording the requests.
class scripted_server {
  public:
    using script = std::function<reply(const request_t&)>;

    scripted_server(asio::io_context& ioc, script s)
        : state_(std::make_shared<state>(std::move(s))),
          server_(ioc.get_executor(),
                  [st = state_](ivsrt::test::server_connection& c) { return serve(st, c); }) {}

    std::string url(std::string_view path = "") const {
        return "http://127.0.0.1:" + std::to_string(server_.port()) + std::string(path);
    }
    std::vector<request_t> requests() const {
        std::lock_guard lock(state_->mutex);
        return state_->seen;
    }
    std::size_t count(http::verb method, std::string_view target) const {
        std::size_t n = 0;
        for (const auto& r : requests()) n += r.method() == method && r.target() == target;
        return n;
    }

  private:
    struct state {
        explicit state(script s) : run(std::move(s)) {}
        script run;
        mutable std::mutex mutex;
        std::vector<request_t> seen;
    };

    static asio::awaitable<void> serve(std::shared_ptr<state> st,
                                       ivsrt::test::server_connection& c) {
        request_t request;
        if (!co_await c.read(request)) co_return;
        reply r;
        {
            std::lock_guard lock(st->mutex);
            st->seen.push_back(request);
            r = st->run(request);
        }
        if (r.silent) {  // until the client gives up and closes
            request_t more;
            co_await c.read(more);
            co_return;
        }
        co_await c.reply(r.status, std::move(r.body), false);
    }

    std::shared_ptr<state> state_;
    ivsrt::test::loopback_server server_;
};

// ---- running providers ----

struct result {
    boost::system::error_code ec;
    ivsrt::credentials creds;
    ivsrt::credentials_diagnostics diag;
};

template <class Done>
void run_until(asio::io_context& ioc, Done done) {
    ioc.restart();
    while (!done()) {
        // The bound only turns a hang into a failure; no assertion depends on time.
        BOOST_TEST_REQUIRE(ioc.run_one_for(std::chrono::seconds(30)) > 0u, "stalled");
    }
}

result get_on(asio::io_context& ioc, const ivsrt::credentials_provider& p) {
    result out;
    bool done = false;
    p.async_get(out.diag, [&](boost::system::error_code ec, ivsrt::credentials c) {
        out.ec = ec;
        out.creds = std::move(c);
        done = true;
    });
    run_until(ioc, [&] { return done; });
    return out;
}

// Expects a failure: errc::credentials, a message containing `part`, no secret.
void expect_failure(const result& r, std::string_view part, bool not_configured = false) {
    BOOST_TEST((r.ec == ivsrt::errc::credentials), r.ec.message());
    BOOST_TEST(contains(r.diag.message, part), r.diag.message);
    BOOST_TEST(r.diag.not_configured == not_configured);
    BOOST_TEST(r.creds.access_key_id.empty());
    check_no_secret(r.diag.message);
}

ivsrt::provider_options options(vars v) {
    ivsrt::provider_options o;
    o.sources.env = ivsrt::environment(std::move(v));
    return o;
}

std::string credentials_json(std::string_view token_key = "Token",
                             std::string_view extra = R"("Expiration":"2030-01-01T00:00:00Z")") {
    return R"({"AccessKeyId":"ASIAHTTPEXAMPLE","SecretAccessKey":")" + secret_key + R"(",")" +
           std::string(token_key) + R"(":")" + session_token + R"(",)" + std::string(extra) + "}";
}

void expect_http_credentials(const result& r, std::string_view provider) {
    BOOST_TEST_REQUIRE(!r.ec, r.diag.message);
    BOOST_TEST(r.creds.access_key_id == "ASIAHTTPEXAMPLE");
    BOOST_TEST(r.creds.secret_access_key == secret_key);
    BOOST_TEST(r.creds.session_token.value_or("") == session_token);
    BOOST_TEST((r.creds.expiration == year_2030));
    BOOST_TEST(r.creds.provider == provider);
}

// What the tests run on: an io_context of their own, driven until a provider answers.
struct io_fixture {
    asio::io_context ioc;

    // p.async_get, run on ioc to completion.
    result get(const ivsrt::credentials_provider& p) { return get_on(ioc, p); }
};

// A resolver the test scripts (provider_options::resolver), so that name resolution is under
// the test's control: each name maps to addresses, answered with `port` when set (to reach the
// loopback server), else with the port asked for. Unknown names fail with host_not_found.
// Records every lookup.
class scripted_resolver {
  public:
    void add(std::string host, std::vector<std::string> addresses,
             std::optional<unsigned short> port = std::nullopt) {
        std::lock_guard lock(state_->mutex);
        state_->answers[std::move(host)] = {std::move(addresses), port};
    }

    ivsrt::host_resolver get() const {
        return [st = state_](const std::string& host, const std::string& port,
                             ivsrt::resolve_callback done) {
            std::vector<asio::ip::tcp::endpoint> out;
            bool known = false;
            {
                std::lock_guard lock(st->mutex);
                st->asked.emplace_back(host, port);
                if (auto it = st->answers.find(host); it != st->answers.end()) {
                    known = true;
                    const auto p =
                        it->second.port.value_or(static_cast<unsigned short>(std::stoul(port)));
                    for (const auto& a : it->second.addresses) {
                        out.emplace_back(asio::ip::make_address(a), p);
                    }
                }
            }
            if (!known) return done(asio::error::host_not_found, {});
            done({}, std::move(out));
        };
    }

    // (host, port) of every lookup so far.
    std::vector<std::pair<std::string, std::string>> asked() const {
        std::lock_guard lock(state_->mutex);
        return state_->asked;
    }

  private:
    struct answer {
        std::vector<std::string> addresses;
        std::optional<unsigned short> port;
    };
    struct state {
        std::mutex mutex;
        std::map<std::string, answer, std::less<>> answers;
        std::vector<std::pair<std::string, std::string>> asked;
    };
    std::shared_ptr<state> state_ = std::make_shared<state>();
};

unsigned short port_of(const scripted_server& server) {
    const auto url = server.url();
    return static_cast<unsigned short>(std::stoul(url.substr(url.rfind(':') + 1)));
}

}  // namespace

// =============================================================================================
BOOST_AUTO_TEST_SUITE(formats)

BOOST_AUTO_TEST_CASE(iso8601_timestamps) {
    using ivsrt::detail::parse_iso8601;
    using std::chrono::seconds;
    // calendar.timegm((2024, 2, 29, 12, 34, 56)) = 1709210096
    const time_point leap_day{seconds(1709210096)};
    BOOST_TEST((parse_iso8601("2024-02-29T12:34:56Z") == leap_day));
    BOOST_TEST((parse_iso8601("2024-02-29T14:34:56+02:00") == leap_day));
    BOOST_TEST((parse_iso8601("2024-02-29T11:04:56-0130") == leap_day));
    BOOST_TEST((parse_iso8601("2024-02-29T12:34:56.250Z") == leap_day + 250ms));
    // Beyond what system_clock's nanoseconds hold: refused, not overflowed (UBSan catches that).
    BOOST_TEST(!parse_iso8601("9999-12-31T23:59:59Z"));
    BOOST_TEST(!parse_iso8601("0001-01-01T00:00:00Z"));
    BOOST_TEST(!parse_iso8601("2262-04-12T00:00:00+00:00"));
    BOOST_TEST((parse_iso8601("1970-01-01T00:00:00Z") == time_point{}));
    for (const char* bad : {"2023-02-29T00:00:00Z", "2024-01-01T00:00:00", "2024-01-01 00:00:00Z",
                            "2024-01-01T24:00:00Z", "2024-01-01T00:00:00.Z", "2024-1-01T00:00:00Z",
                            "2024-01-01T00:00:00Zjunk", "", "not a date"}) {
        BOOST_TEST(!parse_iso8601(bad), bad);
    }
    BOOST_TEST(ivsrt::detail::format_iso8601(leap_day + 999ms) == "2024-02-29T12:34:56Z");
}

BOOST_AUTO_TEST_CASE(xml_text_extraction) {
    using ivsrt::detail::xml_text;
    const std::string doc =
        "<R xmlns=\"x\"><A>plain</A><B attr=\"1\">a &amp; b &lt;c&gt; &#65;&#x42;&#xe9;</B>"
        "<C><D>nested</D></C><E/><AB>not A</AB></R>";
    BOOST_TEST(xml_text(doc, "A").value_or("?") == "plain");
    BOOST_TEST(xml_text(doc, "B").value_or("?") == "a & b <c> AB\xc3\xa9");
    BOOST_TEST(!xml_text(doc, "C"));  // has child elements
    BOOST_TEST(xml_text(doc, "D").value_or("?") == "nested");
    BOOST_TEST(xml_text(doc, "E").value_or("?") == "");
    BOOST_TEST(!xml_text(doc, "F"));
    BOOST_TEST(!xml_text("<A>&bogus;</A>", "A"));
    BOOST_TEST(!xml_text("<A>unterminated", "A"));
}

BOOST_AUTO_TEST_CASE(json_credentials_rules) {
    using ivsrt::detail::json_credentials_format;
    ivsrt::credentials c;
    std::string error;
    BOOST_TEST(
        ivsrt::detail::parse_json_credentials(
            credentials_json("Token",
                             R"("Expiration":"2030-01-01T00:00:00Z","AccountId":"123456789012")"),
            json_credentials_format::http, c, error),
        error);
    BOOST_TEST(c.account_id.value_or("") == "123456789012");
    BOOST_TEST((c.expiration == year_2030));

    auto fails = [](std::string body, json_credentials_format f) {
        ivsrt::credentials out;
        std::string e;
        BOOST_TEST(!ivsrt::detail::parse_json_credentials(body, f, out, e));
        check_no_secret(e);
        return e;
    };
    const auto http = json_credentials_format::http;
    const auto process = json_credentials_format::process;
    BOOST_TEST(
        fails(R"({"Code":"Failed","AccessKeyId":"A","SecretAccessKey":")" + secret_key + "\"}",
              http) == "Code is 'Failed', not 'Success'");
    BOOST_TEST(fails(R"({"SecretAccessKey":")" + secret_key + "\"}", http) ==
               "AccessKeyId is missing");
    BOOST_TEST(fails(R"({"AccessKeyId":"A","SecretAccessKey":5})", http) ==
               "SecretAccessKey is not a string");
    BOOST_TEST(fails(credentials_json("Token", R"("Expiration":"tomorrow")"), http) ==
               "Expiration is not an ISO-8601 timestamp");
    BOOST_TEST(contains(fails("{\"AccessKeyId\": \"" + secret_key, http), "not valid JSON"));
    BOOST_TEST(fails("[1]", http) == "the response is not a JSON object");
    BOOST_TEST(fails(credentials_json("SessionToken", R"("Version":2)"), process) ==
               "Version must be 1");
}

BOOST_AUTO_TEST_CASE(container_hosts_allowed_over_http) {
    using ivsrt::detail::container_address_allowed;
    namespace ip = asio::ip;
    for (const char* ok : {"127.0.0.1", "127.1.2.3", "::1", "169.254.170.2", "169.254.170.23",
                           "fd00:ec2::23", "::ffff:127.0.0.1"}) {
        BOOST_TEST(container_address_allowed(ip::make_address(ok)), ok);
    }
    for (const char* bad : {"169.254.169.254", "169.254.170.3", "10.0.0.1", "192.0.2.1",
                            "fd00:ec2::254", "::ffff:10.0.0.1", "2001:db8::1"}) {
        BOOST_TEST(!container_address_allowed(ip::make_address(bad)), bad);
    }
}

BOOST_AUTO_TEST_CASE(printing_redacts_the_secret_and_the_token) {
    ivsrt::credentials c{"AKIDEXAMPLE", secret_key,     session_token,
                         year_2030,     "123456789012", "test"};
    std::ostringstream os;
    os << c;
    BOOST_TEST(os.str() ==
               "credentials{access_key_id=AKIDEXAMPLE, secret_access_key=<redacted>, "
               "session_token=<redacted>, expiration=2030-01-01T00:00:00Z, "
               "account_id=123456789012, provider=test}");
}

BOOST_AUTO_TEST_SUITE_END()

// =============================================================================================
// Where the providers send their requests, as URLs (detail/credential_endpoints.hpp): the
// endpoints loopback tests cannot reach. Expected values are the AWS SDKs' documented behaviour,
// cited per table.
BOOST_AUTO_TEST_SUITE(endpoint_choice)

using opt = std::optional<std::string>;

// Container endpoint. AWS_CONTAINER_CREDENTIALS_RELATIVE_URI wins over _FULL_URI, as in botocore
// (credentials.py ContainerProvider._retrieve_or_fail) and the AWS SDK for Rust (aws-config ecs
// module: first the relative URI, rooted at http://169.254.170.2, next the full URI). The SDKs
// disagree here: the JavaScript v3 fromHttp provider and Go v2's config resolution try the full
// URI first. An http full URI is restricted to allowed addresses; https is not.
BOOST_AUTO_TEST_CASE(container_endpoint_table) {
    struct row {
        opt relative, full;
        std::string url, setting;
        bool restricted;
        std::string error;
    };
    const std::string rel = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
    const std::string full = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
    const std::string not_http = "AWS_CONTAINER_CREDENTIALS_FULL_URI is not an http or https URL";
    const std::vector<row> rows{
        {"/v2/credentials/abc", {}, "http://169.254.170.2/v2/credentials/abc", rel, false, ""},
        {"v2/creds", {}, "http://169.254.170.2/v2/creds", rel, false, ""},
        // Both set: the relative URI wins.
        {"/v2/creds?id=1", "http://127.0.0.1:9/full", "http://169.254.170.2/v2/creds?id=1", rel,
         false, ""},
        {"/v2/creds", "ftp://bad", "http://169.254.170.2/v2/creds", rel, false, ""},
        // An empty relative URI counts as unset.
        {"", "http://127.0.0.1/c", "http://127.0.0.1/c", full, true, ""},
        {{}, "https://creds.example.com/v1", "https://creds.example.com/v1", full, false, ""},
        {{},
         "http://169.254.170.23/v1/credentials",
         "http://169.254.170.23/v1/credentials",
         full,
         true,
         ""},
        {{},
         "http://[fd00:ec2::23]/v1/credentials",
         "http://[fd00:ec2::23]/v1/credentials",
         full,
         true,
         ""},
        {{}, "http://localhost:8080/c", "http://localhost:8080/c", full, true, ""},
        {{}, "ftp://127.0.0.1/c", "", "", false, not_http},
        {{}, "/just/a/path", "", "", false, not_http},
        {{}, "http:///no-host", "", "", false, not_http},
        {{},
         {},
         "",
         "",
         false,
         "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not "
         "set"},
    };
    for (const auto& r : rows) {
        BOOST_TEST_CONTEXT("relative " << r.relative.value_or("(unset)") << ", full "
                                       << r.full.value_or("(unset)")) {
            const auto e = ivsrt::detail::container_credentials_endpoint(r.relative, r.full);
            BOOST_TEST(e.url == r.url);
            BOOST_TEST(e.error == r.error);
            if (r.error.empty()) {
                BOOST_TEST(e.setting == r.setting);
                BOOST_TEST(e.restrict_addresses == r.restricted);
            }
        }
    }
    // Whatever the relative URI holds, the host stays 169.254.170.2.
    for (const std::string relative :
         {"@evil.example/x", "//evil.example/x", ":80@evil/x", "/a/../../b", "?x=//evil.example"}) {
        const auto e = ivsrt::detail::container_credentials_endpoint(relative, {});
        const auto url = boost::urls::parse_absolute_uri(e.url);
        BOOST_TEST_REQUIRE(url.has_value(), e.url);
        BOOST_TEST(url->host_address() == "169.254.170.2", e.url);
        BOOST_TEST(!url->has_userinfo(), e.url);
    }
}

// EC2 instance metadata. botocore (utils.py IMDSFetcher._select_base_url,
// resolve_imds_endpoint_mode): endpoint http://169.254.169.254, or http://[fd00:ec2::254] in
// IPv6 mode (any case; another mode is an error); a configured endpoint wins over the mode; each
// setting from AWS_EC2_METADATA_SERVICE_ENDPOINT(_MODE), else the profile's
// ec2_metadata_service_endpoint(_mode). Empty values count as unset.
BOOST_AUTO_TEST_CASE(imds_endpoint_table) {
    struct row {
        opt env_endpoint, env_mode, profile_endpoint, profile_mode;
        std::string url, error;
    };
    const std::string v4 = "http://169.254.169.254", v6 = "http://[fd00:ec2::254]";
    const std::vector<row> rows{
        {{}, {}, {}, {}, v4, ""},
        {{}, "IPv4", {}, {}, v4, ""},
        {{}, "IPv6", {}, {}, v6, ""},
        {{}, "ipv6", {}, {}, v6, ""},
        {{}, "IPV4", {}, {}, v4, ""},
        {{}, {}, {}, "IPv6", v6, ""},
        {{}, "IPv4", {}, "IPv6", v4, ""},  // the environment wins
        {{}, "", {}, "IPv6", v6, ""},      // empty is unset
        {"http://10.0.0.1:1338/", {}, {}, {}, "http://10.0.0.1:1338", ""},
        {"http://[fd00:ec2::254]//", {}, {}, {}, v6, ""},
        {"https://imds.example", "IPv6", {}, {}, "https://imds.example", ""},  // endpoint wins
        {{}, "IPv4", "http://10.1.1.1", {}, "http://10.1.1.1", ""},            // even the profile's
        {"http://10.0.0.1", {}, "http://10.1.1.1", "IPv6", "http://10.0.0.1", ""},
        {{}, {}, "http://10.1.1.1/", "IPv6", "http://10.1.1.1", ""},
        {{}, "IPv5", {}, {}, "", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE must be IPv4 or IPv6"},
        {{}, {}, {}, "dual", "", "ec2_metadata_service_endpoint_mode must be IPv4 or IPv6"},
        {"169.254.169.254",
         {},
         {},
         {},
         "",
         "AWS_EC2_METADATA_SERVICE_ENDPOINT is not an http or https URL"},
        {{}, {}, "ftp://x", {}, "", "ec2_metadata_service_endpoint is not an http or https URL"},
    };
    for (const auto& r : rows) {
        BOOST_TEST_CONTEXT("env " << r.env_endpoint.value_or("-") << " / "
                                  << r.env_mode.value_or("-") << ", profile "
                                  << r.profile_endpoint.value_or("-") << " / "
                                  << r.profile_mode.value_or("-")) {
            const auto e = ivsrt::detail::imds_endpoint(
                {r.env_endpoint, r.env_mode, r.profile_endpoint, r.profile_mode});
            BOOST_TEST(e.url == r.url);
            BOOST_TEST(e.error == r.error);
        }
    }
}

// STS for web identity: the regional endpoint sts.{region}.{partition's DNS suffix} (the SDKs'
// default sts_regional_endpoints = regional, botocore configprovider.py), so in China
// sts.cn-north-1.amazonaws.com.cn; without a region the global sts.amazonaws.com; an explicit
// endpoint wins.
BOOST_AUTO_TEST_CASE(sts_endpoint_table) {
    struct row {
        opt region, override_url;
        std::string url, error;
    };
    const std::vector<row> rows{
        {{}, {}, "https://sts.amazonaws.com", ""},
        {"", {}, "https://sts.amazonaws.com", ""},
        {"us-east-1", {}, "https://sts.us-east-1.amazonaws.com", ""},
        {"eu-west-1", {}, "https://sts.eu-west-1.amazonaws.com", ""},
        {"cn-north-1", {}, "https://sts.cn-north-1.amazonaws.com.cn", ""},
        {"cn-northwest-1", {}, "https://sts.cn-northwest-1.amazonaws.com.cn", ""},
        {"us-gov-west-1", {}, "https://sts.us-gov-west-1.amazonaws.com", ""},
        {"us-iso-east-1", {}, "https://sts.us-iso-east-1.c2s.ic.gov", ""},
        {"us-isob-east-1", {}, "https://sts.us-isob-east-1.sc2s.sgov.gov", ""},
        {"us-isof-south-1", {}, "https://sts.us-isof-south-1.csp.hci.ic.gov", ""},
        {"eu-isoe-west-1", {}, "https://sts.eu-isoe-west-1.cloud.adc-e.uk", ""},
        {"eusc-de-east-1", {}, "https://sts.eusc-de-east-1.amazonaws.eu", ""},
        {"cn-north-1", "http://127.0.0.1:8080", "http://127.0.0.1:8080", ""},
        {{}, "https://sts.example.test/", "https://sts.example.test/", ""},
        {"us-east-1.evil.example/", {}, "", "'us-east-1.evil.example/' is not a valid region name"},
        {"US-EAST-1", {}, "", "'US-EAST-1' is not a valid region name"},
        {{},
         "sts.amazonaws.com",
         "",
         "the STS endpoint 'sts.amazonaws.com' is not an http or https URL"},
    };
    for (const auto& r : rows) {
        BOOST_TEST_CONTEXT("region " << r.region.value_or("(unset)") << ", endpoint "
                                     << r.override_url.value_or("(unset)")) {
            const auto e = ivsrt::detail::sts_endpoint(r.region, r.override_url);
            BOOST_TEST(e.url == r.url);
            BOOST_TEST(e.error == r.error);
        }
    }
}

// Every region of the vendored endpoint partitions (AWS's partitions.json) gets its partition's
// DNS suffix.
BOOST_AUTO_TEST_CASE(sts_endpoint_for_every_region_of_the_partitions) {
    const std::string path = IVSRT_SOURCE_DIR "/tools/codegen/endpoints/partitions.json";
    std::ifstream in(path, std::ios::binary);
    BOOST_TEST_REQUIRE(static_cast<bool>(in), "cannot open " << path);
    std::ostringstream text;
    text << in.rdbuf();
    const auto doc = boost::json::parse(text.str());
    std::size_t regions = 0, partitions = 0;
    for (const auto& p : doc.at("partitions").as_array()) {
        ++partitions;
        const std::string suffix(p.at("outputs").at("dnsSuffix").as_string());
        for (const auto& [name, info] : p.at("regions").as_object()) {
            const std::string region(name);
            if (region.ends_with("-global")) continue;  // pseudo-regions, not STS endpoints
            ++regions;
            BOOST_TEST(ivsrt::detail::sts_endpoint(region, {}).url ==
                           "https://sts." + region + "." + suffix,
                       region);
        }
    }
    BOOST_TEST(partitions >= 8u);
    BOOST_TEST(regions >= 45u);
}

BOOST_AUTO_TEST_SUITE_END()

// =============================================================================================
BOOST_FIXTURE_TEST_SUITE(simple_providers, io_fixture)

BOOST_AUTO_TEST_CASE(static_credentials) {
    auto r = get(ivsrt::make_static_provider(ioc.get_executor(), keys("AKID", secret_key)));
    BOOST_TEST(!r.ec);
    BOOST_TEST(r.creds.access_key_id == "AKID");
    BOOST_TEST(r.creds.provider == "static");
}

BOOST_AUTO_TEST_CASE(environment_variables) {
    auto env = [&](vars v) {
        return get(ivsrt::make_environment_provider(ioc.get_executor(), ivsrt::environment(v)));
    };
    auto r = env({{"AWS_ACCESS_KEY_ID", "AKIDENV"},
                  {"AWS_SECRET_ACCESS_KEY", secret_key},
                  {"AWS_SESSION_TOKEN", session_token},
                  {"AWS_ACCOUNT_ID", "123456789012"}});
    BOOST_TEST_REQUIRE(!r.ec);
    BOOST_TEST(r.creds.access_key_id == "AKIDENV");
    BOOST_TEST(r.creds.secret_access_key == secret_key);
    BOOST_TEST(r.creds.session_token.value_or("") == session_token);
    BOOST_TEST(r.creds.account_id.value_or("") == "123456789012");
    BOOST_TEST(!r.creds.expiration);
    BOOST_TEST(r.creds.provider == "environment");

    BOOST_TEST(
        !env({{"AWS_ACCESS_KEY_ID", "A"}, {"AWS_SECRET_ACCESS_KEY", "S"}}).creds.session_token);
    expect_failure(env({}), "environment: AWS_ACCESS_KEY_ID is not set", true);
    expect_failure(env({{"AWS_ACCESS_KEY_ID", "AKIDENV"}}),
                   "environment: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
    expect_failure(env({{"AWS_SECRET_ACCESS_KEY", secret_key}}),
                   "environment: AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not");
}

BOOST_AUTO_TEST_CASE(a_coroutine_awaits_with_the_default_token_and_errors_throw) {
    const auto good = ivsrt::make_static_provider(ioc.get_executor(), keys("AKID", secret_key));
    const auto bad =
        ivsrt::make_environment_provider(ioc.get_executor(), ivsrt::environment(vars{}));
    std::string got, thrown;
    bool done = false;
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            ivsrt::credentials_diagnostics diag;
            got = (co_await good.async_get(diag)).access_key_id;
            try {
                co_await bad.async_get(diag);
            } catch (const boost::system::system_error& e) {
                thrown = e.code() == ivsrt::errc::credentials ? diag.message : "wrong code";
            }
        },
        [&](std::exception_ptr) { done = true; });
    run_until(ioc, [&] { return done; });
    BOOST_TEST(got == "AKID");
    BOOST_TEST(thrown == "environment: AWS_ACCESS_KEY_ID is not set");
}

BOOST_AUTO_TEST_SUITE_END()

// =============================================================================================
BOOST_FIXTURE_TEST_SUITE(profile, io_fixture)

const std::string fixture_home = IVSRT_TEST_DATA_DIR "/credentials/home";

BOOST_AUTO_TEST_CASE(static_keys_of_the_default_and_of_a_named_profile) {
    auto r =
        get(ivsrt::make_profile_provider(ioc.get_executor(), options({{"HOME", fixture_home}})));
    BOOST_TEST_REQUIRE(!r.ec, r.diag.message);
    BOOST_TEST(r.creds.access_key_id == "AKIDDEFAULTEXAMPLE");
    BOOST_TEST(r.creds.secret_access_key == "default/secret/KEY+EXAMPLE");
    BOOST_TEST(!r.creds.session_token);
    BOOST_TEST(r.creds.provider == "profile");

    r = get(ivsrt::make_profile_provider(
        ioc.get_executor(), options({{"HOME", fixture_home}, {"AWS_PROFILE", "dev"}})));
    BOOST_TEST_REQUIRE(!r.ec, r.diag.message);
    BOOST_TEST(r.creds.access_key_id == "AKIDDEVEXAMPLE");
    BOOST_TEST(r.creds.session_token.value_or("") == "dev-session-token-EXAMPLE");
}

BOOST_AUTO_TEST_CASE(missing_profiles) {
    const std::string files = "the config file " + fixture_home +
                              "/.aws/config or the credentials file " + fixture_home +
                              "/.aws/credentials";
    auto r = get(ivsrt::make_profile_provider(
        ioc.get_executor(), options({{"HOME", fixture_home}, {"AWS_PROFILE", "nope"}})));
    expect_failure(r, "profile: no profile 'nope' in " + files);
    // No default profile, no files at all: not configured, so a chain moves on.
    r = get(ivsrt::make_profile_provider(ioc.get_executor(),
                                         options({{"HOME", "/nonexistent-ivsrt"}})));
    expect_failure(
        r, "profile: no profile 'default' in the config file /nonexistent-ivsrt/.aws/config", true);
    r = get(ivsrt::make_profile_provider(
        ioc.get_executor(), options({{"HOME", fixture_home}, {"AWS_PROFILE", "plain"}})));
    expect_failure(r, "profile: profile 'plain' has no credentials", true);
}

BOOST_AUTO_TEST_CASE(malformed_files_name_file_and_line_without_secrets) {
    temp_dir dir;
    const auto file = dir.write("credentials",
                                "[default]\naws_access_key_id = AKID\n"
                                "aws_session_token = " +
                                    session_token +
                                    "\n"
                                    "aws_secret_access_key " +
                                    secret_key + "\n");
    auto r = get(ivsrt::make_profile_provider(ioc.get_executor(),
                                              options({{"AWS_SHARED_CREDENTIALS_FILE", file}})));
    expect_failure(r, "profile: " + file + ":4: expected '=' in a property line");
}

BOOST_AUTO_TEST_CASE(incomplete_keys_and_sso_without_login_are_errors) {
    temp_dir dir;
    const auto file =
        dir.write("credentials", "[default]\naws_secret_access_key = " + secret_key + "\n");
    auto r = get(ivsrt::make_profile_provider(ioc.get_executor(),
                                              options({{"AWS_SHARED_CREDENTIALS_FILE", file}})));
    expect_failure(r, "profile 'default' (" + file +
                          ":2): aws_secret_access_key is set but aws_access_key_id is not");

    // IAM Identity Center without a login (the sso suite covers the rest).
    r = get(ivsrt::make_profile_provider(
        ioc.get_executor(), options({{"HOME", fixture_home}, {"AWS_PROFILE", "sso"}})));
    expect_failure(r, "profile 'sso': no cached SSO token (" + fixture_home + "/.aws/sso/cache/");
    expect_failure(r, "; run aws sso login --sso-session corp");
}

BOOST_AUTO_TEST_CASE(credential_process_output_is_parsed) {
    temp_dir dir;
    const auto config =
        dir.write("config",
                  "[profile p]\ncredential_process = printf '%s' '{\"Version\": 1, "
                  "\"AccessKeyId\": \"ASIAPROCESS\", \"SecretAccessKey\": \"" +
                      secret_key + "\", \"SessionToken\": \"" + session_token +
                      "\", \"Expiration\": \"2030-01-01T00:00:00Z\", \"AccountId\": \"123\"}'\n");
    auto r = get(ivsrt::make_profile_provider(
        ioc.get_executor(), options({{"AWS_CONFIG_FILE", config}, {"AWS_PROFILE", "p"}})));
    BOOST_TEST_REQUIRE(!r.ec, r.diag.message);
    BOOST_TEST(r.creds.access_key_id == "ASIAPROCESS");
    BOOST_TEST(r.creds.secret_access_key == secret_key);
    BOOST_TEST(r.creds.session_token.value_or("") == session_token);
    BOOST_TEST((r.creds.expiration == year_2030));
    BOOST_TEST(r.creds.account_id.value_or("") == "123");
    BOOST_TEST(r.creds.provider == "credential_process");
}

BOOST_AUTO_TEST_CASE(credential_process_failures) {
    temp_dir dir;
    auto run = [&](std::string command, std::chrono::milliseconds timeout = 60s) {
        const auto config =
            dir.write("config", "[default]\ncredential_process = " + command + "\n");
        auto o = options({{"AWS_CONFIG_FILE", config}});
        o.process_timeout = timeout;
        return get(ivsrt::make_profile_provider(ioc.get_executor(), o));
    };
    const std::string where =
        "credential_process of profile 'default' (" + (dir.path / "config").string() + ":2): ";
    expect_failure(run("printf '%s' '" + secret_key + "'; exit 3"), where + "exited with status 3");
    expect_failure(
        run("printf '%s' '{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"" +
            secret_key + "\"}'"),
        where + "Version must be 1");
    expect_failure(
        run("printf '%s' '{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"" +
            secret_key + "\"'"),
        where + "the response is not valid JSON");
    expect_failure(run("printf '{\"Version\": 1}'"), where + "AccessKeyId is missing");
    expect_failure(run("head -c 100000 /dev/zero"), where + "output is larger than 65536 bytes");
    // A command that never ends is killed; the assertion is on the kind of error, not the time.
    // (`exec`: only the spawned process is killed, and no orphan may keep stderr open.)
    expect_failure(run("exec sleep 30", 100ms), where + "timed out after 100 ms");
}

BOOST_AUTO_TEST_SUITE_END()

// =============================================================================================
BOOST_FIXTURE_TEST_SUITE(container, io_fixture)

reply container_ok(const request_t&) {
    return {200, credentials_json(
                     "Token", R"("Expiration":"2030-01-01T00:00:00Z","AccountId":"123456789012")")};
}

BOOST_AUTO_TEST_CASE(full_uri_with_authorization_token) {
    scripted_server server(ioc, container_ok);
    auto r = get(ivsrt::make_container_provider(
        ioc.get_executor(),
        options({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", server.url("/v1/credentials")},
                 {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "Basic abc"}})));
    expect_http_credentials(r, "container");
    BOOST_TEST(r.creds.account_id.value_or("") == "123456789012");
    const auto seen = server.requests();
    BOOST_TEST_REQUIRE(seen.size() == 1u);
    BOOST_TEST((seen[0].method() == http::verb::get));
    BOOST_TEST(seen[0].target() == "/v1/credentials");
    BOOST_TEST(seen[0][http::field::authorization] == "Basic abc");
}

BOOST_AUTO_TEST_CASE(the_token_file_wins_and_is_read_again_on_every_fetch) {
    temp_dir dir;
    scripted_server server(ioc, container_ok);
    const auto token_file = dir.write("token", "first-token\n");
    const auto provider = ivsrt::make_container_provider(
        ioc.get_executor(), options({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", server.url("/creds")},
                                     {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file},
                                     {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "from-the-variable"}}));
    BOOST_TEST(!get(provider).ec);
    dir.write("token", "second-token");
    BOOST_TEST(!get(provider).ec);
    const auto seen = server.requests();
    BOOST_TEST_REQUIRE(seen.size() == 2u);
    BOOST_TEST(seen[0][http::field::authorization] == "first-token");
    BOOST_TEST(seen[1][http::field::authorization] == "second-token");

    dir.write("token", "evil\r\nX-Injected: 1");
    expect_failure(get(provider), "container: the authorization token contains a line break");
    std::filesystem::remove(token_file);
    expect_failure(get(provider), "container: AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " +
                                      token_file + " does not exist");
    BOOST_TEST(server.requests().size() == 2u);
}

// The loopback rule for an http full URI, with names resolved by the test: every address a name
// resolves to must be allowed (loopback or a container host), else nothing is sent. The AWS SDK
// for Rust documents it (aws-config ecs: "ALL resolved IP addresses MUST refer to an allowed IP
// address"); Go v2 resolves the name too. botocore (ContainerMetadataFetcher) and the JS SDK v3
// (checkUrl) resolve nothing: they accept loopback addresses and the name localhost only, so they
// refuse every other name, mixed or not.
BOOST_AUTO_TEST_CASE(host_rules_for_http) {
    scripted_server server(ioc, container_ok);
    const auto port = port_of(server);
    scripted_resolver names;
    names.add("creds.test", {"127.0.0.1"}, port);
    names.add("localhost", {"127.0.0.1", "::1"}, port);
    names.add("mixed.test", {"127.0.0.1", "192.0.2.1"}, port);
    names.add("mixed6.test", {"::1", "2001:db8::1"}, port);
    names.add("mapped.test", {"::ffff:10.0.0.1"}, port);
    auto fetch_from = [&](const std::string& url) {
        auto o = options({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", url}});
        o.resolver = names.get();
        return get(ivsrt::make_container_provider(ioc.get_executor(), o));
    };
    // A name that resolves to loopback only is allowed.
    expect_http_credentials(fetch_from("http://creds.test:" + std::to_string(port) + "/c"),
                            "container");
    BOOST_TEST(server.requests().size() == 1u);
    // A name that resolves to loopback and to anything else is refused, whatever the order.
    auto r = fetch_from("http://mixed.test/c");
    expect_failure(r, "an http endpoint must be loopback or a container host");
    BOOST_TEST(contains(r.diag.message, "mixed.test resolves to 192.0.2.1, which is not allowed"),
               r.diag.message);
    r = fetch_from("http://mixed6.test/c");
    BOOST_TEST(
        contains(r.diag.message, "mixed6.test resolves to 2001:db8::1, which is not allowed"),
        r.diag.message);
    r = fetch_from("http://mapped.test/c");
    BOOST_TEST(contains(r.diag.message, "resolves to ::ffff:10.0.0.1, which is not allowed"),
               r.diag.message);
    BOOST_TEST(server.requests().size() == 1u);  // nothing was sent
    // The name localhost gets no special treatment: its addresses decide.
    expect_http_credentials(fetch_from("http://localhost/c"), "container");
    BOOST_TEST(server.requests().size() == 2u);
    const auto asked = names.asked();
    BOOST_TEST_REQUIRE(asked.size() == 5u);
    BOOST_TEST(asked[0].first == "creds.test");
    BOOST_TEST(asked[0].second == std::to_string(port));
    BOOST_TEST(asked[1].first == "mixed.test");
    BOOST_TEST(asked[1].second == "80");
    // https is not restricted: the name is resolved and a connection made (the TLS handshake with
    // the plain-HTTP server fails).
    r = fetch_from("https://mixed.test:1/c");
    BOOST_TEST(!contains(r.diag.message, "not allowed"), r.diag.message);

    // Any other http host is refused before a connection is made (nothing is sent).
    r = get(ivsrt::make_container_provider(
        ioc.get_executor(),
        options({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://192.0.2.1/creds"}})));
    expect_failure(r, "an http endpoint must be loopback or a container host");
    BOOST_TEST(contains(r.diag.message, "192.0.2.1 resolves to 192.0.2.1, which is not allowed"));
    r = get(ivsrt::make_container_provider(
        ioc.get_executor(),
        options({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "ftp://127.0.0.1/creds"}})));
    expect_failure(r, "container: AWS_CONTAINER_CREDENTIALS_FULL_URI is not an http or https URL");
    BOOST_TEST(server.requests().size() == 2u);
}

// With both variables set, the request goes to 169.254.170.2 with the relative URI (the test's
// resolver sends that address to the loopback server); the full URI is not used.
BOOST_AUTO_TEST_CASE(the_relative_uri_wins_over_the_full_uri) {
    scripted_server server(ioc, container_ok);
    scripted_resolver names;
    names.add("169.254.170.2", {"127.0.0.1"}, port_of(server));
    auto o = options({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/task-role"},
                      {"AWS_CONTAINER_CREDENTIALS_FULL_URI", server.url("/full")},
                      {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "Basic abc"}});
    o.resolver = names.get();
    expect_http_credentials(get(ivsrt::make_container_provider(ioc.get_executor(), o)),
                            "container");
    const auto seen = server.requests();
    BOOST_TEST_REQUIRE(seen.size() == 1u);
    BOOST_TEST(seen[0].target() == "/v2/credentials/task-role");
    BOOST_TEST(seen[0][http::field::host] == "169.254.170.2");
    const auto asked = names.asked();
    BOOST_TEST_REQUIRE(asked.size() == 1u);
    BOOST_TEST(asked[0].first == "169.254.170.2");
    BOOST_TEST(asked[0].second == "80");
    // Failures name the variable that chose the endpoint, never its path.
    names.add("169.254.170.2", {"127.0.0.1"}, 1);  // nobody listens on port 1
    const auto r = get(ivsrt::make_container_provider(ioc.get_executor(), o));
    expect_failure(r, "container: GET from 169.254.170.2 (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)");
    BOOST_TEST(!contains(r.diag.message, "task-role"), r.diag.message);
}

BOOST_AUTO_TEST_CASE(not_configured) {
    expect_failure(get(ivsrt::make_container_provider(ioc.get_executor(), options({}))),
                   "container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and "
                   "AWS_CONTAINER_CREDENTIALS_FULL_URI are not set",
                   true);
}

BOOST_AUTO_TEST_CASE(http_errors_malformed_json_and_retries) {
    int calls = 0, flaky_calls = 0;
    scripted_server server(ioc, [&](const request_t& req) -> reply {
        ++calls;
        if (req.target() == "/404") return {404, "{\"code\":\"NotFound\"}"};
        if (req.target() == "/500") return {500, ""};
        if (req.target() == "/flaky")
            return ++flaky_calls == 1 ? reply{503, ""} : container_ok(req);
        return {200, "{\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"" + secret_key};
    });
    auto fetch = [&](std::string path) {
        return get(ivsrt::make_container_provider(
            ioc.get_executor(),
            options({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", server.url(path)}})));
    };
    const std::string host = server.url().substr(7);
    expect_failure(fetch("/404"), "container: GET from " + host +
                                      " (AWS_CONTAINER_CREDENTIALS_FULL_URI): HTTP 404");
    BOOST_TEST(calls == 1);  // a 4xx is not retried
    expect_failure(fetch("/500"), "HTTP 500");
    BOOST_TEST(calls == 3);  // one retry
    expect_http_credentials(fetch("/flaky"), "container");
    BOOST_TEST(calls == 5);
    expect_failure(fetch("/truncated-json"), "the response is not valid JSON");
}

BOOST_AUTO_TEST_CASE(a_silent_endpoint_times_out) {
    scripted_server server(ioc, [](const request_t&) { return reply{200, "", true}; });
    auto o = options({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", server.url("/creds")}});
    o.container_timeout = 100ms;
    expect_failure(get(ivsrt::make_container_provider(ioc.get_executor(), o)),
                   "timed out after 100 ms");
    BOOST_TEST(server.requests().size() == 2u);  // the first attempt and one retry
}

BOOST_AUTO_TEST_SUITE_END()

// =============================================================================================
BOOST_FIXTURE_TEST_SUITE(imds, io_fixture)

// IMDS with IMDSv2: a token from PUT, then the role, then its credentials.
struct imds_script {
    std::string credentials = credentials_json();
    unsigned token_status = 200;
    unsigned role_status = 200;

    reply operator()(const request_t& req) const {
        if (req.method() == http::verb::put && req.target() == "/latest/api/token") {
            if (req["X-aws-ec2-metadata-token-ttl-seconds"] != "21600") return {400, ""};
            return {token_status, "session-token-123"};
        }
        if (req["X-aws-ec2-metadata-token"] != "session-token-123") return {401, ""};
        if (req.target() == "/latest/meta-data/iam/security-credentials/") {
            return {role_status, "app-role\n"};
        }
        if (req.target() == "/latest/meta-data/iam/security-credentials/app-role") {
            return {200, credentials};
        }
        return {404, ""};
    }
};

ivsrt::credentials_provider imds_at(asio::io_context& ioc, const scripted_server& server,
                                    std::chrono::milliseconds timeout = 1000ms) {
    auto o = options({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", server.url("/")}});
    o.imds_timeout = timeout;
    return ivsrt::make_imds_provider(ioc.get_executor(), o);
}

BOOST_AUTO_TEST_CASE(token_role_and_credentials) {
    scripted_server server(ioc, imds_script{});
    expect_http_credentials(get(imds_at(ioc, server)), "imds");
    const auto seen = server.requests();
    BOOST_TEST_REQUIRE(seen.size() == 3u);
    BOOST_TEST((seen[0].method() == http::verb::put));
    BOOST_TEST(seen[1].target() == "/latest/meta-data/iam/security-credentials/");
    BOOST_TEST(seen[2].target() == "/latest/meta-data/iam/security-credentials/app-role");
}

// The endpoint mode reaches the requests: the IPv6 address fd00:ec2::254 (the test's resolver
// sends it, and 169.254.169.254, to the loopback server), from the environment or the profile.
BOOST_AUTO_TEST_CASE(endpoint_mode_from_the_environment_and_the_profile) {
    scripted_server server(ioc, imds_script{});
    scripted_resolver names;
    names.add("fd00:ec2::254", {"127.0.0.1"}, port_of(server));
    names.add("169.254.169.254", {"127.0.0.1"}, port_of(server));
    temp_dir dir;
    const auto v6_config =
        dir.write("v6", "[default]\nec2_metadata_service_endpoint_mode = IPv6\n");
    const auto endpoint_config =
        dir.write("endpoint", "[profile dev]\nec2_metadata_service_endpoint = " + server.url("/") +
                                  "\nec2_metadata_service_endpoint_mode = IPv6\n");
    names.add("127.0.0.1", {"127.0.0.1"});  // the resolver is asked for literals too
    const std::string port = std::to_string(port_of(server));
    struct row {
        vars env;
        std::string host, port, host_header;  // asked of the resolver; sent
    };
    const std::vector<row> rows{
        {{{"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6"}},
         "fd00:ec2::254",
         "80",
         "[fd00:ec2::254]"},
        {{}, "169.254.169.254", "80", "169.254.169.254"},
        {{{"AWS_CONFIG_FILE", v6_config}}, "fd00:ec2::254", "80", "[fd00:ec2::254]"},
        {{{"AWS_CONFIG_FILE", v6_config}, {"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv4"}},
         "169.254.169.254",
         "80",
         "169.254.169.254"},
        // The profile's endpoint wins over its mode.
        {{{"AWS_CONFIG_FILE", endpoint_config}, {"AWS_PROFILE", "dev"}},
         "127.0.0.1",
         port,
         "127.0.0.1:" + port},
    };
    std::size_t lookups = 0, requests = 0;
    for (const auto& r : rows) {
        BOOST_TEST_CONTEXT("expected host " << r.host) {
            auto o = options(r.env);
            o.resolver = names.get();
            expect_http_credentials(get(ivsrt::make_imds_provider(ioc.get_executor(), o)), "imds");
            const auto asked = names.asked();
            BOOST_TEST_REQUIRE(asked.size() == lookups + 3);  // token, role, credentials
            for (auto i = lookups; i < asked.size(); ++i) {
                BOOST_TEST(asked[i].first == r.host);
                BOOST_TEST(asked[i].second == r.port);
            }
            lookups = asked.size();
            const auto seen = server.requests();
            BOOST_TEST_REQUIRE(seen.size() == requests + 3);
            for (auto i = requests; i < seen.size(); ++i) {
                BOOST_TEST(seen[i][http::field::host] == r.host_header);
            }
            requests = seen.size();
        }
    }
}

BOOST_AUTO_TEST_CASE(disabled_and_bad_mode) {
    expect_failure(get(ivsrt::make_imds_provider(ioc.get_executor(),
                                                 options({{"AWS_EC2_METADATA_DISABLED", "TRUE"}}))),
                   "imds: disabled by AWS_EC2_METADATA_DISABLED", true);
    expect_failure(
        get(ivsrt::make_imds_provider(
            ioc.get_executor(), options({{"AWS_EC2_METADATA_DISABLED", "true"},
                                         {"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv5"}}))),
        "imds: disabled", true);
    expect_failure(
        get(ivsrt::make_imds_provider(
            ioc.get_executor(), options({{"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv5"}}))),
        "imds: AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE must be IPv4 or IPv6");
}

BOOST_AUTO_TEST_CASE(http_status_failures_name_the_request) {
    imds_script script;
    script.token_status = 403;
    scripted_server refused(ioc, script);
    expect_failure(get(imds_at(ioc, refused)), "imds: PUT /latest/api/token: HTTP 403");

    script = {};
    script.role_status = 404;
    scripted_server no_role(ioc, script);
    expect_failure(get(imds_at(ioc, no_role)),
                   "imds: GET /latest/meta-data/iam/security-credentials/: HTTP 404 (no IAM role "
                   "is attached)");

    script = {};
    script.token_status = 500;
    scripted_server broken(ioc, script);
    expect_failure(get(imds_at(ioc, broken)), "imds: PUT /latest/api/token: HTTP 500");
    BOOST_TEST(broken.count(http::verb::put, "/latest/api/token") == 2u);  // one retry
}

BOOST_AUTO_TEST_CASE(malformed_and_unsuccessful_credentials) {
    imds_script script;
    script.credentials =
        "{\"Code\":\"Success\",\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"" + secret_key;
    scripted_server truncated(ioc, script);
    expect_failure(get(imds_at(ioc, truncated)),
                   "imds: GET /latest/meta-data/iam/security-credentials/app-role: the response is "
                   "not valid JSON");
    script.credentials =
        "{\"Code\":\"AssumeRoleUnauthorizedAccess\",\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"" +
        secret_key + "\"}";
    scripted_server unsuccessful(ioc, script);
    expect_failure(get(imds_at(ioc, unsuccessful)),
                   "Code is 'AssumeRoleUnauthorizedAccess', not 'Success'");
}

BOOST_AUTO_TEST_CASE(a_silent_service_times_out_and_a_closed_port_fails) {
    scripted_server silent(ioc, [](const request_t&) { return reply{200, "", true}; });
    expect_failure(get(imds_at(ioc, silent, 100ms)),
                   "imds: PUT /latest/api/token: timed out after 100 ms");
    BOOST_TEST(silent.requests().size() == 2u);

    // A port nobody listens on: take one from a closed acceptor.
    std::string closed_url;
    {
        asio::ip::tcp::acceptor a(ioc, {asio::ip::make_address_v4("127.0.0.1"), 0});
        closed_url = "http://127.0.0.1:" + std::to_string(a.local_endpoint().port());
    }
    expect_failure(
        get(ivsrt::make_imds_provider(
            ioc.get_executor(), options({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", closed_url}}))),
        "imds: PUT /latest/api/token: connection to 127.0.0.1");
}

BOOST_AUTO_TEST_CASE(expired_credentials_are_refused_by_the_cache) {
    imds_script script;
    script.credentials = credentials_json("Token", R"("Expiration":"2029-12-31T23:00:00Z")");
    scripted_server server(ioc, script);
    const auto cached = ivsrt::make_cached_provider(ioc.get_executor(), imds_at(ioc, server),
                                                    {300s, 10s, 10s, [] { return year_2030; }});
    expect_failure(get(cached),
                   "imds: returned credentials that are expired or about to expire (expiration "
                   "2029-12-31T23:00:00Z)");
}

BOOST_AUTO_TEST_SUITE_END()

// =============================================================================================
BOOST_AUTO_TEST_SUITE(web_identity)

const std::string role_arn = "arn:aws:iam::111122223333:role/app-role";

std::string sts_answer(std::string credentials_inner) {
    return "<AssumeRoleWithWebIdentityResponse "
           "xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
           "  <AssumeRoleWithWebIdentityResult>\n"
           "    "
           "<SubjectFromWebIdentityToken>system:serviceaccount:default:app</"
           "SubjectFromWebIdentityToken>\n"
           "    <AssumedRoleUser>\n"
           "      <Arn>arn:aws:sts::111122223333:assumed-role/app-role/app-session</Arn>\n"
           "      <AssumedRoleId>AROAEXAMPLE:app-session</AssumedRoleId>\n"
           "    </AssumedRoleUser>\n"
           "    <Credentials>\n" +
           credentials_inner +
           "    </Credentials>\n"
           "  </AssumeRoleWithWebIdentityResult>\n"
           "  "
           "<ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></"
           "ResponseMetadata>\n"
           "</AssumeRoleWithWebIdentityResponse>\n";
}

const std::string good_credentials =
    "      <AccessKeyId>ASIASTSEXAMPLE</AccessKeyId>\n"
    "      <SecretAccessKey>" +
    secret_key +
    "</SecretAccessKey>\n"
    "      <SessionToken>" +
    session_token +
    "</SessionToken>\n"
    "      <Expiration>2030-01-01T00:00:00Z</Expiration>\n";

struct web_identity_fixture : io_fixture {
    temp_dir dir;
    std::string token_file = dir.write("token", web_token + "\n");

    ivsrt::provider_options sts_options(const scripted_server& server, vars v) {
        auto o = options(std::move(v));
        o.sts_endpoint = server.url();
        return o;
    }
};

BOOST_FIXTURE_TEST_CASE(environment_variables_through_sts, web_identity_fixture) {
    scripted_server sts(ioc, [](const request_t&) {
        return reply{200, sts_answer(good_credentials)};
    });
    auto r = get(ivsrt::make_web_identity_provider(
        ioc.get_executor(), sts_options(sts, {{"AWS_WEB_IDENTITY_TOKEN_FILE", token_file},
                                              {"AWS_ROLE_ARN", role_arn},
                                              {"AWS_ROLE_SESSION_NAME", "app-session"}})));
    BOOST_TEST_REQUIRE(!r.ec, r.diag.message);
    BOOST_TEST(r.creds.access_key_id == "ASIASTSEXAMPLE");
    BOOST_TEST(r.creds.secret_access_key == secret_key);
    BOOST_TEST(r.creds.session_token.value_or("") == session_token);
    BOOST_TEST((r.creds.expiration == year_2030));
    BOOST_TEST(r.creds.account_id.value_or("") == "111122223333");
    BOOST_TEST(r.creds.provider == "web_identity");

    const auto seen = sts.requests();
    BOOST_TEST_REQUIRE(seen.size() == 1u);
    BOOST_TEST((seen[0].method() == http::verb::post));
    BOOST_TEST(seen[0].target() == "/");
    BOOST_TEST(seen[0][http::field::content_type] ==
               "application/x-www-form-urlencoded; charset=utf-8");
    // RFC 3986 form encoding, by hand: ':' is %3A, '/' is %2F; the JWT has only unreserved bytes.
    BOOST_TEST(seen[0].body() ==
               "Action=AssumeRoleWithWebIdentity&Version=2011-06-15"
               "&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fapp-role"
               "&RoleSessionName=app-session&WebIdentityToken=" +
                   web_token);
}

BOOST_FIXTURE_TEST_CASE(profile_keys_and_a_generated_session_name, web_identity_fixture) {
    scripted_server sts(ioc, [](const request_t&) {
        return reply{200, sts_answer(good_credentials)};
    });
    const auto config = dir.write("config", "[profile eks]\nrole_arn = " + role_arn +
                                                "\nweb_identity_token_file = " + token_file + "\n");
    auto r = get(ivsrt::make_profile_provider(
        ioc.get_executor(),
        sts_options(sts, {{"AWS_CONFIG_FILE", config}, {"AWS_PROFILE", "eks"}})));
    BOOST_TEST_REQUIRE(!r.ec, r.diag.message);
    BOOST_TEST(r.creds.provider == "web_identity");
    const auto seen = sts.requests();
    BOOST_TEST_REQUIRE(seen.size() == 1u);
    BOOST_TEST(contains(seen[0].body(), "&RoleSessionName=ivsrt-"));
}

BOOST_FIXTURE_TEST_CASE(configuration_errors, web_identity_fixture) {
    auto fetch = [&](vars v) {
        return get(ivsrt::make_web_identity_provider(ioc.get_executor(), options(std::move(v))));
    };
    expect_failure(fetch({}), "web_identity: AWS_WEB_IDENTITY_TOKEN_FILE is not set", true);
    expect_failure(fetch({{"AWS_WEB_IDENTITY_TOKEN_FILE", token_file}}),
                   "web_identity: AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not");
    expect_failure(
        fetch({{"AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/token"}, {"AWS_ROLE_ARN", role_arn}}),
        "web_identity: the token file /nonexistent/token does not exist");
    // The region becomes a host name: it is checked before anything is sent.
    expect_failure(fetch({{"AWS_WEB_IDENTITY_TOKEN_FILE", token_file},
                          {"AWS_ROLE_ARN", role_arn},
                          {"AWS_REGION", "us-east-1.evil.example/"}}),
                   "web_identity: 'us-east-1.evil.example/' is not a valid region name");
}

// The STS endpoint reaches the request: the test's resolver records the name and fails the
// lookup (an https endpoint cannot be served by the loopback server).
BOOST_FIXTURE_TEST_CASE(the_sts_endpoint_follows_the_region, web_identity_fixture) {
    struct row {
        vars env;
        std::optional<std::string> region;  // provider_options::region
        std::string host;
    };
    const std::vector<row> rows{
        {{{"AWS_REGION", "cn-north-1"}}, {}, "sts.cn-north-1.amazonaws.com.cn"},
        {{{"AWS_DEFAULT_REGION", "eu-central-1"}}, {}, "sts.eu-central-1.amazonaws.com"},
        {{}, {}, "sts.amazonaws.com"},
        {{{"AWS_REGION", "eu-central-1"}}, "cn-northwest-1", "sts.cn-northwest-1.amazonaws.com.cn"},
    };
    for (const auto& r : rows) {
        BOOST_TEST_CONTEXT(r.host) {
            scripted_resolver names;
            vars env = r.env;
            env.emplace("AWS_WEB_IDENTITY_TOKEN_FILE", token_file);
            env.emplace("AWS_ROLE_ARN", role_arn);
            auto o = options(env);
            o.region = r.region;
            o.resolver = names.get();
            o.http_attempts = 1;
            expect_failure(get(ivsrt::make_web_identity_provider(ioc.get_executor(), o)),
                           "web_identity: AssumeRoleWithWebIdentity at https://" + r.host +
                               ": cannot resolve " + r.host);
            const auto asked = names.asked();
            BOOST_TEST_REQUIRE(asked.size() == 1u);
            BOOST_TEST(asked[0].first == r.host);
            BOOST_TEST(asked[0].second == "443");
        }
    }
}

BOOST_FIXTURE_TEST_CASE(sts_errors_and_malformed_answers, web_identity_fixture) {
    std::string answer;
    unsigned status = 200;
    scripted_server sts(ioc, [&](const request_t&) { return reply{status, answer}; });
    const auto provider = ivsrt::make_web_identity_provider(
        ioc.get_executor(), sts_options(sts, {{"AWS_WEB_IDENTITY_TOKEN_FILE", token_file},
                                              {"AWS_ROLE_ARN", role_arn}}));

    status = 400;
    answer =
        "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code>"
        "<Message>Incorrect token audience</Message></Error></ErrorResponse>";
    expect_failure(get(provider), "web_identity: AssumeRoleWithWebIdentity at " + sts.url() +
                                      ": HTTP 400 InvalidIdentityToken: Incorrect token audience");
    answer = "<ErrorResponse><Error><Code>InvalidIdentityToken</Code><Message>bad token " +
             web_token + "</Message></Error></ErrorResponse>";
    expect_failure(get(provider), "HTTP 400 InvalidIdentityToken");  // message dropped

    status = 200;
    answer = "<html>" + secret_key + "</html>";
    expect_failure(get(provider), "the response has no Credentials element");
    answer = sts_answer("<AccessKeyId>A</AccessKeyId><SecretAccessKey>" + secret_key +
                        "</SecretAccessKey><SessionToken>" + session_token + "</SessionToken>");
    expect_failure(get(provider), "the response has no Expiration");
    answer = sts_answer("<AccessKeyId>A</AccessKeyId><SecretAccessKey>" + secret_key +
                        "</SecretAccessKey><SessionToken>a&amp;b</SessionToken>"
                        "<Expiration>2030-01-01T00:00:00Z</Expiration>");
    auto r = get(provider);
    BOOST_TEST_REQUIRE(!r.ec, r.diag.message);
    BOOST_TEST(r.creds.session_token.value_or("") == "a&b");
}

BOOST_FIXTURE_TEST_CASE(https_is_verified_tls, web_identity_fixture) {
    scripted_server plain(ioc, [](const request_t&) { return reply{200, ""}; });
    auto o = sts_options(plain,
                         {{"AWS_WEB_IDENTITY_TOKEN_FILE", token_file}, {"AWS_ROLE_ARN", role_arn}});
    o.sts_endpoint = "https" + plain.url().substr(4);  // TLS to a server that speaks plain HTTP
    expect_failure(get(ivsrt::make_web_identity_provider(ioc.get_executor(), o)),
                   ": TLS handshake with 127.0.0.1:");
}

BOOST_AUTO_TEST_SUITE_END()

// =============================================================================================
// Assume role from the shared config: role_arn with source_profile (chains) or
// credential_source, through a loopback STS that checks each request's signature.
BOOST_AUTO_TEST_SUITE(assume_role)

const std::string base_secret = "baseSECRETwJalrXUtnFEMI/K7MDENG+bPxRfiCY";

// An STS AssumeRole answer for a role: keys named after the role ("ASIA" + role name).
std::string assume_role_answer(const std::string& role) {
    return "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
           "  <AssumeRoleResult>\n"
           "    <AssumedRoleUser>\n"
           "      <Arn>arn:aws:sts::444455556666:assumed-role/" +
           role +
           "/s</Arn>\n"
           "      <AssumedRoleId>AROA" +
           role +
           ":s</AssumedRoleId>\n"
           "    </AssumedRoleUser>\n"
           "    <Credentials>\n"
           "      <AccessKeyId>ASIA" +
           role +
           "</AccessKeyId>\n"
           "      <SecretAccessKey>secret-of-" +
           role + "-" + secret_key +
           "</SecretAccessKey>\n"
           "      <SessionToken>token-of-" +
           role +
           "</SessionToken>\n"
           "      <Expiration>2030-01-01T00:00:00Z</Expiration>\n"
           "    </Credentials>\n"
           "  </AssumeRoleResult>\n"
           "</AssumeRoleResponse>\n";
}

// The form parameter `key` of an STS request body (decoded), or "" when absent.
std::string form_value(const std::string& body, std::string_view key) {
    return ivsrt::detail::query_value(body, key);
}

// Whether `r` is signed for STS in `region` with the key `access_key_id` and its `secret`.
bool signed_by(const request_t& r, const std::string& access_key_id, const std::string& secret,
               const std::string& region) {
    const auto auth = ivsrt::sigv4::parse_authorization(r[http::field::authorization]);
    if (!auth || auth->access_key_id != access_key_id) return false;
    std::vector<ivsrt::sigv4::header> headers;
    for (const auto& f : r) headers.push_back({f.name_string(), f.value()});
    const ivsrt::sigv4::signer verifier({.region = region, .service = "sts"});
    ivsrt::sigv4::signing_result out;
    return verifier.verify({.method = "POST", .path = "/", .headers = headers, .body = r.body()},
                           *auth, secret, out);
}

struct assume_fixture : io_fixture {
    temp_dir dir;
    // Answers every AssumeRole for the role its RoleArn names; a role named "Denied" is refused.
    scripted_server sts{ioc, [](const request_t& r) {
                            const std::string arn = form_value(r.body(), "RoleArn");
                            const std::string role = arn.substr(arn.rfind('/') + 1);
                            if (role == "Denied") {
                                return reply{403,
                                             "<ErrorResponse><Error><Type>Sender</Type>"
                                             "<Code>AccessDenied</Code><Message>not authorized "
                                             "to perform sts:AssumeRole</Message></Error>"
                                             "</ErrorResponse>"};
                            }
                            return reply{200, assume_role_answer(role)};
                        }};

    // The profile provider of `profile`, with `config` as the config file and the base keys in
    // the credentials file.
    ivsrt::provider_options with_config(const std::string& config, const std::string& profile,
                                        vars extra = {}) {
        extra["AWS_CONFIG_FILE"] = dir.write("config", config);
        extra["AWS_SHARED_CREDENTIALS_FILE"] = dir.write("credentials",
                                                         "[base]\naws_access_key_id = AKIDBASE\n"
                                                         "aws_secret_access_key = " +
                                                             base_secret + "\n");
        extra["AWS_PROFILE"] = profile;
        auto o = options(std::move(extra));
        o.sts_endpoint = sts.url();
        return o;
    }
    result fetch(const ivsrt::provider_options& o) {
        return get(ivsrt::make_profile_provider(ioc.get_executor(), o));
    }
};

BOOST_FIXTURE_TEST_CASE(a_chain_is_assumed_from_the_inside_out, assume_fixture) {
    const auto o = with_config(
        "[profile middle]\nrole_arn = arn:aws:iam::444455556666:role/Middle\n"
        "source_profile = base\nexternal_id = ext/1\n"
        "duration_seconds = 3600\nrole_session_name = build-42\n"
        "[profile top]\nrole_arn = arn:aws:iam::444455556666:role/Top\n"
        "source_profile = middle\nregion = eu-west-1\n",
        "top");
    const auto r = fetch(o);
    BOOST_TEST_REQUIRE(!r.ec, r.diag.message);
    BOOST_TEST(r.creds.access_key_id == "ASIATop");
    BOOST_TEST(r.creds.secret_access_key == "secret-of-Top-" + secret_key);
    BOOST_TEST(r.creds.session_token.value_or("") == "token-of-Top");
    BOOST_TEST((r.creds.expiration == year_2030));
    BOOST_TEST(r.creds.account_id.value_or("") == "444455556666");
    BOOST_TEST(r.creds.provider == "assume_role");

    const auto seen = sts.requests();
    BOOST_TEST_REQUIRE(seen.size() == 2u);
    // Middle first, signed with the base profile's keys, in the selected profile's region.
    BOOST_TEST(form_value(seen[0].body(), "Action") == "AssumeRole");
    BOOST_TEST(form_value(seen[0].body(), "Version") == "2011-06-15");
    BOOST_TEST(form_value(seen[0].body(), "RoleArn") == "arn:aws:iam::444455556666:role/Middle");
    BOOST_TEST(form_value(seen[0].body(), "RoleSessionName") == "build-42");
    BOOST_TEST(form_value(seen[0].body(), "ExternalId") == "ext/1");
    BOOST_TEST(form_value(seen[0].body(), "DurationSeconds") == "3600");
    BOOST_TEST(contains(seen[0].body(), "&ExternalId=ext%2F1"));  // form-encoded
    BOOST_TEST(seen[0][http::field::content_type] ==
               "application/x-www-form-urlencoded; charset=utf-8");
    BOOST_TEST(signed_by(seen[0], "AKIDBASE", base_secret, "eu-west-1"));
    BOOST_TEST(seen[0]["x-amz-security-token"].empty());
    // Then Top, with Middle's session credentials.
    BOOST_TEST(form_value(seen[1].body(), "RoleArn") == "arn:aws:iam::444455556666:role/Top");
    BOOST_TEST(form_value(seen[1].body(), "RoleSessionName").starts_with("ivsrt-"));
    BOOST_TEST(form_value(seen[1].body(), "ExternalId").empty());
    BOOST_TEST(signed_by(seen[1], "ASIAMiddle", "secret-of-Middle-" + secret_key, "eu-west-1"));
    BOOST_TEST(seen[1]["x-amz-security-token"] == "token-of-Middle");
}

BOOST_FIXTURE_TEST_CASE(a_profile_may_be_its_own_source, assume_fixture) {
    const auto o = with_config(
        "[profile self]\nrole_arn = arn:aws:iam::444455556666:role/Self\n"
        "source_profile = self\naws_access_key_id = AKIDSELF\n"
        "aws_secret_access_key = " +
            base_secret + "\n",
        "self");
    const auto r = fetch(o);
    BOOST_TEST_REQUIRE(!r.ec, r.diag.message);
    BOOST_TEST(r.creds.access_key_id == "ASIASelf");
    const auto seen = sts.requests();
    BOOST_TEST_REQUIRE(seen.size() == 1u);
    // No region anywhere: the global endpoint, signed for us-east-1.
    BOOST_TEST(signed_by(seen[0], "AKIDSELF", base_secret, "us-east-1"));
}

BOOST_FIXTURE_TEST_CASE(credential_source, assume_fixture) {
    const std::string role = "[profile ci]\nrole_arn = arn:aws:iam::444455556666:role/Ci\n";
    auto r = fetch(with_config(role + "credential_source = Environment\n", "ci",
                               {{"AWS_ACCESS_KEY_ID", "AKIDENV"},
                                {"AWS_SECRET_ACCESS_KEY", base_secret},
                                {"AWS_SESSION_TOKEN", "env-token"}}));
    BOOST_TEST_REQUIRE(!r.ec, r.diag.message);
    BOOST_TEST(r.creds.access_key_id == "ASIACi");
    BOOST_TEST_REQUIRE(sts.requests().size() == 1u);
    BOOST_TEST(signed_by(sts.requests()[0], "AKIDENV", base_secret, "us-east-1"));
    BOOST_TEST(sts.requests()[0]["x-amz-security-token"] == "env-token");

    // The container endpoint (ECS) as the source.
    scripted_server container(ioc, [](const request_t&) {
        return reply{200, R"({"AccessKeyId":"AKIDTASK","SecretAccessKey":")" + base_secret +
                              R"(","Token":"task-token","Expiration":"2030-01-01T00:00:00Z"})"};
    });
    r = fetch(with_config(role + "credential_source = EcsContainer\n", "ci",
                          {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", container.url("/creds")}}));
    BOOST_TEST_REQUIRE(!r.ec, r.diag.message);
    BOOST_TEST_REQUIRE(sts.requests().size() == 2u);
    BOOST_TEST(signed_by(sts.requests()[1], "AKIDTASK", base_secret, "us-east-1"));

    // A source that has nothing to give fails the role, naming both.
    r = fetch(with_config(role + "credential_source = Environment\n", "ci"));
    expect_failure(r, "profile 'ci' (" + dir.path.string() +
                          "/config:3): credential_source Environment: environment: "
                          "AWS_ACCESS_KEY_ID is not set");
    r = fetch(with_config(role + "credential_source = Ec2\n", "ci"));
    expect_failure(r,
                   "credential_source must be Environment, Ec2InstanceMetadata or "
                   "EcsContainer, not 'Ec2'");
    BOOST_TEST(sts.requests().size() == 2u);  // nothing more was sent
}

BOOST_FIXTURE_TEST_CASE(mfa_codes_come_from_the_callback, assume_fixture) {
    const std::string config =
        "[profile mfa]\nrole_arn = arn:aws:iam::444455556666:role/Mfa\n"
        "source_profile = base\n"
        "mfa_serial = arn:aws:iam::444455556666:mfa/alice\n";
    auto o = with_config(config, "mfa");
    expect_failure(fetch(o),
                   "/config:4): mfa_serial is set, and no MFA code can be asked for "
                   "(set ivsrt::provider_options::mfa_code)");
    std::vector<std::string> asked;
    o.mfa_code = [&](const std::string& serial) {
        asked.push_back(serial);
        return std::string("123456");
    };
    const auto r = fetch(o);
    BOOST_TEST_REQUIRE(!r.ec, r.diag.message);
    BOOST_TEST(asked == std::vector<std::string>{"arn:aws:iam::444455556666:mfa/alice"},
               boost::test_tools::per_element());
    BOOST_TEST_REQUIRE(sts.requests().size() == 1u);
    BOOST_TEST(form_value(sts.requests()[0].body(), "SerialNumber") ==
               "arn:aws:iam::444455556666:mfa/alice");
    BOOST_TEST(form_value(sts.requests()[0].body(), "TokenCode") == "123456");
    o.mfa_code = [](const std::string&) { return std::string(); };
    expect_failure(fetch(o), "/config:4): no MFA code was given");

    // The code is asked for only once the source credentials are in hand: a source that fails
    // asks nothing (a person would type a code for nothing).
    asked.clear();
    o = with_config(
        "[profile mfa]\nrole_arn = arn:aws:iam::444455556666:role/Mfa\n"
        "credential_source = Environment\nmfa_serial = arn:aws:iam::444455556666:mfa/alice\n",
        "mfa");
    o.mfa_code = [&](const std::string& serial) {
        asked.push_back(serial);
        return std::string("123456");
    };
    expect_failure(fetch(o), "AWS_ACCESS_KEY_ID is not set");
    BOOST_TEST(asked.empty());
    BOOST_TEST(sts.requests().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(cycles_and_configuration_errors, assume_fixture) {
    const std::string arn = "role_arn = arn:aws:iam::444455556666:role/R\n";
    auto fails = [&](const std::string& config, const std::string& profile,
                     const std::string& part) {
        BOOST_TEST_CONTEXT(profile) {
            expect_failure(fetch(with_config(config, profile)), part);
        }
    };
    const std::string cycle = "[profile a]\n" + arn + "source_profile = b\n[profile b]\n" + arn +
                              "source_profile = c\n[profile c]\n" + arn + "source_profile = a\n";
    fails(cycle, "a",
          "profile 'c' (source_profile of 'b') (" + dir.path.string() +
              "/config:9): source_profile makes a cycle: 'a' -> 'b' -> 'c' -> 'a'");
    fails("[profile a]\n" + arn + "source_profile = a\n", "a",
          "source_profile names the profile itself, which has no static keys");
    fails("[profile a]\n" + arn + "source_profile = ghost\n", "a",
          "profile: no profile 'ghost' (source_profile of 'a') in the config file");
    fails("[profile a]\n" + arn + "source_profile = empty\n[profile empty]\nregion = us-east-1\n",
          "a", "profile: profile 'empty' (source_profile of 'a') has no credentials");
    fails("[profile a]\n" + arn + "source_profile = base\ncredential_source = Environment\n", "a",
          "source_profile and credential_source are both set; set one");
    fails("[profile a]\n" + arn + "source_profile = base\nduration_seconds = 899\n", "a",
          "duration_seconds must be a number of seconds from 900 to 43200");
    fails("[profile a]\n" + arn + "source_profile = base\nduration_seconds = 1h\n", "a",
          "duration_seconds must be a number of seconds from 900 to 43200");
    fails("[profile a]\nsource_profile = base\n", "a", "source_profile needs role_arn");
    fails("[profile a]\n" + arn, "a",
          "role_arn needs source_profile, credential_source or web_identity_token_file");
    BOOST_TEST(sts.requests().empty());
    // An unknown source profile is an error, not "not configured": the role is configured.
    const auto r = fetch(with_config("[profile a]\n" + arn + "source_profile = ghost\n", "a"));
    BOOST_TEST(!r.diag.not_configured);
}

BOOST_FIXTURE_TEST_CASE(sts_errors_name_the_role_and_keep_secrets_out, assume_fixture) {
    const auto r = fetch(with_config(
        "[profile a]\nrole_arn = arn:aws:iam::444455556666:role/Denied\nsource_profile = base\n",
        "a"));
    expect_failure(
        r, "profile 'a': role_arn arn:aws:iam::444455556666:role/Denied: AssumeRole at " +
               sts.url() + ": HTTP 403 AccessDenied: not authorized to perform sts:AssumeRole");
    BOOST_TEST(!contains(r.diag.message, base_secret));
}

// STS through a proxy: the environment's HTTP_PROXY for an http endpoint, unless
// provider_options::proxy says otherwise ("" for none). Absolute-form requests with
// Proxy-Authorization; the STS server plays the proxy.
BOOST_FIXTURE_TEST_CASE(sts_requests_go_through_the_proxy, assume_fixture) {
    const std::string proxy = "http://u:pw@" + sts.url().substr(7);
    auto o = with_config(
        "[profile a]\nrole_arn = arn:aws:iam::444455556666:role/A\nsource_profile = base\n", "a",
        {{"HTTP_PROXY", proxy}});
    auto r = fetch(o);
    BOOST_TEST_REQUIRE(!r.ec, r.diag.message);
    o.proxy = "";
    r = fetch(o);
    BOOST_TEST_REQUIRE(!r.ec, r.diag.message);
    const auto seen = sts.requests();
    BOOST_TEST_REQUIRE(seen.size() == 2u);
    BOOST_TEST(seen[0].target() == sts.url("/"));
    auto authorization = [](const request_t& req) {
        auto it = req.find("Proxy-Authorization");
        return it == req.end() ? std::string() : std::string(it->value());
    };
    BOOST_TEST(authorization(seen[0]) == "Basic dTpwdw==");
    BOOST_TEST(seen[1].target() == "/");
    BOOST_TEST(authorization(seen[1]).empty());
}

// The default chain caches the assumed role's credentials: one AssumeRole for many gets.
BOOST_FIXTURE_TEST_CASE(the_default_chain_caches_the_role, assume_fixture) {
    const auto provider = ivsrt::make_default_provider(
        ioc.get_executor(), with_config("[profile a]\nrole_arn = arn:aws:iam::444455556666:role/A\n"
                                        "source_profile = base\n",
                                        "a"));
    for (int i = 0; i < 3; ++i) {
        const auto r = get(provider);
        BOOST_TEST_REQUIRE(!r.ec, r.diag.message);
        BOOST_TEST(r.creds.access_key_id == "ASIAA");
    }
    BOOST_TEST(sts.requests().size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

// =============================================================================================
BOOST_AUTO_TEST_SUITE(sso)

// Fake SSO secrets: in no message either.
const std::string sso_token = "aoaAAAAAGSSOACCESSTOKENSECRET";
const std::string sso_refresh = "aorvJYubGSSOREFRESHTOKENSECRET";
const std::string sso_client_secret = "eyJraWQiOiJrZXktMTU2NDAyODA5OSJ9CLIENTSECRET";

void check_no_sso_secret(const std::string& message) {
    check_no_secret(message);
    for (const std::string& s :
         {sso_token, sso_refresh, sso_client_secret, std::string("new-token")})
        BOOST_TEST(!contains(message, s), message);
}

// The file names the AWS CLI gives the cache (SHA-1 of the session name, of the start URL for
// the legacy keys), computed with Python's hashlib.
const std::string corp_cache = ".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json";
const std::string legacy_cache = ".aws/sso/cache/a51746d4aa793ae07b25e90c3a5db96fc7832bd7.json";

const std::string sso_config =
    "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\n"
    "sso_role_name = Deploy\n"
    "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n"
    "sso_region = us-east-1\n"
    "[profile legacy]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n"
    "sso_account_id = 111122223333\nsso_role_name = Deploy\n"
    "[profile no-region]\nsso_session = bare\nsso_account_id = 1\nsso_role_name = R\n"
    "[sso-session bare]\nsso_start_url = https://corp.awsapps.com/start\n";

std::string cache_json(std::string expires, bool refreshable) {
    std::string out = R"({"startUrl":"https://corp.awsapps.com/start","region":"us-east-1",)"
                      R"("accessToken":")" +
                      sso_token + R"(","expiresAt":")" + expires + '"';
    if (refreshable) {
        out += R"(,"refreshToken":")" + sso_refresh +
               R"(","clientId":"client-1","clientSecret":")" + sso_client_secret +
               R"(","registrationExpiresAt":"2030-01-01T00:00:00Z")";
    }
    return out + "}";
}

struct sso_fixture : io_fixture {
    temp_dir home;
    unsigned portal_status = 200;
    // The OIDC token endpoint and the portal, on one server.
    scripted_server server{
        ioc, [this](const request_t& r) {
            if (r.target() == "/token") {
                return reply{200, R"({"accessToken":"new-token","expiresIn":3600,)"
                                  R"("refreshToken":"new-refresh",)"
                                  R"("tokenType":"Bearer"})"};
            }
            if (portal_status != 200) return reply{portal_status, "{}"};
            return reply{200, R"({"roleCredentials":{"accessKeyId":"ASIASSO",)"
                              R"("secretAccessKey":")" +
                                  secret_key + R"(","sessionToken":")" + session_token +
                                  R"(","expiration":1893456000000}})"};
        }};

    result fetch(const std::string& profile) {
        auto o = options({{"AWS_CONFIG_FILE", home.write("config", sso_config)},
                          {"AWS_SHARED_CREDENTIALS_FILE", home.path.string() + "/none"},
                          {"AWS_PROFILE", profile}});
        o.sources.home_directory = home.path.string();
        o.sso_portal_endpoint = server.url();
        o.sso_oidc_endpoint = server.url();
        auto r = get(ivsrt::make_profile_provider(ioc.get_executor(), o));
        check_no_sso_secret(r.diag.message);
        return r;
    }
    std::string bearer_of(const request_t& r) {
        auto it = r.find("x-amz-sso_bearer_token");
        return it == r.end() ? "" : std::string(it->value());
    }
};

BOOST_FIXTURE_TEST_CASE(an_sso_session_profile_gets_the_role_credentials, sso_fixture) {
    home.write(corp_cache, cache_json("2030-01-01T00:00:00Z", false));
    const auto r = fetch("dev");
    BOOST_TEST_REQUIRE(!r.ec, r.diag.message);
    BOOST_TEST(r.creds.access_key_id == "ASIASSO");
    BOOST_TEST(r.creds.secret_access_key == secret_key);
    BOOST_TEST(r.creds.session_token.value_or("") == session_token);
    BOOST_TEST((r.creds.expiration == year_2030));
    BOOST_TEST(r.creds.account_id.value_or("") == "111122223333");
    BOOST_TEST(r.creds.provider == "sso");
    const auto seen = server.requests();
    BOOST_TEST_REQUIRE(seen.size() == 1u);
    BOOST_TEST(seen[0].method() == http::verb::get);
    BOOST_TEST(seen[0].target() ==
               "/federation/credentials?account_id=111122223333&role_name=Deploy");
    BOOST_TEST(bearer_of(seen[0]) == sso_token);
}

BOOST_FIXTURE_TEST_CASE(the_legacy_keys_read_the_start_urls_cache, sso_fixture) {
    home.write(legacy_cache, cache_json("2030-01-01T00:00:00Z", false));
    const auto r = fetch("legacy");
    BOOST_TEST_REQUIRE(!r.ec, r.diag.message);
    BOOST_TEST(r.creds.access_key_id == "ASIASSO");
}

// An expired token with a refresh token: CreateToken, then the cache is written back with the
// new token (and the registration kept), and the portal gets the new token.
BOOST_FIXTURE_TEST_CASE(an_expired_token_is_refreshed_and_the_cache_written_back, sso_fixture) {
    const std::string path = home.write(corp_cache, cache_json("2020-01-01T00:00:00Z", true));
    const auto r = fetch("dev");
    BOOST_TEST_REQUIRE(!r.ec, r.diag.message);
    const auto seen = server.requests();
    BOOST_TEST_REQUIRE(seen.size() == 2u);
    BOOST_TEST(seen[0].method() == http::verb::post);
    BOOST_TEST(seen[0].target() == "/token");
    const auto body = boost::json::parse(seen[0].body()).as_object();
    BOOST_TEST(body.at("grantType").as_string() == "refresh_token");
    BOOST_TEST(body.at("clientId").as_string() == "client-1");
    BOOST_TEST(body.at("clientSecret").as_string() == sso_client_secret);
    BOOST_TEST(body.at("refreshToken").as_string() == sso_refresh);
    BOOST_TEST(bearer_of(seen[1]) == "new-token");

    std::ifstream in(path);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto cache = boost::json::parse(text).as_object();
    BOOST_TEST(cache.at("accessToken").as_string() == "new-token");
    BOOST_TEST(cache.at("refreshToken").as_string() == "new-refresh");
    BOOST_TEST(cache.at("clientSecret").as_string() == sso_client_secret);
    BOOST_TEST(cache.at("startUrl").as_string() == "https://corp.awsapps.com/start");
    BOOST_TEST(std::string(cache.at("expiresAt").as_string()) > "2026-");
    const auto perms = std::filesystem::status(path).permissions();
    BOOST_TEST(((perms & std::filesystem::perms::others_read) == std::filesystem::perms::none));
}

BOOST_FIXTURE_TEST_CASE(without_a_usable_token_the_error_says_to_log_in, sso_fixture) {
    expect_failure(fetch("dev"), "no cached SSO token");
    expect_failure(fetch("dev"), "; run aws sso login --sso-session corp");
    expect_failure(fetch("legacy"), "; run aws sso login --profile legacy");
    // Expired, and nothing to refresh it with (the legacy keys never refresh).
    home.write(legacy_cache, cache_json("2020-01-01T00:00:00Z", true));
    expect_failure(fetch("legacy"),
                   "the SSO token expired at 2020-01-01T00:00:00Z and cannot be refreshed");
    home.write(corp_cache, "not json");
    expect_failure(fetch("dev"), "is not a JSON object");
    BOOST_TEST(server.requests().empty());
    expect_failure(fetch("no-region"), "sso_region is needed for IAM Identity Center");
}

BOOST_FIXTURE_TEST_CASE(a_refused_token_says_to_log_in, sso_fixture) {
    home.write(corp_cache, cache_json("2030-01-01T00:00:00Z", false));
    portal_status = 401;
    expect_failure(fetch("dev"),
                   "HTTP 401 (the token was refused); run aws sso login "
                   "--sso-session corp");
}

BOOST_AUTO_TEST_SUITE_END()

// =============================================================================================
BOOST_AUTO_TEST_SUITE(cache)

// An inner provider the test answers by hand, counting fetches.
class manual_provider final : public ivsrt::credentials_provider::impl {
  public:
    explicit manual_provider(asio::any_io_executor ex) : ex_(std::move(ex)) {}

    void async_get(ivsrt::credentials_diagnostics& diag,
                   asio::any_completion_handler<ivsrt::credentials_signature> h) override {
        ++fetches;
        calls_.push_back({&diag, std::move(h)});
    }

    std::size_t waiting() const { return calls_.size(); }
    void succeed(ivsrt::credentials c) { answer({}, std::move(c), ""); }
    void fail(std::string message) { answer(ivsrt::errc::credentials, {}, std::move(message)); }

    int fetches = 0;

  private:
    struct call {
        ivsrt::credentials_diagnostics* diag;
        asio::any_completion_handler<ivsrt::credentials_signature> handler;
    };

    void answer(boost::system::error_code ec, ivsrt::credentials c, std::string message) {
        BOOST_TEST_REQUIRE(!calls_.empty());
        call next = std::move(calls_.front());
        calls_.pop_front();  // (any_completion_handler's move assignment is broken in Boost 1.81)
        asio::post(
            ex_, [next = std::move(next), ec, c = std::move(c), m = std::move(message)]() mutable {
                next.diag->message = m;
                std::move(next.handler)(ec, std::move(c));
            });
    }

    asio::any_io_executor ex_;
    std::deque<call> calls_;
};

struct pending_call {
    bool done = false;
    boost::system::error_code ec;
    ivsrt::credentials creds;
    ivsrt::credentials_diagnostics diag;
};

const time_point t0 = year_2030 - 24h;

struct cache_fixture : io_fixture {
    std::shared_ptr<manual_provider> inner = std::make_shared<manual_provider>(ioc.get_executor());
    time_point now = t0;
    ivsrt::credentials_provider cached =
        ivsrt::make_cached_provider(ioc.get_executor(), ivsrt::credentials_provider(inner),
                                    {300s, 10s, 10s, [this] { return now; }});

    std::shared_ptr<pending_call> start(asio::cancellation_slot slot = {}) {
        auto call = std::make_shared<pending_call>();
        cached.async_get(call->diag,
                         asio::bind_cancellation_slot(
                             slot, [call](boost::system::error_code ec, ivsrt::credentials c) {
                                 BOOST_TEST(!call->done);  // completes once
                                 call->ec = ec;
                                 call->creds = std::move(c);
                                 call->done = true;
                             }));
        return call;
    }
    void settle() {
        ioc.restart();
        ioc.poll();
    }
};

ivsrt::credentials expiring(std::string id, time_point at) {
    ivsrt::credentials c{std::move(id), secret_key, session_token, at, std::nullopt, "manual"};
    return c;
}

BOOST_FIXTURE_TEST_CASE(one_fetch_serves_every_caller_until_the_refresh_window, cache_fixture) {
    auto a = start();
    auto b = start();
    settle();
    BOOST_TEST(!a->done);
    BOOST_TEST(inner->fetches == 1);
    inner->succeed(expiring("K1", t0 + 1h));
    settle();
    BOOST_TEST((a->done && b->done));
    BOOST_TEST(a->creds.access_key_id == "K1");
    BOOST_TEST(b->creds.access_key_id == "K1");

    now = t0 + 54min;  // 6 minutes before expiry: outside the 5-minute window
    auto c = start();
    settle();
    BOOST_TEST(c->creds.access_key_id == "K1");
    BOOST_TEST(inner->fetches == 1);
}

BOOST_FIXTURE_TEST_CASE(refresh_ahead_serves_the_cached_credentials_meanwhile, cache_fixture) {
    start();
    settle();
    inner->succeed(expiring("K1", t0 + 1h));
    settle();

    now = t0 + 56min;  // inside the window: served at once, one background refresh starts
    auto a = start();
    auto b = start();
    settle();
    BOOST_TEST((a->done && b->done));
    BOOST_TEST(a->creds.access_key_id == "K1");
    BOOST_TEST(inner->fetches == 2);
    BOOST_TEST(inner->waiting() == 1u);  // the refresh is still in flight

    inner->succeed(expiring("K2", t0 + 2h));
    settle();
    auto c = start();
    settle();
    BOOST_TEST(c->creds.access_key_id == "K2");
    BOOST_TEST(inner->fetches == 2);
}

BOOST_FIXTURE_TEST_CASE(a_failed_refresh_keeps_serving_valid_credentials, cache_fixture) {
    start();
    settle();
    inner->succeed(expiring("K1", t0 + 1h));
    settle();

    now = t0 + 56min;
    start();
    settle();
    inner->fail("manual: service unavailable");
    settle();
    auto a = start();  // within the backoff: no new fetch
    settle();
    BOOST_TEST(!a->ec);
    BOOST_TEST(a->creds.access_key_id == "K1");
    BOOST_TEST(inner->fetches == 2);

    now += 11s;  // after the backoff: another background attempt
    auto b = start();
    settle();
    BOOST_TEST(b->creds.access_key_id == "K1");
    BOOST_TEST(inner->fetches == 3);
    inner->fail("manual: still unavailable");
    settle();

    now = t0 + 1h - 10s;  // within the expiry margin: no longer served, callers wait
    auto c = start();
    settle();
    BOOST_TEST(!c->done);
    BOOST_TEST(inner->fetches == 4);
    inner->fail("manual: down");
    settle();
    BOOST_TEST(c->done);
    BOOST_TEST((c->ec == ivsrt::errc::credentials));
    BOOST_TEST(c->diag.message == "manual: down");
}

BOOST_FIXTURE_TEST_CASE(expired_answers_are_errors_naming_the_provider, cache_fixture) {
    auto a = start();
    settle();
    inner->succeed(expiring("OLD", t0 - 1s));
    settle();
    BOOST_TEST((a->ec == ivsrt::errc::credentials));
    BOOST_TEST(a->diag.message ==
               "manual: returned credentials that are expired or about to expire (expiration "
               "2029-12-30T23:59:59Z)");
    check_no_secret(a->diag.message);
}

BOOST_FIXTURE_TEST_CASE(credentials_without_expiry_are_kept, cache_fixture) {
    start();
    settle();
    inner->succeed(keys("FOREVER", secret_key));
    settle();
    now += 24h * 365;
    auto a = start();
    settle();
    BOOST_TEST(a->creds.access_key_id == "FOREVER");
    BOOST_TEST(inner->fetches == 1);
}

BOOST_FIXTURE_TEST_CASE(a_cancelled_waiter_leaves_the_fetch_to_the_others, cache_fixture) {
    asio::cancellation_signal signal;
    auto cancelled = start(signal.slot());
    auto other = start();
    settle();
    signal.emit(asio::cancellation_type::terminal);
    settle();
    BOOST_TEST(cancelled->done);
    BOOST_TEST((cancelled->ec == ivsrt::errc::cancelled));
    BOOST_TEST(!other->done);
    inner->succeed(expiring("K1", t0 + 1h));
    settle();
    BOOST_TEST(other->creds.access_key_id == "K1");
    BOOST_TEST(inner->fetches == 1);
}

// shutdown(): the waiting caller completes with errc::cancelled at once, the fetch in flight is
// left to end (its answer serves nobody), no refresh starts, and later gets fail the same way.
BOOST_FIXTURE_TEST_CASE(shutdown_ends_the_waiters_and_the_refreshes, cache_fixture) {
    start();
    settle();
    inner->succeed(expiring("K1", t0 + 1h));
    settle();
    now = t0 + 1h - 10s;  // within the expiry margin: callers wait for a fetch
    auto waiting = start();
    settle();
    BOOST_TEST(inner->fetches == 2);
    cached.shutdown();
    settle();
    BOOST_TEST(waiting->done);
    BOOST_TEST((waiting->ec == ivsrt::errc::cancelled));
    BOOST_TEST(waiting->diag.message == "credentials: the provider was shut down");
    inner->succeed(expiring("K2", t0 + 2h));
    settle();

    now = t0 + 1h + 56min;  // K2 would be due for a refresh ahead
    BOOST_TEST(!cached.try_get());
    auto later = start();
    settle();
    BOOST_TEST((later->ec == ivsrt::errc::cancelled));
    BOOST_TEST(inner->fetches == 2);
    cached.shutdown();  // again: nothing
}

BOOST_FIXTURE_TEST_CASE(a_thousand_concurrent_callers_share_one_imds_fetch, io_fixture) {
    scripted_server server(ioc, imds::imds_script{});
    std::atomic<time_point> now{year_2030 - 2h};
    auto o = options({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", server.url()}});
    const auto provider = ivsrt::make_cached_provider(
        ioc.get_executor(), ivsrt::make_imds_provider(ioc.get_executor(), o),
        {300s, 10s, 10s, [&] { return now.load(); }});

    constexpr int callers = 1000;
    auto round = [&] {
        std::atomic<int> ok{0}, finished{0};
        for (int i = 0; i < callers; ++i) {
            asio::co_spawn(
                ioc,
                [&]() -> asio::awaitable<void> {
                    ivsrt::credentials_diagnostics diag;
                    auto [ec, c] =
                        co_await provider.async_get(diag, asio::as_tuple(asio::use_awaitable));
                    ok += !ec && c.access_key_id == "ASIAHTTPEXAMPLE";
                    if (++finished == callers) ioc.stop();
                },
                asio::detached);
        }
        asio::steady_timer guard(ioc, 30s);  // turns a hang into a failure
        guard.async_wait([&](boost::system::error_code ec) {
            if (!ec) ioc.stop();
        });
        ioc.restart();
        std::thread second([&] { ioc.run(); });
        ioc.run();
        second.join();
        return ok.load();
    };
    const std::string role = "/latest/meta-data/iam/security-credentials/";

    // An empty cache: every caller waits for the one fetch.
    BOOST_TEST(round() == callers);
    BOOST_TEST(server.count(http::verb::put, "/latest/api/token") == 1u);
    BOOST_TEST(server.count(http::verb::get, role) == 1u);
    BOOST_TEST(server.count(http::verb::get, role + "app-role") == 1u);

    // Inside the refresh window: every caller is served at once, one refresh runs behind them.
    now = year_2030 - 4min;
    BOOST_TEST(round() == callers);
    run_until(ioc, [&] { return server.count(http::verb::get, role + "app-role") == 2u; });
    BOOST_TEST(server.count(http::verb::put, "/latest/api/token") == 2u);
}

BOOST_AUTO_TEST_SUITE_END()

// =============================================================================================
BOOST_FIXTURE_TEST_SUITE(chains, io_fixture)

BOOST_AUTO_TEST_CASE(a_chain_skips_unconfigured_providers_and_stops_at_a_failure) {
    const auto ex = ioc.get_executor();
    const auto none = ivsrt::make_environment_provider(ex, ivsrt::environment(vars{}));
    const auto broken =
        ivsrt::make_environment_provider(ex, ivsrt::environment(vars{{"AWS_ACCESS_KEY_ID", "A"}}));
    const auto good = ivsrt::make_static_provider(ex, keys("GOOD", secret_key));

    auto r = get(ivsrt::make_chain_provider(ex, {none, good}));
    BOOST_TEST(r.creds.access_key_id == "GOOD");
    r = get(ivsrt::make_chain_provider(ex, {none, broken, good}));
    expect_failure(r,
                   "environment: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not "
                   "(skipped: environment: AWS_ACCESS_KEY_ID is not set)");
    r = get(ivsrt::make_chain_provider(ex, {none, none}, "mine"));
    expect_failure(r,
                   "mine: no provider is configured: environment: AWS_ACCESS_KEY_ID is not set; "
                   "environment: AWS_ACCESS_KEY_ID is not set",
                   true);
    expect_failure(get(ivsrt::make_chain_provider(ex, {})), "chain: no provider in the chain",
                   true);
}

const std::string fixture_home = IVSRT_TEST_DATA_DIR "/credentials/home";

// The default chain with IMDS off unless the test points it at its server.
result default_chain(asio::io_context& ioc, vars v, std::optional<std::string> sts = {}) {
    v.emplace("AWS_EC2_METADATA_DISABLED", "true");
    auto o = options(std::move(v));
    o.sts_endpoint = std::move(sts);
    return get_on(ioc, ivsrt::make_default_provider(ioc.get_executor(), o));
}

BOOST_AUTO_TEST_CASE(default_chain_order) {
    temp_dir dir;
    const auto token_file = dir.write("token", web_token);
    scripted_server sts(ioc, [](const request_t&) {
        return reply{200, web_identity::sts_answer(web_identity::good_credentials)};
    });
    scripted_server container_server(ioc, container::container_ok);
    scripted_server metadata(ioc, imds::imds_script{});

    const vars environment{{"AWS_ACCESS_KEY_ID", "AKIDENV"}, {"AWS_SECRET_ACCESS_KEY", "s"}};
    const vars web{{"AWS_WEB_IDENTITY_TOKEN_FILE", token_file},
                   {"AWS_ROLE_ARN", web_identity::role_arn}};
    const vars profile{{"HOME", fixture_home}};
    const vars container_uri{{"AWS_CONTAINER_CREDENTIALS_FULL_URI", container_server.url("/c")}};
    auto all = [](std::initializer_list<vars> parts) {
        vars v;
        for (auto p : parts) v.merge(p);
        return v;
    };

    BOOST_TEST(default_chain(ioc, all({environment, web, profile, container_uri}), sts.url())
                   .creds.provider == "environment");
    BOOST_TEST(default_chain(ioc, all({web, profile, container_uri}), sts.url()).creds.provider ==
               "web_identity");
    BOOST_TEST(default_chain(ioc, all({profile, container_uri})).creds.provider == "profile");
    BOOST_TEST(default_chain(ioc, container_uri).creds.provider == "container");
    auto r = get(ivsrt::make_default_provider(
        ioc.get_executor(), options({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", metadata.url()}})));
    BOOST_TEST(r.creds.provider == "imds");
    BOOST_TEST(sts.requests().size() == 1u);
    BOOST_TEST(container_server.requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(default_chain_reports_every_provider_when_none_is_configured) {
    expect_failure(
        default_chain(ioc, {{"HOME", "/nonexistent-ivsrt"}}),
        "default chain: no provider is configured: "
        "environment: AWS_ACCESS_KEY_ID is not set; "
        "web_identity: AWS_WEB_IDENTITY_TOKEN_FILE is not set; "
        "profile: no profile 'default' in the config file /nonexistent-ivsrt/.aws/config "
        "or the credentials file /nonexistent-ivsrt/.aws/credentials; "
        "container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and "
        "AWS_CONTAINER_CREDENTIALS_FULL_URI are not set; "
        "imds: disabled by AWS_EC2_METADATA_DISABLED",
        true);
}

BOOST_AUTO_TEST_CASE(default_chain_stops_at_a_broken_profile) {
    temp_dir dir;
    scripted_server container_server(ioc, container::container_ok);
    const auto config = dir.write("config", "[default]\nregion\n");
    expect_failure(
        default_chain(ioc, {{"AWS_CONFIG_FILE", config},
                            {"AWS_CONTAINER_CREDENTIALS_FULL_URI", container_server.url("/c")}}),
        "profile: " + config + ":2: expected '=' in a property line");
    BOOST_TEST(container_server.requests().empty());
}

BOOST_AUTO_TEST_SUITE_END()
