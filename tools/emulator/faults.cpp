// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.

#include "faults.hpp"

#include <charconv>
#include <stdexcept>
#include <string>

namespace ivsrt::emulator {

namespace {

[[noreturn]] void bad_fault(std::string_view spec, std::string_view why) {
    throw std::invalid_argument("fault '" + std::string(spec) + "': " + std::string(why));
}

template <class T>
bool parse_number(std::string_view text, T& out) {
    const char* last = text.data() + text.size();
    auto [end, ec] = std::from_chars(text.data(), last, out);
    return ec == std::errc{} && end == last;
}

}  // namespace

fault parse_fault(std::string_view spec) {
    fault f;
    std::vector<std::string_view> parts;
    for (std::string_view rest = spec;;) {
        const std::size_t colon = rest.find(':');
        parts.push_back(rest.substr(0, colon));
        if (colon == std::string_view::npos) break;
        rest.remove_prefix(colon + 1);
    }
    const std::string_view kind = parts[0];
    if (kind == "500") {
        f.kind = fault_kind::internal_error;
    } else if (kind == "503") {
        f.kind = fault_kind::unavailable;
    } else if (kind == "429") {
        f.kind = fault_kind::throttling;
    } else if (kind == "reset-before") {
        f.kind = fault_kind::reset_before;
    } else if (kind == "reset-after") {
        f.kind = fault_kind::reset_after;
    } else if (kind == "truncate") {
        f.kind = fault_kind::truncate;
    } else if (kind == "expired-token") {
        f.kind = fault_kind::expired_token;
    } else if (kind.starts_with("delay=")) {
        f.kind = fault_kind::delay;
        unsigned ms = 0;
        if (!parse_number(kind.substr(6), ms)) bad_fault(spec, "delay=MS needs milliseconds");
        f.delay = std::chrono::milliseconds(ms);
    } else {
        bad_fault(spec,
                  "kind must be 500, 503, 429, reset-before, reset-after, truncate, expired-token "
                  "or delay=MS");
    }
    f.probability = 1;
    for (std::size_t i = 1; i < parts.size(); ++i) {
        const std::string_view part = parts[i];
        if (part.starts_with("every=")) {
            if (!parse_number(part.substr(6), f.every) || f.every == 0) {
                bad_fault(spec, "every=N needs a positive integer");
            }
        } else if (part.starts_with("op=")) {
            f.operation = part.substr(3);
            if (f.operation.empty()) bad_fault(spec, "op=NAME needs an operation name");
        } else {
            // std::from_chars for double is not in libstdc++ 12 everywhere; stod is enough here.
            std::size_t used = 0;
            try {
                f.probability = std::stod(std::string(part), &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (used != part.size() || !(f.probability > 0 && f.probability <= 1)) {
                bad_fault(spec, "trigger must be a probability in (0, 1] or every=N");
            }
        }
    }
    return f;
}

namespace detail {

fault_plan::fault_plan(std::vector<fault> faults, std::uint64_t seed)
    : faults_(std::move(faults)), counts_(faults_.size()), random_(seed) {}

const fault* fault_plan::pick(std::string_view operation) {
    const fault* chosen = nullptr;
    for (std::size_t i = 0; i < faults_.size(); ++i) {
        const fault& f = faults_[i];
        if (!f.operation.empty() && f.operation != operation) continue;
        const std::uint64_t n = ++counts_[i];
        bool fires = false;
        if (f.every > 0) {
            fires = n % f.every == 0;
        } else {
            fires = f.probability >= 1 ||
                    std::uniform_real_distribution<double>(0, 1)(random_) < f.probability;
        }
        if (fires && !chosen) chosen = &f;
    }
    return chosen;
}

std::string_view to_string(fault_kind kind) noexcept {
    switch (kind) {
        case fault_kind::internal_error:
            return "500";
        case fault_kind::unavailable:
            return "503";
        case fault_kind::throttling:
            return "429";
        case fault_kind::reset_before:
            return "reset-before";
        case fault_kind::reset_after:
            return "reset-after";
        case fault_kind::truncate:
            return "truncate";
        case fault_kind::delay:
            return "delay";
        case fault_kind::expired_token:
            return "expired-token";
    }
    return "";
}

}  // namespace detail

}  // namespace ivsrt::emulator
