// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// Where the credential providers send their requests, as pure functions of the settings (so that
// endpoints loopback tests cannot reach are tested as URLs): the container endpoint, the EC2
// instance metadata service and STS. Each returns the URL, or an error naming the setting.

#include <ivsrt/detail/config.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace ivsrt::detail {

struct credential_endpoint {
    std::string url;      // empty on error
    std::string error;    // why there is no URL, naming the setting
    std::string setting;  // the setting the URL came from, for messages
    // The URL is an http full URI: its host must resolve to allowed addresses only
    // (container_address_allowed).
    bool restrict_addresses = false;
};

// The container endpoint (ECS, EKS Pod Identity). AWS_CONTAINER_CREDENTIALS_RELATIVE_URI wins:
// http://169.254.170.2 followed by it (a '/' added when it lacks one), as in botocore
// (credentials.py ContainerProvider) and the AWS SDK for Rust (aws-config's ecs module). (The SDKs
// disagree: the JavaScript v3 fromHttp provider and Go v2's config resolution try the full URI
// first.) Else AWS_CONTAINER_CREDENTIALS_FULL_URI, which must be an http or https URL with a host
// (http: restrict_addresses).
IVSRT_DECL credential_endpoint container_credentials_endpoint(
    const std::optional<std::string>& relative_uri, const std::optional<std::string>& full_uri);

// The EC2 instance metadata service's base URL, without a trailing '/'. Each setting comes from
// the environment, else from the profile; then a configured endpoint wins over the endpoint mode
// (IPv4, the default: http://169.254.169.254; IPv6: http://[fd00:ec2::254]; any case), as in
// botocore and the AWS SDK for JavaScript v3. The endpoint must be an http or https URL.
struct imds_settings {
    std::optional<std::string> env_endpoint;      // AWS_EC2_METADATA_SERVICE_ENDPOINT
    std::optional<std::string> env_mode;          // AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE
    std::optional<std::string> profile_endpoint;  // ec2_metadata_service_endpoint
    std::optional<std::string> profile_mode;      // ec2_metadata_service_endpoint_mode
};
IVSRT_DECL credential_endpoint imds_endpoint(const imds_settings& settings);

// The DNS suffix of the partition of `region` (amazonaws.com, amazonaws.com.cn, c2s.ic.gov, ...).
IVSRT_DECL std::string_view partition_dns_suffix(std::string_view region) noexcept;

// The STS endpoint for AssumeRoleWithWebIdentity: `override_url` if set; else the regional
// endpoint https://sts.{region}.{partition's DNS suffix} (the SDKs' default, "regional"); else,
// without a region, the global endpoint https://sts.amazonaws.com. A region must be made of
// [a-z0-9-] (it becomes a host name).
IVSRT_DECL credential_endpoint sts_endpoint(const std::optional<std::string>& region,
                                            const std::optional<std::string>& override_url);

}  // namespace ivsrt::detail

#ifndef IVSRT_SEPARATE_COMPILATION
#include <ivsrt/impl/credential_endpoints.ipp>
#endif
