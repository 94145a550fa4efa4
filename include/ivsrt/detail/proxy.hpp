// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// HTTP proxies: the proxy URL, the NO_PROXY rules, and what a connection sends to the proxy
// (a CONNECT tunnel for https origins, absolute-form requests for http ones). No I/O here.

#include <ivsrt/detail/config.hpp>
#include <ivsrt/detail/http_text.hpp>

#include <string>
#include <string_view>

namespace ivsrt {
class environment;
}

namespace ivsrt::detail {

// The way to an origin through a proxy. The credentials only ever appear in `authorization`,
// which goes on the wire and nowhere else.
struct proxy_route {
    std::string host;  // the proxy's host, and port
    std::string port;
    std::string authorization;  // "Basic <base64(user:password)>", or empty
    // Filled by for_origin():
    std::string connect_request;  // https origins: the CONNECT request head
    std::string absolute_prefix;  // http origins: "http://host:port", before each request's path

    // "host:port" of an origin, with brackets around an IPv6 address.
    static std::string authority(std::string_view host, std::string_view port) {
        std::string a;
        const bool v6 = host.find(':') != std::string_view::npos && !host.starts_with('[');
        if (v6) a += '[';
        a += host;
        if (v6) a += ']';
        a += ':';
        a += port;
        return a;
    }

    void for_origin(bool tls, std::string_view origin_host, std::string_view origin_port) {
        const std::string origin = authority(origin_host, origin_port);
        if (tls) {
            connect_request = "CONNECT " + origin + " HTTP/1.1\r\n";
            append_field(connect_request, "Host", origin);
            if (!authorization.empty()) {
                append_field(connect_request, "Proxy-Authorization", authorization);
            }
            connect_request += "\r\n";
        } else {
            absolute_prefix = "http://" + origin;
        }
    }
};

// Parses "http://[user[:password]@]host[:port]" (no scheme: http; port default 80). Throws
// std::invalid_argument naming `setting` (e.g. "HTTPS_PROXY"), never quoting the URL: it may
// hold a password.
IVSRT_DECL proxy_route parse_proxy_url(std::string_view url, std::string_view setting);

// Whether NO_PROXY (`rules`: entries separated by commas or blanks) exempts an origin: "*"
// exempts all; "example.com" and ".example.com" (or "*.example.com") exempt that domain and its
// subdomains; an IP address exempts itself; an entry with ":port" only that port. Names compare
// case-insensitively; IPv6 addresses may be given with or without brackets.
IVSRT_DECL bool no_proxy_matches(std::string_view rules, std::string_view host,
                                 std::string_view port);

// The proxy `env` gives for an origin: https_proxy / HTTPS_PROXY (https) or http_proxy /
// HTTP_PROXY (http), lower case first, unless no_proxy / NO_PROXY exempts it; "" for none.
// Checked here, so that an error names the variable.
IVSRT_DECL std::string proxy_from_environment(const environment& env, bool https,
                                              std::string_view host, std::string_view port);

}  // namespace ivsrt::detail

#ifndef IVSRT_SEPARATE_COMPILATION
#include <ivsrt/impl/proxy.ipp>
#endif
