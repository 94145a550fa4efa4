// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// The JSON codec of model values, generic over the structures' tables (json_shape, generated
// in ivsrt/model/json.hpp): one encoder and one decoder, instantiated per structure used.
//
// Encoding appends compact JSON straight to a std::string; unset optional members are left out.
// Decoding runs Boost.JSON's SAX parser once over the text into a flat tape of tokens (no DOM),
// then reads the tape straight into the structure: unknown keys are skipped, a missing or null
// optional member stays unset, a repeated key takes its last value, and a value of the wrong type
// fails with its JSON path ("stage.tags.team: expected a string").

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
#include <cstring>
#include <limits>
#include <map>
#include <memory_resource>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
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

// One token of a parsed document. Strings and keys are unescaped into the tape's `chars`.
enum class json_token : std::uint8_t {
    object,
    array,
    end,
    key,
    string,
    int64,
    uint64,
    real,
    boolean,
    null
};

struct tape_entry {
    json_token kind;
    bool boolean = false;
    std::uint32_t offset = 0;  // key, string: into chars; object, array: the index past its end
    std::uint32_t size = 0;    // key, string: the length; object, array: the number of elements
    std::uint64_t bits = 0;    // int64, uint64: the value; real: its representation

    std::int64_t int64() const noexcept { return static_cast<std::int64_t>(bits); }
    double real() const noexcept { return std::bit_cast<double>(bits); }
};

// The entries of a tape: an array on the tape's memory with an append that inlines (a
// std::pmr::vector's push_back did not, and it runs for every token of every response).
class tape_entries {
  public:
    explicit tape_entries(std::pmr::memory_resource* memory) noexcept : memory_(memory) {}
    tape_entries(const tape_entries&) = delete;
    tape_entries& operator=(const tape_entries&) = delete;

    void reserve(std::size_t n) {
        if (n > capacity_) grow(n);
    }
    void push_back(const tape_entry& e) {
        if (size_ == capacity_) grow(capacity_ * 2 + 16);
        data_[size_++] = e;
    }
    std::size_t size() const noexcept { return size_; }
    const tape_entry* data() const noexcept { return data_; }
    tape_entry& operator[](std::size_t i) noexcept { return data_[i]; }

  private:
    // The old block is left to the monotonic memory, released with the tape.
    BOOST_NOINLINE void grow(std::size_t n) {
        auto* bigger = static_cast<tape_entry*>(
            memory_->allocate(n * sizeof(tape_entry), alignof(tape_entry)));
        if (size_ != 0) std::memcpy(bigger, data_, size_ * sizeof(tape_entry));
        data_ = bigger;
        capacity_ = n;
    }

    std::pmr::memory_resource* memory_;
    tape_entry* data_ = nullptr;
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
};
static_assert(std::is_trivially_copyable_v<tape_entry>);

// A parsed document. Its storage starts in a buffer of its own (on the decoder's stack), enough
// for a typical response, then grows on the heap.
struct json_tape {
    json_tape() = default;
    json_tape(const json_tape&) = delete;
    json_tape& operator=(const json_tape&) = delete;

    std::byte buffer[4096];
    std::pmr::monotonic_buffer_resource memory{buffer, sizeof buffer};
    tape_entries entries{&memory};
    std::pmr::string chars{&memory};
};

// The handler of boost::json::basic_parser that records the tape.
class tape_builder {
  public:
    static constexpr std::size_t max_object_size = std::size_t(-1);
    static constexpr std::size_t max_array_size = std::size_t(-1);
    static constexpr std::size_t max_key_size = std::size_t(-1);
    static constexpr std::size_t max_string_size = std::size_t(-1);

    tape_builder(json_tape& tape, std::size_t text_size)
        : entries(tape.entries), chars(tape.chars) {
        entries.reserve(text_size / 8 + 4);
        chars.reserve(text_size);
    }

    tape_entries& entries;
    std::pmr::string& chars;
    std::string number;  // the parts of a number split across inputs

