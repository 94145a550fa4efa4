// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <ivsrt/model_support/http.hpp>

#include <algorithm>

namespace ivsrt::model::detail {

IVSRT_DECL void expand_uri(std::string_view uri, std::span<const uri_label> labels,
                           std::string& out) {
    for (std::size_t i = 0; i < uri.size(); ++i) {
        if (uri[i] != '{') {
            out += uri[i];
            continue;
        }
        const std::size_t close = uri.find('}', i);
        const std::string_view name = uri.substr(i + 1, close - i - 1);
        i = close;
        for (const uri_label& label : labels) {
            if (label.name == name) {
                ivsrt::detail::percent_encode(out, label.value, ivsrt::detail::unreserved_chars);
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

}  // namespace ivsrt::model::detail
