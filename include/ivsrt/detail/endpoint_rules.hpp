// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// An interpreter of the Smithy rules language (endpoint rule sets, version 1.x) over Boost.JSON:
// tree, endpoint and error rules; conditions with `assign`; references; template strings
// ("{Region}", "{PartitionResult#dnsSuffix}"); and the functions isSet, not, booleanEquals,
// stringEquals, getAttr, isValidHostLabel, parseURL, substring, uriEncode and aws.partition.
// tools/codegen/embed_endpoints.py refuses rule sets that need anything else.

#include <ivsrt/detail/endpoint_regex.hpp>
#include <ivsrt/detail/endpoint_url.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>
#include <boost/url/parse.hpp>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace ivsrt::detail {

namespace json = boost::json;

// The rule set or partition data is malformed or uses something this interpreter lacks.
class invalid_rule_set : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// An endpoint rule was selected.
struct rule_endpoint {
    json::string url;
    json::object properties;
};

// An error rule was selected (or no rule matched); `message` is the rule's text.
struct rule_error {
    json::string message;
};

using rule_outcome = std::variant<rule_endpoint, rule_error>;

// What the sigv4 entry of an endpoint's "authSchemes" property sets; empty if it does not.
struct sigv4_properties {
    std::string_view signing_name;
    std::string_view signing_region;
};

inline sigv4_properties sigv4_properties_of(const json::object& endpoint_properties) {
    sigv4_properties out;
    const auto* schemes = endpoint_properties.if_contains("authSchemes");
    if (!schemes || !schemes->is_array()) return out;
    for (const auto& scheme : schemes->get_array()) {
        const auto* s = scheme.if_object();
        const auto* name = s ? s->if_contains("name") : nullptr;
        if (!name || !name->is_string() || name->get_string() != "sigv4") continue;
        if (const auto* v = s->if_contains("signingName"); v && v->is_string()) {
            out.signing_name = v->get_string();
        }
        if (const auto* v = s->if_contains("signingRegion"); v && v->is_string()) {
            out.signing_region = v->get_string();
        }
        break;
    }
    return out;
}

// RFC 1123 host label: a letter or digit, then up to 62 letters, digits or '-'. With
// `allow_subdomains`, one or more such labels joined by '.'.
inline bool is_valid_host_label(std::string_view s, bool allow_subdomains) noexcept {
    const auto label_ok = [](std::string_view label) {
        if (label.empty() || label.size() > 63 || label.front() == '-') return false;
        for (const char c : label) {
            const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-';
            if (!ok) return false;
        }
        return true;
    };
    if (!allow_subdomains) return label_ok(s);
    for (;;) {
        const auto dot = s.find('.');
        if (!label_ok(s.substr(0, dot))) return false;
        if (dot == std::string_view::npos) return true;
        s.remove_prefix(dot + 1);
    }
}

// RFC 3986 percent-encoding of everything but the unreserved characters, upper-case hex.
inline std::string uri_encode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (const char c : s) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            out += c;
        } else {
            const auto b = static_cast<unsigned char>(c);
            out += '%';
            out += "0123456789ABCDEF"[b >> 4];
            out += "0123456789ABCDEF"[b & 15];
        }
    }
    return out;
}

// A parsed rule set plus the partition data for aws.partition. Immutable after construction, so
// one instance may be evaluated from many threads at once.
class rule_set {
  public:
    // Throws invalid_rule_set if either document is malformed or uses an unsupported feature.
    rule_set(std::string_view ruleset_json, std::string_view partitions_json)
        : rules_(parse(ruleset_json, "rule set")) {
        const auto& root = object_of(rules_, "rule set");
        for (const auto& [name, param] : object_of(member(root, "parameters"), "parameters")) {
            const auto& p = object_of(param, "parameter");
            parameter info{name, {}, nullptr, false};
            if (const auto* b = p.if_contains("builtIn")) info.builtin = string_of(*b, "builtIn");
            info.default_value = p.if_contains("default");
            if (const auto* r = p.if_contains("required")) info.required = bool_of(*r, "required");
            parameters_.push_back(info);
        }
        rules_list_ = &array_of(member(root, "rules"), "rules");

        partitions_doc_ = parse(partitions_json, "partitions");
        const auto& parts = member(object_of(partitions_doc_, "partitions"), "partitions");
        for (const auto& part : array_of(parts, "partitions")) {
            const auto& p = object_of(part, "partition");
            try {
                partitions_.push_back({string_of(member(p, "id"), "id"),
                                       region_regex(string_of(member(p, "regionRegex"), "regex")),
                                       &object_of(member(p, "outputs"), "outputs"),
                                       &object_of(member(p, "regions"), "regions")});
            } catch (const std::invalid_argument& e) {
                throw invalid_rule_set(e.what());
            }
        }
    }

