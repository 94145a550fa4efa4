// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <ivsrt/detail/config.hpp>
#include <ivsrt/error.hpp>

#include <boost/system/system_error.hpp>

#include <string>
#include <string_view>

namespace ivsrt {

/// What went wrong beyond the error_code: the AWS error as the service reported it, or the
/// client-side reason (the validation rule, the endpoint or credentials failure). Never holds
/// secrets: request bodies and headers are not copied here.
class diagnostics {
  public:
    /// The AWS error code ("ResourceNotFoundException"), empty for client-side errors.
    std::string_view aws_error_code() const noexcept { return aws_code_; }
    /// The service's message, or the client-side explanation.
    std::string_view message() const noexcept { return message_; }
    /// The x-amzn-RequestId of the failed response, empty when nothing was received.
    std::string_view request_id() const noexcept { return request_id_; }
    /// The HTTP status of the failed response, 0 when nothing was received.
    unsigned http_status() const noexcept { return http_status_; }

    void clear() noexcept {
        aws_code_.clear();
        message_.clear();
        request_id_.clear();
        http_status_ = 0;
    }

    /// Filled by ivsrt (public so that tests and custom transports can build one).
    void assign_service_error(std::string_view aws_code, std::string_view message,
                              std::string_view request_id, unsigned http_status) {
        aws_code_.assign(aws_code);
        message_.assign(message);
        request_id_.assign(request_id);
        http_status_ = http_status;
    }
    void assign_client_error(std::string_view message) {
        clear();
        message_.assign(message);
    }

    /// "ResourceNotFoundException: Stage not found (HTTP 404, request id abc)".
    IVSRT_DECL std::string to_string() const;

    friend bool operator==(const diagnostics&, const diagnostics&) = default;

  private:
    std::string aws_code_;
    std::string message_;
    std::string request_id_;
    unsigned http_status_ = 0;
};

/// The exception thrown by the default completion token: the error_code plus its diagnostics.
class error_with_diagnostics : public ivsrt::exception {
  public:
    IVSRT_DECL error_with_diagnostics(boost::system::error_code ec, diagnostics diag);
    const diagnostics& get_diagnostics() const noexcept { return diag_; }

  private:
    diagnostics diag_;
};

}  // namespace ivsrt

#ifndef IVSRT_SEPARATE_COMPILATION
#include <ivsrt/impl/diagnostics.ipp>
#endif
