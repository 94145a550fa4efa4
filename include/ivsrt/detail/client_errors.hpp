// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// Reading a restJson1 error response (defined in impl/client.ipp).

#include <ivsrt/connection_pool.hpp>
#include <ivsrt/detail/config.hpp>
#include <ivsrt/error.hpp>

#include <string>
#include <string_view>

namespace ivsrt::detail {

struct service_error {
    std::string code;        // normalized: "ValidationException"
    std::string message;     // may be empty
    std::string request_id;  // x-amzn-RequestId, may be empty
};

// The error code without namespace and suffixes: the part before the first ':' and ',', then
// after the last '#' ("aws.ivs#ConflictException:http://x" -> "ConflictException").
IVSRT_DECL std::string_view normalize_error_code(std::string_view raw) noexcept;

// The error code of a non-2xx response: x-amzn-ErrorType, else the body's "code", else its
// "__type"; the message: the body's "message", "Message" or "exceptionMessage"; the request id.
IVSRT_DECL void parse_service_error(const connection_pool::response_type& response,
                                    service_error& out);

// A non-2xx response without an AWS error code or request id (a proxy's or a load balancer's):
// "HTTP 502 from host, not an AWS response (text/html): <html>..." with the body's first 200
// bytes, control characters escaped.
IVSRT_DECL std::string describe_foreign_response(const connection_pool::response_type& response,
                                                 std::string_view host);

// Appends at most `limit` bytes of `text`, with control and non-ASCII bytes as \xNN.
IVSRT_DECL void append_printable(std::string& out, std::string_view text, std::size_t limit);

}  // namespace ivsrt::detail
