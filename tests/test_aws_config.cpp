// Tests for ivsrt/aws_config.hpp: the environment, the shared config and credentials files, and
// the precedence of every setting. The environment and the home directory are always injected;
// the real process environment and ~/.aws are never read.
#define BOOST_TEST_MODULE test_aws_config
#include <boost/test/unit_test.hpp>

#include "common/temp_dir.hpp"

#include <ivsrt/aws_config.hpp>
#include <ivsrt/detail/ini.hpp>
#include <ivsrt/error.hpp>

#include <boost/system/system_error.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

namespace {

using vars = std::map<std::string, std::string, std::less<>>;

const std::string fixture_home = IVSRT_TEST_DATA_DIR "/credentials/home";

using ivsrt_test::temp_dir;

ivsrt::config_sources sources(vars v) {
    ivsrt::config_sources s;
    s.env = ivsrt::environment(std::move(v));
    return s;
}

ivsrt::aws_settings resolve(vars v, const ivsrt::explicit_settings& x = {}) {
    return ivsrt::resolve_settings(x, sources(std::move(v)));
}

// The message of the system_error `f` throws (the test fails when it throws none).
template <class F>
std::string error_of(F f) {
    try {
        f();
    } catch (const boost::system::system_error& e) {
        BOOST_TEST((e.code() == boost::system::errc::invalid_argument));
        return e.what();
    }
    BOOST_FAIL("no exception");
    return {};
}

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

ivsrt::detail::profile_set parse(std::string_view text, ivsrt::detail::profile_file_kind kind) {
    ivsrt::detail::profile_set out;
    std::string error;
    BOOST_TEST_REQUIRE(ivsrt::detail::parse_profile_file(text, "/f", kind, out, error), error);
    return out;
}

std::string parse_error(std::string_view text) {
    ivsrt::detail::profile_set out;
    std::string error;
    BOOST_TEST(!ivsrt::detail::parse_profile_file(
        text, "/home/u/.aws/config", ivsrt::detail::profile_file_kind::config, out, error));
    BOOST_TEST(out.profiles.empty());  // a malformed file contributes nothing
    return error;
}

std::string value(const ivsrt::detail::profile_set& set, const std::string& profile,
                  std::string_view key) {
    auto it = set.profiles.find(profile);
    BOOST_TEST_REQUIRE((it != set.profiles.end()), "no profile " << profile);
    const auto* p = it->second.find(key);
    BOOST_TEST_REQUIRE(p, "no key " << key);
    return p->value;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(environment)

BOOST_AUTO_TEST_CASE(fixed_variables_are_looked_up_and_empty_means_unset) {
    const ivsrt::environment env(vars{{"AWS_REGION", "eu-west-1"}, {"AWS_PROFILE", ""}});
    BOOST_TEST(env.get("AWS_REGION").value_or("none") == "eu-west-1");
    BOOST_TEST(!env.get("AWS_PROFILE"));
    BOOST_TEST(!env.get("HOME"));
}

BOOST_AUTO_TEST_CASE(a_lookup_function_is_called_with_the_name) {
    const ivsrt::environment env([](std::string_view name) -> std::optional<std::string> {
        if (name == "A") return "1";
        return std::nullopt;
    });
    BOOST_TEST(env.get("A").value_or("") == "1");
    BOOST_TEST(!env.get("B"));
}

BOOST_AUTO_TEST_CASE(the_default_reads_the_process_environment) {
    ::setenv("IVSRT_TEST_AWS_CONFIG_VARIABLE", "yes", 1);
    BOOST_TEST(ivsrt::environment().get("IVSRT_TEST_AWS_CONFIG_VARIABLE").value_or("") == "yes");
    ::unsetenv("IVSRT_TEST_AWS_CONFIG_VARIABLE");
    BOOST_TEST(!ivsrt::environment().get("IVSRT_TEST_AWS_CONFIG_VARIABLE"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(profile_files)

using ivsrt::detail::profile_file_kind;

BOOST_AUTO_TEST_CASE(config_sections_comments_and_values) {
    const auto set = parse(
        "# comment\n"
        "; comment\n"
        "[default]\n"
        "region=us-east-1\n"
        "[ profile   dev ]   # comment after a header\n"
        "  region = eu-west-1 ; comment after whitespace\n"
        "  endpoint_url = http://h/p;x#y\n"  // ';' and '#' without whitespace are kept
        "empty =\n"
        "[profile spaced]\r\n"  // CRLF
        "key = a b  c \r\n",
        profile_file_kind::config);
    BOOST_TEST(value(set, "default", "region") == "us-east-1");
    BOOST_TEST(value(set, "dev", "region") == "eu-west-1");
    BOOST_TEST(value(set, "dev", "endpoint_url") == "http://h/p;x#y");
    BOOST_TEST(value(set, "dev", "empty") == "");
    BOOST_TEST(value(set, "spaced", "key") == "a b  c");
    BOOST_TEST(set.profiles.at("dev").find("region")->location == "/f:6");
    BOOST_TEST(set.profiles.at("dev").location == "/f:5");
}

BOOST_AUTO_TEST_CASE(indented_lines_continue_values_or_hold_sub_properties) {
    const auto set = parse(
        "[services s]\n"
        "ivs_realtime =\n"
        "  endpoint_url = http://localhost:1234/base\n"
        "  other = x\n"
        "s3 =\n"
        "    endpoint_url = http://localhost:9000\n"
        "[profile p]\n"
        "  indented = 1\n"  // an indented first property is a property
        "  next = 2\n"
        "long = first\n"
        "   second\n",
        profile_file_kind::config);
    const auto& services = set.services.at("s");
    BOOST_TEST(services.find("ivs_realtime")->sub_properties.at("endpoint_url") ==
               "http://localhost:1234/base");
    BOOST_TEST(services.find("ivs_realtime")->sub_properties.at("other") == "x");
    BOOST_TEST(services.find("s3")->sub_properties.at("endpoint_url") == "http://localhost:9000");
    BOOST_TEST(value(set, "p", "indented") == "1");
    BOOST_TEST(value(set, "p", "next") == "2");
    BOOST_TEST(value(set, "p", "long") == "first\nsecond");
}

BOOST_AUTO_TEST_CASE(profile_default_wins_over_bare_default_and_other_sections_are_skipped) {
    const auto set = parse(
        "[profile default]\n"
        "region = from-profile-default\n"
        "[default]\n"
        "region = from-bare-default\n"
        "output = json\n"
        "[sso-session corp]\n"
        "sso_region = us-east-1\n"
        "[plain]\n"  // bare names are not profiles in the config file
        "region = nope\n",
        profile_file_kind::config);
    BOOST_TEST(value(set, "default", "region") == "from-profile-default");
    BOOST_TEST(!set.profiles.at("default").find("output"));
    BOOST_TEST(set.profiles.size() == 1u);
}

BOOST_AUTO_TEST_CASE(credentials_file_sections_are_profile_names) {
    const auto set = parse(
        "[default]\n"
        "aws_access_key_id = A\n"
        "[dev]\n"
        "aws_access_key_id = B\n",
        profile_file_kind::credentials);
    BOOST_TEST(value(set, "default", "aws_access_key_id") == "A");
    BOOST_TEST(value(set, "dev", "aws_access_key_id") == "B");
}

BOOST_AUTO_TEST_CASE(later_files_override_earlier_ones_key_by_key) {
    ivsrt::detail::profile_set set;
    std::string error;
    BOOST_TEST(ivsrt::detail::parse_profile_file("[profile dev]\nregion = a\noutput = json\n",
                                                 "/config", profile_file_kind::config, set, error));
    BOOST_TEST(ivsrt::detail::parse_profile_file("[dev]\nregion = b\n", "/credentials",
                                                 profile_file_kind::credentials, set, error));
    BOOST_TEST(value(set, "dev", "region") == "b");
    BOOST_TEST(value(set, "dev", "output") == "json");
    BOOST_TEST(set.profiles.at("dev").find("region")->location == "/credentials:2");
}

BOOST_AUTO_TEST_CASE(malformed_lines_name_file_and_line_but_never_the_value) {
    BOOST_TEST(parse_error("[default]\nregion = x\n[profile dev\n") ==
               "/home/u/.aws/config:3: section header has no closing ']'");
    BOOST_TEST(parse_error("[default]\naws_secret_access_key wJalrXUtnFEMI\n") ==
               "/home/u/.aws/config:2: expected '=' in a property line");
    BOOST_TEST(parse_error("region = us-east-1\n") ==
               "/home/u/.aws/config:1: property outside of a section");
    BOOST_TEST(parse_error("[default]\n = value\n") ==
               "/home/u/.aws/config:2: property has no name");
    BOOST_TEST(parse_error("[default] trailing\n") ==
               "/home/u/.aws/config:1: unexpected text after the section header");
    BOOST_TEST(parse_error("\n[]\n") == "/home/u/.aws/config:2: section header has no name");
    BOOST_TEST(parse_error("[services s]\nivs_realtime =\n  endpoint_url\n") ==
               "/home/u/.aws/config:3: expected 'name = value' in a sub-property line");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(shared_config)

BOOST_AUTO_TEST_CASE(files_come_from_home_and_aws_profile_selects_the_profile) {
    ivsrt::detail::shared_config config;
    std::string error;
    BOOST_TEST_REQUIRE(
        ivsrt::detail::load_shared_config(sources({{"HOME", fixture_home}, {"AWS_PROFILE", "dev"}}),
                                          config, error),
        error);
    BOOST_TEST(config.config_path == fixture_home + "/.aws/config");
    BOOST_TEST(config.credentials_path == fixture_home + "/.aws/credentials");
    BOOST_TEST(config.any_file);
    BOOST_TEST(config.profile_name == "dev");
    BOOST_TEST(config.profile_explicit);
    BOOST_TEST_REQUIRE(config.profile());
    // Both files contribute to the one profile.
    BOOST_TEST(config.profile()->find("region")->value == "eu-west-1");
    BOOST_TEST(config.profile()->find("aws_access_key_id")->value == "AKIDDEVEXAMPLE");
}

BOOST_AUTO_TEST_CASE(variables_and_explicit_sources_name_the_files) {
    temp_dir dir;
    const auto config_file = dir.write("c/config", "[profile x]\nregion = from-c\n");
    const auto credentials_file = dir.write("k/credentials", "[x]\naws_access_key_id = K\n");
    ivsrt::detail::shared_config config;
    std::string error;
    BOOST_TEST_REQUIRE(ivsrt::detail::load_shared_config(
                           sources({{"AWS_CONFIG_FILE", config_file},
                                    {"AWS_SHARED_CREDENTIALS_FILE", credentials_file},
                                    {"AWS_PROFILE", "x"}}),
                           config, error),
                       error);
    BOOST_TEST(config.profile()->find("region")->value == "from-c");
    BOOST_TEST(config.profile()->find("aws_access_key_id")->value == "K");

    // Explicit sources win over the variables; "~/" is the injected home directory.
    auto s = sources({{"AWS_CONFIG_FILE", "/nonexistent"}, {"AWS_PROFILE", "nonexistent"}});
    s.home_directory = dir.path.string();
    s.config_file = "~/c/config";
    s.credentials_file = "~/k/credentials";
    s.profile = "x";
    BOOST_TEST_REQUIRE(ivsrt::detail::load_shared_config(s, config, error), error);
    BOOST_TEST(config.config_path == config_file);
    BOOST_TEST(config.profile()->find("region")->value == "from-c");
}

BOOST_AUTO_TEST_CASE(missing_files_and_unknown_home_are_not_errors) {
    ivsrt::detail::shared_config config;
    std::string error;
    BOOST_TEST(ivsrt::detail::load_shared_config(sources({}), config, error));
    BOOST_TEST(!config.any_file);
    BOOST_TEST(config.config_path == "~/.aws/config");  // no HOME: never read
    BOOST_TEST(config.profile_name == "default");
    BOOST_TEST(!config.profile_explicit);
    BOOST_TEST(!config.profile());

    BOOST_TEST(ivsrt::detail::load_shared_config(sources({{"HOME", "/nonexistent-ivsrt"}}), config,
                                                 error));
    BOOST_TEST(!config.any_file);
}

BOOST_AUTO_TEST_CASE(an_unreadable_file_is_an_error_naming_it) {
    temp_dir dir;
    std::filesystem::create_directories(dir.path / "config-is-a-directory");
    ivsrt::detail::shared_config config;
    std::string error;
    const auto path = (dir.path / "config-is-a-directory").string();
    BOOST_TEST(
        !ivsrt::detail::load_shared_config(sources({{"AWS_CONFIG_FILE", path}}), config, error));
    BOOST_TEST(contains(error, "cannot read " + path), error);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(settings)

BOOST_AUTO_TEST_CASE(defaults_without_any_source) {
    const auto s = resolve({});
    BOOST_TEST(s.profile == "default");
    BOOST_TEST(!s.region);
    BOOST_TEST(!s.use_fips);
    BOOST_TEST(!s.use_dual_stack);
    BOOST_TEST(!s.endpoint_url);
    BOOST_TEST(s.max_attempts == 3u);
    BOOST_TEST((s.retry_mode == ivsrt::retry_mode::standard));
    BOOST_TEST(!s.ca_bundle);
    BOOST_TEST(!s.sdk_ua_app_id);
}

BOOST_AUTO_TEST_CASE(region_explicit_then_aws_region_then_aws_default_region_then_profile) {
    const vars all{{"HOME", fixture_home},
                   {"AWS_REGION", "from-aws-region"},
                   {"AWS_DEFAULT_REGION", "from-default-region"}};
    ivsrt::explicit_settings x;
    x.region = "from-code";
    BOOST_TEST(resolve(all, x).region.value_or("") == "from-code");
    BOOST_TEST(resolve(all).region.value_or("") == "from-aws-region");
    BOOST_TEST(resolve({{"HOME", fixture_home}, {"AWS_DEFAULT_REGION", "from-default-region"}})
                   .region.value_or("") == "from-default-region");
    BOOST_TEST(resolve({{"HOME", fixture_home}}).region.value_or("") == "us-west-2");
    BOOST_TEST(resolve({{"HOME", fixture_home}, {"AWS_PROFILE", "dev"}}).region.value_or("") ==
               "eu-west-1");
    x.region = "";
    BOOST_TEST(contains(error_of([&] { resolve({}, x); }), "region must not be empty"));
}

BOOST_AUTO_TEST_CASE(every_setting_from_the_profile) {
    const auto s = resolve({{"HOME", fixture_home}, {"AWS_PROFILE", "dev"}});
    BOOST_TEST(s.profile == "dev");
    BOOST_TEST(s.use_fips);
    BOOST_TEST(s.use_dual_stack);  // "TRUE": case-insensitive
    BOOST_TEST((s.retry_mode == ivsrt::retry_mode::adaptive));
    BOOST_TEST(s.ca_bundle.value_or("") == "/etc/ssl/dev-ca.pem");
    BOOST_TEST(s.sdk_ua_app_id.value_or("") == "dev-app");
    // The services section wins over the profile's own endpoint_url.
    BOOST_TEST(s.endpoint_url.value_or("") == "http://localhost:4566/base");
    BOOST_TEST(resolve({{"HOME", fixture_home}}).max_attempts == 5u);
}

BOOST_AUTO_TEST_CASE(environment_wins_over_profile_and_explicit_wins_over_both) {
    const vars env{{"HOME", fixture_home},
                   {"AWS_PROFILE", "dev"},
                   {"AWS_USE_FIPS_ENDPOINT", "false"},
                   {"AWS_USE_DUALSTACK_ENDPOINT", "false"},
                   {"AWS_MAX_ATTEMPTS", "7"},
                   {"AWS_RETRY_MODE", "standard"},
                   {"AWS_CA_BUNDLE", "/env/ca.pem"},
                   {"AWS_SDK_UA_APP_ID", "env-app"}};
    const auto s = resolve(env);
    BOOST_TEST(!s.use_fips);
    BOOST_TEST(!s.use_dual_stack);
    BOOST_TEST(s.max_attempts == 7u);
    BOOST_TEST((s.retry_mode == ivsrt::retry_mode::standard));
    BOOST_TEST(s.ca_bundle.value_or("") == "/env/ca.pem");
    BOOST_TEST(s.sdk_ua_app_id.value_or("") == "env-app");

    ivsrt::explicit_settings x;
    x.use_fips = true;
    x.use_dual_stack = true;
    x.max_attempts = 1;
    x.retry_mode = ivsrt::retry_mode::adaptive;
    x.ca_bundle = "/code/ca.pem";
    x.sdk_ua_app_id = "code-app";
    const auto e = resolve(env, x);
    BOOST_TEST(e.use_fips);
    BOOST_TEST(e.use_dual_stack);
    BOOST_TEST(e.max_attempts == 1u);
    BOOST_TEST((e.retry_mode == ivsrt::retry_mode::adaptive));
    BOOST_TEST(e.ca_bundle.value_or("") == "/code/ca.pem");
    BOOST_TEST(e.sdk_ua_app_id.value_or("") == "code-app");
}

BOOST_AUTO_TEST_CASE(endpoint_url_precedence) {
    const vars dev{{"HOME", fixture_home}, {"AWS_PROFILE", "dev"}};
    auto with = [&](vars more) {
        vars v = dev;
        v.merge(more);
        return resolve(v).endpoint_url.value_or("none");
    };
    BOOST_TEST(with({{"AWS_ENDPOINT_URL_IVS_REALTIME", "http://service:1"},
                     {"AWS_ENDPOINT_URL", "http://global:2"}}) == "http://service:1");
    BOOST_TEST(with({{"AWS_ENDPOINT_URL", "http://global:2"}}) == "http://global:2");
    BOOST_TEST(with({}) == "http://localhost:4566/base");  // [services local-ivs]
    BOOST_TEST(
        resolve({{"HOME", fixture_home}, {"AWS_PROFILE", "plain"}}).endpoint_url.value_or("none") ==
        "https://plain.example.com:8443/path");
    BOOST_TEST(resolve({{"HOME", fixture_home}}).endpoint_url.value_or("none") == "none");

    ivsrt::explicit_settings x;
    x.endpoint_url = "https://code.example.com";
    BOOST_TEST(resolve({{"AWS_ENDPOINT_URL", "http://global:2"}}, x).endpoint_url.value_or("") ==
               "https://code.example.com");
}

BOOST_AUTO_TEST_CASE(ignore_configured_endpoint_urls_drops_all_but_the_explicit_one) {
    const vars dev{{"HOME", fixture_home},
                   {"AWS_PROFILE", "dev"},
                   {"AWS_ENDPOINT_URL", "http://global:2"},
                   {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"}};
    BOOST_TEST(!resolve(dev).endpoint_url);

    ivsrt::explicit_settings x;
    x.endpoint_url = "https://code.example.com";
    BOOST_TEST(resolve(dev, x).endpoint_url.value_or("") == "https://code.example.com");

    temp_dir dir;
    const auto config = dir.write("config",
                                  "[default]\n"
                                  "endpoint_url = http://profile:3\n"
                                  "ignore_configured_endpoint_urls = true\n");
    BOOST_TEST(!resolve({{"AWS_CONFIG_FILE", config}}).endpoint_url);
    // The variable wins over the profile key, and explicit configuration over both.
    BOOST_TEST(
        resolve({{"AWS_CONFIG_FILE", config}, {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false"}})
            .endpoint_url.value_or("") == "http://profile:3");
    ivsrt::explicit_settings dont;
    dont.ignore_configured_endpoint_urls = false;
    BOOST_TEST(resolve({{"AWS_CONFIG_FILE", config}}, dont).endpoint_url.value_or("") ==
               "http://profile:3");
}

BOOST_AUTO_TEST_CASE(endpoint_urls_must_be_http_or_https_with_host_port_and_path_only) {
    BOOST_TEST(
        resolve({{"AWS_ENDPOINT_URL", "http://[::1]:8080/base/path"}}).endpoint_url.value_or("") ==
        "http://[::1]:8080/base/path");
    BOOST_TEST(contains(error_of([] {
                            resolve({{"AWS_ENDPOINT_URL", "ftp://host"}});
                        }),
                        "ivsrt settings: AWS_ENDPOINT_URL must use http or https, got 'ftp'"));
    BOOST_TEST(contains(error_of([] {
                            resolve({{"AWS_ENDPOINT_URL", "not-a-url"}});
                        }),
                        "AWS_ENDPOINT_URL must be an absolute http or https URL"));
    BOOST_TEST(contains(error_of([] {
                            resolve({{"AWS_ENDPOINT_URL", "https://h/?q=1"}});
                        }),
                        "AWS_ENDPOINT_URL must not have a query or fragment"));
    const auto userinfo = error_of([] {
        resolve({{"AWS_ENDPOINT_URL_IVS_REALTIME", "https://user:pw@h/"}});
    });
    BOOST_TEST(
        contains(userinfo, "AWS_ENDPOINT_URL_IVS_REALTIME must not contain user information"));
    BOOST_TEST(!contains(userinfo, "pw"));
    ivsrt::explicit_settings x;
    x.endpoint_url = "tcp://h";
    BOOST_TEST(contains(error_of([&] { resolve({}, x); }), "endpoint_url must use http or https"));
}

// Control characters or whitespace (a line break would reach the Host header): errc::endpoint,
// naming the source, never quoting the URL.
BOOST_AUTO_TEST_CASE(endpoint_urls_with_control_characters_are_endpoint_errors) {
    const auto message = [](vars v, const ivsrt::explicit_settings& x = {}) -> std::string {
        try {
            resolve(std::move(v), x);
        } catch (const boost::system::system_error& e) {
            BOOST_TEST((e.code() == ivsrt::errc::endpoint));
            return e.what();
        }
        BOOST_FAIL("no exception");
        return {};
    };
    for (std::string bad : {std::string("\r\nX-Injected: 1"), std::string(1, '\0'),
                            std::string("\t"), std::string(" ")}) {
        const std::string url = "http://h" + bad + "SECRETPART/";
        std::string m = message({{"AWS_ENDPOINT_URL", url}});
        BOOST_TEST(
            contains(m, "AWS_ENDPOINT_URL must not contain control characters or whitespace"));
        BOOST_TEST(!contains(m, "SECRETPART"));
        ivsrt::explicit_settings x;
        x.endpoint_url = url;
        m = message({}, x);
        BOOST_TEST(contains(m, "ivsrt settings: endpoint_url must not contain control characters"));
        BOOST_TEST(!contains(m, "SECRETPART"));
    }
}

BOOST_AUTO_TEST_CASE(malformed_values_name_the_source_and_the_rule) {
    BOOST_TEST(contains(error_of([] {
                            resolve({{"AWS_USE_FIPS_ENDPOINT", "yes"}});
                        }),
                        "AWS_USE_FIPS_ENDPOINT must be true or false, got 'yes'"));
    BOOST_TEST(contains(error_of([] {
                            resolve({{"AWS_MAX_ATTEMPTS", "0"}});
                        }),
                        "AWS_MAX_ATTEMPTS must be at least 1"));
    BOOST_TEST(contains(error_of([] {
                            resolve({{"AWS_MAX_ATTEMPTS", "3x"}});
                        }),
                        "AWS_MAX_ATTEMPTS must be a positive integer, got '3x'"));
    BOOST_TEST(contains(error_of([] {
                            resolve({{"AWS_RETRY_MODE", "fast"}});
                        }),
                        "AWS_RETRY_MODE must be standard, adaptive or legacy, got 'fast'"));
    BOOST_TEST((resolve({{"AWS_RETRY_MODE", "legacy"}}).retry_mode == ivsrt::retry_mode::standard));
    ivsrt::explicit_settings x;
    x.max_attempts = 0;
    BOOST_TEST(contains(error_of([&] { resolve({}, x); }), "max_attempts must be at least 1"));

    temp_dir dir;
    const auto config =
        dir.write("config", "[default]\nregion = r\n\nuse_dualstack_endpoint = 1\n");
    BOOST_TEST(contains(error_of([&] {
                            resolve({{"AWS_CONFIG_FILE", config}});
                        }),
                        "use_dualstack_endpoint in profile 'default' (" + config +
                            ":4) must be true or false, got '1'"));
}

BOOST_AUTO_TEST_CASE(a_services_key_without_its_section_is_an_error) {
    temp_dir dir;
    const auto config = dir.write("config", "[default]\nservices = missing\n");
    BOOST_TEST(contains(
        error_of([&] {
            resolve({{"AWS_CONFIG_FILE", config}});
        }),
        "services in profile 'default' (" + config + ":2): no [services missing] section"));
}

BOOST_AUTO_TEST_CASE(a_malformed_file_is_an_error_and_a_missing_profile_is_not) {
    temp_dir dir;
    const auto config = dir.write("config", "[default]\nregion us-east-1\n");
    BOOST_TEST(contains(error_of([&] {
                            resolve({{"AWS_CONFIG_FILE", config}});
                        }),
                        config + ":2: expected '=' in a property line"));
    const auto s = resolve({{"HOME", fixture_home}, {"AWS_PROFILE", "nonexistent"}});
    BOOST_TEST(s.profile == "nonexistent");
    BOOST_TEST(!s.region);
    BOOST_TEST(s.max_attempts == 3u);
}

BOOST_AUTO_TEST_SUITE_END()
