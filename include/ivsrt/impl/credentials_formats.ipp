// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <ivsrt/detail/credentials_formats.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace ivsrt::detail {

IVSRT_DECL std::optional<std::string_view> xml_element(std::string_view xml,
                                                       std::string_view tag) noexcept {
    auto name_at = [&](std::size_t pos, std::string_view ends) {
        return xml.substr(pos, tag.size()) == tag && pos + tag.size() < xml.size() &&
               ends.find(xml[pos + tag.size()]) != std::string_view::npos;
    };
    for (std::size_t open = xml.find('<'); open != std::string_view::npos;
         open = xml.find('<', open + 1)) {
        if (!name_at(open + 1, "> \t\r\n/")) continue;
        const std::size_t end = xml.find('>', open);
        if (end == std::string_view::npos) return std::nullopt;
        if (xml[end - 1] == '/') return std::string_view{};  // <tag/>
        const std::size_t start = end + 1;
        for (std::size_t close = xml.find("</", start); close != std::string_view::npos;
             close = xml.find("</", close + 2)) {
            if (name_at(close + 2, ">")) return xml.substr(start, close - start);
        }
        return std::nullopt;
    }
    return std::nullopt;
}

IVSRT_DECL std::optional<std::string> xml_text(std::string_view xml, std::string_view tag) {
    auto element = xml_element(xml, tag);
    if (!element || element->find('<') != std::string_view::npos) return std::nullopt;
    std::string_view in = *element;
    while (!in.empty() && std::string_view(" \t\r\n").find(in.front()) != std::string_view::npos) {
        in.remove_prefix(1);
    }
    while (!in.empty() && std::string_view(" \t\r\n").find(in.back()) != std::string_view::npos) {
        in.remove_suffix(1);
    }
    std::string out;
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '&') {
            out.push_back(in[i]);
            continue;
        }
        const std::size_t semi = in.find(';', i);
        if (semi == std::string_view::npos) return std::nullopt;
        const std::string_view entity = in.substr(i + 1, semi - i - 1);
        i = semi;
        if (entity == "lt") {
            out.push_back('<');
        } else if (entity == "gt") {
            out.push_back('>');
        } else if (entity == "amp") {
            out.push_back('&');
        } else if (entity == "quot") {
            out.push_back('"');
        } else if (entity == "apos") {
            out.push_back('\'');
        } else if (entity.size() > 1 && entity[0] == '#') {
            const bool hex = entity[1] == 'x' || entity[1] == 'X';
            const std::string_view digits = entity.substr(hex ? 2 : 1);
            unsigned long cp = 0;
            if (digits.empty() || digits.size() > 6) return std::nullopt;
            for (char c : digits) {
                int v = c >= '0' && c <= '9' ? c - '0' : -1;
                if (hex && c >= 'a' && c <= 'f') v = c - 'a' + 10;
                if (hex && c >= 'A' && c <= 'F') v = c - 'A' + 10;
                if (v < 0) return std::nullopt;
                cp = cp * (hex ? 16 : 10) + static_cast<unsigned long>(v);
            }
            if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
            if (cp < 0x80) {  // UTF-8
                out.push_back(static_cast<char>(cp));
            } else if (cp < 0x800) {
                out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
                out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
            } else if (cp < 0x10000) {
                out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
                out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
                out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
            } else {
                out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
                out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
                out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
                out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
            }
        } else {
            return std::nullopt;
        }
    }
    return out;
}

IVSRT_DECL bool parse_json_credentials(std::string_view body, json_credentials_format format,
                                       credentials& out, std::string& error) {
    namespace json = boost::json;
    boost::system::error_code ec;
    const json::value doc = json::parse(body, ec);
    if (ec) {
        error = "the response is not valid JSON (" + ec.message() + ")";
        return false;
    }
    const json::object* object = doc.if_object();
    if (!object) {
        error = "the response is not a JSON object";
        return false;
    }
    // A member that must be a string when present; `error` set when it is not.
    auto optional_string = [&](std::string_view key) -> std::optional<std::string> {
        const json::value* v = object->if_contains(key);
        if (!v || v->is_null()) return std::nullopt;
        if (!v->is_string()) {
            error = std::string(key) + " is not a string";
            return std::nullopt;
        }
        return std::string(v->get_string());
    };

    if (format == json_credentials_format::process) {
        const json::value* version = object->if_contains("Version");
        const bool one = version && ((version->is_int64() && version->get_int64() == 1) ||
                                     (version->is_uint64() && version->get_uint64() == 1));
        if (!one) {
            error = "Version must be 1";
            return false;
        }
    } else if (const json::value* code = object->if_contains("Code")) {
        if (!code->is_string() || code->get_string() != "Success") {
            error = code->is_string()
                        ? "Code is '" + std::string(code->get_string()) + "', not 'Success'"
                        : "Code is not a string";
            return false;
        }
    }

    auto id = optional_string("AccessKeyId");
    auto secret = optional_string("SecretAccessKey");
    auto token =
        optional_string(format == json_credentials_format::process ? "SessionToken" : "Token");
    auto expiration = optional_string("Expiration");
    auto account = optional_string("AccountId");
    if (!error.empty()) return false;
    if (!id || id->empty()) {
        error = "AccessKeyId is missing";
        return false;
    }
    if (!secret || secret->empty()) {
        error = "SecretAccessKey is missing";
        return false;
    }
    std::optional<std::chrono::system_clock::time_point> expires;
    if (expiration) {
        expires = parse_iso8601(*expiration);
        if (!expires) {
            error = "Expiration is not an ISO-8601 timestamp";
            return false;
        }
    }
    out.access_key_id = std::move(*id);
    out.secret_access_key = std::move(*secret);
    out.session_token = std::move(token);
    out.expiration = expires;
    out.account_id = std::move(account);
    return true;
}

IVSRT_DECL bool container_address_allowed(const boost::asio::ip::address& a) noexcept {
    namespace ip = boost::asio::ip;
    if (a.is_v4()) {
        const auto v4 = a.to_v4();
        const auto b = v4.to_bytes();
        return v4.is_loopback() ||
               (b[0] == 169 && b[1] == 254 && b[2] == 170 && (b[3] == 2 || b[3] == 23));
    }
    const auto v6 = a.to_v6();
    if (v6.is_loopback()) return true;
    if (v6.is_v4_mapped()) return container_address_allowed(ip::make_address_v4(ip::v4_mapped, v6));
    constexpr ip::address_v6::bytes_type eks{0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0,
                                             0,    0,    0,    0,    0, 0, 0, 0x23};
    return v6.to_bytes() == eks;
}

}  // namespace ivsrt::detail
