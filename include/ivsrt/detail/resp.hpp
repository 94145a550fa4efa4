// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// The subset of Redis's RESP2 protocol that redis_pacing.hpp speaks, sans-io: commands encoded as
// arrays of bulk strings, and replies parsed from the front of a buffer. Replies are bounded
// (nesting, sizes) so that a broken or hostile server cannot make the client allocate without
// limit.

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace ivsrt::detail::resp {

// Appends the command `*N\r\n$len\r\narg\r\n...` to `out`.
inline void encode_command(std::string& out, std::initializer_list<std::string_view> args) {
    out += '*';
    out += std::to_string(args.size());
    out += "\r\n";
    for (std::string_view a : args) {
        out += '$';
        out += std::to_string(a.size());
        out += "\r\n";
        out += a;
        out += "\r\n";
    }
}

struct reply {
    enum class type : std::uint8_t { simple, error, integer, bulk, nil, array };
    type kind = type::nil;
    std::string text;          // simple, error, bulk
    std::int64_t integer = 0;  // integer
    std::vector<reply> items;  // array
};

struct limits {
    std::size_t max_bulk = 1 << 20;  // bytes of one bulk string
    std::size_t max_items = 1024;    // elements of one array
    unsigned max_depth = 4;          // nested arrays
    std::size_t max_line = 4096;     // a simple string, error or number line
};

enum class status : std::uint8_t { complete, incomplete, malformed };

namespace impl {

// The line at `pos` (without CRLF); sets `end` past its CRLF.
inline status line_at(std::string_view in, std::size_t pos, const limits& lim,
                      std::string_view& line, std::size_t& end) {
    const std::size_t cr = in.find("\r\n", pos);
    if (cr == std::string_view::npos) {
        return in.size() - pos > lim.max_line + 1 ? status::malformed : status::incomplete;
    }
    if (cr - pos > lim.max_line) return status::malformed;
    line = in.substr(pos, cr - pos);
    if (line.find('\n') != std::string_view::npos || line.find('\r') != std::string_view::npos)
        return status::malformed;
    end = cr + 2;
    return status::complete;
}

inline bool to_int(std::string_view s, std::int64_t& v) {
    if (s.empty()) return false;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && p == s.data() + s.size();
}

inline status parse_at(std::string_view in, std::size_t& pos, const limits& lim, unsigned depth,
                       reply& out) {
    if (pos >= in.size()) return status::incomplete;
    const char tag = in[pos];
    std::string_view line;
    std::size_t end = 0;
    if (const status s = line_at(in, pos + 1, lim, line, end); s != status::complete) return s;
    if (tag == '+' || tag == '-') {
        out.kind = tag == '+' ? reply::type::simple : reply::type::error;
        out.text.assign(line);
        pos = end;
        return status::complete;
    }
    std::int64_t n = 0;
    if (tag != ':' && tag != '$' && tag != '*') return status::malformed;
    if (!to_int(line, n)) return status::malformed;
    if (tag == ':') {
        out.kind = reply::type::integer;
        out.integer = n;
        pos = end;
        return status::complete;
    }
    // A length: -1 is the nil bulk string or array.
    if (n < -1) return status::malformed;
    if (n == -1) {
        out.kind = reply::type::nil;
        pos = end;
        return status::complete;
    }
    if (tag == '$') {
        if (static_cast<std::uint64_t>(n) > lim.max_bulk) return status::malformed;
        const auto size = static_cast<std::size_t>(n);
        if (in.size() - end < size + 2) return status::incomplete;
        if (in.substr(end + size, 2) != "\r\n") return status::malformed;
        out.kind = reply::type::bulk;
        out.text.assign(in.substr(end, size));
        pos = end + size + 2;
        return status::complete;
    }
    if (static_cast<std::uint64_t>(n) > lim.max_items || depth >= lim.max_depth)
        return status::malformed;
    out.kind = reply::type::array;
    out.items.clear();
    std::size_t at = end;
    for (std::int64_t i = 0; i < n; ++i) {
        reply item;
        if (const status s = parse_at(in, at, lim, depth + 1, item); s != status::complete)
            return s;
        out.items.push_back(std::move(item));
    }
    pos = at;
    return status::complete;
}

}  // namespace impl

// Parses one reply from the front of `in`. complete: `out` holds it and `used` the bytes it took;
// incomplete: more bytes are needed (nothing is consumed); malformed: not RESP2, or beyond `lim`.
inline status parse(std::string_view in, reply& out, std::size_t& used, const limits& lim = {}) {
    std::size_t pos = 0;
    const status s = impl::parse_at(in, pos, lim, 0, out);
    used = s == status::complete ? pos : 0;
    return s;
}

}  // namespace ivsrt::detail::resp
