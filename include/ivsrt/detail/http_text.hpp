// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// What may be put into an HTTP header value (RFC 9110 field-value: HTAB, SP, visible ASCII and
// obs-text). A CR, LF or NUL in a value would end the header or the head early: header injection.
// And what a number in a header or URL must look like, and how a header line is written.

#include <algorithm>
#include <string>
#include <string_view>

namespace ivsrt::detail {

// A control character other than HTAB (CR, LF and NUL among them), or DEL.
constexpr bool is_control_char(char c) noexcept {
    const auto b = static_cast<unsigned char>(c);
    return (b < 0x20 && b != '\t') || b == 0x7f;
}

// Appends one header line, "Name: value\r\n". (The literals as string_views: a char pointer
// would cost a strlen per piece, on every request.)
inline void append_field(std::string& out, std::string_view name, std::string_view value) {
    constexpr std::string_view separator = ": ";
    constexpr std::string_view end = "\r\n";
    out.append(name).append(separator).append(value).append(end);
}

// True when `v` may be sent as a header value as it is.
constexpr bool is_field_value(std::string_view v) noexcept {
    return std::none_of(v.begin(), v.end(), is_control_char);
}

// True when `v` holds a control character (HTAB included) or a space: none belongs in a URL.
constexpr bool has_control_or_space(std::string_view v) noexcept {
    return std::any_of(v.begin(), v.end(),
                       [](char c) { return is_control_char(c) || c == '\t' || c == ' '; });
}

// One or more ASCII digits and nothing else (no sign, no blank).
constexpr bool all_digits(std::string_view v) noexcept {
    return !v.empty() &&
           std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace ivsrt::detail
