// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

/// @file
/// The plain AWS credentials value, as the SigV4 signer takes it. Standard library only (no Asio):
/// the providers that obtain credentials are in <ivsrt/credentials.hpp>, which includes this.

#include <ivsrt/detail/config.hpp>

#include <chrono>
#include <iosfwd>
#include <optional>
#include <string>

namespace ivsrt {

struct credentials {
    std::string access_key_id;
    std::string secret_access_key;
    std::optional<std::string> session_token{};
    std::optional<std::chrono::system_clock::time_point> expiration{};  ///< none: never expire
    std::optional<std::string> account_id{};
    std::string provider;  ///< the provider that produced them: "environment", "imds", ...

    friend bool operator==(const credentials&, const credentials&) = default;
};

/// Prints the credentials with the secret key and the session token redacted.
IVSRT_DECL std::ostream& operator<<(std::ostream& os, const credentials& c);

}  // namespace ivsrt

#ifndef IVSRT_SEPARATE_COMPILATION
#include <ivsrt/impl/credentials_value.ipp>
#endif
