// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// A query string (or an application/x-www-form-urlencoded body) split into decoded key/value
// pairs: for the emulator, and for the tests that read what the client sent. Not on Boost.URL:
// its parse_query rejects raw non-ASCII bytes, which AWS's SigV4 suite puts in a query
// (get-utf8), and in 1.81 it reads the last value of a string_view that does not end its string
// up to the end of that string.

#include <ivsrt/detail/uri.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ivsrt::detail {

using decoded_query = std::vector<std::pair<std::string, std::string>>;

// In order, repeats kept; "k" alone has an empty value, empty items ("a=1&&b=2") are skipped;
// '+' is a plus sign (AWS encodes a space as %20). False when an escape is malformed.
inline bool decode_query(std::string_view raw, decoded_query& out) {
    out.clear();
    while (!raw.empty()) {
        const std::size_t amp = raw.find('&');
        const std::string_view item = raw.substr(0, amp);
        raw = amp == std::string_view::npos ? std::string_view{} : raw.substr(amp + 1);
        if (item.empty()) continue;
        const std::size_t eq = item.find('=');
        auto& [key, value] = out.emplace_back();
        if (!percent_decode(key, item.substr(0, eq))) return false;
        if (eq != std::string_view::npos && !percent_decode(value, item.substr(eq + 1))) {
            return false;
        }
    }
    return true;
}

// The value of `key` (the first, decoded), or "" when absent or the query is malformed.
inline std::string query_value(std::string_view raw, std::string_view key) {
    decoded_query pairs;
    if (!decode_query(raw, pairs)) return {};
    for (auto& [k, v] : pairs) {
        if (k == key) return std::move(v);
    }
    return {};
}

}  // namespace ivsrt::detail
