// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
// Test helper: values carrying a header injection (CR, LF, NUL) for the settings that become
// header values, and the check that an error names the setting without quoting the value.
#pragma once

#include <string>
#include <string_view>

namespace ivsrt::test::injection {

using namespace std::string_literals;

// Part of every injected value; an error message must never contain it.
inline const std::string secret_part = "SECRETPART";
inline const std::string bad_chars[] = {"\r"s, "\n"s, "\0"s, "\r\n"s};

// A value with `bad` in the middle.
inline std::string injected(const std::string& bad) {
    return secret_part + bad + "X-Injected: 1";
}

// `message` names `field` and quotes nothing of the injected value.
inline bool names_without_quoting(std::string_view message, std::string_view field) {
    return message.find(field) != std::string_view::npos &&
           message.find(secret_part) == std::string_view::npos &&
           message.find("X-Injected") == std::string_view::npos;
}

}  // namespace ivsrt::test::injection
