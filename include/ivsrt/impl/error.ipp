// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <ivsrt/error.hpp>

#include <string>

namespace ivsrt {

IVSRT_DECL std::string_view to_string(errc e) noexcept {
    switch (e) {
        case errc::access_denied:
            return "access_denied";
        case errc::conflict:
            return "conflict";
        case errc::internal_server:
            return "internal_server";
        case errc::pending_verification:
            return "pending_verification";
        case errc::resource_not_found:
            return "resource_not_found";
        case errc::service_quota_exceeded:
            return "service_quota_exceeded";
        case errc::validation:
            return "validation";
        case errc::throttling:
            return "throttling";
        case errc::authentication:
            return "authentication";
        case errc::unknown_service_error:
            return "unknown_service_error";
        case errc::invalid_request:
            return "invalid_request";
        case errc::timeout:
            return "timeout";
        case errc::cancelled:
            return "cancelled";
        case errc::connection:
            return "connection";
        case errc::tls:
            return "tls";
        case errc::credentials:
            return "credentials";
        case errc::endpoint:
            return "endpoint";
        case errc::invalid_response:
            return "invalid_response";
    }
    return "unknown";
}

namespace detail {
class ivsrt_error_category final : public boost::system::error_category {
  public:
    // A fixed id keeps categories equal across shared libraries.
    constexpr ivsrt_error_category() noexcept : error_category(0x6976737274657272ULL) {}
    const char* name() const noexcept override { return "ivsrt"; }
    std::string message(int ev) const override {
        return std::string(to_string(static_cast<errc>(ev)));
    }
};
}  // namespace detail

IVSRT_DECL const boost::system::error_category& error_category() noexcept {
    static const detail::ivsrt_error_category cat;
    return cat;
}

}  // namespace ivsrt
