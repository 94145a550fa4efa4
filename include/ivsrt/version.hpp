// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// The version, from the file VERSION at the root of the repository (as for CMake, Meson,
// pkg-config and the User-Agent): IVSRT_VERSION_MAJOR, _MINOR, _PATCH and _STRING.
#include <ivsrt/detail/generated/version.hpp>

namespace ivsrt {
inline constexpr const char* version_string = IVSRT_VERSION_STRING;
}  // namespace ivsrt
