// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// JSON encoding and decoding of model values: the building blocks of the generated
// ivsrt/model/impl/json.ipp, which adds one write() and one read() per structure.
//
// Encoding appends compact JSON straight to a std::string; unset optional members are left out.
// Decoding parses with Boost.JSON, then walks the value: unknown keys are ignored, a missing or
// null optional member stays unset, and a value of the wrong type fails with its JSON path
// ("stage.tags.team: expected a string").

#include <ivsrt/model_support/common.hpp>
#include <ivsrt/model_support/detail/escape.hpp>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ivsrt::model::detail {

// ---- Encoding

// The output of an encoding. (A class of this namespace, so that the write() overloads of the
// generated structures are found from the templates below.)
struct json_writer {
    std::string& out;
};

inline void write(json_writer& w, const std::string& value) {
    append_quoted(w.out, value);
}

inline void write(json_writer& w, bool value) {
    w.out += value ? "true" : "false";
}

inline void write(json_writer& w, std::int32_t value) {
    char buffer[16];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    w.out.append(buffer, result.ptr);
}

inline void write(json_writer& w, double value) {
    if (!std::isfinite(value)) {  // JSON has no NaN or infinity
        w.out += "null";
        return;
    }
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    w.out.append(buffer, result.ptr);
}

inline void write(json_writer& w, timestamp value) {
    w.out += '"';
    format_timestamp(value, w.out);
    w.out += '"';
}

template <model_enum E>
void write(json_writer& w, const E& value) {
    append_quoted(w.out, value.to_string());
}

template <class T>
void write(json_writer& w, const std::vector<T>& list) {
    w.out += '[';
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (i != 0) w.out += ',';
        write(w, list[i]);
    }
    w.out += ']';
}

template <class T>
void write(json_writer& w, const std::map<std::string, T>& map) {
    w.out += '{';
    bool first = true;
    for (const auto& [key, value] : map) {
        if (!first) w.out += ',';
        first = false;
        append_quoted(w.out, key);
        w.out += ':';
        write(w, value);
    }
    w.out += '}';
}

// Writes one JSON object, member by member, leaving out unset optional members.
class object_writer {
  public:
    explicit object_writer(json_writer& w) : w_(w) { w_.out += '{'; }

    // `key` is a name of the model: plain ASCII, never escaped.
    template <class T>
    void member(std::string_view key, const T& value) {
        if constexpr (is_optional_v<T>) {
            if (value.has_value()) member(key, *value);
        } else {
            if (!first_) w_.out += ',';
            first_ = false;
            w_.out += '"';
            w_.out += key;
            w_.out += "\":";
            write(w_, value);
        }
    }

    void end() { w_.out += '}'; }

  private:
    json_writer& w_;
    bool first_ = true;
};

template <class T>
void encode(const T& value, std::string& out) {
    json_writer w{out};
    write(w, value);
}

// ---- Decoding

// What a missing required member means: an error for a server reading a request, a default
// value for a client reading a response (Smithy's "client error correction", so that a service
// that stops sending a member does not break old clients).
enum class missing_required { reject, default_value };

// The state of one decoding: on failure, the rule broken and the JSON path to it, which the
// readers build while unwinding.
class json_reader {
  public:
    explicit json_reader(missing_required missing) noexcept : missing_(missing) {}

    // Records the failed rule; returns false.
    bool fail(std::string_view rule) noexcept {
        rule_ = rule;
        return false;
    }

    // Prefixes the path of a failure with the member `key`; returns false.
    bool fail_in(std::string_view key) {
        path_.insert(0, key);
        if (path_.size() > key.size() && path_[key.size()] != '[') path_.insert(key.size(), ".");
        return false;
    }

    // Prefixes the path of a failure with the list index `index`; returns false.
    bool fail_at(std::size_t index) {
        std::string segment = "[" + std::to_string(index) + "]";
        if (!path_.empty() && path_[0] != '[') segment += '.';
        path_.insert(0, segment);
        return false;
    }

    // "path: rule", or just the rule when it applies to the whole document.
    std::string message() const {
        return path_.empty() ? std::string(rule_) : path_ + ": " + std::string(rule_);
    }

