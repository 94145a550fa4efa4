// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <ivsrt/connection_pool.hpp>
#include <ivsrt/detail/dns.hpp>
#include <ivsrt/detail/executors.hpp>
#include <ivsrt/detail/http_connection.hpp>
#include <ivsrt/detail/pool_core.hpp>
#include <ivsrt/detail/tls.hpp>
#include <ivsrt/error.hpp>

#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/coroutine.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <algorithm>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>

namespace ivsrt::detail {

struct pool_waiter;

// The shared state behind a connection_pool, kept alive by the requests in flight.
class pool_impl : public std::enable_shared_from_this<pool_impl> {
  public:
    using clock = std::chrono::steady_clock;
    using core_type = pool_core<http_connection, clock, pool_waiter*>;
    using node_ptr = core_type::node_ptr;
    using endpoints = http_connection::endpoints;

    pool_impl(boost::asio::any_io_executor ex, bool use_tls, std::string host, std::uint16_t port,
              pool_config config)
        : ex_(std::move(ex)),
          host_(std::move(host)),
          port_(std::to_string(port)),
          config_(std::move(config)),
          proxy_(proxy_of(config_, use_tls, host_, port_)),
          strands_(config_.connection_strands.value_or(!single_threaded(ex_))),
          // Through a proxy, only the proxy's name is looked up.
          dns_(std::make_shared<dns_cache>(config_.resolver, proxy_ ? proxy_->host : host_,
                                           proxy_ ? proxy_->port : port_, config_.resolve_ttl,
                                           config_.resolve_failure_ttl)),
          core_(config_.max_connections, config_.max_idle_time, config_.max_lifetime) {
        if (use_tls) tls_.emplace(config_.verify_peer, config_.ca_bundle);
        if (!config_.response_fields.empty() || !config_.keep_fields_on_success) {
            keep_fields_.emplace(config_.response_fields, !config_.keep_fields_on_success);
        }
    }

    const boost::asio::any_io_executor& executor() const noexcept { return ex_; }
    const std::string& host() const noexcept { return host_; }
    const std::string& port() const noexcept { return port_; }
    const pool_config& config() const noexcept { return config_; }
    // Connections run on the pool's executor, not on strands of their own.
    bool without_strands() const noexcept { return !strands_; }

    // A new, unconnected node (on its own strand unless single-threaded), for a slot granted
    // without one.
    node_ptr make_node() {
        auto n = std::make_unique<core_type::node>(
            clock::now(),
            strands_ ? boost::asio::any_io_executor(boost::asio::make_strand(ex_)) : ex_,
            tls_ ? &*tls_ : nullptr,
            http_limits{config_.max_response_body, config_.max_response_head,
                        keep_fields_ ? &*keep_fields_ : nullptr},
            proxy_ ? &*proxy_ : nullptr);
        // On one thread, the pool can drop the waits of its idle connections (release_locked).
        n->conn.keep_deadline_waits(!strands_);
        return n;
    }

    dns_cache& dns() noexcept { return *dns_; }

    std::mutex& mutex() noexcept { return mutex_; }
    core_type& core() noexcept { return core_; }  // with mutex() held

    // Returns a leased slot; the oldest waiter, if any, gets the capacity.
    void release(node_ptr n, bool reusable) {
        std::lock_guard lock(mutex_);
        release_locked(std::move(n), reusable);
    }
    inline void release_locked(node_ptr n, bool reusable);

    // Closes the idle connections now, each leased one when released; queued requests fail.
    inline void close();

    // Without strands, when nothing is in flight any more: cancels the deadline waits that the
    // idle connections keep (http_connection::keep_deadline_waits), unless a request came in
    // meanwhile.
    void drop_idle_waits() {
        std::lock_guard lock(mutex_);
        drop_posted_ = false;
        if (core_.in_use() == 0) drop_idle_waits_locked();
    }
    void drop_idle_waits_locked() {
        core_.for_each_idle([](core_type::node& idle) { idle.conn.drop_deadline_wait(); });
    }

    pool_stats stats() {
        pool_stats s;
        {
            std::lock_guard lock(mutex_);
            s = core_.stats();
        }
        if (tls_) {
            s.tls_handshakes = tls_->handshakes();
            s.tls_resumed = tls_->resumed();
        }
        return s;
    }

  private:
    static std::optional<proxy_route> proxy_of(const pool_config& config, bool tls,
                                               const std::string& host, const std::string& port) {
        if (!config.proxy || config.proxy->empty()) return std::nullopt;
        proxy_route r = parse_proxy_url(*config.proxy, "pool.proxy");
        r.for_origin(tls, host, port);
        return r;
    }

