// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// One-shot HTTP requests for the credential providers (IMDS, container endpoint, STS): a fresh
// connection per request, plain TCP or verified TLS, bounded by a deadline. Included by
// impl/credentials.ipp only.

#include <ivsrt/detail/config.hpp>
#include <ivsrt/detail/dns.hpp>
#include <ivsrt/detail/http_connection.hpp>
#include <ivsrt/detail/tls.hpp>
#include <ivsrt/error.hpp>
#include <ivsrt/version.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/system/system_error.hpp>
#include <boost/url/parse.hpp>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ivsrt::detail {

struct http_fetch_request {
    boost::beast::http::verb method = boost::beast::http::verb::get;
    std::string url;  // http:// or https://
    std::vector<std::pair<std::string, std::string>> headers;
    std::string content_type;
    std::string body;
    std::chrono::milliseconds timeout{1000};  // connect, request and response, per attempt
    // When set, every address the host resolves to must pass, or nothing is sent.
    bool (*allow_address)(const boost::asio::ip::address&) noexcept = nullptr;
    std::string ca_bundle;   // extra trusted CAs for https
    host_resolver resolver;  // unset: the system's, on a thread of its own
    std::string proxy;       // "http://[user:password@]host:port" to go through; "": direct
};

struct http_fetch_result {
    // errc::timeout, connection, tls, invalid_response, or invalid_request (bad URL, address
    // not allowed); success when a response arrived, whatever its status.
    boost::system::error_code ec;
    std::string error;  // the cause, for messages
    unsigned status = 0;
    std::string body;
};

inline boost::asio::awaitable<http_fetch_result> http_fetch(const http_fetch_request& req) {
    namespace asio = boost::asio;
    namespace http = boost::beast::http;
    constexpr auto tuple = asio::as_tuple(asio::use_awaitable);
    http_fetch_result out;
    auto fail = [&](boost::system::error_code code, std::string error) {
        out.ec = code;
        out.error = std::move(error);
        return std::move(out);
    };

    const auto url = boost::urls::parse_absolute_uri(req.url);
    const bool https = url && url->scheme_id() == boost::urls::scheme::https;
    if (!url || (!https && url->scheme_id() != boost::urls::scheme::http) ||
        url->encoded_host().empty()) {
        co_return fail(errc::invalid_request, "not an http or https URL");
    }
    const std::string host = url->host_address();
    const std::string port = url->has_port() ? std::string(url->port()) : https ? "443" : "80";
    std::optional<proxy_route> route;
    if (!req.proxy.empty()) {
        try {
            route = parse_proxy_url(req.proxy, "proxy");
        } catch (const std::invalid_argument& e) {
            co_return fail(errc::invalid_request, e.what());
        }
        route->for_origin(https, host, port);
    }
    // Through a proxy, the proxy is what is looked up and connected to.
    const std::string& to_host = route ? route->host : host;
    const std::string& to_port = route ? route->port : port;
    const auto where = route ? "proxy " + proxy_route::authority(to_host, to_port) + " for " +
                                   std::string(url->encoded_host_and_port())
                             : std::string(url->encoded_host_and_port());

    auto ex = co_await asio::this_coro::executor;
    const auto deadline = http_connection::clock::now() + req.timeout;
    // The lookup is bounded by the same deadline as the rest of the fetch.
    const auto dns = std::make_shared<dns_cache>(
        req.resolver, to_host, to_port, dns_cache::clock::duration{}, dns_cache::clock::duration{});
    auto [resolve_ec, resolve_cause, endpoints] = co_await dns->async_resolve(ex, deadline, tuple);
    if (resolve_ec == errc::timeout) {
        co_return fail(errc::timeout, "resolving " + to_host + " timed out after " +
                                          std::to_string(req.timeout.count()) + " ms");
    }
    if (resolve_ec) {
        co_return fail(resolve_ec,
                       "cannot resolve " + to_host + ": " +
                           (resolve_cause ? resolve_cause.message() : resolve_ec.message()));
    }
    if (req.allow_address) {
        for (const auto& entry : endpoints) {
            if (!req.allow_address(entry.address())) {
                co_return fail(errc::invalid_request, host + " resolves to " +
                                                          entry.address().to_string() +
                                                          ", which is not allowed");
            }
        }
    }

    std::optional<tls_client_context> tls;
    if (https) {
        try {
            tls.emplace(true, req.ca_bundle);
        } catch (const boost::system::system_error& e) {
            co_return fail(errc::tls, "cannot load the CA bundle: " + e.code().message());
        }
    }
    // Credential responses are a few KiB: 1 MiB is plenty.
    http_connection conn(ex, tls ? &*tls : nullptr, http_limits{1024 * 1024, 16 * 1024},
                         route ? &*route : nullptr);
    auto describe = [&](const boost::system::error_code& ec) {
        if (ec == errc::timeout)
            return "timed out after " + std::to_string(req.timeout.count()) + " ms";
        if (ec == errc::tls)
            return "TLS handshake with " + where + " failed: " + conn.cause().message();
        if (ec == errc::invalid_response)
            return "malformed HTTP response: " + conn.cause().message();
        return "connection to " + where + " failed: " + conn.cause().message();
    };
    auto [connect_ec] = co_await conn.async_connect(endpoints, host, deadline, tuple);
    if (connect_ec) co_return fail(connect_ec, describe(connect_ec));

    string_request request{req.method, url->encoded_target().empty() ? "/" : url->encoded_target(),
                           11};
    request.set(http::field::host, url->encoded_host_and_port());
    request.set(http::field::user_agent, std::string("ivsrt/") + version_string);
    for (const auto& [name, value] : req.headers) request.set(name, value);
    if (!req.content_type.empty()) request.set(http::field::content_type, req.content_type);
    request.body() = req.body;
    request.keep_alive(false);
    request.prepare_payload();

    string_response response;
    auto [exchange_ec] = co_await conn.async_exchange(request, response, deadline, tuple);
    if (exchange_ec) co_return fail(exchange_ec, describe(exchange_ec));
    out.status = response.result_int();
    out.body = std::move(response.body());
    co_return out;
}

// Retries after a timeout, a connection failure, a malformed response or a 5xx.
inline boost::asio::awaitable<http_fetch_result> http_fetch(const http_fetch_request& req,
                                                            unsigned attempts) {
    http_fetch_result result;
    for (unsigned i = 0; i < (attempts == 0 ? 1 : attempts); ++i) {
        result = co_await http_fetch(req);
        const bool transient = result.ec
                                   ? result.ec != errc::invalid_request && result.ec != errc::tls
                                   : result.status >= 500;
        if (!transient) break;
    }
    co_return result;
}

}  // namespace ivsrt::detail