    const boost::json::object* object(const boost::json::value& value) noexcept {
        const boost::json::object* object = value.if_object();
        if (object == nullptr) fail("expected an object");
        return object;
    }

    template <class T>
    bool member(const boost::json::object& object, std::string_view key, T& out);

  private:
    std::string path_;
    std::string_view rule_;  // always a string literal
    missing_required missing_;
};

inline bool read(const boost::json::value& value, std::string& out, json_reader& r) {
    const boost::json::string* s = value.if_string();
    if (s == nullptr) return r.fail("expected a string");
    out.assign(s->data(), s->size());
    return true;
}

inline bool read(const boost::json::value& value, bool& out, json_reader& r) {
    const bool* b = value.if_bool();
    if (b == nullptr) return r.fail("expected a boolean");
    out = *b;
    return true;
}

inline bool read(const boost::json::value& value, std::int32_t& out, json_reader& r) {
    constexpr std::int64_t min = std::numeric_limits<std::int32_t>::min();
    constexpr std::int64_t max = std::numeric_limits<std::int32_t>::max();
    if (const std::int64_t* i = value.if_int64(); i != nullptr && *i >= min && *i <= max) {
        out = static_cast<std::int32_t>(*i);
        return true;
    }
    if (const std::uint64_t* u = value.if_uint64(); u != nullptr && *u <= std::uint64_t{max}) {
        out = static_cast<std::int32_t>(*u);
        return true;
    }
    return r.fail("expected a 32-bit integer");
}

inline bool read(const boost::json::value& value, double& out, json_reader& r) {
    if (const double* d = value.if_double()) {
        out = *d;
    } else if (const std::int64_t* i = value.if_int64()) {
        out = static_cast<double>(*i);
    } else if (const std::uint64_t* u = value.if_uint64()) {
        out = static_cast<double>(*u);
    } else {
        return r.fail("expected a number");
    }
    return true;
}

inline bool read(const boost::json::value& value, timestamp& out, json_reader& r) {
    const boost::json::string* s = value.if_string();
    if (s == nullptr || !parse_timestamp(*s, out)) return r.fail("expected an ISO-8601 timestamp");
    return true;
}

template <model_enum E>
bool read(const boost::json::value& value, E& out, json_reader& r) {
    const boost::json::string* s = value.if_string();
    if (s == nullptr) return r.fail("expected a string");
    out = E::from_string(*s);
    return true;
}

template <class T>
bool read(const boost::json::value& value, std::vector<T>& out, json_reader& r) {
    const boost::json::array* array = value.if_array();
    if (array == nullptr) return r.fail("expected an array");
    out.clear();
    out.reserve(array->size());
    for (std::size_t i = 0; i < array->size(); ++i) {
        if (!read((*array)[i], out.emplace_back(), r)) return r.fail_at(i);
    }
    return true;
}

template <class T>
bool read(const boost::json::value& value, std::map<std::string, T>& out, json_reader& r) {
    const boost::json::object* object = r.object(value);
    if (object == nullptr) return false;
    out.clear();
    for (const auto& entry : *object) {
        if (!read(entry.value(), out[std::string(entry.key())], r)) return r.fail_in(entry.key());
    }
    return true;
}

template <class T>
bool json_reader::member(const boost::json::object& object, std::string_view key, T& out) {
    const boost::json::value* value = object.if_contains(key);
    if constexpr (is_optional_v<T>) {
        if (value == nullptr || value->is_null()) return true;
        return read(*value, out.emplace(), *this) || fail_in(key);
    } else {
        if (value == nullptr) {
            if (missing_ == missing_required::default_value) return true;
            fail("missing required member");
            return fail_in(key);
        }
        return read(*value, out, *this) || fail_in(key);
    }
}

template <class T>
bool decode(std::string_view text, T& out, std::string& error, missing_required missing) {
    unsigned char buffer[4096];
    boost::json::monotonic_resource resource(buffer, sizeof buffer);
    boost::system::error_code ec;
    const boost::json::value root = boost::json::parse(text, ec, &resource);
    if (ec) {
        error = "invalid JSON: " + ec.message();
        return false;
    }
    out = T{};
    json_reader reader(missing);
    if (!read(root, out, reader)) {
        error = reader.message();
        return false;
    }
    return true;
}

}  // namespace ivsrt::model::detail
