// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// The CUBIC curve of the adaptive retry mode's rate limiter, as the AWS SDKs define it: after a
// throttle at send rate W_max, the rate restarts at beta * W_max and grows back along
// scale * (t - K)^3 + W_max, where K = cbrt(W_max * (1 - beta) / scale) is the time at which it
// is back at W_max. Tested against reference vectors (tests/data/retry/adaptive_rate.json).

#include <cmath>

namespace ivsrt::detail {

// K, in seconds after the throttle.
inline double cubic_time_window(double last_max_rate, double beta, double scale) noexcept {
    return std::cbrt(last_max_rate * (1 - beta) / scale);
}

// The rate `since_throttle` seconds after a throttle at `last_max_rate`.
inline double cubic_rate(double last_max_rate, double since_throttle, double beta,
                         double scale) noexcept {
    const double k = cubic_time_window(last_max_rate, beta, scale);
    return scale * std::pow(since_throttle - k, 3) + last_max_rate;
}

}  // namespace ivsrt::detail