    boost::asio::any_io_executor ex_;
    std::string host_;
    std::string port_;
    pool_config config_;
    std::optional<proxy_route> proxy_;  // when the connections go through a proxy
    std::optional<tls_client_context> tls_;
    std::optional<field_filter> keep_fields_;  // when the config filters fields
    bool strands_;                             // one strand per connection
    bool drop_posted_ = false;                 // a drop_idle_waits() is queued
    std::shared_ptr<dns_cache> dns_;
    std::mutex mutex_;
    core_type core_;  // declared after tls_: its connections refer to it
};

// The cancellation of one request, whatever thread it is emitted from, delivered where the request
// is: a queued request's timer is cancelled under the pool mutex; a connection step gets it on
// the connection's strand, where its handlers run (never from the emitter's thread, which would
// race with them). Steps check `requested` between them, so none is lost.
struct request_cancellation {
    std::mutex mutex;
    boost::asio::cancellation_type requested = boost::asio::cancellation_type::none;
    std::optional<boost::asio::any_io_executor> strand;  // while connection steps run
    boost::asio::cancellation_signal signal;  // the steps' slot; emitted on `strand` only
    pool_waiter* queued = nullptr;            // while queued; under the pool mutex

    bool cancelled() {
        std::lock_guard lock(mutex);
        return requested != boost::asio::cancellation_type::none;
    }
};

// A request queued for a connection. Owned by its request operation; the pool only points to it
// while it is queued, and everything here is guarded by the pool mutex.
struct pool_waiter {
    explicit pool_waiter(const boost::asio::any_io_executor& ex) : timer(ex) {}
    boost::asio::steady_timer timer;  // expires at the deadline; cancelled when granted
    pool_impl::core_type::waiter_handle handle{};
    bool queued = false;
    bool granted = false;
    std::shared_ptr<request_cancellation> cancel;  // its `queued` points here while this lives
    pool_impl::node_ptr node;  // when granted: an idle node, or null for a new connection
};

inline void pool_impl::close() {
    std::lock_guard lock(mutex_);
    for (pool_waiter* w : core_.close()) w->timer.cancel();
}

inline void pool_impl::release_locked(node_ptr n, bool reusable) {
    auto h = core_.release(std::move(n), reusable, clock::now());
    if (!strands_ && core_.in_use() == 0 && !drop_posted_) {
        // Nothing in flight: no deadline wait may stay pending, which would keep run() running.
        // Dropped once the handlers that are ready have run: a caller that makes its next
        // request at once (in the handler of this one) keeps them.
        if (running_in_this_thread(ex_)) {
            drop_posted_ = true;
            boost::asio::post(ex_, [pool = weak_from_this()] {
                if (auto p = pool.lock()) p->drop_idle_waits();
            });
        } else {
            drop_idle_waits_locked();
        }
    }
    if (!h) return;
    h->waiter->queued = false;
    h->waiter->granted = true;
    h->waiter->node = std::move(h->reused);
    h->waiter->timer.cancel();
}

// A leased slot of a request operation. Destroyed while still held (the operation was abandoned,
// e.g. its io_context was destroyed mid-request), the connection is closed and the slot freed.
class pool_lease {
  public:
    pool_lease() = default;
    pool_lease(pool_lease&& o) noexcept
        : node(std::move(o.node)), pool_(std::exchange(o.pool_, nullptr)) {}
    pool_lease& operator=(pool_lease&&) = delete;
    ~pool_lease() {
        if (pool_) pool_->release(std::move(node), false);
    }

    void hold(pool_impl& pool, pool_impl::node_ptr n) {
        pool_ = &pool;
        node = std::move(n);
    }
    bool held() const noexcept { return pool_ != nullptr; }
    void give_back(bool reusable) {
        std::exchange(pool_, nullptr)->release(std::move(node), reusable);
    }

    pool_impl::node_ptr node;  // null while a granted slot has no connection yet

  private:
    pool_impl* pool_ = nullptr;
};

// A queued request of an operation. If the operation is abandoned while queued or after being
// granted, the destructor leaves the queue or returns what it was granted.
class pool_wait {
  public:
    explicit pool_wait(pool_impl& pool)
        : pool_(&pool), w_(std::make_unique<pool_waiter>(pool.executor())) {}
    pool_wait(pool_wait&&) noexcept = default;
    pool_wait& operator=(pool_wait&&) = delete;
    ~pool_wait() {
        if (!w_) return;
        std::lock_guard lock(pool_->mutex());
        if (w_->cancel) w_->cancel->queued = nullptr;
        if (w_->queued) pool_->core().cancel_wait(w_->handle);
        if (w_->granted) pool_->release_locked(std::move(w_->node), true);
    }
    pool_waiter& operator*() const noexcept { return *w_; }
    pool_waiter* operator->() const noexcept { return w_.get(); }
    pool_waiter* get() const noexcept { return w_.get(); }