    rule_set(const rule_set&) = delete;
    rule_set& operator=(const rule_set&) = delete;

    // The parameter bound to a built-in ("AWS::Region" -> "Region"), or "" if none is.
    std::string_view parameter_for(std::string_view builtin) const noexcept {
        for (const auto& p : parameters_) {
            if (p.builtin == builtin) return p.name;
        }
        return {};
    }

    // Evaluates the rules for `params` (by parameter name; absent means not set). Every value
    // created, including the outcome, is allocated from `sp`.
    rule_outcome evaluate(const json::object& params, json::storage_ptr sp) const {
        evaluation ev(*this, std::move(sp));
        for (const auto& p : parameters_) {
            const json::value* v = params.if_contains(p.name);
            if (!v && p.default_value) v = p.default_value;
            if (!v && p.required) {
                return rule_error{
                    json::string("Missing required parameter " + std::string(p.name), ev.sp)};
            }
            ev.scope.emplace_back(p.name, v ? json::value(*v, ev.sp) : json::value(ev.sp));
        }
        if (auto outcome = ev.first_match(*rules_list_)) return std::move(*outcome);
        return rule_error{json::string(no_match, ev.sp)};
    }

  private:
    static constexpr std::string_view no_match = "No endpoint rule matched the parameters";

    struct parameter {
        std::string_view name;  // these point into rules_
        std::string_view builtin;
        const json::value* default_value;
        bool required;
    };
    struct partition {
        std::string_view id;  // these point into partitions_doc_
        region_regex regex;
        const json::object* outputs;
        const json::object* regions;
    };

    [[noreturn]] static void fail(std::string what) { throw invalid_rule_set(std::move(what)); }

    static json::value parse(std::string_view text, std::string_view what) {
        boost::system::error_code ec;
        json::value v = json::parse(text, ec);
        if (ec) fail(std::string(what) + " is not valid JSON: " + ec.message());
        return v;
    }
    static const json::value& member(const json::object& o, std::string_view key) {
        if (const auto* v = o.if_contains(key)) return *v;
        fail("missing \"" + std::string(key) + "\"");
    }
    static const json::object& object_of(const json::value& v, std::string_view what) {
        if (const auto* o = v.if_object()) return *o;
        fail(std::string(what) + " must be an object");
    }
    static const json::array& array_of(const json::value& v, std::string_view what) {
        if (const auto* a = v.if_array()) return *a;
        fail(std::string(what) + " must be an array");
    }
    static std::string_view string_of(const json::value& v, std::string_view what) {
        if (const auto* s = v.if_string()) return *s;
        fail(std::string(what) + " must be a string");
    }
    // Takes the string out of an evaluated value, keeping its storage.
    static json::string string_value(json::value&& v, std::string_view what) {
        if (auto* s = v.if_string()) return std::move(*s);
        fail(std::string(what) + " must be a string");
    }
    static bool bool_of(const json::value& v, std::string_view what) {
        if (const auto* b = v.if_bool()) return *b;
        fail(std::string(what) + " must be a boolean");
    }
    static std::int64_t int_of(const json::value& v, std::string_view what) {
        if (const auto* i = v.if_int64()) return *i;
        if (const auto* u = v.if_uint64(); u && *u <= INT64_MAX)
            return static_cast<std::int64_t>(*u);
        fail(std::string(what) + " must be an integer");
    }

    // The state of one evaluation: the storage and the variables in scope.
    struct evaluation {
        const rule_set& rs;
        json::storage_ptr sp;
        // Parameters first, then variables assigned by the conditions of the enclosing rules.
        std::vector<std::pair<std::string_view, json::value>> scope;

        evaluation(const rule_set& r, json::storage_ptr s) : rs(r), sp(std::move(s)) {}

        // The outcome of the first rule whose conditions hold, if any.
        std::optional<rule_outcome> first_match(const json::array& rules) {
            for (const auto& rule : rules) {
                if (auto outcome = apply(object_of(rule, "rule"))) return outcome;
            }
            return std::nullopt;
        }