    using error_code = boost::system::error_code;
    using string_view = boost::json::string_view;

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_object_begin(error_code& ec) { return open(json_token::object, ec); }
    bool on_object_end(std::size_t n, error_code&) { return close(n); }
    bool on_array_begin(error_code& ec) { return open(json_token::array, ec); }
    bool on_array_end(std::size_t n, error_code&) { return close(n); }
    bool on_key_part(string_view s, std::size_t, error_code&) { return append(s); }
    bool on_key(string_view s, std::size_t n, error_code&) { return text(json_token::key, s, n); }
    bool on_string_part(string_view s, std::size_t, error_code&) { return append(s); }
    bool on_string(string_view s, std::size_t n, error_code&) {
        return text(json_token::string, s, n);
    }
    bool on_number_part(string_view s, error_code&) {
        number.append(s.data(), s.size());
        return true;
    }
    bool on_int64(std::int64_t i, string_view, error_code&) {
        number.clear();
        entries.push_back({.kind = json_token::int64, .bits = static_cast<std::uint64_t>(i)});
        return true;
    }
    bool on_uint64(std::uint64_t u, string_view, error_code&) {
        number.clear();
        entries.push_back({.kind = json_token::uint64, .bits = u});
        return true;
    }
    bool on_double(double d, string_view s, error_code&) {
        // Boost.JSON's conversion can miss by a unit in the last place (long mantissas, large
        // exponents); std::from_chars rounds correctly, so that a decoded value encodes to text
        // that decodes to the same value. Beyond a double's range, Boost.JSON's value stays
        // (infinity, which read() refuses, or a value rounded towards zero).
        std::string_view text(s.data(), s.size());
        if (!number.empty()) {
            number.append(s.data(), s.size());
            text = number;
        }
        double exact = 0;
        const auto result = std::from_chars(text.data(), text.data() + text.size(), exact);
        if (result.ec == std::errc() && result.ptr == text.data() + text.size()) d = exact;
        number.clear();
        entries.push_back({.kind = json_token::real, .bits = std::bit_cast<std::uint64_t>(d)});
        return true;
    }
    bool on_bool(bool b, error_code&) {
        entries.push_back({.kind = json_token::boolean, .boolean = b});
        return true;
    }
    bool on_null(error_code&) {
        entries.push_back({.kind = json_token::null});
        return true;
    }
    bool on_comment_part(string_view, error_code&) { return true; }
    bool on_comment(string_view, error_code&) { return true; }

  private:
    bool open(json_token kind, error_code& ec) {
        // The parser's max_depth (32 by default) keeps nesting well within open_.
        if (depth_ == open_.size()) {
            ec = boost::json::error::too_deep;
            return false;
        }
        open_[depth_++] = static_cast<std::uint32_t>(entries.size());
        entries.push_back({.kind = kind});
        return true;
    }
    bool close(std::size_t n) {
        entries.push_back({.kind = json_token::end});
        tape_entry& begin = entries[open_[--depth_]];
        begin.offset = static_cast<std::uint32_t>(entries.size());
        begin.size = static_cast<std::uint32_t>(n);
        return true;
    }
    bool append(string_view s) {
        chars.append(s.data(), s.size());
        return true;
    }
    // `n` is the whole length, parts included.
    bool text(json_token kind, string_view s, std::size_t n) {
        append(s);
        entries.push_back({.kind = kind,
                           .offset = static_cast<std::uint32_t>(chars.size() - n),
                           .size = static_cast<std::uint32_t>(n)});
        return true;
    }

    std::array<std::uint32_t, 64> open_{};  // the objects and arrays not closed yet
    std::size_t depth_ = 0;
};

// What a missing required member means: an error for a server reading a request, a default
// value for a client reading a response (Smithy's "client error correction", so that a service
// that stops sending a member does not break old clients).
enum class missing_required { reject, default_value };

// The state of one decoding: the position in the tape and, on failure, the rule broken and the
// JSON path to it, which the readers build while unwinding.
class json_reader {
  public:
    json_reader(const json_tape& tape, missing_required missing) noexcept
        : base_(tape.entries.data()), at_(base_), chars_(tape.chars), missing_(missing) {}

