// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <ivsrt/model_support/common.hpp>

namespace ivsrt::model {

namespace detail {

// Appends `value` as exactly `width` decimal digits (value must fit).
inline void append_digits(std::string& out, long long value, int width) {
    char digits[8];
    for (int i = width - 1; i >= 0; --i) {
        digits[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    out.append(digits, static_cast<std::size_t>(width));
}

// Reads exactly `width` decimal digits at `pos`, advancing it. False if they are not digits.
constexpr bool read_digits(std::string_view text, std::size_t& pos, int width,
                           int& value) noexcept {
    if (text.size() - pos < static_cast<std::size_t>(width)) return false;
    value = 0;
    for (int i = 0; i < width; ++i) {
        const char c = text[pos++];
        if (c < '0' || c > '9') return false;
        value = value * 10 + (c - '0');
    }
    return true;
}

constexpr bool read_char(std::string_view text, std::size_t& pos, char a, char b = '\0') noexcept {
    if (pos == text.size() || (text[pos] != a && (b == '\0' || text[pos] != b))) return false;
    ++pos;
    return true;
}

}  // namespace detail

IVSRT_DECL void format_timestamp(timestamp t, std::string& out) {
    using namespace std::chrono;
    const sys_days day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss<milliseconds> time{t - day};
    detail::append_digits(out, static_cast<int>(ymd.year()), 4);
    out += '-';
    detail::append_digits(out, static_cast<unsigned>(ymd.month()), 2);
    out += '-';
    detail::append_digits(out, static_cast<unsigned>(ymd.day()), 2);
    out += 'T';
    detail::append_digits(out, time.hours().count(), 2);
    out += ':';
    detail::append_digits(out, time.minutes().count(), 2);
    out += ':';
    detail::append_digits(out, time.seconds().count(), 2);
    if (time.subseconds().count() != 0) {
        out += '.';
        detail::append_digits(out, time.subseconds().count(), 3);
    }
    out += 'Z';
}

IVSRT_DECL bool parse_timestamp(std::string_view text, timestamp& out) noexcept {
    using namespace std::chrono;
    using detail::read_char;
    using detail::read_digits;
    std::size_t pos = 0;
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    if (!(read_digits(text, pos, 4, y) && read_char(text, pos, '-') &&
          read_digits(text, pos, 2, mo) && read_char(text, pos, '-') &&
          read_digits(text, pos, 2, d) && read_char(text, pos, 'T', 't') &&
          read_digits(text, pos, 2, h) && read_char(text, pos, ':') &&
          read_digits(text, pos, 2, mi) && read_char(text, pos, ':') &&
          read_digits(text, pos, 2, s))) {
        return false;
    }
    const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)},
                             day{static_cast<unsigned>(d)}};
    if (!ymd.ok() || h > 23 || mi > 59 || s > 59) return false;

    int millis = 0;
    if (read_char(text, pos, '.')) {
        const std::size_t first = pos;
        for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) {
            if (pos - first < 3) millis = millis * 10 + (text[pos] - '0');
        }
        if (pos == first) return false;
        for (std::size_t n = pos - first; n < 3; ++n) millis *= 10;
    }

    minutes offset{0};
    if (!read_char(text, pos, 'Z', 'z')) {
        if (pos == text.size() || (text[pos] != '+' && text[pos] != '-')) return false;
        const bool negative = text[pos++] == '-';
        int oh = 0, om = 0;
        if (!read_digits(text, pos, 2, oh)) return false;
        read_char(text, pos, ':');
        if (!read_digits(text, pos, 2, om) || oh > 23 || om > 59) return false;
        offset = hours{oh} + minutes{om};
        if (negative) offset = -offset;
    }
    if (pos != text.size()) return false;

    // The local time minus its offset from UTC is the UTC time. An offset can move it out of
    // the years 0000-9999, which format_timestamp cannot write.
    const timestamp t =
        sys_days{ymd} + hours{h} + minutes{mi} + seconds{s} + milliseconds{millis} - offset;
    if (t < sys_days{year{0} / 1 / 1} || t >= sys_days{year{10000} / 1 / 1}) return false;
    out = t;
    return true;
}

}  // namespace ivsrt::model