        std::optional<rule_outcome> apply(const json::object& rule) {
            const std::size_t mark = scope.size();
            std::optional<rule_outcome> outcome;
            if (conditions_hold(array_of(member(rule, "conditions"), "conditions"))) {
                const auto type = string_of(member(rule, "type"), "rule type");
                if (type == "endpoint") {
                    // Endpoint headers are not evaluated: the generator refuses rule sets with any.
                    const auto& e = object_of(member(rule, "endpoint"), "endpoint");
                    rule_endpoint ep{string_value(expr(member(e, "url")), "url"), json::object(sp)};
                    if (const auto* props = e.if_contains("properties")) {
                        json::value v = properties(*props);
                        ep.properties = std::move(object_of(v, "properties"));
                    }
                    outcome = std::move(ep);
                } else if (type == "error") {
                    outcome = rule_error{string_value(expr(member(rule, "error")), "error")};
                } else if (type == "tree") {
                    // A tree whose conditions hold is terminal: no match inside is an error.
                    outcome = first_match(array_of(member(rule, "rules"), "rules"));
                    if (!outcome) outcome = rule_error{json::string(no_match, sp)};
                } else {
                    fail("unknown rule type \"" + std::string(type) + "\"");
                }
            }
            scope.erase(scope.begin() + static_cast<std::ptrdiff_t>(mark), scope.end());
            return outcome;
        }

        bool conditions_hold(const json::array& conditions) {
            for (const auto& c : conditions) {
                const auto& condition = object_of(c, "condition");
                json::value v = call(condition);
                const bool holds = v.is_bool() ? v.get_bool() : !v.is_null();
                if (!holds) return false;
                if (const auto* name = condition.if_contains("assign")) {
                    scope.emplace_back(string_of(*name, "assign"), std::move(v));
                }
            }
            return true;
        }

        // Evaluates an expression: a literal (strings are templates), a reference or a call.
        json::value expr(const json::value& e) {
            switch (e.kind()) {
                case json::kind::string:
                    return render(e.get_string());
                case json::kind::array: {
                    json::array out(sp);
                    for (const auto& item : e.get_array()) out.push_back(expr(item));
                    return out;
                }
                case json::kind::object: {
                    const auto& o = e.get_object();
                    if (const auto* ref = o.if_contains("ref")) {
                        return json::value(lookup(string_of(*ref, "ref")), sp);
                    }
                    return call(o);
                }
                default:
                    return json::value(e, sp);
            }
        }

        const json::value& lookup(std::string_view name) const {
            for (auto it = scope.rbegin(); it != scope.rend(); ++it) {
                if (it->first == name) return it->second;
            }
            fail("unknown reference \"" + std::string(name) + "\"");
        }

        // Expands "{name}" and "{name#path}"; "{{" and "}}" stand for braces.
        json::string render(std::string_view tpl) {
            json::string out(sp);
            while (!tpl.empty()) {
                const char c = tpl.front();
                if ((c == '{' || c == '}') && tpl.size() > 1 && tpl[1] == c) {
                    out.push_back(c);
                    tpl.remove_prefix(2);
                } else if (c == '{') {
                    const auto close = tpl.find('}');
                    if (close == std::string_view::npos) fail("unterminated template");
                    const auto ref = tpl.substr(1, close - 1);
                    const auto hash = ref.find('#');
                    const json::value& v = lookup(ref.substr(0, hash));
                    if (hash == std::string_view::npos) {
                        out.append(string_of(v, "template value"));
                    } else {
                        out.append(string_of(get_attr(v, ref.substr(hash + 1)), "template value"));
                    }
                    tpl.remove_prefix(close + 1);
                } else {
                    out.push_back(c);
                    tpl.remove_prefix(1);
                }
            }
            return out;
        }

        // Endpoint properties: arbitrary JSON whose strings are templates.
        json::value properties(const json::value& v) {
            switch (v.kind()) {
                case json::kind::string:
                    return render(v.get_string());
                case json::kind::array: {
                    json::array out(sp);
                    for (const auto& item : v.get_array()) out.push_back(properties(item));
                    return out;
                }
                case json::kind::object: {
                    json::object out(sp);
                    for (const auto& [key, item] : v.get_object()) out[key] = properties(item);
                    return out;
                }
                default:
                    return json::value(v, sp);
            }
        }

        // getAttr: "key", "a.b", "list[2]", "a.list[0]"; a missing key or index gives null.
        json::value get_attr(const json::value& root, std::string_view path) const {
            const json::value* v = &root;
            while (v && !path.empty()) {
                const auto dot = path.find('.');
                auto part = path.substr(0, dot);
                path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
                const auto bracket = part.find('[');
                if (bracket != 0) {
                    const auto& o = object_of(*v, "getAttr target");
                    v = o.if_contains(part.substr(0, bracket));
                }
                if (v && bracket != std::string_view::npos) {
                    if (part.back() != ']') fail("bad getAttr path");
                    const auto digits = part.substr(bracket + 1, part.size() - bracket - 2);
                    std::size_t index = 0;
                    const auto [stop, ec] =
                        std::from_chars(digits.data(), digits.data() + digits.size(), index);
                    if (ec != std::errc{} || stop != digits.data() + digits.size())
                        fail("bad getAttr index");
                    const auto& a = array_of(*v, "getAttr target");
                    v = index < a.size() ? &a[index] : nullptr;
                }
            }
            return v ? json::value(*v, sp) : json::value(sp);
        }

