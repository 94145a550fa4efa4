// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// The JSON codec of model values, generic over the structures' tables (json_shape, generated
// in ivsrt/model/json.hpp): one encoder and one decoder, instantiated per structure used.
//
// Encoding appends compact JSON straight to a std::string; unset optional members are left out.
// Decoding runs Boost.JSON's SAX parser once over the text, storing each value straight into
// the structure (no DOM, no intermediate tokens), guided by a table per C++ type (value_ops):
// unknown keys are skipped, a missing or null optional member stays unset, a repeated key takes
// its last value, and a value of the wrong type fails with its JSON path ("stage.tags.team:
// expected a string").

#include <ivsrt/model_support/common.hpp>
#include <ivsrt/model_support/detail/escape.hpp>
#include <ivsrt/model_support/json_shape.hpp>
#include <ivsrt/model_support/traits.hpp>

#include <boost/json/basic_parser_impl.hpp>

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
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

template <class T, auto... M, std::size_t... I>
void write_members(object_writer& o, const T& value, json_members<M...>,
                   std::index_sequence<I...>) {
    (o.member(json_shape<T>::keys[I], value.*M), ...);
}

template <json_structure T>
void write(json_writer& w, const T& value) {
    object_writer o{w};
    write_members(o, value, typename json_shape<T>::members{},
                  std::make_index_sequence<json_shape<T>::keys.size()>{});
    o.end();
}

template <json_structure T>
void encode(const T& value, std::string& out) {
    json_writer w{out};
    write(w, value);
}

// ---- Decoding

// A scalar value as the parser hands it over.
enum class json_token : std::uint8_t { string, int64, uint64, real, boolean, null };

struct json_scalar {
    json_token kind;
    bool boolean = false;
    std::uint64_t bits = 0;   // int64, uint64: the value; real: its representation
    std::string_view text{};  // string: unescaped

    std::int64_t int64() const noexcept { return static_cast<std::int64_t>(bits); }
    double real() const noexcept { return std::bit_cast<double>(bits); }
};

// The rule a value of another JSON type breaks.
enum class json_rule : std::uint8_t { string, boolean, int32, number, timestamp, array, object };

constexpr std::string_view expected(json_rule r) noexcept {
    switch (r) {
        case json_rule::string:
            return "expected a string";
        case json_rule::boolean:
            return "expected a boolean";
        case json_rule::int32:
            return "expected a 32-bit integer";
        case json_rule::number:
            return "expected a number";
        case json_rule::timestamp:
            return "expected an ISO-8601 timestamp";
        case json_rule::array:
            return "expected an array";
        case json_rule::object:
            break;
    }
    return "expected an object";
}

// How JSON values are stored into the C++ values of one type (value_ops_of<T>): the decoder
// walks these tables, one per type, as the parser reports the document. (Compact: a program has
// one per type it decodes, a few hundred.)
struct value_ops;
struct member_info;
using store_fn = bool (*)(void* target, const json_scalar& v, std::string_view& rule);
using reset_fn = void (*)(void* target);
using element_fn = void* (*)(void* target);  // list: a new element; optional: a fresh value
// map: the element for `key` (the existing one for a repeated key), and the key as stored
using insert_fn = void* (*)(void* target, std::string_view key, std::string_view& stored);

struct optional_ops {  // null resets it; any other value engages a fresh `inner` value
    const value_ops* inner;
    reset_fn reset;
    element_fn engage;
};
struct structure_ops {
    const member_info* members;
    reset_fn reset;  // to a default value
};
struct list_ops {
    const value_ops* element;
    reset_fn clear;
    element_fn append;
};
struct map_ops {
    const value_ops* element;
    reset_fn clear;
    insert_fn insert;
};

struct value_ops {
    enum class shape : std::uint8_t { scalar, optional, structure, list, map };
    shape kind;
    json_rule rule;  // for a scalar, the store may also refuse a value in range of its type
    std::uint32_t member_count = 0;  // structure
    union {
        store_fn store;  // scalar: stores `v`, or returns false with the rule it breaks
        optional_ops optional;
        structure_ops structure;
        list_ops list;
        map_ops map;
    };
};

// One member of a structure's JSON object.
struct member_info {
    const char* key_data;
    void* (*member)(void* object);  // the member, given the structure
    const value_ops* ops;
    std::uint16_t key_size;
    bool required;

    constexpr std::string_view key() const noexcept { return {key_data, key_size}; }
};