  private:
    pool_impl* pool_;
    std::unique_ptr<pool_waiter> w_;
};

// Installed in the request's own cancellation slot.
struct relay_cancellation {
    relay_cancellation(std::shared_ptr<request_cancellation> r, std::shared_ptr<pool_impl> p)
        : c(std::move(r)), pool(std::move(p)) {}
    std::shared_ptr<request_cancellation> c;
    std::shared_ptr<pool_impl> pool;

    void operator()(boost::asio::cancellation_type type) const {
        if (type == boost::asio::cancellation_type::none) return;
        std::optional<boost::asio::any_io_executor> strand;
        {
            std::lock_guard lock(c->mutex);
            c->requested = type;
            strand = c->strand;
        }
        {
            std::lock_guard lock(pool->mutex());
            if (c->queued) c->queued->timer.cancel();
        }
        if (!strand) return;
        boost::asio::dispatch(*strand, [c = c, type] {
            bool emit;
            {
                std::lock_guard lock(c->mutex);
                emit = c->strand.has_value();
            }
            if (emit) c->signal.emit(type);
        });
    }
};

// The requests this thread is initiating (start_request): a step that runs meanwhile is inside an
// initiating function, where the handler must not be invoked.
inline thread_local unsigned initiating_requests = 0;

#include <boost/asio/yield.hpp>

// One async_request: lease, connect if needed, exchange, the one stale-connection retry, release.
// The connection steps run on the connection's strand; the request completes on the caller's
// executor. Its state stays on the heap (pool_request_op owns it), so that each step moves a
// pointer, not the state.
struct pool_request {
    using clock = std::chrono::steady_clock;

    pool_request(std::shared_ptr<pool_impl> p, request_writer r, string_response* response,
                 clock::time_point d, std::shared_ptr<request_cancellation> c,
                 boost::asio::cancellation_slot s, bool completes_on_pool_executor)
        : pool(std::move(p)),
          req(r),
          res(response),
          deadline(d),
          cancel(std::move(c)),
          caller_slot(s),
          // Without strands, the steps run on the pool's executor, one thread's: when the
          // handler's executor is that one too, a step running in a handler can complete at once.
          direct_completion(pool->without_strands() && completes_on_pool_executor) {}

    std::shared_ptr<pool_impl> pool;
    request_writer req;
    string_response* res;
    clock::time_point deadline;
    pool_lease lease;  // after `pool`: released before the pool reference is dropped
    std::optional<pool_wait> wait;
    pool_impl::endpoints endpoints;
    bool reused = false;
    bool connected = false;  // the leased node's connection is established
    bool on_strand = false;  // running on the leased connection's strand
    bool batch = true;       // other requests were in flight when this one got its slot
    clock::time_point queued_at{};
    clock::time_point connect_deadline{};
    boost::system::error_code error;
    exchange_info info;
    std::shared_ptr<request_cancellation> cancel;
    boost::asio::cancellation_slot caller_slot;  // holds a relay_cancellation, when connected
    bool direct_completion;                      // see the constructor

    template <class Self>
    void resolved(Self& self, boost::asio::coroutine& co, boost::system::error_code ec,
                  boost::system::error_code cause, pool_impl::endpoints found) {
        if (cause) info.cause = cause;
        endpoints = std::move(found);
        step(self, co, ec);
    }