        json::value call(const json::object& f) {
            const auto fn = string_of(member(f, "fn"), "fn");
            json::array args(sp);
            for (const auto& a : array_of(member(f, "argv"), "argv")) args.push_back(expr(a));
            const auto arg = [&](std::size_t i) -> const json::value& {
                if (i >= args.size()) fail(std::string(fn) + ": too few arguments");
                return args[i];
            };
            if (fn == "isSet") return !arg(0).is_null();
            if (fn == "not") return !bool_of(arg(0), fn);
            if (fn == "booleanEquals") return bool_of(arg(0), fn) == bool_of(arg(1), fn);
            if (fn == "stringEquals") return string_of(arg(0), fn) == string_of(arg(1), fn);
            if (fn == "getAttr") return get_attr(arg(0), string_of(arg(1), fn));
            if (fn == "isValidHostLabel") {
                return is_valid_host_label(string_of(arg(0), fn), bool_of(arg(1), fn));
            }
            if (fn == "uriEncode") return json::string(uri_encode(string_of(arg(0), fn)), sp);
            if (fn == "substring") {
                return substring(string_of(arg(0), fn), int_of(arg(1), fn), int_of(arg(2), fn),
                                 bool_of(arg(3), fn));
            }
            if (fn == "parseURL") return parse_url(string_of(arg(0), fn));
            if (fn == "aws.partition") return partition_of(string_of(arg(0), fn));
            fail("unsupported function \"" + std::string(fn) + "\"");
        }

        // ASCII only; [start, stop) counted from the end when `reverse`; null if out of range.
        json::value substring(std::string_view s, std::int64_t start, std::int64_t stop,
                              bool reverse) const {
            for (const char c : s) {
                if (static_cast<unsigned char>(c) > 0x7f) return json::value(sp);
            }
            const auto size = static_cast<std::int64_t>(s.size());
            if (start < 0 || start >= stop || stop > size) return json::value(sp);
            const auto first = reverse ? size - stop : start;
            return json::string(
                s.substr(static_cast<std::size_t>(first), static_cast<std::size_t>(stop - start)),
                sp);
        }

        // The URL structure {scheme, authority, path, normalizedPath, isIp}, or null.
        json::value parse_url(std::string_view s) const {
            const auto parsed = boost::urls::parse_absolute_uri(s);
            if (!parsed || http_url_problem(*parsed)) return json::value(sp);
            const auto& u = *parsed;
            const std::string_view path = u.encoded_path();
            json::string normalized(sp);
            if (path.empty() || path.front() != '/') normalized.push_back('/');
            normalized.append(path);
            if (normalized.back() != '/') normalized.push_back('/');
            json::object out(sp);
            out["scheme"] = u.scheme_id() == boost::urls::scheme::https ? "https" : "http";
            out["authority"] = std::string_view(u.encoded_host_and_port());
            out["path"] = path;
            out["normalizedPath"] = std::move(normalized);
            out["isIp"] = u.host_type() != boost::urls::host_type::name;
            return out;
        }

        // aws.partition: an explicitly listed region, else the first partition whose regex
        // matches, else "aws". The result is the partition's outputs, with any per-region
        // overrides of those outputs applied.
        json::value partition_of(std::string_view region) const {
            const partition* found = nullptr;
            const json::object* overrides = nullptr;
            for (const auto& p : rs.partitions_) {
                if (const auto* r = p.regions->if_contains(region)) {
                    found = &p;
                    overrides = r->if_object();
                    break;
                }
            }
            for (auto it = rs.partitions_.begin(); !found && it != rs.partitions_.end(); ++it) {
                if (it->regex.matches(region)) found = &*it;
            }
            for (auto it = rs.partitions_.begin(); !found && it != rs.partitions_.end(); ++it) {
                if (it->id == "aws") found = &*it;
            }
            if (!found) return json::value(sp);
            json::object out(*found->outputs, sp);
            if (overrides) {
                for (const auto& [key, v] : *overrides) {
                    if (auto* slot = out.if_contains(key)) *slot = v;
                }
            }
            return out;
        }
    };

    json::value rules_;
    const json::array* rules_list_;  // the top-level rules, in rules_
    json::value partitions_doc_;
    std::vector<parameter> parameters_;
    std::vector<partition> partitions_;
};

}  // namespace ivsrt::detail
