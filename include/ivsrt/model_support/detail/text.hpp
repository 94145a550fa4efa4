// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// Readable text of model values, for logs: the building blocks of the generated
// ivsrt/model/impl/to_string.ipp, which adds one print() per structure. The text looks like
// create_participant_token_request{stage_arn: "arn:...", duration: 60, capabilities: [PUBLISH]};
// unset members are left out and sensitive members read ***.

#include <ivsrt/model_support/common.hpp>
#include <ivsrt/model_support/detail/escape.hpp>

#include <charconv>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ivsrt::model::detail {

// The output of a printing. (A class of this namespace, so that the print() overloads of the
// generated structures are found from the templates below.)
struct text_writer {
    std::string& out;
};

inline void print(text_writer& w, const std::string& value) {
    append_quoted(w.out, value);
}

inline void print(text_writer& w, bool value) {
    w.out += value ? "true" : "false";
}

inline void print(text_writer& w, std::int32_t value) {
    char buffer[16];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    w.out.append(buffer, result.ptr);
}

inline void print(text_writer& w, double value) {
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    w.out.append(buffer, result.ptr);
}

inline void print(text_writer& w, timestamp value) {
    format_timestamp(value, w.out);
}

// Known values as they are (PUBLISH), others quoted ("NEW_VALUE", or "" when unset).
template <model_enum E>
void print(text_writer& w, const E& value) {
    if (value.is_known()) {
        w.out += value.to_string();
    } else {
        append_quoted(w.out, value.to_string());
    }
}

template <class T>
void print(text_writer& w, const std::vector<T>& list) {
    w.out += '[';
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (i != 0) w.out += ", ";
        print(w, list[i]);
    }
    w.out += ']';
}

template <class T>
void print(text_writer& w, const std::map<std::string, T>& map) {
    w.out += '{';
    bool first = true;
    for (const auto& [key, value] : map) {
        if (!first) w.out += ", ";
        first = false;
        append_quoted(w.out, key);
        w.out += ": ";
        print(w, value);
    }
    w.out += '}';
}

// Prints one structure, member by member, leaving out unset optional members.
class object_printer {
  public:
    explicit object_printer(text_writer& w) : w_(w) { w_.out += '{'; }

    template <class T>
    void member(std::string_view name, const T& value) {
        if constexpr (is_optional_v<T>) {
            if (value.has_value()) member(name, *value);
        } else {
            next(name);
            print(w_, value);
        }
    }

    // A sensitive member: shows that it is set, never its value.
    template <class T>
    void redacted(std::string_view name, const T& value) {
        if constexpr (is_optional_v<T>) {
            if (!value.has_value()) return;
        }
        next(name);
        w_.out += "***";
    }

    void end() { w_.out += '}'; }

  private:
    void next(std::string_view name) {
        if (!first_) w_.out += ", ";
        first_ = false;
        w_.out += name;
        w_.out += ": ";
    }

    text_writer& w_;
    bool first_ = true;
};

template <class T>
std::string to_text(std::string_view type_name, const T& value) {
    std::string out(type_name);
    text_writer w{out};
    print(w, value);
    return out;
}

}  // namespace ivsrt::model::detail
