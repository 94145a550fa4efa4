// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// The API model of IVS Real-Time, generated from the AWS model (tools/codegen/): every request,
// result and shape with its operation traits, JSON codec, validation, readable text and HTTP
// target.
#include <ivsrt/model/operations.hpp>
#include <ivsrt/model/errors.hpp>
#include <ivsrt/model/http.hpp>
#include <ivsrt/model/json.hpp>
#include <ivsrt/model/to_string.hpp>
#include <ivsrt/model/validate.hpp>
