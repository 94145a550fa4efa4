// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

/// @file
/// ivsrt::client (see <ivsrt/calls.hpp>) with what constructs it: client_config, the endpoint,
/// and, header-only, the call path.

#include <ivsrt/calls.hpp>
#include <ivsrt/client_config.hpp>
#include <ivsrt/endpoint.hpp>
#include <ivsrt/pool_config.hpp>

#ifndef IVSRT_SEPARATE_COMPILATION
#include <ivsrt/impl/client.ipp>
#endif
