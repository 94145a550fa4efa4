// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// ivsrt is header-only by default. Define IVSRT_SEPARATE_COMPILATION in every translation unit
// and include <ivsrt/src.hpp> in exactly one of them to compile the out-of-line parts once.
#ifdef IVSRT_SEPARATE_COMPILATION
#define IVSRT_DECL
#else
#define IVSRT_DECL inline
#endif

#if __cplusplus < 202002L && !(defined(_MSVC_LANG) && _MSVC_LANG >= 202002L)
#error "ivsrt requires C++20"
#endif
