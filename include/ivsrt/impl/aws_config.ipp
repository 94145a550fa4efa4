// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <ivsrt/aws_config.hpp>
#include <ivsrt/detail/http_text.hpp>
#include <ivsrt/detail/ini.hpp>
#include <ivsrt/error.hpp>

#include <boost/system/errc.hpp>
#include <boost/system/system_error.hpp>
#include <ivsrt/error.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <system_error>

namespace ivsrt {

IVSRT_DECL environment::environment()
    : lookup_([](std::string_view name) -> std::optional<std::string> {
          const char* value = std::getenv(std::string(name).c_str());
          if (!value) return std::nullopt;
          return std::string(value);
      }) {}

IVSRT_DECL environment::environment(std::map<std::string, std::string, std::less<>> variables)
    : lookup_([vars = std::move(variables)](std::string_view name) -> std::optional<std::string> {
          auto it = vars.find(name);
          if (it == vars.end()) return std::nullopt;
          return it->second;
      }) {}

IVSRT_DECL std::optional<std::string> environment::get(std::string_view name) const {
    if (!lookup_) return std::nullopt;
    auto value = lookup_(name);
    if (value && value->empty()) return std::nullopt;
    return value;
}

namespace detail {

namespace ini_impl {

inline bool is_blank(char c) noexcept {
    return c == ' ' || c == '\t';
}

inline std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
    return s;
}

// Cuts `line` at the first comment character ('#' or ';'); in property lines one only starts a
// comment after whitespace, so that values such as URLs with ';' survive.
inline std::string_view strip_comment(std::string_view line, bool needs_blank) noexcept {
    bool after_blank = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if ((c == '#' || c == ';') && (after_blank || !needs_blank)) return trim(line.substr(0, i));
        after_blank = is_blank(c);
    }
    return trim(line);
}

inline std::string location(std::string_view path, std::size_t line) {
    return std::string(path) + ":" + std::to_string(line);
}

inline void merge_into(std::map<std::string, profile_section, std::less<>>& to,
                       std::map<std::string, profile_section, std::less<>>& from) {
    for (auto& [name, section] : from) {
        auto& target = to[name];
        if (target.location.empty()) target.location = section.location;
        for (auto& [key, property] : section.properties)
            target.properties[key] = std::move(property);
    }
}

}  // namespace ini_impl

IVSRT_DECL const profile_property* profile_section::find(std::string_view name) const {
    auto it = properties.find(name);
    return it == properties.end() ? nullptr : &it->second;
}

