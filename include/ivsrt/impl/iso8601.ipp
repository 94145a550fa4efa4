// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <ivsrt/detail/iso8601.hpp>

#include <cstdio>

namespace ivsrt::detail {

IVSRT_DECL std::optional<std::chrono::system_clock::time_point> parse_iso8601(
    std::string_view s) noexcept {
    using namespace std::chrono;
    auto number = [&](std::size_t pos, std::size_t n, int& value) {
        if (pos + n > s.size()) return false;
        value = 0;
        for (std::size_t i = pos; i < pos + n; ++i) {
            if (s[i] < '0' || s[i] > '9') return false;
            value = value * 10 + (s[i] - '0');
        }
        return true;
    };
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    if (!number(0, 4, y) || s.size() < 19 || s[4] != '-' || !number(5, 2, mo) || s[7] != '-' ||
        !number(8, 2, d) || (s[10] != 'T' && s[10] != 't') || !number(11, 2, h) || s[13] != ':' ||
        !number(14, 2, mi) || s[16] != ':' || !number(17, 2, sec)) {
        return std::nullopt;
    }
    std::size_t pos = 19;
    nanoseconds fraction{0};
    if (pos < s.size() && s[pos] == '.') {
        const std::size_t start = ++pos;
        long long value = 0;
        int digits = 0;
        for (; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos) {
            if (digits < 9) {
                value = value * 10 + (s[pos] - '0');
                ++digits;
            }
        }
        if (pos == start) return std::nullopt;
        for (; digits < 9; ++digits) value *= 10;
        fraction = nanoseconds(value);
    }
    minutes offset{0};
    if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
        ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        const int sign = s[pos] == '-' ? -1 : 1;
        int oh = 0, om = 0;
        std::size_t p = pos + 3;
        if (!number(pos + 1, 2, oh)) return std::nullopt;
        if (p < s.size() && s[p] == ':') ++p;
        if (!number(p, 2, om) || oh > 23 || om > 59) return std::nullopt;
        offset = sign * (hours(oh) + minutes(om));
        pos = p + 2;
    } else {
        return std::nullopt;  // a local time says nothing about the instant
    }
    const year_month_day date{year{y}, month{static_cast<unsigned>(mo)},
                              day{static_cast<unsigned>(d)}};
    if (pos != s.size() || !date.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
    // system_clock counts nanoseconds, which end in 2262: a year outside 1970-2199 would overflow
    // and is no credential expiry anyway.
    if (y < 1970 || y > 2199) return std::nullopt;
    const auto t = sys_days(date) + hours(h) + minutes(mi) + seconds(sec) + fraction - offset;
    return time_point_cast<system_clock::duration>(t);
}

IVSRT_DECL std::string format_iso8601(std::chrono::system_clock::time_point t) {
    using namespace std::chrono;
    const auto secs = floor<seconds>(t);
    const auto days_part = floor<days>(secs);
    const year_month_day date(days_part);
    const hh_mm_ss time(secs - days_part);
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02dZ",
                  static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                  static_cast<unsigned>(date.day()), static_cast<int>(time.hours().count()),
                  static_cast<int>(time.minutes().count()),
                  static_cast<int>(time.seconds().count()));
    return buffer;
}

}  // namespace ivsrt::detail