    const tape_entry& next() noexcept { return *at_++; }
    json_token peek() const noexcept { return at_->kind; }
    std::string_view text(const tape_entry& e) const noexcept {
        return chars_.substr(e.offset, e.size);
    }
    // Skips the next value, however deep.
    void skip() noexcept {
        const tape_entry& e = *at_;
        at_ = e.kind == json_token::object || e.kind == json_token::array ? base_ + e.offset
                                                                          : at_ + 1;
    }
    bool rejects_missing() const noexcept { return missing_ == missing_required::reject; }

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

  private:
    const tape_entry* base_;
    const tape_entry* at_;
    std::string_view chars_;
    std::string path_;
    std::string_view rule_;  // always a string literal
    missing_required missing_;
};

inline bool read(json_reader& r, std::string& out) {
    const tape_entry& e = r.next();
    if (e.kind != json_token::string) return r.fail("expected a string");
    out.assign(r.text(e));
    return true;
}

inline bool read(json_reader& r, bool& out) {
    const tape_entry& e = r.next();
    if (e.kind != json_token::boolean) return r.fail("expected a boolean");
    out = e.boolean;
    return true;
}

inline bool read(json_reader& r, std::int32_t& out) {
    constexpr std::int64_t min = std::numeric_limits<std::int32_t>::min();
    constexpr std::int64_t max = std::numeric_limits<std::int32_t>::max();
    const tape_entry& e = r.next();
    if (e.kind == json_token::int64 && e.int64() >= min && e.int64() <= max) {
        out = static_cast<std::int32_t>(e.int64());
        return true;
    }
    if (e.kind == json_token::uint64 && e.bits <= std::uint64_t{max}) {
        out = static_cast<std::int32_t>(e.bits);
        return true;
    }
    return r.fail("expected a 32-bit integer");
}

inline bool read(json_reader& r, double& out) {
    const tape_entry& e = r.next();
    if (e.kind == json_token::real) {
        if (!std::isfinite(e.real())) return r.fail("number out of range for a double");
        out = e.real();
    } else if (e.kind == json_token::int64) {
        out = static_cast<double>(e.int64());
    } else if (e.kind == json_token::uint64) {
        out = static_cast<double>(e.bits);
    } else {
        return r.fail("expected a number");
    }
    return true;
}

inline bool read(json_reader& r, timestamp& out) {
    const tape_entry& e = r.next();
    if (e.kind != json_token::string || !parse_timestamp(r.text(e), out))
        return r.fail("expected an ISO-8601 timestamp");
    return true;
}

template <model_enum E>
bool read(json_reader& r, E& out) {
    const tape_entry& e = r.next();
    if (e.kind != json_token::string) return r.fail("expected a string");
    out = E::from_string(r.text(e));
    return true;
}

template <class T>
bool read(json_reader& r, std::vector<T>& out) {
    const tape_entry& e = r.next();
    if (e.kind != json_token::array) return r.fail("expected an array");
    out.clear();
    out.reserve(e.size);
    for (std::size_t i = 0; r.peek() != json_token::end; ++i) {
        if (!read(r, out.emplace_back())) return r.fail_at(i);
    }
    r.next();
    return true;
}

template <class T>
bool read(json_reader& r, std::map<std::string, T>& out) {
    if (r.next().kind != json_token::object) return r.fail("expected an object");
    out.clear();
    while (r.peek() == json_token::key) {
        const std::string_view key = r.text(r.next());
        if (!read(r, out[std::string(key)])) return r.fail_in(key);
    }
    r.next();
    return true;
}

// A member's value; null leaves an optional member unset.
template <class M>
bool read_member(json_reader& r, M& out) {
    if constexpr (is_optional_v<M>) {
        if (r.peek() == json_token::null) {
            r.next();
            out.reset();
            return true;
        }
        return read(r, out.emplace());
    } else {
        return read(r, out);
    }
}