// The type of the member `M` points to.
template <class M>
struct member_pointer;
template <class Owner, class Member>
struct member_pointer<Member Owner::*> {
    using owner = Owner;
    using type = Member;
};

template <class T>
struct value_ops_for;
template <class T>
inline constexpr value_ops value_ops_of = value_ops_for<T>::make();

template <auto M>
void* member_of(void* object) {
    using owner = typename member_pointer<decltype(M)>::owner;
    return &(static_cast<owner*>(object)->*M);
}

template <class T, auto... M, std::size_t... I>
constexpr std::array<member_info, sizeof...(M)> make_member_infos(json_members<M...>,
                                                                  std::index_sequence<I...>) {
    return {member_info{json_shape<T>::keys[I].data(), &member_of<M>,
                        &value_ops_of<typename member_pointer<decltype(M)>::type>,
                        static_cast<std::uint16_t>(json_shape<T>::keys[I].size()),
                        !is_optional_v<typename member_pointer<decltype(M)>::type>}...};
}

template <class T>
inline constexpr auto member_infos = make_member_infos<T>(
    typename json_shape<T>::members{}, std::make_index_sequence<json_shape<T>::keys.size()>{});

// A scalar type's table, from its store function.
template <class T, bool (*Store)(T&, const json_scalar&, std::string_view&)>
constexpr value_ops scalar_ops(json_rule rule) {
    return {.kind = value_ops::shape::scalar,
            .rule = rule,
            .store = [](void* target, const json_scalar& v, std::string_view& broken) {
                return Store(*static_cast<T*>(target), v, broken);
            }};
}

inline bool store_string(std::string& out, const json_scalar& v, std::string_view& rule) {
    if (v.kind != json_token::string) {
        rule = expected(json_rule::string);
        return false;
    }
    out.assign(v.text);
    return true;
}

inline bool store_bool(bool& out, const json_scalar& v, std::string_view& rule) {
    if (v.kind != json_token::boolean) {
        rule = expected(json_rule::boolean);
        return false;
    }
    out = v.boolean;
    return true;
}

inline bool store_int32(std::int32_t& out, const json_scalar& v, std::string_view& rule) {
    constexpr std::int64_t min = std::numeric_limits<std::int32_t>::min();
    constexpr std::int64_t max = std::numeric_limits<std::int32_t>::max();
    if (v.kind == json_token::int64 && v.int64() >= min && v.int64() <= max) {
        out = static_cast<std::int32_t>(v.int64());
        return true;
    }
    if (v.kind == json_token::uint64 && v.bits <= std::uint64_t{max}) {
        out = static_cast<std::int32_t>(v.bits);
        return true;
    }
    rule = expected(json_rule::int32);
    return false;
}

inline bool store_double(double& out, const json_scalar& v, std::string_view& rule) {
    if (v.kind == json_token::real) {
        if (!std::isfinite(v.real())) {
            rule = "number out of range for a double";
            return false;
        }
        out = v.real();
    } else if (v.kind == json_token::int64) {
        out = static_cast<double>(v.int64());
    } else if (v.kind == json_token::uint64) {
        out = static_cast<double>(v.bits);
    } else {
        rule = expected(json_rule::number);
        return false;
    }
    return true;
}

inline bool store_timestamp(timestamp& out, const json_scalar& v, std::string_view& rule) {
    if (v.kind != json_token::string || !parse_timestamp(v.text, out)) {
        rule = expected(json_rule::timestamp);
        return false;
    }
    return true;
}

template <model_enum E>
bool store_enum(E& out, const json_scalar& v, std::string_view& rule) {
    if (v.kind != json_token::string) {
        rule = expected(json_rule::string);
        return false;
    }
    out = E::from_string(v.text);
    return true;
}

template <>
struct value_ops_for<std::string> {
    static constexpr value_ops make() {
        return scalar_ops<std::string, &store_string>(json_rule::string);
    }
};
template <>
struct value_ops_for<bool> {
    static constexpr value_ops make() { return scalar_ops<bool, &store_bool>(json_rule::boolean); }
};
template <>
struct value_ops_for<std::int32_t> {
    static constexpr value_ops make() {
        return scalar_ops<std::int32_t, &store_int32>(json_rule::int32);
    }
};
template <>
struct value_ops_for<double> {
    static constexpr value_ops make() {
        return scalar_ops<double, &store_double>(json_rule::number);
    }
};
template <>
struct value_ops_for<timestamp> {
    static constexpr value_ops make() {
        return scalar_ops<timestamp, &store_timestamp>(json_rule::timestamp);
    }
};
template <model_enum E>
struct value_ops_for<E> {
    static constexpr value_ops make() { return scalar_ops<E, &store_enum<E>>(json_rule::string); }
};

