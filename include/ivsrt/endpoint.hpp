// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <ivsrt/detail/config.hpp>
#include <ivsrt/error.hpp>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace ivsrt {

/// The inputs of endpoint resolution: the parameters of the service's endpoint rule set.
struct endpoint_params {
    /// Every member has an initializer, so designated initializers may leave any out.
    std::string region{};         ///< e.g. "us-east-1"; empty means not set
    bool use_fips = false;        ///< use the FIPS endpoint of the region's partition
    bool use_dual_stack = false;  ///< use the dual-stack (IPv4 + IPv6) endpoint
    /// Overrides the rules: "http[s]://host[:port][/base/path]", e.g. a local emulator. FIPS and
    /// dual-stack cannot be combined with it.
    std::optional<std::string> endpoint_url{};
};

/// A resolved endpoint, split into the parts the HTTP client and the signer use.
struct endpoint {
    std::string url;         ///< as the rules produced it (the override, unchanged, if one was set)
    std::string scheme;      ///< "https" or "http"
    std::string host;        ///< DNS name or IP address, IPv6 without brackets: for connect and SNI
    std::uint16_t port = 0;  ///< explicit, or the scheme's default (443 or 80)
    std::string authority;   ///< the Host header: host (IPv6 in brackets), ":port" if not default
    std::string base_path;   ///< "" or "/a/b" (no trailing '/'), prefixed to each request path
    std::string signing_region;  ///< from the rules' sigv4 auth scheme, else the Region (may be "")
    std::string signing_name = "ivs";
};

/// Why an endpoint could not be resolved. `message` is the rule set's own text (for example
/// "Invalid Configuration: FIPS and custom endpoint are not supported") or names the parameter and
/// the rule it breaks; it never contains the override URL, which may carry credentials.
struct endpoint_error {
    boost::system::error_code code = errc::endpoint;
    std::string message;
};

/// Resolves the IVS Real-Time endpoint for `params` with the official endpoint rules and partition
/// data (built in; no file is read). Thread-safe; the first call parses the built-in rules once.
/// `resolve_endpoint(p).value()` throws boost::system::system_error carrying the message.
IVSRT_DECL boost::system::result<endpoint, endpoint_error> resolve_endpoint(
    const endpoint_params& params);

/// Lets boost::system::result<endpoint, endpoint_error>::value() throw a system_error.
[[noreturn]] IVSRT_DECL void throw_exception_from_error(const endpoint_error& e,
                                                        const boost::source_location& loc);

}  // namespace ivsrt

#ifndef IVSRT_SEPARATE_COMPILATION
#include <ivsrt/impl/endpoint.ipp>
#endif