IVSRT_DECL bool parse_profile_file(std::string_view text, std::string_view path,
                                   profile_file_kind kind, profile_set& out, std::string& error) {
    using namespace ini_impl;
    profile_set file;              // merged into `out` only when the whole file is well-formed
    profile_section bare_default;  // config file `[default]`
    profile_section skipped;       // sections ivsrt does not use, parsed for well-formedness
    bool seen_bare_default = false;
    bool seen_profile_default = false;
    profile_section* section = nullptr;
    profile_property* last = nullptr;  // the property indented lines continue
    std::size_t last_indent = 0;
    std::size_t line_no = 0;

    auto fail = [&](std::string_view rule) {
        error = location(path, line_no) + ": " + std::string(rule);
        return false;
    };

    while (!text.empty()) {
        ++line_no;
        const auto newline = text.find('\n');
        std::string_view raw = text.substr(0, newline);
        text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
        if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);

        const std::string_view line = trim(raw);
        if (line.empty() || line.front() == '#' || line.front() == ';') continue;
        const std::size_t indent = raw.find_first_not_of(" \t");

        if (last && indent > last_indent) {
            const std::string_view content = strip_comment(line, true);
            if (content.empty()) continue;
            if (last->value.empty()) {
                const auto eq = content.find('=');
                if (eq == std::string_view::npos) {
                    return fail("expected 'name = value' in a sub-property line");
                }
                const std::string_view name = trim(content.substr(0, eq));
                if (name.empty()) return fail("sub-property has no name");
                last->sub_properties[std::string(name)] = std::string(trim(content.substr(eq + 1)));
            } else {
                last->value.append("\n").append(content);
            }
            continue;
        }

        if (line.front() == '[') {
            const auto close = line.find(']');
            if (close == std::string_view::npos) return fail("section header has no closing ']'");
            if (!strip_comment(line.substr(close + 1), false).empty()) {
                return fail("unexpected text after the section header");
            }
            const std::string_view header = trim(line.substr(1, close - 1));
            if (header.empty()) return fail("section header has no name");
            const auto blank = header.find_first_of(" \t");
            const std::string_view word = header.substr(0, blank);
            const std::string_view name =
                blank == std::string_view::npos ? std::string_view{} : trim(header.substr(blank));

            if (kind == profile_file_kind::credentials) {
                section = &file.profiles[std::string(header)];
            } else if (header == "default") {
                section = &bare_default;
                seen_bare_default = true;
            } else if (word == "profile" && !name.empty()) {
                section = &file.profiles[std::string(name)];
                seen_profile_default = seen_profile_default || name == "default";
            } else if (word == "services" && !name.empty()) {
                section = &file.services[std::string(name)];
            } else if (word == "sso-session" && !name.empty()) {
                section = &file.sso_sessions[std::string(name)];
            } else {
                section = &skipped;
            }
            if (section->location.empty()) section->location = location(path, line_no);
            last = nullptr;
            continue;
        }

        if (!section) return fail("property outside of a section");
        const std::string_view content = strip_comment(line, true);
        const auto eq = content.find('=');
        if (eq == std::string_view::npos) return fail("expected '=' in a property line");
        const std::string_view name = trim(content.substr(0, eq));
        if (name.empty()) return fail("property has no name");
        last = &section->properties[std::string(name)];
        *last = {std::string(trim(content.substr(eq + 1))), {}, location(path, line_no)};
        last_indent = indent;
    }

    if (seen_bare_default && !seen_profile_default) {
        file.profiles["default"] = std::move(bare_default);
    }
    ini_impl::merge_into(out.profiles, file.profiles);
    ini_impl::merge_into(out.services, file.services);
    ini_impl::merge_into(out.sso_sessions, file.sso_sessions);
    return true;
}

IVSRT_DECL std::string shared_config::describe_files() const {
    return "the config file " + config_path + " or the credentials file " + credentials_path;
}

IVSRT_DECL read_status read_small_file(const std::string& path, std::string& contents,
                                       std::string& error) {
    constexpr std::size_t limit = 16 * 1024 * 1024;
    const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                               &std::fclose);
    if (!file) {
        const int err = errno;
        if (err == ENOENT || err == ENOTDIR) return read_status::missing;
        error = "cannot read " + path + ": " + std::generic_category().message(err);
        return read_status::failed;
    }
    contents.clear();
    char buffer[8192];
    while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, file.get())) {
        contents.append(buffer, n);
        if (contents.size() > limit) {
            error = "cannot read " + path + ": larger than 16 MiB";
            return read_status::failed;
        }
    }
    if (std::ferror(file.get())) {
        error = "cannot read " + path + ": read error";
        return read_status::failed;
    }
    return read_status::ok;
}

IVSRT_DECL bool load_shared_config(const config_sources& sources, shared_config& out,
                                   std::string& error) {
    const environment& env = sources.env;
    const std::optional<std::string> home =
        sources.home_directory ? sources.home_directory : env.get("HOME");
    // "~/..." stays as written when there is no home directory, and then counts as missing.
    auto expand = [&](std::string path) {
        if (home && (path == "~" || path.starts_with("~/"))) path.replace(0, 1, *home);
        return path;
    };
    auto pick = [&](const std::optional<std::string>& given, std::string_view variable,
                    std::string_view fallback) {
        if (given) return expand(*given);
        if (auto value = env.get(variable)) return expand(std::move(*value));
        return expand(std::string(fallback));
    };

    out = {};
    out.config_path = pick(sources.config_file, "AWS_CONFIG_FILE", "~/.aws/config");
    out.credentials_path =
        pick(sources.credentials_file, "AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials");
    if (sources.profile) {
        out.profile_name = *sources.profile;
        out.profile_explicit = true;
    } else if (auto name = env.get("AWS_PROFILE")) {
        out.profile_name = std::move(*name);
        out.profile_explicit = true;
    } else {
        out.profile_name = "default";
    }

    const std::pair<const std::string*, profile_file_kind> files[] = {
        {&out.config_path, profile_file_kind::config},
        {&out.credentials_path, profile_file_kind::credentials},
    };
    for (const auto& [path, kind] : files) {
        if (path->starts_with("~/")) continue;
        std::string text;
        switch (read_small_file(*path, text, error)) {
            case read_status::missing:
                continue;
            case read_status::failed:
                return false;
            case read_status::ok:
                break;
        }
        out.any_file = true;
        if (!parse_profile_file(text, *path, kind, out.sections, error)) return false;
    }
    return true;
}

