// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <boost/url/url_view.hpp>

#include <charconv>
#include <string_view>
#include <system_error>

namespace ivsrt::detail {

// The port of an http(s) URL: explicit, else the scheme's default; 0 if out of range.
inline unsigned url_port(const boost::urls::url_view& u) noexcept {
    const std::string_view digits = u.port();
    if (digits.empty()) return u.scheme_id() == boost::urls::scheme::https ? 443 : 80;
    unsigned value = 0;
    const char* end = digits.data() + digits.size();
    const auto [stop, ec] = std::from_chars(digits.data(), end, value);
    return ec == std::errc{} && stop == end && value <= 65535 ? value : 0;
}

// Why `u` cannot be used as an HTTP endpoint, or nullptr if it can.
inline const char* http_url_problem(const boost::urls::url_view& u) noexcept {
    using boost::urls::host_type;
    // Boost.URL 1.81 reads "http://h:a/b" as an empty port and the path "a/b".
    const std::string_view path = u.encoded_path();
    if (!path.empty() && path.front() != '/') return "is not an absolute URL";
    if (u.scheme_id() != boost::urls::scheme::http && u.scheme_id() != boost::urls::scheme::https)
        return "must use the http or https scheme";
    if (u.has_userinfo()) return "must not contain user information";
    if (u.has_query()) return "must not contain a query";  // (absolute URIs have no fragment)
    if (u.host_type() == host_type::name) {
        const std::string_view name = u.encoded_host();
        if (name.empty() ||
            name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                   "0123456789-._") != std::string_view::npos)
            return "has an invalid host";
    } else if (u.host_type() != host_type::ipv4 && u.host_type() != host_type::ipv6) {
        return "has an invalid host";
    }
    if (url_port(u) == 0) return "has an invalid port";
    return nullptr;
}

}  // namespace ivsrt::detail
