// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// Validation of requests before they are sent: the building blocks of the generated
// ivsrt/model/impl/validate.ipp, which adds one check_<shape>() per constrained shape of the
// model. A check returns true when the value passes; otherwise it records the broken rule, the
// enclosing checks add the path to it while unwinding, and the message reads
// "create_participant_token.duration: 0 is below the minimum 1". Nothing is allocated when
// the value passes.

#include <ivsrt/model_support/common.hpp>
#include <ivsrt/model_support/detail/escape.hpp>

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace ivsrt::model::detail {

// A set of bytes, built at compile time from ranges ("a-zA-Z0-9": first, '-', last, ...) and
// single characters ("-_").
class byte_set {
  public:
    constexpr byte_set(std::string_view ranges, std::string_view singles) noexcept {
        for (std::size_t i = 0; i + 2 < ranges.size(); i += 3) {
            const auto last = static_cast<unsigned char>(ranges[i + 2]);
            for (unsigned c = static_cast<unsigned char>(ranges[i]); c <= last; ++c) add(c);
        }
        for (char c : singles) add(static_cast<unsigned char>(c));
    }

    // Every byte not in this set.
    constexpr byte_set inverted() const noexcept {
        byte_set result = *this;
        for (std::uint64_t& word : result.bits_) word = ~word;
        return result;
    }

    constexpr bool contains(char c) const noexcept {
        const auto b = static_cast<unsigned char>(c);
        return ((bits_[b >> 6] >> (b & 63)) & 1) != 0;
    }

  private:
    constexpr void add(unsigned b) noexcept { bits_[b >> 6] |= std::uint64_t{1} << (b & 63); }

    std::uint64_t bits_[4]{};
};

// Matches a value left to right against a sequence of literals and repeated byte sets. The
// generator uses it only where that is exact: no repeated set overlaps what may follow it, so
// consuming greedily never has to backtrack. Each step returns the scanner advanced, or failed.
class scanner {
  public:
    constexpr explicit scanner(std::string_view text) noexcept : text_(text) {}

    constexpr scanner literal(std::string_view s) const noexcept {
        if (!ok_ || text_.size() - pos_ < s.size()) return {text_, pos_, false};
        for (std::size_t i = 0; i < s.size(); ++i) {
            if (text_[pos_ + i] != s[i]) return {text_, pos_, false};
        }
        return {text_, pos_ + s.size(), true};
    }
    constexpr scanner one(const byte_set& set) const noexcept { return repeat(set, 1, 1); }
    constexpr scanner optional(const byte_set& set) const noexcept { return repeat(set, 0, 1); }
    constexpr scanner zero_or_more(const byte_set& set) const noexcept {
        return repeat(set, 0, text_.size());
    }
    constexpr scanner one_or_more(const byte_set& set) const noexcept {
        return repeat(set, 1, text_.size());
    }

    // True when every step matched and the whole value was consumed.
    constexpr bool done() const noexcept { return ok_ && pos_ == text_.size(); }

  private:
    constexpr scanner(std::string_view text, std::size_t pos, bool ok) noexcept
        : text_(text), pos_(pos), ok_(ok) {}

    // Consumes from `min` to `max` bytes of `set`, as many as there are.
    constexpr scanner repeat(const byte_set& set, std::size_t min, std::size_t max) const noexcept {
        if (!ok_) return *this;
        const std::size_t end = pos_ + std::min(max, text_.size() - pos_);
        std::size_t pos = pos_;
        while (pos != end && set.contains(text_[pos])) ++pos;
        return {text_, pos, pos - pos_ >= min};
    }

    std::string_view text_;
    std::size_t pos_ = 0;
    bool ok_ = true;
};

// Runs a DFA compiled by the generator: byte_class maps each byte to a column of next_state,
// state 1 starts and state 0 rejects.
template <std::size_t States, std::size_t Classes>
constexpr bool run_dfa(std::string_view text, const std::uint8_t (&byte_class)[256],
                       const std::uint8_t (&next_state)[States][Classes],
                       const bool (&accepting)[States]) noexcept {
    std::uint8_t state = 1;
    for (char c : text) {
        state = next_state[state][byte_class[static_cast<unsigned char>(c)]];
        if (state == 0) return false;
    }
    return accepting[state];
}

// Number of characters (Unicode code points) of UTF-8 text, as the model's lengths count.
constexpr std::size_t count_characters(std::string_view text) noexcept {
    std::size_t n = 0;
    for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

// The offset of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629:
// no overlong forms, no surrogates, nothing above U+10FFFF), or text.size() when there is none.
constexpr std::size_t invalid_utf8_at(std::string_view text) noexcept {
    std::size_t i = 0;
    const std::size_t n = text.size();
    while (i < n) {
        const auto b = static_cast<unsigned char>(text[i]);
        if (b < 0x80) {
            ++i;
            continue;
        }
        std::size_t len = 0;
        unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
        if (b >= 0xC2 && b <= 0xDF) {
            len = 2;
        } else if (b >= 0xE0 && b <= 0xEF) {
            len = 3;
            if (b == 0xE0) lo = 0xA0;  // overlong
            if (b == 0xED) hi = 0x9F;  // surrogates
        } else if (b >= 0xF0 && b <= 0xF4) {
            len = 4;
            if (b == 0xF0) lo = 0x90;  // overlong
            if (b == 0xF4) hi = 0x8F;  // above U+10FFFF
        } else {
            return i;
        }
        if (n - i < len) return i;
        const auto second = static_cast<unsigned char>(text[i + 1]);
        if (second < lo || second > hi) return i;
        for (std::size_t k = 2; k < len; ++k) {
            if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return i;
        }
        i += len;
    }
    return n;
}

class validator {
  public:
    // ---- Rules on one value.

    bool length(std::string_view value, std::size_t min, std::size_t max) {
        // A string has at most as many characters as bytes, and at least a quarter as many.
        if (value.size() >= 4 * min && value.size() <= max) return true;
        const std::size_t n = count_characters(value);
        if (n < min) return fail_bound("length ", n, " is below the minimum ", min);
        if (n > max) return fail_bound("length ", n, " is above the maximum ", max);
        return true;
    }
    bool min_length(std::string_view value, std::size_t min) { return length(value, min, -1); }
    bool max_length(std::string_view value, std::size_t max) { return length(value, 0, max); }

    // Strings go to the service as UTF-8 in JSON, URIs and queries: anything else is a mistake
    // the service would reject or mangle. The value is not repeated (it is not text).
    bool utf8(std::string_view value) {
        const std::size_t at = invalid_utf8_at(value);
        if (at == value.size()) return true;
        rule_ = "is not valid UTF-8 (byte ";
        append_number(at);
        rule_ += ')';
        return false;
    }

    // The total size in bytes of a map's keys and values.
    template <class Map>
    bool total_bytes(const Map& map, std::size_t max) {
        std::size_t total = 0;
        for (const auto& [key, value] : map) total += key.size() + value.size();
        if (total <= max) return true;
        return fail_bound("keys and values total ", total, " bytes, above the maximum ", max);
    }

    template <class T>
    bool range(T value, std::type_identity_t<T> min, std::type_identity_t<T> max) {
        // Written so that NaN fails both comparisons.
        if (!(value >= min)) return fail_bound("", value, " is below the minimum ", min);
        if (!(value <= max)) return fail_bound("", value, " is above the maximum ", max);
        return true;
    }
    template <class T>
    bool at_least(T value, std::type_identity_t<T> min) {
        return value >= min || fail_bound("", value, " is below the minimum ", min);
    }
    template <class T>
    bool at_most(T value, std::type_identity_t<T> max) {
        return value <= max || fail_bound("", value, " is above the maximum ", max);
    }

    template <class Container>
    bool size(const Container& value, std::size_t min, std::size_t max) {
        if (value.size() < min)
            return fail_bound("size ", value.size(), " is below the minimum ", min);
        if (value.size() > max)
            return fail_bound("size ", value.size(), " is above the maximum ", max);
        return true;
    }
    template <class Container>
    bool min_size(const Container& value, std::size_t min) {
        return size(value, min, -1);
    }
    template <class Container>
    bool max_size(const Container& value, std::size_t max) {
        return size(value, 0, max);
    }

    // Records that `value` does not match `pattern`; returns false.
    bool mismatch(std::string_view value, std::string_view pattern) {
        rule_.clear();
        append_echo(value);
        rule_ += " does not match pattern ";
        rule_ += pattern;
        return false;
    }
    // The same, for a sensitive value, which is not repeated.
    bool mismatch_redacted(std::string_view pattern) {
        rule_ = "value does not match pattern ";
        rule_ += pattern;
        return false;
    }

    template <model_enum E>
    bool known(const E& value) {
        if (value.is_known()) return true;
        rule_.clear();
        append_echo(value.to_string());
        rule_ += " is not one of ";
        for (std::size_t i = 0; i < std::size(E::names); ++i) {
            if (i != 0) rule_ += ", ";
            rule_ += E::names[i];
        }
        return false;
    }

    // ---- Members and elements: apply a check and name where it failed.

    // Fails with "is required" when `value` (a string, an enum or a list) is empty.
    template <class T>
    bool required(std::string_view name, const T& value) {
        if (!value.empty()) return true;
        rule_ = "is required";
        return fail_in(name);
    }

    // Applies `check` to the member `name`, when it is set.
    template <class T, class Check>
    bool member(std::string_view name, const T& value, Check check) {
        if constexpr (is_optional_v<T>) {
            return !value.has_value() || check(*value, *this) || fail_in(name);
        } else {
            return check(value, *this) || fail_in(name);
        }
    }

    template <class T, class Check>
    bool each(const std::vector<T>& list, Check check) {
        for (std::size_t i = 0; i < list.size(); ++i) {
            if (!check(list[i], *this)) return fail_at(i);
        }
        return true;
    }

    template <class T, class Check>
    bool each_key(const std::map<std::string, T>& map, Check check) {
        for (const auto& entry : map) {
            if (!check(entry.first, *this)) {
                rule_.insert(0, "key ");
                return false;
            }
        }
        return true;
    }

    template <class T, class Check>
    bool each_value(const std::map<std::string, T>& map, Check check) {
        for (const auto& [key, value] : map) {
            if (!check(value, *this)) return fail_in(key);
        }
        return true;
    }

    // "root.path: rule" for the recorded failure.
    std::string message(std::string_view root) const {
        std::string text(root);
        text += path_;
        text += ": ";
        text += rule_;
        return text;
    }

  private:
    bool fail_in(std::string_view name) {
        path_.insert(0, name);
        path_.insert(0, 1, '.');
        return false;
    }

    bool fail_at(std::size_t index) {
        path_.insert(0, "[" + std::to_string(index) + "]");
        return false;
    }

    template <class Value, class Bound>
    bool fail_bound(std::string_view what, Value value, std::string_view rule, Bound bound) {
        rule_ = what;
        append_number(value);
        rule_ += rule;
        append_number(bound);
        return false;
    }

    template <class Number>
    void append_number(Number n) {
        char buffer[32];
        const auto result = std::to_chars(buffer, buffer + sizeof buffer, n);
        rule_.append(buffer, result.ptr);
    }

    // Appends `value` quoted, cut after 64 bytes (at a character boundary) so that a message
    // stays readable.
    void append_echo(std::string_view value) {
        constexpr std::size_t limit = 64;
        if (value.size() <= limit) {
            append_quoted(rule_, value);
            return;
        }
        std::size_t cut = limit;
        while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
        append_quoted(rule_, value.substr(0, cut));
        rule_ += "...";
    }

    std::string path_;
    std::string rule_;
};

template <model_enum E>
bool check_enum(const E& value, validator& c) {
    return c.known(value);
}

// Validates `request` with `check`; on failure sets `message` to "operation.path: rule".
template <class Request, class Check>
bool validate_request(const Request& request, std::string& message, std::string_view operation,
                      Check check) {
    validator c;
    if (check(request, c)) return true;
    message = c.message(operation);
    return false;
}

}  // namespace ivsrt::model::detail