// How to read one member of a structure, given the structure's address. A structure's readers
// form a table (member_readers<T>, from its json_shape), walked by one loop for every structure.
struct member_reader {
    std::string_view key;
    bool (*read)(json_reader&, void* object);
    bool required;
};

// The type of the member `M` points to.
template <class M>
struct member_pointer;
template <class Owner, class Member>
struct member_pointer<Member Owner::*> {
    using owner = Owner;
    using type = Member;
};

template <auto M>
bool read_member_of(json_reader& r, void* object) {
    using owner = typename member_pointer<decltype(M)>::owner;
    return read_member(r, static_cast<owner*>(object)->*M);
}

template <class T, auto... M, std::size_t... I>
constexpr std::array<member_reader, sizeof...(M)> make_member_readers(json_members<M...>,
                                                                      std::index_sequence<I...>) {
    return {member_reader{json_shape<T>::keys[I], &read_member_of<M>,
                          !is_optional_v<typename member_pointer<decltype(M)>::type>}...};
}

template <class T>
inline constexpr auto member_readers = make_member_readers<T>(
    typename json_shape<T>::members{}, std::make_index_sequence<json_shape<T>::keys.size()>{});

// The members of an object, after its opening token: each known key read into its member,
// unknown keys skipped; then, for a request read by a server, every required member present.
inline bool read_members(json_reader& r, void* object, std::span<const member_reader> readers) {
    std::uint64_t seen = 0;
    while (r.peek() == json_token::key) {
        const std::string_view key = r.text(r.next());
        std::size_t i = 0;
        while (i < readers.size() && readers[i].key != key) ++i;
        if (i == readers.size()) {
            r.skip();
            continue;
        }
        seen |= std::uint64_t{1} << i;
        if (!readers[i].read(r, object)) return r.fail_in(key);
    }
    r.next();
    if (!r.rejects_missing()) return true;
    for (std::size_t i = 0; i < readers.size(); ++i) {
        if (readers[i].required && (seen >> i & 1) == 0) {
            r.fail("missing required member");
            return r.fail_in(readers[i].key);
        }
    }
    return true;
}

template <json_structure T>
bool read(json_reader& r, T& out) {
    static_assert(member_readers<T>.size() <= 64, "read_members tracks the keys seen in 64 bits");
    out = T{};  // also what a repeated key does: its last value replaces the whole structure
    if (r.next().kind != json_token::object) return r.fail("expected an object");
    return read_members(r, &out, member_readers<T>);
}

// What decode() does for every structure: parse `text` (one JSON document, nothing after it)
// into a tape, then read the root from it with `read`. A template, so that the parser is
// compiled only where something is decoded; not inlined, so that it is compiled once for all
// structures.
template <class Tape = json_tape>
BOOST_NOINLINE bool decode_document(std::string_view text, void* out,
                                    bool (*read)(json_reader&, void*), missing_required missing,
                                    std::string& error) {
    if (text.size() >= std::numeric_limits<std::uint32_t>::max()) {  // the tape's offsets
        error = "invalid JSON: larger than 4 GiB";
        return false;
    }
    Tape tape;
    boost::system::error_code ec;
    boost::json::basic_parser<tape_builder> parser(boost::json::parse_options{}, tape, text.size());
    const std::size_t n = parser.write_some(false, text.data(), text.size(), ec);
    if (!ec && n < text.size()) ec = boost::json::error::extra_data;
    if (ec) {
        error = "invalid JSON: " + ec.message();
        return false;
    }
    json_reader reader(tape, missing);
    if (!read(reader, out)) {
        error = reader.message();
        return false;
    }
    return true;
}

template <json_structure T>
bool decode(std::string_view text, T& out, std::string& error) {
    return decode_document(
        text, &out, [](json_reader& r, void* root) { return read(r, *static_cast<T*>(root)); },
        operation_request<T> ? missing_required::reject : missing_required::default_value, error);
}

}  // namespace ivsrt::model::detail
