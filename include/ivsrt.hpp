// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// Umbrella header: everything public in ivsrt.
#include <ivsrt/version.hpp>
#include <ivsrt/error.hpp>
#include <ivsrt/diagnostics.hpp>
#include <ivsrt/with_diagnostics.hpp>
#include <ivsrt/endpoint.hpp>
#include <ivsrt/retry.hpp>
#include <ivsrt/pacing.hpp>
#include <ivsrt/sigv4.hpp>
#include <ivsrt/connection_pool.hpp>
#include <ivsrt/aws_config.hpp>
#include <ivsrt/credentials.hpp>
#include <ivsrt/participant_token.hpp>
#include <ivsrt/client_config.hpp>
#include <ivsrt/paginator.hpp>
#include <ivsrt/client.hpp>
#include <ivsrt/model/all.hpp>
