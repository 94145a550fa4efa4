// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

/// @file
/// Compile-time description of each operation, specialized in the generated operation headers
/// (`ivsrt/model/<operation>.hpp`) so that the client and the emulator handle all operations with
/// one generic code path.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ivsrt::model {

enum class http_method : std::uint8_t { get, put, post, delete_ };

constexpr std::string_view to_string(http_method method) noexcept {
    switch (method) {
        case http_method::get:
            return "GET";
        case http_method::put:
            return "PUT";
        case http_method::post:
            return "POST";
        case http_method::delete_:
            return "DELETE";
    }
    return "";
}

/// A label of the URI template ("{resourceArn}") filled from a request member, percent-encoded
/// once on the wire.
template <class Request>
struct path_binding {
    std::string_view label;
    std::string Request::*member;
};

/// A query key filled from a list member, one key=value pair per element (tagKeys=a&tagKeys=b).
template <class Request>
struct query_binding {
    std::string_view key;
    std::vector<std::string> Request::*member;
};

/// A response header copied into a result member.
template <class Result>
struct header_binding {
    std::string_view header;
    std::optional<std::string> Result::*member;
};

/// operation_traits<Request>, one per operation:
///   request_type, result_type
///   name             "CreateStage" (the operation name of the model)
///   snake_name       "create_stage" (used in validation messages and C++ names)
///   method, uri      http_method::post, "/CreateStage" ("/tags/{resourceArn}" for the tag trio)
///   path_bindings    labels of `uri` and the members filling them
///   query_bindings   query keys and the members filling them
///   has_body         whether any member goes to the JSON body; when false no body is sent
///   response_headers result members read from response headers (not from the body)
///   idempotent       true when sending it twice has the effect of sending it once: the model
///                    marks it idempotent (UntagResource), its method is GET, PUT or DELETE, or it
///                    only reads (Get*, List*: POSTs the model leaves unmarked).
///   idempotency_token the request member the model marks as an idempotency token, or nullptr
///                    (StartComposition): with a token set, a repeated request has no new effect.
///                    The client sends a new random UUID when the caller leaves it unset, the
///                    same one on every attempt of the call.
///   errors           the AWS error codes the model declares for the operation
template <class Request>
struct operation_traits;

/// paginator_traits<Request>, for the 10 list operations:
///   item_type      element of the item list
///   input_token    request member carrying the token of the page to fetch
///   output_token   result member carrying the token of the next page (unset on the last page)
///   page_size      request member limiting the items per page, max_page_size its maximum
///   items          result member holding the page's items
template <class Request>
struct paginator_traits;

template <class Request>
concept operation_request = requires {
    typename operation_traits<Request>::result_type;
};

template <class Request>
concept paginated_request = requires {
    typename paginator_traits<Request>::item_type;
};

}  // namespace ivsrt::model
