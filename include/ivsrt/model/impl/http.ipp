// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <ivsrt/model/http.hpp>

#include <algorithm>

namespace ivsrt::model::detail {

constexpr bool is_unreserved(char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

constexpr int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

IVSRT_DECL void expand_uri(std::string_view uri, std::span<const uri_label> labels,
                           std::string& out) {
    static constexpr char hex[] = "0123456789ABCDEF";
    for (std::size_t i = 0; i < uri.size(); ++i) {
        if (uri[i] != '{') {
            out += uri[i];
            continue;
        }
        const std::size_t close = uri.find('}', i);
        const std::string_view name = uri.substr(i + 1, close - i - 1);
        i = close;
        for (const uri_label& label : labels) {
            if (label.name != name) continue;
            for (char c : label.value) {
                if (is_unreserved(c)) {
                    out += c;
                } else {
                    const auto b = static_cast<unsigned char>(c);
                    out += '%';
                    out += hex[b >> 4];
                    out += hex[b & 0xF];
                }
            }
        }
    }
}

IVSRT_DECL bool match_uri(std::string_view uri, std::string_view path,
                          std::span<uri_label> labels) noexcept {
    std::size_t p = 0;
    for (std::size_t i = 0; i < uri.size(); ++i) {
        if (uri[i] != '{') {
            if (p == path.size() || path[p] != uri[i]) return false;
            ++p;
            continue;
        }
        const std::size_t close = uri.find('}', i);
        const std::string_view name = uri.substr(i + 1, close - i - 1);
        i = close;
        const std::size_t end = std::min(path.find('/', p), path.size());
        if (end == p) return false;
        for (uri_label& label : labels) {
            if (label.name == name) label.value = path.substr(p, end - p);
        }
        p = end;
    }
    return p == path.size();
}

IVSRT_DECL bool percent_decode(std::string_view in, std::string& out) {
    out.clear();
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out += in[i];
            continue;
        }
        if (in.size() - i < 3) return false;
        const int high = hex_value(in[i + 1]);
        const int low = hex_value(in[i + 2]);
        if (high < 0 || low < 0) return false;
        out += static_cast<char>(high * 16 + low);
        i += 2;
    }
    return true;
}

}  // namespace ivsrt::model::detail
