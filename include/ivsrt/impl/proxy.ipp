// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <ivsrt/detail/proxy.hpp>
#include <ivsrt/aws_config.hpp>
#include <ivsrt/detail/endpoint_url.hpp>
#include <ivsrt/detail/http_text.hpp>
#include <ivsrt/detail/uri.hpp>

#include <boost/url/parse.hpp>

#include <openssl/evp.h>

#include <array>
#include <cctype>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ivsrt::detail {

IVSRT_DECL proxy_route parse_proxy_url(std::string_view url, std::string_view setting) {
    const auto bad = [&](std::string_view why) {
        return std::invalid_argument(std::string(setting) + ": " + std::string(why) +
                                     " (expected http://[user:password@]host:port)");
    };
    std::string full(url);
    if (full.find("://") == std::string::npos) full = "http://" + full;
    if (has_control_or_space(full)) throw bad("must not contain control characters or spaces");
    auto parsed = boost::urls::parse_uri(full);
    if (!parsed) throw bad("is not a URL");
    if (parsed->scheme_id() != boost::urls::scheme::http) {
        throw bad("must use the http scheme (TLS to the proxy itself is not supported)");
    }
    const std::string_view path = parsed->encoded_path();
    if ((!path.empty() && path != "/") || parsed->has_query() || parsed->has_fragment()) {
        throw bad("must not have a path or query");
    }
    const std::string_view host = parsed->encoded_host();
    if (host.empty()) throw bad("needs a host");
    if (parsed->has_port() && !all_digits(parsed->port())) throw bad("has an invalid port");
    const unsigned port = url_port(*parsed);
    if (port == 0) throw bad("has an invalid port");
    proxy_route r;
    r.host = parsed->host_type() == boost::urls::host_type::ipv6
                 ? std::string(parsed->encoded_host_address())
                 : std::string(host);
    r.port = std::to_string(port);
    if (parsed->has_userinfo()) {
        const auto user = percent_decode(parsed->encoded_user());
        const auto password = percent_decode(parsed->encoded_password());
        if (!user || !password) throw bad("has a malformed %-escape in its user information");
        if (!is_field_value(*user) || !is_field_value(*password)) {
            throw bad("user information must not contain control characters");
        }
        const std::string plain = *user + ":" + *password;
        std::string encoded(4 * ((plain.size() + 2) / 3) + 1, '\0');
        const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                      reinterpret_cast<const unsigned char*>(plain.data()),
                                      static_cast<int>(plain.size()));
        encoded.resize(static_cast<std::size_t>(n));
        r.authorization = "Basic " + encoded;
    }
    return r;
}

IVSRT_DECL bool no_proxy_matches(std::string_view rules, std::string_view host,
                                 std::string_view port) {
    const auto lower = [](std::string_view s) {
        std::string out(s);
        for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return out;
    };
    const auto unbracket = [](std::string_view s) {
        if (s.size() >= 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
        return s;
    };
    const std::string name = lower(unbracket(host));
    // An address only matches itself; a name also matches as a subdomain.
    const bool address = name.find_first_not_of("0123456789.") == std::string::npos ||
                         name.find(':') != std::string::npos;
    std::size_t i = 0;
    while (i < rules.size()) {
        const std::size_t end = rules.find_first_of(", \t", i);
        std::string_view entry = rules.substr(i, end == std::string_view::npos ? end : end - i);
        i = end == std::string_view::npos ? rules.size() : end + 1;
        if (entry.empty()) continue;
        if (entry == "*") return true;
        // A port: "name:port", "[v6]:port"; a bare IPv6 address has several colons.
        std::string_view entry_port;
        if (const auto colon = entry.rfind(':'); colon != std::string_view::npos) {
            const bool bracketed = entry.front() == '[';
            const bool bare_v6 = !bracketed && entry.find(':') != colon;
            if (!bare_v6 && (!bracketed || entry[colon - 1] == ']')) {
                entry_port = entry.substr(colon + 1);
                entry = entry.substr(0, colon);
            }
        }
        if (!entry_port.empty() && entry_port != port) continue;
        std::string rule = lower(unbracket(entry));
        if (rule.starts_with("*.")) rule.erase(0, 1);
        if (rule.starts_with('.')) rule.erase(0, 1);
        if (rule.empty()) continue;
        if (name == rule) return true;
        if (!address && name.size() > rule.size() && name.ends_with(rule) &&
            name[name.size() - rule.size() - 1] == '.') {
            return true;
        }
    }
    return false;
}

IVSRT_DECL std::string proxy_from_environment(const environment& env, bool https,
                                              std::string_view host, std::string_view port) {
    for (const char* name : https ? std::array{"https_proxy", "HTTPS_PROXY"}
                                  : std::array{"http_proxy", "HTTP_PROXY"}) {
        const auto url = env.get(name);
        if (!url || url->empty()) continue;
        for (const char* exempt : {"no_proxy", "NO_PROXY"}) {
            const auto rules = env.get(exempt);
            if (rules && no_proxy_matches(*rules, host, port)) return {};
        }
        parse_proxy_url(*url, name);
        return *url;
    }
    return {};
}

}  // namespace ivsrt::detail
