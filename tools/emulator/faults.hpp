// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// Which injected fault, if any, hits the next request.

#include "emulator.hpp"

#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

namespace ivsrt::emulator::detail {

class fault_plan {
  public:
    fault_plan(std::vector<fault> faults, std::uint64_t seed);

    // The fault for a request of `operation`, or null. Every fault that applies to the
    // operation counts the request; the first one that fires wins.
    const fault* pick(std::string_view operation);

  private:
    std::vector<fault> faults_;
    std::vector<std::uint64_t> counts_;
    std::mt19937_64 random_;
};

std::string_view to_string(fault_kind kind) noexcept;

}  // namespace ivsrt::emulator::detail
