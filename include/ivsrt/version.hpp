// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#define IVSRT_VERSION_MAJOR 0
#define IVSRT_VERSION_MINOR 1
#define IVSRT_VERSION_PATCH 0
#define IVSRT_VERSION_STRING "0.1.0"

namespace ivsrt {
inline constexpr const char* version_string = IVSRT_VERSION_STRING;
}  // namespace ivsrt
