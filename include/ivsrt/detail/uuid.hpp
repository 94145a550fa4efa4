// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// Random (version 4) UUIDs in their lowercase 8-4-4-4-12 text form.

#include <ivsrt/detail/crypto.hpp>

#include <openssl/rand.h>

#include <array>
#include <cstddef>
#include <string>

namespace ivsrt::detail {

// The text of a UUID of 16 random bytes, with the version (4) and RFC 9562 variant bits set.
inline std::array<char, 36> format_uuid_v4(std::array<unsigned char, 16> bytes) noexcept {
    bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);
    bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);
    constexpr char hex[] = "0123456789abcdef";
    std::array<char, 36> out;
    std::size_t o = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out[o++] = '-';
        out[o++] = hex[bytes[i] >> 4];
        out[o++] = hex[bytes[i] & 0x0f];
    }
    return out;
}

// A UUID v4 from OpenSSL's CSPRNG, for idempotency tokens. Two calls must never share a token
// (the service would answer the second with the first one's result), across threads and processes
// alike: RAND_bytes is thread-safe and reseeds in a forked child, where a per-thread generator
// seeded once would repeat its parent's sequence. Throws std::runtime_error if RAND_bytes fails.
inline std::string random_uuid_v4() {
    std::array<unsigned char, 16> bytes;
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        throw_openssl_failure("RAND_bytes");
    }
    const std::array<char, 36> text = format_uuid_v4(bytes);
    return std::string(text.data(), text.size());
}

}  // namespace ivsrt::detail
