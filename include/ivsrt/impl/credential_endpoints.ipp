// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <ivsrt/detail/credential_endpoints.hpp>

#include <boost/url/parse.hpp>

#include <algorithm>

namespace ivsrt::detail {

namespace credential_endpoints_impl {

inline bool is_http_url(std::string_view text, bool& https) {
    const auto url = boost::urls::parse_absolute_uri(text);
    if (!url || url->encoded_host().empty()) return false;
    https = url->scheme_id() == boost::urls::scheme::https;
    return https || url->scheme_id() == boost::urls::scheme::http;
}

inline bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
               return lower(x) == lower(y);
           });
}

inline const std::optional<std::string>& first_set(const std::optional<std::string>& a,
                                                   const std::optional<std::string>& b) {
    return a && !a->empty() ? a : b;
}

inline credential_endpoint failure(std::string error) {
    credential_endpoint out;
    out.error = std::move(error);
    return out;
}

}  // namespace credential_endpoints_impl

IVSRT_DECL credential_endpoint container_credentials_endpoint(
    const std::optional<std::string>& relative_uri, const std::optional<std::string>& full_uri) {
    using namespace credential_endpoints_impl;
    credential_endpoint out;
    if (relative_uri && !relative_uri->empty()) {
        out.url = "http://169.254.170.2" + std::string(relative_uri->starts_with('/') ? "" : "/") +
                  *relative_uri;
        out.setting = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
        return out;
    }
    if (!full_uri || full_uri->empty()) {
        return failure(
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are "
            "not set");
    }
    bool https = false;
    if (!is_http_url(*full_uri, https)) {
        return failure("AWS_CONTAINER_CREDENTIALS_FULL_URI is not an http or https URL");
    }
    out.url = *full_uri;
    out.setting = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
    out.restrict_addresses = !https;
    return out;
}

IVSRT_DECL credential_endpoint imds_endpoint(const imds_settings& settings) {
    using namespace credential_endpoints_impl;
    credential_endpoint out;
    const bool env_endpoint = settings.env_endpoint && !settings.env_endpoint->empty();
    const auto& endpoint = first_set(settings.env_endpoint, settings.profile_endpoint);
    if (endpoint && !endpoint->empty()) {
        out.setting =
            env_endpoint ? "AWS_EC2_METADATA_SERVICE_ENDPOINT" : "ec2_metadata_service_endpoint";
        bool https = false;
        if (!is_http_url(*endpoint, https))
            return failure(out.setting + " is not an http or https URL");
        out.url = *endpoint;
        while (out.url.ends_with('/')) out.url.pop_back();
        return out;
    }
    const bool env_mode = settings.env_mode && !settings.env_mode->empty();
    const auto& mode = first_set(settings.env_mode, settings.profile_mode);
    out.setting =
        env_mode ? "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE" : "ec2_metadata_service_endpoint_mode";
    if (!mode || mode->empty() || iequals(*mode, "IPv4")) {
        out.url = "http://169.254.169.254";
    } else if (iequals(*mode, "IPv6")) {
        out.url = "http://[fd00:ec2::254]";
    } else {
        return failure(out.setting + " must be IPv4 or IPv6");
    }
    return out;
}

IVSRT_DECL std::string_view partition_dns_suffix(std::string_view region) noexcept {
    // The partitions of the endpoint rules' partitions.json whose suffix is not amazonaws.com
    // (tests/test_credentials.cpp checks every region listed there).
    struct prefix_suffix {
        std::string_view prefix, suffix;
    };
    static constexpr prefix_suffix partitions[] = {
        {"cn-", "amazonaws.com.cn"},    {"eusc-", "amazonaws.eu"},
        {"us-iso-", "c2s.ic.gov"},      {"us-isob-", "sc2s.sgov.gov"},
        {"us-isof-", "csp.hci.ic.gov"}, {"eu-isoe-", "cloud.adc-e.uk"},
    };
    for (const auto& p : partitions) {
        if (region.starts_with(p.prefix)) return p.suffix;
    }
    return "amazonaws.com";
}

IVSRT_DECL credential_endpoint sts_endpoint(const std::optional<std::string>& region,
                                            const std::optional<std::string>& override_url) {
    using namespace credential_endpoints_impl;
    credential_endpoint out;
    if (override_url && !override_url->empty()) {
        bool https = false;
        if (!is_http_url(*override_url, https)) {
            return failure("the STS endpoint '" + *override_url + "' is not an http or https URL");
        }
        out.url = *override_url;
        out.setting = "provider_options::sts_endpoint";
        return out;
    }
    if (!region || region->empty()) {
        out.url = "https://sts.amazonaws.com";
        out.setting = "no region: the global endpoint";
        return out;
    }
    const bool valid = std::all_of(region->begin(), region->end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
    if (!valid) return failure("'" + *region + "' is not a valid region name");
    out.url = "https://sts." + *region + "." + std::string(partition_dns_suffix(*region));
    out.setting = "region " + *region;
    return out;
}

}  // namespace ivsrt::detail