template <class T>
struct value_ops_for<std::vector<T>> {
    static constexpr value_ops make() {
        return {.kind = value_ops::shape::list,
                .rule = json_rule::array,
                .list = {&value_ops_of<T>,
                         [](void* target) { static_cast<std::vector<T>*>(target)->clear(); },
                         [](void* target) -> void* {
                             auto& list = *static_cast<std::vector<T>*>(target);
                             // The parser does not say how long an array is: room for a few
                             // (growing from one would allocate at 1, 2 and 4).
                             if (list.capacity() == 0) list.reserve(4);
                             return &list.emplace_back();
                         }}};
    }
};

template <class T>
struct value_ops_for<std::map<std::string, T>> {
    using map_type = std::map<std::string, T>;
    static constexpr value_ops make() {
        return {
            .kind = value_ops::shape::map,
            .rule = json_rule::object,
            .map = {&value_ops_of<T>, [](void* target) { static_cast<map_type*>(target)->clear(); },
                    [](void* target, std::string_view key, std::string_view& stored) -> void* {
                        auto it =
                            static_cast<map_type*>(target)->try_emplace(std::string(key)).first;
                        stored = it->first;
                        return &it->second;
                    }}};
    }
};

template <json_structure T>
struct value_ops_for<T> {
    static_assert(json_shape<T>::keys.size() <= 64, "the decoder tracks the keys seen in 64 bits");
    static constexpr value_ops make() {
        return {.kind = value_ops::shape::structure,
                .rule = json_rule::object,
                .member_count = static_cast<std::uint32_t>(member_infos<T>.size()),
                // Also what a repeated key does: its last value replaces the whole structure.
                .structure = {member_infos<T>.data(),
                              [](void* target) { *static_cast<T*>(target) = T{}; }}};
    }
};

// std::optional<V> and optional_container<V>.
template <class O>
requires is_optional_v<O>
struct value_ops_for<O> {
    using value_type = typename O::value_type;
    static constexpr value_ops make() {
        return {
            .kind = value_ops::shape::optional,
            .rule = value_ops_of<value_type>.rule,
            .optional = {
                &value_ops_of<value_type>, [](void* target) { static_cast<O*>(target)->reset(); },
                [](void* target) -> void* { return &static_cast<O*>(target)->emplace(); }}};
    }
};

// What a missing required member means: an error for a server reading a request, a default
// value for a client reading a response (Smithy's "client error correction", so that a service
// that stops sending a member does not break old clients).
enum class missing_required { reject, default_value };

// The handler of boost::json::basic_parser that stores the document into its C++ value as it is
// parsed: each known key's value into its member, unknown keys' values skipped, a missing or null
// optional member left unset, a repeated key taking its last value. A value of the wrong type
// is recorded with its JSON path ("stage.tags.team: expected a string"); the rest of the document
// is then only checked, so that text that is not JSON is reported as such.
class json_decoder {
  public:
    static constexpr std::size_t max_object_size = std::size_t(-1);
    static constexpr std::size_t max_array_size = std::size_t(-1);
    static constexpr std::size_t max_key_size = std::size_t(-1);
    static constexpr std::size_t max_string_size = std::size_t(-1);

    json_decoder(void* root, const value_ops& ops, missing_required missing) noexcept
        : root_(root), root_ops_(&ops), missing_(missing) {}

    // After the parse: the path and rule of the value that failed, if one did.
    bool failed() const noexcept { return !rule_.empty(); }
    std::string message() const {
        return path_.empty() ? std::string(rule_) : path_ + ": " + std::string(rule_);
    }

