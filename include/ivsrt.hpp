// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// Umbrella header: the client and everything it is built from, except the connection pool's
// request API (<ivsrt/connection_pool.hpp>), which takes Beast messages and so would make every
// TU that includes the client parse Beast's HTTP headers.
#include <ivsrt/version.hpp>
#include <ivsrt/error.hpp>
#include <ivsrt/diagnostics.hpp>
#include <ivsrt/with_diagnostics.hpp>
#include <ivsrt/endpoint.hpp>
#include <ivsrt/retry.hpp>
#include <ivsrt/pacing.hpp>
#include <ivsrt/sigv4.hpp>
#include <ivsrt/aws_config.hpp>
#include <ivsrt/credentials.hpp>
#include <ivsrt/participant_token.hpp>
#include <ivsrt/client_config.hpp>
#include <ivsrt/paginator.hpp>
#include <ivsrt/client.hpp>
#include <ivsrt/model/all.hpp>
