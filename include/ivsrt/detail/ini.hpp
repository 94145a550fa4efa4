// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// The shared config and credentials files: parsing (an INI dialect) and the merged view of the
// selected profile. Errors name the file and line, never a value (values may be secrets).
//
// Dialect: `[section]` headers; `name = value` properties; whole-line comments starting with
// `#` or `;`; inline comments after whitespace in property lines, anywhere after `]` in
// headers. An indented line continues the previous property: with an empty value it is a
// `name = value` sub-property, otherwise it is appended to the value after a newline.
// Config file sections: `[default]`, `[profile NAME]` (wins over `[default]` for "default"),
// `[services NAME]`, `[sso-session NAME]`; others (bare names) are skipped. Credentials file
// sections are profile names as written. Credentials file values win over config file values.

#include <ivsrt/aws_config.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ivsrt::detail {

struct profile_property {
    std::string value;
    std::map<std::string, std::string, std::less<>> sub_properties;
    std::string location;  // "path:line"
};

struct profile_section {
    std::string location;  // "path:line" of its first header
    std::map<std::string, profile_property, std::less<>> properties;

    IVSRT_DECL const profile_property* find(std::string_view name) const;
};

// Sections of one or more files, later files overriding earlier ones key by key.
struct profile_set {
    std::map<std::string, profile_section, std::less<>> profiles;
    std::map<std::string, profile_section, std::less<>> services;
    std::map<std::string, profile_section, std::less<>> sso_sessions;
};

enum class profile_file_kind { config, credentials };

// Parses `text` (the contents of `path`) and merges its sections into `out`. On a malformed
// line, returns false with `error` set to "PATH:LINE: rule".
IVSRT_DECL bool parse_profile_file(std::string_view text, std::string_view path,
                                   profile_file_kind kind, profile_set& out, std::string& error);

// The shared files as selected by config_sources, and the selected profile.
struct shared_config {
    profile_set sections;
    std::string profile_name;
    bool profile_explicit = false;  // chosen by config_sources::profile or AWS_PROFILE
    std::string config_path;        // empty when it could not be determined (no home)
    std::string credentials_path;
    bool any_file = false;  // whether at least one of the files exists

    const profile_section* profile() const {
        auto it = sections.profiles.find(profile_name);
        return it == sections.profiles.end() ? nullptr : &it->second;
    }
    // "the config file PATH or the credentials file PATH", for messages.
    IVSRT_DECL std::string describe_files() const;
};

// Reads both files (a missing file is an empty one). Returns false with `error` set when a
// file exists but cannot be read, or is malformed.
IVSRT_DECL bool load_shared_config(const config_sources& sources, shared_config& out,
                                   std::string& error);

// The region from the environment (AWS_REGION, then AWS_DEFAULT_REGION), else from `profile`
// (may be null). Explicit configuration, when there is any, comes before this.
IVSRT_DECL std::optional<std::string> configured_region(const environment& env,
                                                        const profile_section* profile);

// ASCII case-insensitive equality ("TRUE" and "true").
IVSRT_DECL bool iequals_ascii(std::string_view a, std::string_view b) noexcept;

enum class read_status { ok, missing, failed };

// Reads a whole (small) file. On `failed`, `error` names the file and the system's reason.
IVSRT_DECL read_status read_small_file(const std::string& path, std::string& contents,
                                       std::string& error);

}  // namespace ivsrt::detail