    // Runs to the next suspension. The coroutine's position `co` lives in the operation, not
    // here: a step that hands `self` on may see it run inline to completion, which frees this
    // state while the yield still updates the position (in the moved-from operation, alive).
    template <class Self>
    void step(Self& self, boost::asio::coroutine& co, boost::system::error_code ec) {
        const bool in_handler = initiating_requests == 0;
        reenter(co) {
            if (!try_lease()) {
                // Every connection is busy: queue until granted, the deadline or cancellation.
                queued_at = clock::now();
                yield {
                    std::lock_guard lock(pool->mutex());
                    if ((*wait)->granted) {
                        boost::asio::post(pool->executor(), std::move(self));
                    } else {
                        (*wait)->timer.async_wait(boost::asio::bind_cancellation_slot(
                            boost::asio::cancellation_slot(), std::move(self)));
                    }
                }
                info.queue_wait = clock::now() - queued_at;
                if (!take_grant()) {
                    error = cancel->cancelled() || closed() ? errc::cancelled : errc::timeout;
                    info.cause = ec;
                } else if (cancel->cancelled()) {
                    // Granted and cancelled at the same time: pass the slot on unused.
                    lease.give_back(true);
                    error = errc::cancelled;
                }
            }

            connected = lease.node != nullptr;
            while (!error) {
                if (!lease.node) lease.node = pool->make_node();
                if (!on_strand) {
                    // Onto the connection's strand before its first step (without strands, this
                    // thread may already be where the connection runs).
                    if (!pool->without_strands() || !running_in_this_thread(pool->executor())) {
                        yield boost::asio::dispatch(boost::asio::bind_executor(
                            lease.node->conn.get_executor(), std::move(self)));
                    }
                    on_strand = true;
                    std::lock_guard lock(cancel->mutex);
                    cancel->strand = lease.node->conn.get_executor();
                }
                if (cancel->cancelled()) {
                    error = errc::cancelled;
                    break;
                }
                if (!connected) {
                    yield start_resolve(self);
                    if (ec) {
                        error = ec;
                        break;
                    }
                    yield start_connect(self);
                    if (ec) {
                        if (ec == errc::connection) pool->dns().forget();
                        error = ec;
                        info.cause = lease.node->conn.cause();
                        break;
                    }
                    connected = true;
                    if (cancel->cancelled()) {
                        error = errc::cancelled;
                        break;
                    }
                }
                yield start_exchange(self);
                if (ec && lease.node->conn.unusable_when_reused()) {
                    // The idle connection had received something: nothing was sent on it.
                    replace_unusable();
                    continue;
                }
                if (ec) {
                    info.response_started = lease.node->conn.response_started();
                    info.cause = lease.node->conn.cause();
                    if (ec == errc::connection && reused && !info.response_started &&
                        !info.stale_retry) {
                        // The server closed the idle socket: open a new one in the same slot.
                        retry_stale();
                        continue;
                    }
                    error = ec;
                } else if (reused && res->result_int() == 408 && !info.stale_retry) {
                    // The server timed the idle connection out as our request went out: it did
                    // not act on it. Resend once on a fresh connection, like a close.
                    *res = {};
                    retry_stale();
                    continue;
                }
                break;
            }

            {
                std::lock_guard lock(cancel->mutex);
                cancel->strand.reset();  // no more emissions onto the strand
            }
            if (lease.held()) {
                lease.give_back(!error && lease.node && lease.node->conn.reusable());
            }
            // Connection steps ran on the connection's strand; complete on the caller's executor
            // (where this step runs already, for a direct completion). Never inside
            // async_request: a request that ends there (a closed pool) completes as if posted.
            if (!in_handler) {
                yield boost::asio::post(pool->executor(), std::move(self));
            }
            if (!direct_completion) {
                yield boost::asio::dispatch(std::move(self));
            }
            if (caller_slot.is_connected()) caller_slot.clear();
            self.complete(error, info);
        }
    }

    // The one stale-connection retry: the slot gets a new connection.
    void retry_stale() {
        {
            std::lock_guard lock(pool->mutex());
            pool->core().replace_stale(lease.node);
        }
        info.stale_retry = true;
        start_afresh();
    }
    void replace_unusable() {
        {
            std::lock_guard lock(pool->mutex());
            pool->core().replace_unusable(lease.node);
        }
        start_afresh();
    }
    // The leased slot's connection was dropped: the next step makes a new one.
    void start_afresh() {
        reused = false;
        connected = false;
        on_strand = false;  // the new connection has a strand of its own
        std::lock_guard lock(cancel->mutex);
        cancel->strand.reset();
    }

    // Resolving and connecting share one deadline: the connect timeout, or the attempt's if
    // earlier. The resolve completes with errc::connection, timeout or cancelled.
    template <class Self>
    void start_resolve(Self& self) {
        connect_deadline = std::min(deadline, clock::now() + pool->config().connect_timeout);
        auto ex = lease.node->conn.get_executor();
        auto slot = cancel->signal.slot();
        pool->dns().async_resolve(ex, connect_deadline,
                                  boost::asio::bind_cancellation_slot(
                                      slot, boost::asio::bind_executor(ex, std::move(self))));
    }

    template <class Self>
    void start_connect(Self& self) {
        http_connection& conn = lease.node->conn;
        auto ex = conn.get_executor();
        const auto eps = std::move(endpoints);
        const std::string& host = pool->host();
        auto slot = cancel->signal.slot();
        conn.async_connect(eps, host, connect_deadline,
                           boost::asio::bind_cancellation_slot(
                               slot, boost::asio::bind_executor(ex, std::move(self))));
    }