    using error_code = boost::system::error_code;
    using string_view = boost::json::string_view;

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_object_begin(error_code& ec) { return open(false, ec); }
    bool on_object_end(std::size_t, error_code&) { return close(); }
    bool on_array_begin(error_code& ec) { return open(true, ec); }
    bool on_array_end(std::size_t, error_code&) { return close(); }
    bool on_key_part(string_view s, std::size_t, error_code&) { return append(s); }
    bool on_key(string_view s, std::size_t, error_code&) {
        key(whole(s));
        text_.clear();
        return true;
    }
    bool on_string_part(string_view s, std::size_t, error_code&) { return append(s); }
    bool on_string(string_view s, std::size_t, error_code&) {
        scalar({.kind = json_token::string, .text = whole(s)});
        text_.clear();
        return true;
    }
    bool on_number_part(string_view s, error_code&) {
        number_.append(s.data(), s.size());
        return true;
    }
    bool on_int64(std::int64_t i, string_view, error_code&) {
        number_.clear();
        return scalar({.kind = json_token::int64, .bits = static_cast<std::uint64_t>(i)});
    }
    bool on_uint64(std::uint64_t u, string_view, error_code&) {
        number_.clear();
        return scalar({.kind = json_token::uint64, .bits = u});
    }
    bool on_double(double d, string_view s, error_code&) {
        // Boost.JSON's conversion can miss by a unit in the last place (long mantissas, large
        // exponents); std::from_chars rounds correctly, so that a decoded value encodes to text
        // that decodes to the same value. Beyond a double's range, Boost.JSON's value stays
        // (infinity, which the store refuses, or a value rounded towards zero).
        std::string_view text(s.data(), s.size());
        if (!number_.empty()) {
            number_.append(s.data(), s.size());
            text = number_;
        }
        double exact = 0;
        const auto result = std::from_chars(text.data(), text.data() + text.size(), exact);
        if (result.ec == std::errc() && result.ptr == text.data() + text.size()) d = exact;
        number_.clear();
        return scalar({.kind = json_token::real, .bits = std::bit_cast<std::uint64_t>(d)});
    }
    bool on_bool(bool b, error_code&) {
        return scalar({.kind = json_token::boolean, .boolean = b});
    }
    bool on_null(error_code&) { return scalar({.kind = json_token::null}); }
    bool on_comment_part(string_view, error_code&) { return true; }
    bool on_comment(string_view, error_code&) { return true; }

  private:
    // An open object or array being stored, and the member, entry or element being read in it.
    // (Trivial, so that the decoder's stack of them costs nothing to set up.)
    struct frame {
        const value_ops* ops;
        void* target;
        std::uint64_t seen;    // structure: the members met
        std::size_t count;     // list: the elements so far
        const char* key;       // structure, map: the key being read (for paths)
        std::size_t key_size;  // its length

        void read_key(std::string_view k) noexcept {
            key = k.data();
            key_size = k.size();
        }
    };

    // Whether values are being stored (not skipped, and nothing failed).
    bool storing() const noexcept { return skip_depth_ == 0 && rule_.empty(); }

    // Where the value that starts now goes: false when it is skipped (an unknown key's).
    bool next(const value_ops*& ops, void*& target) {
        if (depth_ == 0) {
            ops = root_ops_;
            target = root_;
            return true;
        }
        frame& f = frames_[depth_ - 1];
        if (f.ops->kind == value_ops::shape::list) {
            ++f.count;
            ops = f.ops->list.element;
            target = f.ops->list.append(f.target);
            return true;
        }
        ops = next_ops_;
        target = next_target_;
        return ops != nullptr;
    }

    bool scalar(const json_scalar& v) {
        if (!storing()) return true;
        const value_ops* ops;
        void* target;
        if (!next(ops, target)) return true;
        if (ops->kind == value_ops::shape::optional) {
            if (v.kind == json_token::null) {
                ops->optional.reset(target);
                return true;
            }
            target = ops->optional.engage(target);
            ops = ops->optional.inner;
        }
        std::string_view rule = expected(ops->rule);
        if (ops->kind != value_ops::shape::scalar || !ops->store(target, v, rule)) fail(rule);
        return true;
    }

    bool open(bool array, error_code& ec) {
        if (!storing()) {
            if (skip_depth_ > 0) ++skip_depth_;
            return true;
        }
        const value_ops* ops;
        void* target;
        if (!next(ops, target)) {
            skip_depth_ = 1;
            return true;
        }
        if (ops->kind == value_ops::shape::optional) {
            target = ops->optional.engage(target);
            ops = ops->optional.inner;
        }
        using shape = value_ops::shape;
        const bool fits = array ? ops->kind == shape::list
                                : ops->kind == shape::structure || ops->kind == shape::map;
        if (!fits) {
            fail(expected(ops->rule));
            return true;
        }
        // The parser's max_depth (32 by default) keeps nesting well within frames_.
        if (depth_ == frames_.size()) {
            ec = boost::json::error::too_deep;
            return false;
        }
        if (ops->kind == shape::structure) {
            ops->structure.reset(target);
        } else if (ops->kind == shape::list) {
            ops->list.clear(target);
        } else {
            ops->map.clear(target);
        }
        frames_[depth_++] = frame{ops, target, 0, 0, nullptr, 0};
        next_ops_ = nullptr;
        return true;
    }

