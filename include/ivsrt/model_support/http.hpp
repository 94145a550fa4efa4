// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

/// @file
/// The HTTP target of a request: its wire path and query parameters (client side), and back
/// (server side), from the bindings in operation_traits.

#include <ivsrt/detail/config.hpp>
#include <ivsrt/detail/uri.hpp>
#include <ivsrt/model_support/traits.hpp>

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ivsrt::model {

/// Query parameters, decoded, in order; a repeated key appears once per value.
using query_params = std::vector<std::pair<std::string, std::string>>;

namespace detail {

struct uri_label {
    std::string_view name;
    std::string_view value;
};

/// Appends `uri` with each {label} replaced by its value, percent-encoded: every byte but
/// A-Z a-z 0-9 - . _ ~ becomes %XX, so ':' is %3A and '/' is %2F.
IVSRT_DECL void expand_uri(std::string_view uri, std::span<const uri_label> labels,
                           std::string& out);

/// Matches the encoded `path` against `uri`, where each {label} takes one non-empty segment,
/// and sets the labels' values to those segments (still encoded).
IVSRT_DECL bool match_uri(std::string_view uri, std::string_view path,
                          std::span<uri_label> labels) noexcept;

}  // namespace detail

/// Sets `path` to the request's wire path, labels percent-encoded once
/// (/tags/arn%3Aaws%3Aivs%3Aus-west-2%3A123456789012%3Astage%2FabcdABCDefgh), and `query` to its
/// query parameters, not encoded. Every other operation is `POST /<OperationName>` with no query.
template <operation_request Request>
void write_target(const Request& request, std::string& path, query_params& query) {
    using traits = operation_traits<Request>;
    std::array<detail::uri_label, traits::path_bindings.size()> labels;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        labels[i] = {traits::path_bindings[i].label, request.*(traits::path_bindings[i].member)};
    }
    path.clear();
    detail::expand_uri(traits::uri, labels, path);
    query.clear();
    for (const auto& binding : traits::query_bindings) {
        for (const std::string& value : request.*(binding.member)) {
            query.emplace_back(binding.key, value);
        }
    }
}

/// Server side: fills the members of `request` bound to the path and the query (after from_json,
/// which resets the whole request). `path` is the wire path (encoded), `query` the decoded
/// parameters. Returns false if `path` does not match the operation's URI template or holds a
/// malformed escape.
template <operation_request Request>
bool read_target(std::string_view path, const query_params& query, Request& request) {
    using traits = operation_traits<Request>;
    std::array<detail::uri_label, traits::path_bindings.size()> labels;
    for (std::size_t i = 0; i < labels.size(); ++i) labels[i].name = traits::path_bindings[i].label;
    if (!detail::match_uri(traits::uri, path, labels)) return false;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        std::string& value = request.*(traits::path_bindings[i].member);
        value.clear();
        if (!ivsrt::detail::percent_decode(value, labels[i].value)) return false;
    }
    for (const auto& binding : traits::query_bindings) {
        std::vector<std::string>& values = request.*(binding.member);
        values.clear();
        for (const auto& [key, value] : query) {
            if (key == binding.key) values.push_back(value);
        }
    }
    return true;
}

}  // namespace ivsrt::model

#ifndef IVSRT_SEPARATE_COMPILATION
#include <ivsrt/model_support/impl/http.ipp>
#endif
