// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <ivsrt/detail/config.hpp>
#include <ivsrt/pool_config.hpp>
#include <ivsrt/error.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/coroutine.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace ivsrt::detail {

// The default host_resolver: getaddrinfo on a short-lived thread of its own, so that a slow
// lookup never blocks an io_context thread nor queues behind another host's lookup. The callback
// runs on that thread.
IVSRT_DECL void resolve_on_thread(const std::string& host, const std::string& port,
                                  resolve_callback callback);

// Name resolution for one host and port, bounded by each waiter's deadline and cancellation.
// Concurrent callers share one lookup in flight; results are cached for `ttl`, failures for
// `failure_ttl`. A lookup that outlives every waiter still fills the cache when it completes.
class dns_cache : public std::enable_shared_from_this<dns_cache> {
  public:
    using clock = std::chrono::steady_clock;
    using endpoints = std::vector<boost::asio::ip::tcp::endpoint>;

    dns_cache(host_resolver resolver, std::string host, std::string port, clock::duration ttl,
              clock::duration failure_ttl)
        : resolver_(resolver ? std::move(resolver) : host_resolver(&resolve_on_thread)),
          host_(std::move(host)),
          port_(std::move(port)),
          ttl_(ttl),
          failure_ttl_(failure_ttl) {}

    // Completes with void(error_code ec, error_code cause, endpoints): the addresses;
    // errc::connection with the resolver's own error as `cause`; errc::timeout at `deadline`;
    // or errc::cancelled.
    template <class Token>
    auto async_resolve(const boost::asio::any_io_executor& ex, clock::time_point deadline,
                       Token&& token);

    // Drops cached addresses (after every address failed to connect).
    void forget() {
        std::lock_guard lock(mutex_);
        cached_.reset();
    }

    // Lookups started so far (for tests and stats).
    std::size_t lookups() const {
        std::lock_guard lock(mutex_);
        return lookups_;
    }

    struct waiter {
        explicit waiter(const boost::asio::any_io_executor& ex) : timer(ex) {}
        boost::asio::steady_timer timer;  // the deadline; cancelled when the lookup completes
        bool done = false;
        boost::system::error_code ec;
        endpoints result;
    };

  private:
    struct entry {
        boost::system::error_code ec;
        endpoints result;
        clock::time_point at;
    };
    struct resolve_op;

    // A fresh cached answer into `w`, else registers `w` (starting a lookup when
    // none is in flight). Returns true when `w` is done.
    IVSRT_DECL bool begin(waiter& w);
    // Whether `w` got its answer; it leaves the waiting list either way.
    IVSRT_DECL bool end(waiter& w);
    IVSRT_DECL void on_resolved(boost::system::error_code ec, endpoints result);

    host_resolver resolver_;
    std::string host_;
    std::string port_;
    clock::duration ttl_;
    clock::duration failure_ttl_;
    mutable std::mutex mutex_;
    std::optional<entry> cached_;
    bool in_flight_ = false;
    std::size_t lookups_ = 0;
    std::vector<waiter*> waiters_;
};

#include <boost/asio/yield.hpp>

struct dns_cache::resolve_op : boost::asio::coroutine {
    resolve_op(std::shared_ptr<dns_cache> c, std::unique_ptr<waiter> wt)
        : cache(std::move(c)), w(std::move(wt)) {}
    resolve_op(resolve_op&&) noexcept = default;
    resolve_op& operator=(resolve_op&&) = delete;
    // An operation abandoned while waiting (its io_context destroyed) leaves the list.
    ~resolve_op() {
        if (w) cache->end(*w);
    }

    std::shared_ptr<dns_cache> cache;
    std::unique_ptr<waiter> w;

    template <class Self>
    void operator()(Self& self, boost::system::error_code = {}) {
        reenter(*this) {
            if (!cache->begin(*w)) {
                yield {
                    std::lock_guard lock(cache->mutex_);
                    if (w->done) {
                        boost::asio::post(w->timer.get_executor(), std::move(self));
                    } else {
                        w->timer.async_wait(std::move(self));
                    }
                }
                if (!cache->end(*w)) {
                    const bool cancelled = self.get_cancellation_state().cancelled() !=
                                           boost::asio::cancellation_type::none;
                    return self.complete(cancelled ? errc::cancelled : errc::timeout,
                                         boost::system::error_code{}, endpoints{});
                }
            }
            if (w->ec) return self.complete(errc::connection, w->ec, endpoints{});
            self.complete({}, {}, std::move(w->result));
        }
    }
};

#include <boost/asio/unyield.hpp>

template <class Token>
auto dns_cache::async_resolve(const boost::asio::any_io_executor& ex, clock::time_point deadline,
                              Token&& token) {
    auto w = std::make_unique<waiter>(ex);
    w->timer.expires_at(deadline);
    return boost::asio::async_compose<Token, void(boost::system::error_code,
                                                  boost::system::error_code, endpoints)>(
        resolve_op(shared_from_this(), std::move(w)), token, ex);
}

}  // namespace ivsrt::detail

#ifndef IVSRT_SEPARATE_COMPILATION
#include <ivsrt/impl/dns.ipp>
#endif
