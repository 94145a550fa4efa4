// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <ivsrt/detail/dns.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <thread>

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace ivsrt::detail {

IVSRT_DECL void resolve_on_thread(const std::string& host, const std::string& port,
                                  resolve_callback callback) {
    namespace ip = boost::asio::ip;
    std::uint16_t port_number = 0;
    const auto [end, parsed] = std::from_chars(port.data(), port.data() + port.size(), port_number);
    if (parsed != std::errc() || end != port.data() + port.size()) {
        return callback(boost::asio::error::service_not_found, {});
    }
    // An address literal needs no lookup.
    boost::system::error_code not_address;
    const auto address = ip::make_address(host, not_address);
    if (!not_address) return callback({}, {ip::tcp::endpoint(address, port_number)});
    // Detached: a lookup stuck in getaddrinfo must not hold up its caller or the process exit.
    std::thread([host, port_number, callback = std::move(callback)] {
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        addrinfo* list = nullptr;
        const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &list);
        std::vector<ip::tcp::endpoint> out;
        for (const addrinfo* ai = list; ai; ai = ai->ai_next) {
            if (ai->ai_family == AF_INET) {
                const auto* sin = reinterpret_cast<const sockaddr_in*>(ai->ai_addr);
                out.emplace_back(ip::address_v4(ntohl(sin->sin_addr.s_addr)), port_number);
            } else if (ai->ai_family == AF_INET6) {
                const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(ai->ai_addr);
                ip::address_v6::bytes_type bytes;
                std::memcpy(bytes.data(), sin6->sin6_addr.s6_addr, bytes.size());
                out.emplace_back(ip::address_v6(bytes, sin6->sin6_scope_id), port_number);
            }
        }
        if (list) ::freeaddrinfo(list);
        boost::system::error_code ec;
        if (rc == EAI_NONAME || (rc == 0 && out.empty())) {
            ec = boost::asio::error::host_not_found;
        } else if (rc == EAI_AGAIN) {
            ec = boost::asio::error::host_not_found_try_again;
        } else if (rc != 0) {
            ec = boost::asio::error::no_recovery;
        }
        callback(ec, std::move(out));
    }).detach();
}

IVSRT_DECL bool dns_cache::begin(waiter& w) {
    bool start = false;
    {
        std::lock_guard lock(mutex_);
        if (cached_ && clock::now() - cached_->at < (cached_->ec ? failure_ttl_ : ttl_)) {
            w.done = true;
            w.ec = cached_->ec;
            w.result = cached_->result;
            return true;
        }
        waiters_.push_back(&w);
        if (!in_flight_) {
            in_flight_ = true;
            ++lookups_;
            start = true;
        }
    }
    if (start) {
        // The callback may run at once, on this thread, or later on another one.
        std::weak_ptr<dns_cache> self = weak_from_this();
        try {
            resolver_(host_, port_, [self](boost::system::error_code ec, endpoints result) {
                if (auto cache = self.lock()) cache->on_resolved(ec, std::move(result));
            });
        } catch (const std::system_error&) {  // no thread could be started
            on_resolved(boost::asio::error::no_memory, {});
        }
    }
    std::lock_guard lock(mutex_);
    return w.done;
}

IVSRT_DECL bool dns_cache::end(waiter& w) {
    std::lock_guard lock(mutex_);
    if (auto it = std::find(waiters_.begin(), waiters_.end(), &w); it != waiters_.end()) {
        waiters_.erase(it);
    }
    return w.done;
}

IVSRT_DECL void dns_cache::on_resolved(boost::system::error_code ec, endpoints result) {
    if (!ec && result.empty()) ec = boost::asio::error::host_not_found;
    std::lock_guard lock(mutex_);
    in_flight_ = false;
    cached_ = entry{ec, result, clock::now()};
    for (waiter* w : waiters_) {
        w->done = true;
        w->ec = ec;
        w->result = result;
        w->timer.cancel();
    }
    waiters_.clear();
}

}  // namespace ivsrt::detail
