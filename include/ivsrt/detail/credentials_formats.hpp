// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// The wire formats of credential sources: ISO-8601 expirations, the JSON of IMDS, the container
// endpoint and credential_process, the XML of STS, and the container host rules. Error texts
// never quote a secret.

#include <ivsrt/credentials_value.hpp>
#include <ivsrt/detail/iso8601.hpp>  // parse_iso8601, format_iso8601

#include <boost/asio/ip/address.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace ivsrt::detail {

// The content of the first element named `tag` (markup included, not decoded), or nullopt.
IVSRT_DECL std::optional<std::string_view> xml_element(std::string_view xml,
                                                       std::string_view tag) noexcept;

// The text of the first element named `tag`, entities decoded; nullopt when it is absent, has
// child elements or holds an invalid entity.
IVSRT_DECL std::optional<std::string> xml_text(std::string_view xml, std::string_view tag);

enum class json_credentials_format {
    http,     // IMDS and container: Token, optional Code that must be "Success"
    process,  // credential_process: Version 1, SessionToken
};

// Parses a JSON credentials document into `out` (provider left untouched). On failure returns
// false with `error` naming the field and the rule.
IVSRT_DECL bool parse_json_credentials(std::string_view body, json_credentials_format format,
                                       credentials& out, std::string& error);

// Whether an http (not https) container endpoint may be at `a`: loopback, or the ECS and EKS
// container hosts 169.254.170.2, 169.254.170.23, fd00:ec2::23.
IVSRT_DECL bool container_address_allowed(const boost::asio::ip::address& a) noexcept;

}  // namespace ivsrt::detail

#ifndef IVSRT_SEPARATE_COMPILATION
#include <ivsrt/impl/credentials_formats.ipp>
#endif
