// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// Percent-encoding (RFC 3986) with a caller-chosen set of bytes left as they are.

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ivsrt::detail {

// A set of bytes, stored as a lookup table.
class char_set {
  public:
    constexpr char_set() noexcept = default;
    constexpr explicit char_set(std::string_view chars) noexcept { add(chars); }

    // This set plus `chars`.
    constexpr char_set operator+(std::string_view chars) const noexcept {
        char_set result = *this;
        result.add(chars);
        return result;
    }

    constexpr bool contains(char c) const noexcept { return table_[static_cast<unsigned char>(c)]; }

  private:
    constexpr void add(std::string_view chars) noexcept {
        for (char c : chars) table_[static_cast<unsigned char>(c)] = true;
    }

    std::array<bool, 256> table_{};
};

// RFC 3986 "unreserved": the only bytes SigV4 leaves unencoded.
inline constexpr char_set unreserved_chars{
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"};

// Writes `in` to `out`, every byte outside `keep` as %XX (uppercase hex). `out` must have room
// for 3 * in.size() chars. Returns the end of what was written.
inline char* percent_encode(char* out, std::string_view in, const char_set& keep) noexcept {
    static constexpr char hex[] = "0123456789ABCDEF";
    for (char c : in) {
        if (keep.contains(c)) {
            *out++ = c;
        } else {
            const auto b = static_cast<unsigned char>(c);
            *out++ = '%';
            *out++ = hex[b >> 4];
            *out++ = hex[b & 0xF];
        }
    }
    return out;
}

// Appends `in` to `out`, percent-encoded as above.
inline void percent_encode(std::string& out, std::string_view in, const char_set& keep) {
    const std::size_t old_size = out.size();
    out.resize(old_size + 3 * in.size());
    char* const end = percent_encode(out.data() + old_size, in, keep);
    out.resize(static_cast<std::size_t>(end - out.data()));
}

inline std::string percent_encode(std::string_view in, const char_set& keep) {
    std::string out;
    percent_encode(out, in, keep);
    return out;
}

// Appends the decoded form of `in` to `out`. Only %XX escapes are decoded ('+' stays '+').
// Returns false, leaving `out` partly appended, if a '%' is not followed by two hex digits.
inline bool percent_decode(std::string& out, std::string_view in) {
    constexpr auto hex_value = [](char c) noexcept -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    };
    out.reserve(out.size() + in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out.push_back(in[i]);
            continue;
        }
        if (in.size() - i < 3) return false;
        const int hi = hex_value(in[i + 1]);
        const int lo = hex_value(in[i + 2]);
        if (hi < 0 || lo < 0) return false;
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    return true;
}

// The decoded form of `in`, or nothing if it holds a malformed escape.
inline std::optional<std::string> percent_decode(std::string_view in) {
    std::string out;
    if (!percent_decode(out, in)) return std::nullopt;
    return out;
}

}  // namespace ivsrt::detail
