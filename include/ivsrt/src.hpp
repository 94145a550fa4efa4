// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// Include this header in exactly one translation unit to compile ivsrt's out-of-line code once.
// That TU, like every other TU that includes ivsrt, is compiled with IVSRT_SEPARATE_COMPILATION.
#ifndef IVSRT_SEPARATE_COMPILATION
#error "ivsrt/src.hpp needs IVSRT_SEPARATE_COMPILATION defined"
#endif

#include <ivsrt.hpp>

#include <ivsrt/impl/error.ipp>
#include <ivsrt/impl/diagnostics.ipp>
#include <ivsrt/impl/endpoint.ipp>
#include <ivsrt/impl/retry.ipp>
#include <ivsrt/impl/pacing.ipp>
#include <ivsrt/impl/sigv4.ipp>
#include <ivsrt/impl/connection_pool.ipp>
#include <ivsrt/impl/http_connection.ipp>
#include <ivsrt/impl/proxy.ipp>
#include <ivsrt/impl/dns.ipp>
#include <ivsrt/impl/tls.ipp>
#include <ivsrt/impl/aws_config.ipp>
#include <ivsrt/impl/iso8601.ipp>
#include <ivsrt/impl/credentials_value.ipp>
#include <ivsrt/impl/credentials_formats.ipp>
#include <ivsrt/impl/credential_endpoints.ipp>
#include <ivsrt/impl/credential_providers.ipp>
#include <ivsrt/impl/credentials_cache.ipp>
#include <ivsrt/impl/call.ipp>
#include <ivsrt/impl/client.ipp>
#include <ivsrt/impl/jwt.ipp>
#include <ivsrt/impl/participant_token.ipp>
#include <ivsrt/model_support/impl/common.ipp>
#include <ivsrt/model_support/impl/http.ipp>
#include <ivsrt/model/impl/json.ipp>
#include <ivsrt/model/impl/to_string.ipp>
#include <ivsrt/model/impl/validate.ipp>
