// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

/// @file
/// Vocabulary of the generated model types (ivsrt/model/*.hpp): timestamps, optional lists and
/// maps that accept a braced list of elements, and the base of every enum.

#include <ivsrt/detail/config.hpp>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace ivsrt::model {

/// A point in time, as the service sends it (ISO-8601), to the millisecond.
using timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

/// Appends `t` in ISO-8601 UTC form: 2024-01-02T03:04:05Z, or 2024-01-02T03:04:05.678Z when
/// there are milliseconds. Years outside 0000-9999 are not representable.
IVSRT_DECL void format_timestamp(timestamp t, std::string& out);

/// Parses an ISO-8601 date-time: YYYY-MM-DDTHH:MM:SS, an optional fraction of a second (kept to
/// the millisecond), then Z or a +HH:MM / -HH:MM offset. Returns false if `text` is not one, or
/// if the offset takes it out of the years 0000-9999 in UTC (so format_timestamp can write it).
IVSRT_DECL bool parse_timestamp(std::string_view text, timestamp& out) noexcept;

/// A std::optional of a list or map that also accepts a braced list of elements, so that
/// `.capabilities = {participant_token_capability::publish}` sets a one-element list. (A plain
/// std::optional takes the braces as its own constructor arguments and rejects that line; for a
/// map, `.tags = {{"team", "a"}}` would even pick std::map's iterator-pair constructor.) `{}`
/// still means "not set"; set an empty list with `std::vector<T>{}`. Assignment works alike:
/// `x = {a, b}` sets a list, `x = {}` unsets.
template <class Container>
class optional_container : public std::optional<Container> {
  public:
    using std::optional<Container>::optional;

    optional_container(std::initializer_list<typename Container::value_type> items)
        : std::optional<Container>(std::in_place, items) {}

    friend bool operator==(const optional_container& a, const optional_container& b) {
        return static_cast<const std::optional<Container>&>(a) ==
               static_cast<const std::optional<Container>&>(b);
    }
    friend bool operator==(const optional_container& a, std::nullopt_t) noexcept {
        return !a.has_value();
    }
};

template <class T>
using optional_list = optional_container<std::vector<T>>;

template <class T>
using optional_map = optional_container<std::map<std::string, T>>;

namespace detail {

/// Base of every generated enum. A value is one the model knows (an index into Derived::names),
/// one it does not know (kept verbatim: the service adds values over time and an old client must
/// not fail on them), or unset. The generated class adds its values as constants of a nested
/// `known` enum, which convert implicitly; those constants are what designated initializers and
/// comparisons use (`.state = participant_state::connected`, `p.state == ...::connected`).
template <class Derived>
class enum_base {
  public:
    /// The value for a wire string: a known value, else kept verbatim; "" gives the unset value.
    static Derived from_string(std::string_view text) {
        Derived value;
        enum_base& base = value;
        for (std::size_t i = 0; i < std::size(Derived::names); ++i) {
            if (Derived::names[i] == text) {
                base.index_ = static_cast<std::uint8_t>(i + 1);
                return value;
            }
        }
        if (!text.empty()) {
            base.index_ = unknown_index;
            base.unknown_.assign(text);
        }
        return value;
    }

    /// The wire string ("" when unset).
    std::string_view to_string() const noexcept {
        if (index_ == unknown_index) return unknown_;
        return index_ == 0 ? std::string_view{} : Derived::names[index_ - 1];
    }

    /// True for a value the model knows; false when unset or unknown to this version.
    constexpr bool is_known() const noexcept { return index_ != 0 && index_ != unknown_index; }

    constexpr bool empty() const noexcept { return index_ == 0; }

    friend bool operator==(const Derived& a, const Derived& b) noexcept {
        const enum_base& x = a;
        const enum_base& y = b;
        return x.index_ == y.index_ && (x.index_ != unknown_index || x.unknown_ == y.unknown_);
    }

  protected:
    constexpr enum_base() noexcept = default;

    template <class Known>
    constexpr explicit enum_base(Known value) noexcept : index_(static_cast<std::uint8_t>(value)) {}

  private:
    static constexpr std::uint8_t unknown_index = 0xff;

    std::uint8_t index_ = 0;
    std::string unknown_;
};

template <class T>
concept model_enum = std::is_base_of_v<enum_base<T>, T>;

/// True for the types of optional members: std::optional and optional_container.
template <class T>
inline constexpr bool is_optional_v = false;
template <class T>
inline constexpr bool is_optional_v<std::optional<T>> = true;
template <class C>
inline constexpr bool is_optional_v<optional_container<C>> = true;

}  // namespace detail

/// The wire string of an enum value ("" when unset).
template <detail::model_enum E>
std::string_view to_string(const E& value) noexcept {
    return value.to_string();
}

template <detail::model_enum E>
std::ostream& operator<<(std::ostream& os, const E& value) {
    return os << value.to_string();
}

}  // namespace ivsrt::model

#ifndef IVSRT_SEPARATE_COMPILATION
#include <ivsrt/model_support/impl/common.ipp>
#endif