    template <class Self>
    void start_exchange(Self& self) {
        http_connection& conn = lease.node->conn;
        conn.batch_writes(batch);
        auto ex = conn.get_executor();
        auto slot = cancel->signal.slot();
        conn.async_exchange(
            req, *res, deadline,
            boost::asio::bind_allocator(
                conn.allocator(), boost::asio::bind_cancellation_slot(
                                      slot, boost::asio::bind_executor(ex, std::move(self)))));
    }

    bool closed() const {
        std::lock_guard lock(pool->mutex());
        return pool->core().closed();
    }

    // Leases a slot, or queues the request (wait) when none is free; true when it need not
    // wait. A closed pool grants nothing: the request fails with errc::cancelled.
    bool try_lease() {
        std::lock_guard lock(pool->mutex());
        if (pool->core().closed()) {
            error = errc::cancelled;
            return true;
        }
        auto g = pool->core().try_acquire(clock::now());
        if (g.granted) {
            batch = pool->core().in_use() > 1;
            reused = g.reused != nullptr;
            lease.hold(*pool, std::move(g.reused));
            return true;
        }
        wait.emplace(*pool);
        (*wait)->cancel = cancel;
        cancel->queued = wait->get();
        (*wait)->timer.expires_at(deadline);
        (*wait)->handle = pool->core().enqueue(wait->get());
        (*wait)->queued = true;
        return false;
    }

    // After waking up from the queue: takes the grant, or leaves the queue.
    bool take_grant() {
        std::lock_guard lock(pool->mutex());
        pool_waiter& w = **wait;
        cancel->queued = nullptr;
        if (w.granted) {
            w.granted = false;
            reused = w.node != nullptr;
            lease.hold(*pool, std::move(w.node));
            return true;
        }
        pool->core().cancel_wait(w.handle);
        w.queued = false;
        return false;
    }
};

struct pool_request_op : boost::asio::coroutine {
    std::unique_ptr<pool_request> state;

    template <class Self>
    void operator()(Self& self, boost::system::error_code ec = {}) {
        state->step(self, *this, ec);
    }
    template <class Self>
    void operator()(Self& self, boost::system::error_code ec, boost::system::error_code cause,
                    pool_impl::endpoints found) {
        state->resolved(self, *this, ec, cause, std::move(found));
    }
};

#include <boost/asio/unyield.hpp>

}  // namespace ivsrt::detail

namespace ivsrt {

IVSRT_DECL connection_pool::connection_pool(boost::asio::any_io_executor ex,
                                            std::string_view scheme, std::string host,
                                            std::uint16_t port, pool_config config) {
    if (scheme != "https" && scheme != "http") {
        throw std::invalid_argument("connection_pool: scheme must be \"https\" or \"http\"");
    }
    impl_ = std::make_shared<detail::pool_impl>(std::move(ex), scheme == "https", std::move(host),
                                                port, std::move(config));
}

IVSRT_DECL pool_stats connection_pool::stats() const {
    return impl_->stats();
}

IVSRT_DECL void connection_pool::close() {
    impl_->close();
}

IVSRT_DECL const pool_config& connection_pool::config() const noexcept {
    return impl_->config();
}

IVSRT_DECL void connection_pool::start_request(const std::shared_ptr<detail::pool_impl>& impl,
                                               detail::request_writer req, response_type* res,
                                               clock::time_point deadline, request_handler handler,
                                               const boost::asio::any_io_executor* handler_ex) {
    // The caller's cancellation goes through a relay installed here, never through the composed
    // operation's own slot: that one is reset at each step, on whichever thread resumes it.
    auto cancel = std::make_shared<detail::request_cancellation>();
    auto slot = handler.get_cancellation_slot();
    if (slot.is_connected()) slot.template emplace<detail::relay_cancellation>(cancel, impl);
    auto unbound =
        boost::asio::bind_cancellation_slot(boost::asio::cancellation_slot(), std::move(handler));
    auto state = std::make_unique<detail::pool_request>(
        impl, req, res, deadline, std::move(cancel), slot,
        handler_ex != nullptr && *handler_ex == impl->executor());
    struct initiating {
        initiating() noexcept { ++detail::initiating_requests; }
        ~initiating() { --detail::initiating_requests; }
    } scope;
    boost::asio::async_compose<decltype(unbound), request_signature>(
        detail::pool_request_op{{}, std::move(state)}, unbound, impl->executor());
}

}  // namespace ivsrt
