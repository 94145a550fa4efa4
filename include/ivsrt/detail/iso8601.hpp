// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// ISO-8601 timestamps as credential sources write expirations. Standard library only.

#include <ivsrt/detail/config.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ivsrt::detail {

// "2024-05-01T12:00:00Z", with optional fraction and a Z or +hh:mm / -hh:mm offset.
IVSRT_DECL std::optional<std::chrono::system_clock::time_point> parse_iso8601(
    std::string_view s) noexcept;

// "2024-05-01T12:00:00Z" (whole seconds, UTC).
IVSRT_DECL std::string format_iso8601(std::chrono::system_clock::time_point t);

}  // namespace ivsrt::detail

#ifndef IVSRT_SEPARATE_COMPILATION
#include <ivsrt/impl/iso8601.ipp>
#endif