IVSRT_DECL bool iequals_ascii(std::string_view a, std::string_view b) noexcept {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [&](char x, char y) { return lower(x) == lower(y); });
}

IVSRT_DECL std::optional<std::string> configured_region(const environment& env,
                                                        const profile_section* profile) {
    if (auto region = env.get("AWS_REGION")) return region;
    if (auto region = env.get("AWS_DEFAULT_REGION")) return region;
    if (profile) {
        if (const auto* p = profile->find("region"); p && !p->value.empty()) return p->value;
    }
    return std::nullopt;
}

}  // namespace detail

namespace settings_impl {

[[noreturn]] inline void fail(const std::string& message) {
    throw ivsrt::exception(
        boost::system::errc::make_error_code(boost::system::errc::invalid_argument),
        "ivsrt settings: " + message);
}

// A setting's raw value and where it came from, for messages.
struct sourced {
    std::string value;
    std::string source;  // "AWS_REGION", "region in profile 'dev' (PATH:LINE)"
};

inline std::string quoted(std::string_view value) {
    constexpr std::size_t shown = 64;
    std::string out = "'";
    out.append(value.substr(0, shown));
    if (value.size() > shown) out.append("...");
    return out.append("'");
}

class reader {
  public:
    reader(const environment& env, const detail::shared_config& config)
        : env_(env), config_(config), profile_(config.profile()) {}

    std::optional<sourced> from_env(std::string_view variable) const {
        if (auto value = env_.get(variable))
            return sourced{std::move(*value), std::string(variable)};
        return std::nullopt;
    }

    std::optional<sourced> from_profile(std::string_view key) const {
        const auto* property = profile_ ? profile_->find(key) : nullptr;
        if (!property || property->value.empty()) return std::nullopt;
        return sourced{property->value, std::string(key) + " in profile '" + config_.profile_name +
                                            "' (" + property->location + ")"};
    }

    std::optional<sourced> get(std::string_view variable, std::string_view key) const {
        if (auto value = from_env(variable)) return value;
        return from_profile(key);
    }

    // The `services` section's `ivs_realtime` sub-property `endpoint_url`.
    std::optional<sourced> service_endpoint() const {
        const auto services = from_profile("services");
        if (!services) return std::nullopt;
        const auto& sections = config_.sections.services;
        auto it = sections.find(services->value);
        if (it == sections.end()) {
            fail(services->source + ": no [services " + services->value + "] section");
        }
        const auto* service = it->second.find("ivs_realtime");
        if (!service) return std::nullopt;
        auto url = service->sub_properties.find("endpoint_url");
        if (url == service->sub_properties.end() || url->second.empty()) return std::nullopt;
        return sourced{url->second, "endpoint_url of ivs_realtime in [services " + services->value +
                                        "] (" + service->location + ")"};
    }

