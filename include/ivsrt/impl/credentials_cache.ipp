// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// make_cached_provider: one shared fetch, background refresh ahead of expiry.

#include <ivsrt/credentials.hpp>
#include <ivsrt/detail/credentials_completion.hpp>
#include <ivsrt/detail/iso8601.hpp>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_type.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>

namespace ivsrt {

namespace detail::credentials_impl {

using time_point = std::chrono::system_clock::time_point;

class cached_provider final : public credentials_provider::impl,
                              public std::enable_shared_from_this<cached_provider> {
  public:
    cached_provider(asio::any_io_executor ex, credentials_provider inner,
                    cached_provider_options options)
        : ex_(std::move(ex)), inner_(std::move(inner)), options_(std::move(options)) {
        if (!options_.clock) options_.clock = &std::chrono::system_clock::now;
    }

    void async_get(credentials_diagnostics& diag, handler_type handler) override {
        pending_get pending(std::move(handler), diag, ex_);
        // First without a cancellation handler (the common case: a cache hit); on a miss, the
        // handler is installed before the waiter becomes visible to the refresh.
        std::optional<std::uint64_t> id;
        for (;;) {
            std::unique_lock lock(mutex_);
            if (stopped_) {
                lock.unlock();
                std::move(pending).complete_later(ex_, stopped_outcome());
                return;
            }
            if (auto c = take_cached(lock)) {
                std::move(pending).complete_later(ex_, fetch_outcome::success(*c));
                return;
            }
            if (!id) {
                id = next_id_++;
                lock.unlock();
                if (auto slot = pending.cancellation_slot(); slot.is_connected()) {
                    slot.emplace<cancel_waiter>(weak_from_this(), *id);
                }
                continue;
            }
            waiters_.emplace(*id, std::move(pending));
            const bool start = !refreshing_;
            refreshing_ = true;
            lock.unlock();
            if (start) start_refresh();
            return;
        }
    }

    std::shared_ptr<const credentials> try_get() override {
        std::unique_lock lock(mutex_);
        if (stopped_) return nullptr;
        return take_cached(lock);
    }

    void shutdown() override {
        std::map<std::uint64_t, pending_get> waiting;
        {
            std::lock_guard lock(mutex_);
            stopped_ = true;
            waiting.swap(waiters_);
        }
        for (auto& [id, pending] : waiting)
            std::move(pending).complete_later(ex_, stopped_outcome());
    }

  private:
    // With `lock` held: the cached credentials if still valid (then unlocks, and starts a
    // background refresh when due), else null with the lock still held.
    std::shared_ptr<const credentials> take_cached(std::unique_lock<std::mutex>& lock) {
        const time_point now = options_.clock();
        if (!cached_ || now >= valid_until_) return nullptr;
        const bool refresh = !refreshing_ && now >= refresh_at_ && now >= backoff_until_;
        refreshing_ = refreshing_ || refresh;
        auto c = cached_;
        lock.unlock();
        if (refresh) start_refresh();
        return c;
    }

    struct cancel_waiter {
        cancel_waiter(std::weak_ptr<cached_provider> s, std::uint64_t i)
            : self(std::move(s)), id(i) {}
        std::weak_ptr<cached_provider> self;
        std::uint64_t id;
        void operator()(asio::cancellation_type type) const {
            if (type == asio::cancellation_type::none) return;
            if (auto provider = self.lock()) provider->cancel(id);
        }
    };

    static fetch_outcome stopped_outcome() {
        return fetch_outcome::failure("credentials: the provider was shut down", errc::cancelled);
    }

    void cancel(std::uint64_t id) {
        std::unique_lock lock(mutex_);
        auto node = waiters_.extract(id);
        lock.unlock();
        if (node.empty()) return;
        // Not from inside the cancellation handler: that would clear the slot it runs in.
        std::move(node.mapped())
            .complete_later(
                ex_, fetch_outcome::failure("credentials: cancelled while waiting for a fetch",
                                            errc::cancelled));
    }

    void start_refresh() {
        inner_.async_get(refresh_diag_,
                         asio::bind_executor(ex_, [self = shared_from_this()](
                                                      boost::system::error_code ec, credentials c) {
                             self->on_refreshed(ec, std::move(c));
                         }));
    }

    void on_refreshed(boost::system::error_code ec, credentials c) {
        std::map<std::uint64_t, pending_get> done;
        fetch_outcome outcome;
        {
            std::lock_guard lock(mutex_);
            const time_point now = options_.clock();
            if (!ec && c.expiration && *c.expiration - options_.expiry_margin <= now) {
                outcome = fetch_outcome::failure(
                    c.provider +
                    ": returned credentials that are expired or about to expire (expiration " +
                    format_iso8601(*c.expiration) + ")");
            } else if (ec) {
                outcome = fetch_outcome::failure(std::move(refresh_diag_.message), ec);
                outcome.not_configured = refresh_diag_.not_configured;
            } else {
                if (c.expiration) {
                    const time_point expiry = *c.expiration;
                    valid_until_ = expiry - options_.expiry_margin;
                    const auto ahead = std::min<std::chrono::system_clock::duration>(
                        options_.refresh_ahead, (expiry - now) / 2);
                    refresh_at_ = expiry - ahead;
                } else {
                    valid_until_ = refresh_at_ = time_point::max();
                }
                cached_ = std::make_shared<const credentials>(c);
                backoff_until_ = {};
                outcome = fetch_outcome::success(std::move(c));
            }
            if (outcome.ec) backoff_until_ = now + options_.refresh_backoff;
            refreshing_ = false;
            done.swap(waiters_);  // empty after shutdown()
        }
        for (auto& [id, pending] : done) std::move(pending).complete(outcome);
    }

    asio::any_io_executor ex_;
    credentials_provider inner_;
    cached_provider_options options_;

    std::mutex mutex_;
    std::shared_ptr<const credentials> cached_;
    time_point valid_until_{};
    time_point refresh_at_{};
    time_point backoff_until_{};
    bool refreshing_ = false;
    bool stopped_ = false;  // by shutdown()
    // Callers waiting for the fetch in flight, by arrival. (Never move-assign a pending_get:
    // Boost 1.81's any_completion_handler move assignment recurses.)
    std::map<std::uint64_t, pending_get> waiters_;
    std::uint64_t next_id_ = 0;
    credentials_diagnostics refresh_diag_;  // of the one refresh in flight
};

}  // namespace detail::credentials_impl

IVSRT_DECL credentials_provider make_cached_provider(boost::asio::any_io_executor ex,
                                                     credentials_provider inner,
                                                     cached_provider_options options) {
    return credentials_provider(std::make_shared<detail::credentials_impl::cached_provider>(
        std::move(ex), std::move(inner), std::move(options)));
}

}  // namespace ivsrt
