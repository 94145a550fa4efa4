// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <ivsrt/pool_stats.hpp>

#include <cassert>
#include <cstddef>
#include <list>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace ivsrt::detail {

// The decisions of a connection pool, without I/O, threads or timers: which connection a request
// gets, when it must queue, which connection is closed. The caller serializes the calls and
// passes the current time, so tests drive it with a mock connection and a virtual clock.
//
// A slot is either idle (a connected node kept for reuse) or in use (leased to one request,
// connected or still connecting). Connections are only ever closed by destroying their node.
template <class Connection, class Clock, class Waiter>
class pool_core {
  public:
    using time_point = typename Clock::time_point;
    using duration = typename Clock::duration;

    struct node {
        template <class... Args>
        explicit node(time_point now, Args&&... args)
            : conn(std::forward<Args>(args)...), opened(now) {}

        Connection conn;
        time_point opened;
        time_point idle_since{};
    };
    using node_ptr = std::unique_ptr<node>;

    // The answer to a request for a connection.
    struct grant {
        bool granted = false;  // false: every slot is busy; enqueue() and wait
        node_ptr reused;       // when granted: an idle node, or null to open a new one in the slot
    };

    // A slot handed to the oldest waiter by release().
    struct handoff {
        Waiter waiter;
        node_ptr reused;  // as in grant
    };

    using waiter_handle = typename std::list<Waiter>::iterator;

    pool_core(std::size_t max_connections, duration max_idle_time, duration max_lifetime)
        : max_connections_(max_connections > 0 ? max_connections : 1),
          max_idle_time_(max_idle_time),
          max_lifetime_(max_lifetime) {}

    pool_core(const pool_core&) = delete;
    pool_core& operator=(const pool_core&) = delete;

    // Leases the most recently used live idle node, else reserves a slot for a new connection.
    grant try_acquire(time_point now) {
        assert(!closed_);
        evict_expired(now);
        if (!waiters_.empty()) return {};  // queued requests go first
        while (!idle_.empty()) {
            node_ptr n = std::move(idle_.back());
            idle_.pop_back();
            if (expired(*n, now)) {
                ++stats_.evictions;
                continue;
            }
            ++in_use_;
            ++stats_.reuses;
            return {true, std::move(n)};
        }
        if (in_use_ < max_connections_) {
            ++in_use_;
            ++stats_.connects;
            return {true, nullptr};
        }
        return {};
    }

    // Queues a request after a failed try_acquire(); it is served by a later release().
    waiter_handle enqueue(Waiter w) {
        ++stats_.waits;
        return waiters_.insert(waiters_.end(), std::move(w));
    }

    // Removes a queued request that gave up (timeout, cancellation). Only valid while queued.
    void cancel_wait(waiter_handle h) { waiters_.erase(h); }

    // Returns a leased slot. A null node is a slot whose connection was never established. A node
    // that is not reusable (failed, cancelled, abandoned, or the server asked to close) or too
    // old is closed. The freed capacity goes to the oldest waiter, if any.
    std::optional<handoff> release(node_ptr n, bool reusable, time_point now) {
        assert(in_use_ > 0);
        --in_use_;
        if (closed_) {
            if (n) ++stats_.discards;
            return std::nullopt;  // the node, if any, closes here; waiters are being woken
        }
        if (n && reusable && now - n->opened >= max_lifetime_) {
            ++stats_.evictions;
            n.reset();
        } else if (n && !reusable) {
            ++stats_.discards;
            n.reset();
        }
        if (waiters_.empty()) {
            if (n) {
                n->idle_since = now;
                idle_.push_back(std::move(n));
            }
            return std::nullopt;
        }
        handoff h{std::move(waiters_.front()), std::move(n)};
        waiters_.pop_front();
        ++in_use_;
        ++(h.reused ? stats_.reuses : stats_.connects);
        return h;
    }

    // Closes a leased node whose reused socket turned out dead and keeps the slot for a fresh
    // connection, so the one retry neither queues nor takes a slot from anyone.
    void replace_stale(node_ptr& n) {
        n.reset();
        ++stats_.discards;
        ++stats_.stale_retries;
        ++stats_.connects;
    }

    // Closes a leased idle node that turned out unusable before any request went out (the peer
    // sent something or closed while it was idle) and keeps the slot for a fresh connection.
    void replace_unusable(node_ptr& n) {
        n.reset();
        --stats_.reuses;
        ++stats_.discards;
        ++stats_.connects;
    }

    // Closes every idle node now and every leased one when it is released; no slot is granted
    // any more. Returns the queued waiters, for the caller to wake (they fail).
    std::vector<Waiter> close() {
        closed_ = true;
        stats_.discards += idle_.size();
        idle_.clear();
        return {waiters_.begin(), waiters_.end()};
    }
    bool closed() const noexcept { return closed_; }

    std::size_t in_use() const noexcept { return in_use_; }
    template <class F>
    void for_each_idle(F f) {
        for (node_ptr& n : idle_) f(*n);
    }

    // Closes idle nodes unused for max_idle_time (the oldest are at the front). Returns how many.
    std::size_t evict_expired(time_point now) {
        std::size_t count = 0;
        while (count < idle_.size() && now - idle_[count]->idle_since >= max_idle_time_) ++count;
        idle_.erase(idle_.begin(), idle_.begin() + static_cast<std::ptrdiff_t>(count));
        stats_.evictions += count;
        return count;
    }

    // Counters; the TLS totals are the caller's and stay zero here.
    pool_stats stats() const {
        pool_stats s = stats_;
        s.idle = idle_.size();
        s.in_use = in_use_;
        s.open = s.idle + s.in_use;
        s.waiting = waiters_.size();
        return s;
    }

  private:
    bool expired(const node& n, time_point now) const {
        return now - n.idle_since >= max_idle_time_ || now - n.opened >= max_lifetime_;
    }

    std::size_t max_connections_;
    duration max_idle_time_;
    duration max_lifetime_;
    std::vector<node_ptr> idle_;  // least recently used first
    std::list<Waiter> waiters_;   // FIFO
    std::size_t in_use_ = 0;
    bool closed_ = false;
    pool_stats stats_;
};

}  // namespace ivsrt::detail
