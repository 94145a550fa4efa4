// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

/// @file
/// The standard AWS settings ivsrt reads, and where it reads them from: explicit configuration,
/// then environment variables, then the selected profile of the shared config and credentials
/// files (~/.aws/config, ~/.aws/credentials). The environment and the home directory are
/// injectable, so that tests never depend on the real process.

#include <ivsrt/detail/config.hpp>
#include <ivsrt/retry.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ivsrt {

/// Environment variables, by name. Default-constructed, it reads the process environment.
/// A variable set to the empty string counts as unset, as in the AWS SDKs.
class environment {
  public:
    using lookup_function = std::function<std::optional<std::string>(std::string_view name)>;

    IVSRT_DECL environment();
    explicit environment(lookup_function lookup) : lookup_(std::move(lookup)) {}
    /// A fixed set of variables (tests, sandboxes).
    IVSRT_DECL explicit environment(std::map<std::string, std::string, std::less<>> variables);

    IVSRT_DECL std::optional<std::string> get(std::string_view name) const;

  private:
    lookup_function lookup_;
};

/// Where shared configuration is read from. Each unset member falls back to the environment.
struct config_sources {
    environment env{};
    std::optional<std::string> home_directory{};    ///< else $HOME
    std::optional<std::string> profile{};           ///< else $AWS_PROFILE, else "default"
    std::optional<std::string> config_file{};       ///< else $AWS_CONFIG_FILE, else ~/.aws/config
    std::optional<std::string> credentials_file{};  ///< else $AWS_SHARED_CREDENTIALS_FILE, else
                                                    // ~/.aws/credentials
};

/// Settings given in code. Each one that is set wins over the environment and the profile.
struct explicit_settings {
    std::optional<std::string> region{};
    std::optional<bool> use_fips{};
    std::optional<bool> use_dual_stack{};
    std::optional<std::string> endpoint_url{};
    std::optional<bool> ignore_configured_endpoint_urls{};
    std::optional<unsigned> max_attempts{};
    std::optional<ivsrt::retry_mode> retry_mode{};
    std::optional<std::string> ca_bundle{};
    std::optional<std::string> sdk_ua_app_id{};
};

/// The settings in force, each from its highest-precedence source (explicit > environment >
/// profile), defaults applied.
struct aws_settings {
    std::string profile;  ///< the profile consulted
    std::optional<std::string> region{};
    bool use_fips = false;
    bool use_dual_stack = false;
    /// The endpoint override, an http or https URL with optional port and base path. Only an
    /// explicit one survives ignore_configured_endpoint_urls.
    std::optional<std::string> endpoint_url{};
    unsigned max_attempts = 3;
    ivsrt::retry_mode retry_mode = ivsrt::retry_mode::standard;
    std::optional<std::string> ca_bundle{};
    std::optional<std::string> sdk_ua_app_id{};
};

/// Resolves every setting. Reads the shared files synchronously (meant for start-up); a missing
/// file or profile is no error. Throws boost::system::system_error (invalid_argument) naming the
/// setting, its source (variable, or file and line) and the rule when a value is malformed, and
/// naming file and line when a shared file is malformed. An endpoint URL holding a control
/// character or whitespace throws errc::endpoint instead, naming the setting, never the value.
IVSRT_DECL aws_settings resolve_settings(const explicit_settings& explicit_values = {},
                                         const config_sources& sources = {});

}  // namespace ivsrt

#ifndef IVSRT_SEPARATE_COMPILATION
#include <ivsrt/impl/aws_config.ipp>
#endif
