// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <ivsrt/detail/config.hpp>

#include <boost/system/system_error.hpp>

#include <string>
#include <string_view>
#include <type_traits>

namespace ivsrt {

/// Error codes of every ivsrt operation. The first group comes from the service (restJson1 error
/// code); the second is raised on the client side before or around the HTTP exchange.
enum class errc {
    /// Service errors, identified by the AWS error code (never by the HTTP status alone).
    access_denied = 1,       ///< AccessDeniedException (403)
    conflict,                ///< ConflictException (409)
    internal_server,         ///< InternalServerException (500)
    pending_verification,    ///< PendingVerification (403)
    resource_not_found,      ///< ResourceNotFoundException (404)
    service_quota_exceeded,  ///< ServiceQuotaExceededException (402)
    validation,              ///< ValidationException (400)
    throttling,              ///< ThrottlingException, 429 and the standard throttling codes
    authentication,          ///< the credentials or signature were rejected (expired token, ...)
    unknown_service_error,   ///< any other code; the raw code string is kept in diagnostics
    /// Client-side errors.
    invalid_request,   ///< the request failed validation; nothing was sent
    timeout,           ///< connect, attempt or call timeout
    cancelled,         ///< the call was cancelled through its cancellation slot
    connection,        ///< resolve, connect, read or write failed
    tls,               ///< TLS handshake or certificate verification failed
    credentials,       ///< no credentials could be obtained
    endpoint,          ///< the endpoint could not be resolved
    invalid_response,  ///< the response could not be parsed
};

IVSRT_DECL const boost::system::error_category& error_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), error_category()};
}

/// The stable name of a code ("resource_not_found", ...).
IVSRT_DECL std::string_view to_string(errc e) noexcept;

/// What ivsrt throws: an error_code and a message that says it all. Unlike
/// boost::system::system_error, what() is the message alone, without a " [category:value]" tail.
class exception : public boost::system::system_error {
  public:
    exception(boost::system::error_code ec, std::string message)
        : boost::system::system_error(ec), message_(std::move(message)) {}
    const char* what() const noexcept override { return message_.c_str(); }

  private:
    std::string message_;
};

}  // namespace ivsrt

// A Boost customization, left out of the reference.
/// @cond
template <>
struct boost::system::is_error_code_enum<ivsrt::errc> : std::true_type {};
/// @endcond

#ifndef IVSRT_SEPARATE_COMPILATION
#include <ivsrt/impl/error.ipp>
#endif
