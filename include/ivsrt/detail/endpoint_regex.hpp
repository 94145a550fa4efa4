// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ivsrt::detail {

// A small regular-expression matcher for the `regionRegex` patterns of partitions.json, so that
// the library does not pay for <regex> in every translation unit. It supports the subset those
// patterns use, with ECMAScript meaning: a pattern anchored by '^' and '$', literals, '.', the
// escapes \d \w \s and escaped punctuation, groups "(...)" / "(?:...)" with '|' alternatives, and
// the greedy quantifiers * + ? on a single character. Any other syntax is rejected when the pattern
// is compiled, never silently matched differently.
class region_regex {
  public:
    // Throws std::invalid_argument naming the problem if `pattern` is outside the subset.
    explicit region_regex(std::string_view pattern) : pattern_(pattern) {
        if (pattern.size() < 2 || pattern.front() != '^' || pattern.back() != '$' ||
            pattern[pattern.size() - 2] == '\\') {
            reject("must be anchored by '^' and '$'");
        }
        pos_ = 1;
        end_ = pattern.size() - 1;
        parse_group();
        if (pos_ != end_) reject("unbalanced ')'");
        if (groups_[0].size() != 1) reject("top-level '|' is not supported");
    }

    // Whether the whole of `s` matches.
    bool matches(std::string_view s) const { return match(groups_[0][0], 0, s, 0, nullptr); }

  private:
    enum class kind { literal, any, digit, word, space, group };
    struct atom {
        kind k = kind::literal;
        char c = 0;             // the character of a literal
        std::size_t group = 0;  // index into groups_ of a group
        std::size_t min = 1, max = 1;
    };
    using sequence = std::vector<atom>;
    // What remains to match after a group: the rest of the enclosing sequence, and so on outwards.
    struct continuation {
        const sequence* seq;
        std::size_t index;
        const continuation* next;
    };

    [[noreturn]] void reject(std::string_view why) const {
        throw std::invalid_argument("region regex \"" + pattern_ + "\": " + std::string(why));
    }

    // Parses alternatives up to a ')' or the end; returns the new group's index.
    std::size_t parse_group() {
        const std::size_t index = groups_.size();
        groups_.emplace_back();
        for (;;) {
            sequence seq = parse_sequence();
            groups_[index].push_back(std::move(seq));
            if (pos_ == end_ || pattern_[pos_] != '|') return index;
            ++pos_;
        }
    }

    sequence parse_sequence() {
        sequence seq;
        while (pos_ != end_ && pattern_[pos_] != '|' && pattern_[pos_] != ')') {
            atom a;
            const char c = pattern_[pos_++];
            switch (c) {
                case '(':
                    if (pattern_.compare(pos_, 2, "?:") == 0) pos_ += 2;
                    a.k = kind::group;
                    a.group = parse_group();
                    if (pos_ == end_ || pattern_[pos_] != ')') reject("missing ')'");
                    ++pos_;
                    break;
                case '.':
                    a.k = kind::any;
                    break;
                case '\\':
                    a = parse_escape();
                    break;
                case '[':
                case ']':
                case '{':
                case '}':
                case '^':
                case '$':
                case '*':
                case '+':
                case '?':
                    reject(std::string("unsupported use of '") + c + "'");
                default:
                    a.c = c;
                    break;
            }
            if (pos_ != end_ &&
                (pattern_[pos_] == '*' || pattern_[pos_] == '+' || pattern_[pos_] == '?')) {
                if (a.k == kind::group) reject("quantified groups are not supported");
                const char q = pattern_[pos_++];
                a.min = q == '+' ? 1 : 0;
                a.max = q == '?' ? 1 : std::numeric_limits<std::size_t>::max();
            }
            seq.push_back(a);
        }
        return seq;
    }

    atom parse_escape() {
        if (pos_ == end_) reject("dangling '\\'");
        const char c = pattern_[pos_++];
        atom a;
        switch (c) {
            case 'd':
                a.k = kind::digit;
                break;
            case 'w':
                a.k = kind::word;
                break;
            case 's':
                a.k = kind::space;
                break;
            default:
                // ECMAScript identity escapes: any other letter or digit would have a meaning.
                if (is_alnum(c)) reject(std::string("unsupported escape '\\") + c + "'");
                a.c = c;
        }
        return a;
    }

    static bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
    static bool is_alnum(char c) noexcept {
        return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    static bool test(const atom& a, char c) noexcept {
        switch (a.k) {
            case kind::literal:
                return c == a.c;
            case kind::any:
                return c != '\n' && c != '\r';
            case kind::digit:
                return is_digit(c);
            case kind::word:
                return is_alnum(c) || c == '_';
            case kind::space:
                return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
            case kind::group:
                break;
        }
        return false;
    }

    // Backtracking match of seq[i...] followed by `next`, from s[pos] to the end of s.
    bool match(const sequence& seq, std::size_t i, std::string_view s, std::size_t pos,
               const continuation* next) const {
        if (i == seq.size()) {
            return next ? match(*next->seq, next->index, s, pos, next->next) : pos == s.size();
        }
        const atom& a = seq[i];
        if (a.k == kind::group) {
            const continuation rest{&seq, i + 1, next};
            for (const sequence& alternative : groups_[a.group]) {
                if (match(alternative, 0, s, pos, &rest)) return true;
            }
            return false;
        }
        std::size_t n = 0;  // greedy: take as many as possible, then give back one at a time
        while (n < a.max && pos + n < s.size() && test(a, s[pos + n])) ++n;
        for (;; --n) {
            if (n < a.min) return false;
            if (match(seq, i + 1, s, pos + n, next)) return true;
            if (n == 0) return false;
        }
    }

    std::string pattern_;
    std::size_t pos_ = 0, end_ = 0;              // parsing state
    std::vector<std::vector<sequence>> groups_;  // groups_[0] is the whole pattern
};

}  // namespace ivsrt::detail
