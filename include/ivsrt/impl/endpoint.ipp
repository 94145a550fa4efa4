// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <ivsrt/endpoint.hpp>

#include <ivsrt/detail/generated/endpoint_data.hpp>
#include <ivsrt/detail/endpoint_rules.hpp>
#include <ivsrt/detail/endpoint_url.hpp>

#include <boost/json/monotonic_resource.hpp>
#include <boost/system/system_error.hpp>
#include <ivsrt/error.hpp>
#include <boost/throw_exception.hpp>
#include <boost/url/parse.hpp>

#include <string>
#include <variant>

namespace ivsrt {

namespace detail {

// The built-in IVS Real-Time rules, parsed on first use.
IVSRT_DECL const rule_set& ivs_rule_set() {
    static const rule_set rules(endpoint_ruleset_json, partitions_json);
    return rules;
}

// Splits the URL the rules chose into an endpoint; `properties` may set the signing name and
// region.
IVSRT_DECL boost::system::result<endpoint, endpoint_error> to_endpoint(
    std::string_view url, const boost::json::object& properties, std::string_view region) {
    const auto parsed = boost::urls::parse_absolute_uri(url);
    const char* problem = parsed ? http_url_problem(*parsed) : "is not an absolute URL";
    if (problem) {
        return endpoint_error{errc::endpoint,
                              std::string("Invalid Configuration: Endpoint URL ") + problem};
    }
    const boost::urls::url_view& u = *parsed;
    const bool https = u.scheme_id() == boost::urls::scheme::https;
    endpoint ep;
    ep.url = url;
    ep.scheme = https ? "https" : "http";
    ep.host = u.host_address();  // IPv6 without brackets, unlike encoded_host()
    ep.port = static_cast<std::uint16_t>(url_port(u));
    ep.authority = std::string_view(u.encoded_host());
    if (ep.port != (https ? 443 : 80)) ep.authority += ":" + std::to_string(ep.port);
    ep.base_path = std::string_view(u.encoded_path());
    while (!ep.base_path.empty() && ep.base_path.back() == '/') ep.base_path.pop_back();
    const auto sigv4 = sigv4_properties_of(properties);
    ep.signing_region = sigv4.signing_region.empty() ? region : sigv4.signing_region;
    if (!sigv4.signing_name.empty()) ep.signing_name = sigv4.signing_name;
    return ep;
}

}  // namespace detail

IVSRT_DECL boost::system::result<endpoint, endpoint_error> resolve_endpoint(
    const endpoint_params& params) {
    namespace json = boost::json;
    // The region is put into host names; checked here as SDKs do, since the rules do not.
    if (!params.region.empty() && !detail::is_valid_host_label(params.region, false)) {
        return endpoint_error{errc::endpoint,
                              "Invalid Configuration: Region must be a valid host label (1 to 63 "
                              "letters, digits or '-', not starting with '-')"};
    }
    try {
        const detail::rule_set& rules = detail::ivs_rule_set();
        unsigned char buffer[4096];  // the evaluation's JSON values live here, not on the heap
        json::monotonic_resource mr(buffer, sizeof buffer);
        const json::storage_ptr sp(&mr);
        json::object args(sp);
        const auto bind = [&](std::string_view builtin, json::value v) {
            if (const auto name = rules.parameter_for(builtin); !name.empty()) args[name] = v;
        };
        if (!params.region.empty()) bind("AWS::Region", json::string(params.region, sp));
        bind("AWS::UseFIPS", params.use_fips);
        bind("AWS::UseDualStack", params.use_dual_stack);
        if (params.endpoint_url) bind("SDK::Endpoint", json::string(*params.endpoint_url, sp));

        auto outcome = rules.evaluate(args, sp);
        if (const auto* e = std::get_if<detail::rule_error>(&outcome)) {
            return endpoint_error{errc::endpoint, std::string(e->message)};
        }
        const auto& chosen = std::get<detail::rule_endpoint>(outcome);
        return detail::to_endpoint(chosen.url, chosen.properties, params.region);
    } catch (const detail::invalid_rule_set& e) {
        return endpoint_error{errc::endpoint,
                              std::string("Invalid built-in endpoint rules: ") + e.what()};
    }
}

[[noreturn]] IVSRT_DECL void throw_exception_from_error(const endpoint_error& e,
                                                        const boost::source_location& loc) {
    boost::throw_with_location(ivsrt::exception(e.code, e.message), loc);
}

}  // namespace ivsrt