    bool close() {
        if (!storing()) {
            if (skip_depth_ > 0) --skip_depth_;
            return true;
        }
        frame& f = frames_[depth_ - 1];
        if (f.ops->kind == value_ops::shape::structure && missing_ == missing_required::reject) {
            for (std::size_t i = 0; i < f.ops->member_count; ++i) {
                if (f.ops->structure.members[i].required && (f.seen >> i & 1) == 0) {
                    f.read_key(f.ops->structure.members[i].key());
                    fail("missing required member");
                    return true;
                }
            }
        }
        --depth_;
        return true;
    }

    void key(std::string_view k) {
        if (!storing()) return;
        frame& f = frames_[depth_ - 1];
        if (f.ops->kind == value_ops::shape::map) {
            next_ops_ = f.ops->map.element;
            std::string_view stored;
            next_target_ = f.ops->map.insert(f.target, k, stored);
            f.read_key(stored);
            return;
        }
        const member_info* members = f.ops->structure.members;
        std::size_t i = 0;
        while (i < f.ops->member_count && members[i].key() != k) ++i;
        if (i == f.ops->member_count) {
            next_ops_ = nullptr;  // unknown: its value is skipped
            return;
        }
        f.seen |= std::uint64_t{1} << i;
        f.read_key(members[i].key());
        next_ops_ = members[i].ops;
        next_target_ = members[i].member(f.target);
    }

    // Records the failed rule with the path to the value: the open objects' keys and the open
    // arrays' indexes, "a.b[2].c".
    void fail(std::string_view rule) {
        rule_ = rule;
        for (std::size_t i = 0; i < depth_; ++i) {
            const frame& f = frames_[i];
            if (f.ops->kind == value_ops::shape::list) {
                path_ += '[';
                path_ += std::to_string(f.count - 1);
                path_ += ']';
            } else {
                if (!path_.empty()) path_ += '.';
                path_.append(f.key, f.key_size);
            }
        }
    }

    bool append(string_view s) {
        text_.append(s.data(), s.size());
        return true;
    }
    // A key's or string's whole text: its parts, when the parser handed it over in parts.
    std::string_view whole(string_view last) {
        if (text_.empty()) return {last.data(), last.size()};
        text_.append(last.data(), last.size());
        return text_;
    }

    void* root_;
    const value_ops* root_ops_;
    missing_required missing_;
    std::array<frame, 64> frames_;  // the objects and arrays open
    std::size_t depth_ = 0;
    std::size_t skip_depth_ = 0;           // > 0 inside a skipped value
    const value_ops* next_ops_ = nullptr;  // structure, map: where the next value goes (after a
    void* next_target_ = nullptr;          // key); null ops: skipped
    std::string text_;    // the parts of a key or string split across the parser's calls
    std::string number_;  // the parts of a number split across inputs
    std::string path_;
    std::string_view rule_;  // empty until a value fails; always a string literal
};

// What decode() does for every structure: parse `text` (one JSON document, nothing after it)
// into `out`, whose type `ops` describes. A template, so that the parser is compiled only where
// something is decoded; not inlined, so that it is compiled once for all structures.
template <class Decoder = json_decoder>
BOOST_NOINLINE bool decode_document(std::string_view text, void* out, const value_ops& ops,
                                    missing_required missing, std::string& error) {
    boost::system::error_code ec;
    boost::json::basic_parser<Decoder> parser(boost::json::parse_options{}, out, ops, missing);
    const std::size_t n = parser.write_some(false, text.data(), text.size(), ec);
    if (!ec && n < text.size()) ec = boost::json::error::extra_data;
    if (ec) {
        error = "invalid JSON: " + ec.message();
        return false;
    }
    if (parser.handler().failed()) {
        error = parser.handler().message();
        return false;
    }
    return true;
}

template <json_structure T>
bool decode(std::string_view text, T& out, std::string& error) {
    return decode_document(
        text, &out, value_ops_of<T>,
        operation_request<T> ? missing_required::reject : missing_required::default_value, error);
}

}  // namespace ivsrt::model::detail