  private:
    const environment& env_;
    const detail::shared_config& config_;
    const detail::profile_section* profile_;
};

inline bool parse_bool(const sourced& s) {
    if (detail::iequals_ascii(s.value, "true")) return true;
    if (detail::iequals_ascii(s.value, "false")) return false;
    fail(s.source + " must be true or false, got " + quoted(s.value));
}

inline unsigned check_max_attempts(unsigned n, const std::string& source) {
    if (n == 0) fail(source + " must be at least 1");
    return n;
}

inline unsigned parse_max_attempts(const sourced& s) {
    unsigned long n = 0;
    bool ok = !s.value.empty() && s.value.size() <= 9;
    for (char c : s.value) {
        ok = ok && c >= '0' && c <= '9';
        n = n * 10 + static_cast<unsigned>(c - '0');
    }
    if (!ok) fail(s.source + " must be a positive integer, got " + quoted(s.value));
    return check_max_attempts(static_cast<unsigned>(n), s.source);
}

inline retry_mode parse_retry_mode(const sourced& s) {
    // "legacy" is the older SDKs' mode; ivsrt's standard mode is its successor.
    if (detail::iequals_ascii(s.value, "standard") || detail::iequals_ascii(s.value, "legacy"))
        return retry_mode::standard;
    if (detail::iequals_ascii(s.value, "adaptive")) return retry_mode::adaptive;
    fail(s.source + " must be standard, adaptive or legacy, got " + quoted(s.value));
}

inline std::string check_endpoint_url(std::string value, const std::string& source) {
    // The URL's host becomes the Host header: refused as an endpoint error, before parsing, and
    // without quoting the value (it may carry credentials).
    if (detail::has_control_or_space(value)) {
        throw ivsrt::exception(
            errc::endpoint,
            "ivsrt settings: " + source + " must not contain control characters or whitespace");
    }
    const auto url = boost::urls::parse_absolute_uri(value);
    if (!url) fail(source + " must be an absolute http or https URL");
    if (url->scheme_id() != boost::urls::scheme::http &&
        url->scheme_id() != boost::urls::scheme::https) {
        fail(source + " must use http or https, got " + quoted(url->scheme()));
    }
    if (url->has_userinfo()) fail(source + " must not contain user information");
    if (url->encoded_host().empty()) fail(source + " has no host");
    if (url->has_query() || url->has_fragment()) {
        fail(source + " must not have a query or fragment, got " + quoted(value));
    }
    return value;
}

}  // namespace settings_impl

IVSRT_DECL aws_settings resolve_settings(const explicit_settings& x,
                                         const config_sources& sources) {
    using namespace settings_impl;
    detail::shared_config config;
    std::string error;
    if (!detail::load_shared_config(sources, config, error)) fail(error);
    const reader read(sources.env, config);

    aws_settings out;
    out.profile = config.profile_name;

    if (x.region) {
        if (x.region->empty()) fail("region must not be empty");
        out.region = x.region;
    } else {
        out.region = detail::configured_region(sources.env, config.profile());
    }

    if (x.use_fips) {
        out.use_fips = *x.use_fips;
    } else if (auto s = read.get("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint")) {
        out.use_fips = parse_bool(*s);
    }
    if (x.use_dual_stack) {
        out.use_dual_stack = *x.use_dual_stack;
    } else if (auto s = read.get("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint")) {
        out.use_dual_stack = parse_bool(*s);
    }

    if (x.endpoint_url) {
        out.endpoint_url = check_endpoint_url(*x.endpoint_url, "endpoint_url");
    } else {
        bool ignore = false;
        if (x.ignore_configured_endpoint_urls) {
            ignore = *x.ignore_configured_endpoint_urls;
        } else if (auto s = read.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
                                     "ignore_configured_endpoint_urls")) {
            ignore = parse_bool(*s);
        }
        if (!ignore) {
            std::optional<sourced> s = read.from_env("AWS_ENDPOINT_URL_IVS_REALTIME");
            if (!s) s = read.from_env("AWS_ENDPOINT_URL");
            if (!s) s = read.service_endpoint();
            if (!s) s = read.from_profile("endpoint_url");
            if (s) out.endpoint_url = check_endpoint_url(std::move(s->value), s->source);
        }
    }

    if (x.max_attempts) {
        out.max_attempts = check_max_attempts(*x.max_attempts, "max_attempts");
    } else if (auto s = read.get("AWS_MAX_ATTEMPTS", "max_attempts")) {
        out.max_attempts = parse_max_attempts(*s);
    }
    if (x.retry_mode) {
        out.retry_mode = *x.retry_mode;
    } else if (auto s = read.get("AWS_RETRY_MODE", "retry_mode")) {
        out.retry_mode = parse_retry_mode(*s);
    }

    if (x.ca_bundle) {
        out.ca_bundle = x.ca_bundle;
    } else if (auto s = read.get("AWS_CA_BUNDLE", "ca_bundle")) {
        out.ca_bundle = std::move(s->value);
    }
    if (x.sdk_ua_app_id) {
        out.sdk_ua_app_id = x.sdk_ua_app_id;
    } else if (auto s = read.get("AWS_SDK_UA_APP_ID", "sdk_ua_app_id")) {
        out.sdk_ua_app_id = std::move(s->value);
    }
    return out;
}

}  // namespace ivsrt
