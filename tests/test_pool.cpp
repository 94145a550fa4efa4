// Tests for the connection pool: the sans-io core with a mock connection and a virtual clock, then
// connection_pool against scripted loopback servers.
#define BOOST_TEST_MODULE test_pool
#include <boost/test/unit_test.hpp>

#include <ivsrt/connection_pool.hpp>
#include <ivsrt/detail/pool_core.hpp>

#include "common/loopback_server.hpp"
#include "common/test_tls.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/error.hpp>

#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

namespace {

using namespace std::chrono_literals;

// Time only moves when a test says so.
struct virtual_clock {
    using duration = std::chrono::milliseconds;
    using rep = duration::rep;
    using period = duration::period;
    using time_point = std::chrono::time_point<virtual_clock, duration>;
};
constexpr virtual_clock::time_point at(virtual_clock::duration d) {
    return virtual_clock::time_point(d);
}

// Records its id in `closed` when destroyed, which is how the pool closes a connection.
struct mock_connection {
    mock_connection(int id, std::vector<int>& closed) : id(id), closed(&closed) {}
    mock_connection(const mock_connection&) = delete;
    mock_connection& operator=(const mock_connection&) = delete;
    ~mock_connection() { closed->push_back(id); }
    int id;
    std::vector<int>* closed;
};

using core = ivsrt::detail::pool_core<mock_connection, virtual_clock, int>;

struct fixture {
    std::vector<int> closed;  // declared first: outlives the pool's nodes
    // 2 connections, idle 50 s, lifetime 10 min: the defaults' timing with a small maximum.
    core pool{2, 50s, 10min};
    int next_id = 1;

    // Acquires at `now`; opens a new mock connection when the grant is a fresh slot.
    core::node_ptr lease(virtual_clock::time_point now) {
        auto g = pool.try_acquire(now);
        BOOST_TEST_REQUIRE(g.granted);
        if (!g.reused) g.reused = std::make_unique<core::node>(now, next_id++, closed);
        return std::move(g.reused);
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(pool_core, fixture)

BOOST_AUTO_TEST_CASE(grants_new_slots_up_to_the_maximum_then_refuses) {
    auto a = lease(at(0s));
    auto b = lease(at(0s));
    BOOST_TEST(a->conn.id == 1);
    BOOST_TEST(b->conn.id == 2);
    BOOST_TEST(!pool.try_acquire(at(0s)).granted);

    auto s = pool.stats();
    BOOST_TEST(s.open == 2u);
    BOOST_TEST(s.in_use == 2u);
    BOOST_TEST(s.idle == 0u);
    BOOST_TEST(s.connects == 2u);
    BOOST_TEST(s.reuses == 0u);
}

BOOST_AUTO_TEST_CASE(reuses_the_most_recently_returned_connection) {
    auto a = lease(at(0s));
    auto b = lease(at(0s));
    BOOST_TEST(!pool.release(std::move(a), true, at(1s)));
    BOOST_TEST(!pool.release(std::move(b), true, at(2s)));
    BOOST_TEST(pool.stats().idle == 2u);

    auto c = lease(at(3s));
    BOOST_TEST(c->conn.id == 2);  // the warmest socket
    auto s = pool.stats();
    BOOST_TEST(s.reuses == 1u);
    BOOST_TEST(s.connects == 2u);
    BOOST_TEST(s.idle == 1u);
    BOOST_TEST(s.in_use == 1u);
    BOOST_TEST(closed.empty());
}

BOOST_AUTO_TEST_CASE(failed_connection_is_closed_not_reused) {
    auto a = lease(at(0s));
    BOOST_TEST(!pool.release(std::move(a), false, at(1s)));
    BOOST_TEST(closed == std::vector<int>{1});
    auto s = pool.stats();
    BOOST_TEST(s.discards == 1u);
    BOOST_TEST(s.open == 0u);

    auto b = lease(at(2s));
    BOOST_TEST(b->conn.id == 2);
}

BOOST_AUTO_TEST_CASE(slot_of_a_connection_that_never_connected_is_freed) {
    auto g = pool.try_acquire(at(0s));
    BOOST_TEST(g.granted);
    BOOST_TEST(!g.reused);
    BOOST_TEST(pool.stats().in_use == 1u);
    BOOST_TEST(!pool.release(nullptr, false, at(0s)));
    auto s = pool.stats();
    BOOST_TEST(s.open == 0u);
    BOOST_TEST(s.discards == 0u);  // nothing was open
}

BOOST_AUTO_TEST_CASE(waiters_are_served_in_fifo_order) {
    auto a = lease(at(0s));
    auto b = lease(at(0s));
    BOOST_TEST(!pool.try_acquire(at(0s)).granted);
    pool.enqueue(10);
    pool.enqueue(11);
    BOOST_TEST(pool.stats().waiting == 2u);
    BOOST_TEST(pool.stats().waits == 2u);

    // A healthy connection goes straight to the oldest waiter.
    auto h1 = pool.release(std::move(a), true, at(1s));
    BOOST_TEST_REQUIRE(h1.has_value());
    BOOST_TEST(h1->waiter == 10);
    BOOST_TEST_REQUIRE(h1->reused != nullptr);
    BOOST_TEST(h1->reused->conn.id == 1);

    // A failed one is closed and the next waiter gets its slot for a new connection.
    auto h2 = pool.release(std::move(b), false, at(2s));
    BOOST_TEST_REQUIRE(h2.has_value());
    BOOST_TEST(h2->waiter == 11);
    BOOST_TEST(!h2->reused);
    BOOST_TEST(closed == std::vector<int>{2});

    auto s = pool.stats();
    BOOST_TEST(s.waiting == 0u);
    BOOST_TEST(s.in_use == 2u);
    BOOST_TEST(s.open == 2u);
    BOOST_TEST(s.reuses == 1u);
    BOOST_TEST(s.connects == 3u);
    BOOST_TEST(s.discards == 1u);
}

BOOST_AUTO_TEST_CASE(new_requests_do_not_overtake_queued_ones) {
    auto a = lease(at(0s));
    auto b = lease(at(0s));
    pool.enqueue(10);
    // The waiter is served by release(); until then nobody else gets a slot.
    BOOST_TEST(!pool.try_acquire(at(1s)).granted);
    auto h = pool.release(std::move(a), true, at(1s));
    BOOST_TEST_REQUIRE(h.has_value());
    BOOST_TEST(h->waiter == 10);
}

BOOST_AUTO_TEST_CASE(cancelled_waiter_leaves_the_queue) {
    auto a = lease(at(0s));
    auto b = lease(at(0s));
    auto w = pool.enqueue(10);
    pool.enqueue(11);
    pool.cancel_wait(w);
    BOOST_TEST(pool.stats().waiting == 1u);
    auto h = pool.release(std::move(a), true, at(1s));
    BOOST_TEST_REQUIRE(h.has_value());
    BOOST_TEST(h->waiter == 11);
    BOOST_TEST(!pool.release(std::move(b), true, at(1s)));
    BOOST_TEST(pool.stats().idle == 1u);
}

BOOST_AUTO_TEST_CASE(idle_connection_is_evicted_after_max_idle_time) {
    auto a = lease(at(0s));
    pool.release(std::move(a), true, at(10s));
    // Idle for 49.999 s: still reused.
    auto b = lease(at(59999ms));
    BOOST_TEST(b->conn.id == 1);
    pool.release(std::move(b), true, at(60s));
    // Idle for exactly 50 s: closed, and a new connection is opened instead.
    auto c = lease(at(110s));
    BOOST_TEST(c->conn.id == 2);
    BOOST_TEST(closed == std::vector<int>{1});
    auto s = pool.stats();
    BOOST_TEST(s.evictions == 1u);
    BOOST_TEST(s.open == 1u);
}

BOOST_AUTO_TEST_CASE(evict_expired_closes_only_the_expired_idle_connections) {
    auto a = lease(at(0s));
    auto b = lease(at(0s));
    pool.release(std::move(a), true, at(0s));
    pool.release(std::move(b), true, at(30s));
    BOOST_TEST(pool.evict_expired(at(60s)) == 1u);  // idle 60 s and 30 s
    BOOST_TEST(closed == std::vector<int>{1});
    BOOST_TEST(pool.stats().idle == 1u);
    BOOST_TEST(pool.evict_expired(at(80s)) == 1u);  // idle exactly 50 s
    BOOST_TEST(pool.stats().open == 0u);
    BOOST_TEST(pool.stats().evictions == 2u);
}

BOOST_AUTO_TEST_CASE(connection_is_retired_at_max_lifetime) {
    auto a = lease(at(0s));
    pool.release(std::move(a), true, at(590s));
    // Opened 10 min ago: not reused though idle only 10 s.
    auto b = lease(at(600s));
    BOOST_TEST(b->conn.id == 2);
    BOOST_TEST(closed == std::vector<int>{1});
    BOOST_TEST(pool.stats().evictions == 1u);

    // Returned after its lifetime: closed instead of kept idle.
    pool.release(std::move(b), true, at(1200s));
    BOOST_TEST(closed == (std::vector<int>{1, 2}));
    auto s = pool.stats();
    BOOST_TEST(s.evictions == 2u);
    BOOST_TEST(s.open == 0u);
}

BOOST_AUTO_TEST_CASE(stale_replacement_keeps_the_slot) {
    auto a = lease(at(0s));
    pool.release(std::move(a), true, at(1s));
    auto b = lease(at(2s));
    pool.replace_stale(b);
    BOOST_TEST(!b);
    BOOST_TEST(closed == std::vector<int>{1});
    auto s = pool.stats();
    BOOST_TEST(s.in_use == 1u);
    BOOST_TEST(s.stale_retries == 1u);
    BOOST_TEST(s.discards == 1u);
    BOOST_TEST(s.connects == 2u);
}

BOOST_AUTO_TEST_CASE(zero_maximum_means_one_connection) {
    core one{0, 50s, 10min};
    BOOST_TEST(one.try_acquire(at(0s)).granted);
    BOOST_TEST(!one.try_acquire(at(0s)).granted);
    one.release(nullptr, false, at(0s));
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
// connection_pool against loopback servers. Deadlines are far away unless a test is about them;
// assertions are on results and counters, never on elapsed time.

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using ivsrt::test::server_connection;
using steady = std::chrono::steady_clock;

ivsrt::connection_pool::request_type make_request(std::string target = "/GetStage") {
    ivsrt::connection_pool::request_type req{http::verb::post, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.body() = "{}";
    req.prepare_payload();
    return req;
}

steady::time_point far_deadline() {
    return steady::now() + std::chrono::seconds(30);
}

using result = std::tuple<boost::system::error_code, ivsrt::exchange_info>;

// One request through the pool, as a tuple (no exception on error).
asio::awaitable<result> request(ivsrt::connection_pool& pool,
                                ivsrt::connection_pool::response_type& res,
                                steady::time_point deadline = far_deadline(),
                                std::string target = "/GetStage") {
    auto req = make_request(std::move(target));
    co_return co_await pool.async_request(req, res, deadline, asio::as_tuple(asio::use_awaitable));
}

// Serves up to `n` requests, each answered with 200 and its own target as the body, so that a
// caller can tell its response from another's; `served` (if given) records the targets in the
// order they were read.
asio::awaitable<void> echo_targets(server_connection& c, std::size_t n,
                                   std::vector<std::string>* served = nullptr) {
    http::request<http::string_body> req;
    for (std::size_t i = 0; i < n; ++i) {
        req = {};
        if (!co_await c.read(req)) co_return;
        std::string target(req.target());
        if (served) served->push_back(target);
        if (!co_await c.reply(200, std::move(target))) co_return;
    }
}

// What each connection_pool test sets up: an io_context, a loopback server running the test's
// script, and a pool of connections to it. The test says what its server does (serve) and how its
// pool is configured (connect), then runs its coroutine (run).
struct loopback_pool {
    asio::io_context ioc;
    std::optional<ivsrt::test::loopback_server> server_;
    std::optional<ivsrt::connection_pool> pool_;  // destroyed before the server

    // Starts the server: each accepted connection runs `script`, over TLS with `tls`.
    ivsrt::test::loopback_server& serve(ivsrt::test::server_script script,
                                        asio::ssl::context* tls = nullptr) {
        server_.emplace(ioc.get_executor(), std::move(script), tls);
        return *server_;
    }

    // A pool of connections to the server: http to 127.0.0.1 unless the test says otherwise.
    ivsrt::connection_pool& connect(ivsrt::pool_config cfg = {}, std::string host = "127.0.0.1",
                                    std::string_view scheme = "http") {
        pool_.emplace(ioc.get_executor(), scheme, std::move(host), server_->port(), std::move(cfg));
        return *pool_;
    }

    // Runs `test` on the io_context next to the server, then stops the server and drains.
    template <class Test>
    void run(Test test) {
        std::exception_ptr failure;
        // A hang fails the test instead of blocking the suite until CTest's timeout.
        asio::steady_timer guard(ioc, std::chrono::seconds(120));
        guard.async_wait([&](boost::system::error_code ec) {
            if (ec) return;
            BOOST_ERROR("test did not finish");
            server_->stop();
            ioc.stop();
        });
        asio::co_spawn(
            ioc,
            [&]() -> asio::awaitable<void> {
                co_await test();
                server_->stop();
            },
            [&](std::exception_ptr e) {
                failure = e;
                guard.cancel();
                server_->stop();
            });
        ioc.run();
        if (failure) std::rethrow_exception(failure);
    }
};

ivsrt::pool_config small_pool(std::size_t max) {
    ivsrt::pool_config cfg;
    cfg.max_connections = max;
    return cfg;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(connection_pool_loopback)

BOOST_FIXTURE_TEST_CASE(keep_alive_connection_is_reused, loopback_pool) {
    auto& server = serve([](server_connection& c) { return ivsrt::test::serve_requests(c, 3); });
    auto& pool = connect();
    run([&]() -> asio::awaitable<void> {
        ivsrt::connection_pool::response_type res;
        for (const char* expected : {"0", "1", "2"}) {
            auto [ec, info] = co_await request(pool, res);
            BOOST_TEST(!ec, ec.message());
            BOOST_TEST(res.result_int() == 200u);
            BOOST_TEST(res.body() == expected);
            BOOST_TEST(!info.stale_retry);
        }
        auto s = pool.stats();
        BOOST_TEST(s.connects == 1u);
        BOOST_TEST(s.reuses == 2u);
        BOOST_TEST(s.open == 1u);
        BOOST_TEST(s.idle == 1u);
        BOOST_TEST(s.in_use == 0u);
        BOOST_TEST(s.tls_handshakes == 0u);
    });
    BOOST_TEST(server.accepted() == 1u);
}

// Without strands, a request whose handler runs on the pool's executor completes in the step
// that ends it; one whose handler runs on another io_context still completes there, never on the
// pool's thread.
BOOST_FIXTURE_TEST_CASE(requests_complete_on_their_handlers_executors, loopback_pool) {
    serve([](server_connection& c) { return ivsrt::test::serve_requests(c, 2); });
    ivsrt::pool_config cfg;
    cfg.connection_strands = false;
    auto& pool = connect(std::move(cfg));
    asio::io_context other{1};
    run([&]() -> asio::awaitable<void> {
        ivsrt::connection_pool::response_type res;
        auto [ec, info] = co_await request(pool, res);
        BOOST_TEST(!ec, ec.message());
        BOOST_TEST(res.body() == "0");

        const auto req = make_request("/GetStage");
        bool done = false;
        bool on_other = false;
        pool.async_request(
            req, res, far_deadline(),
            asio::bind_executor(asio::any_io_executor(other.get_executor()),
                                [&](boost::system::error_code e, auto) {
                                    BOOST_TEST(!e, e.message());
                                    on_other = other.get_executor().running_in_this_thread();
                                    done = true;
                                }));
        const auto here = co_await asio::this_coro::executor;
        for (int i = 0; i < 100000 && !done; ++i) {
            other.restart();
            other.poll();
            co_await asio::post(here, asio::use_awaitable);
        }
        BOOST_TEST(done);
        BOOST_TEST(on_other);
        BOOST_TEST(res.body() == "1");
    });
}

// Without strands, a connection keeps its deadline wait from one exchange to the next while the
// pool has requests in flight, and drops it once the pool has none: then no wait keeps the
// io_context running, although every deadline is an hour away.
BOOST_AUTO_TEST_CASE(idle_connections_keep_no_deadline_wait) {
    asio::io_context ioc{1};
    ivsrt::test::loopback_server server(ioc.get_executor(), [](server_connection& c) {
        return ivsrt::test::serve_requests(c, 100);
    });
    ivsrt::pool_config cfg;
    cfg.max_connections = 2;
    cfg.connection_strands = false;
    ivsrt::connection_pool pool(ioc.get_executor(), "http", "127.0.0.1", server.port(), cfg);
    constexpr int calls = 8;  // on two connections: each one serves several in turn
    int done = 0;
    for (int i = 0; i < calls; ++i) {
        asio::co_spawn(
            ioc,
            [&]() -> asio::awaitable<void> {
                ivsrt::connection_pool::response_type res;
                auto [ec, info] =
                    co_await request(pool, res, steady::now() + std::chrono::hours(1));
                BOOST_TEST(!ec, ec.message());
                BOOST_TEST(res.result_int() == 200u);
                if (++done == calls) server.stop();
            },
            asio::detached);
    }
    for (int i = 0; i < 100000 && done < calls; ++i) ioc.run_one();
    BOOST_TEST(done == calls);
    BOOST_TEST(pool.stats().connects == 2u);
    for (int i = 0; i < 1000 && !ioc.stopped(); ++i) ioc.poll();
    BOOST_TEST(ioc.stopped());
}

// A request that ends before any I/O (the pool is closed) completes as if posted, never inside
// async_request, also when it is made from the io_context's thread, with strands or without.
BOOST_AUTO_TEST_CASE(a_request_never_completes_inside_async_request) {
    for (const bool strands : {true, false}) {
        loopback_pool f;
        f.serve([](server_connection& c) { return ivsrt::test::serve_requests(c, 0); });
        ivsrt::pool_config cfg;
        cfg.connection_strands = strands;
        auto& pool = f.connect(std::move(cfg));
        pool.close();
        f.run([&]() -> asio::awaitable<void> {
            const auto req = make_request("/GetStage");
            ivsrt::connection_pool::response_type res;
            std::optional<boost::system::error_code> result;
            pool.async_request(req, res, far_deadline(),
                               [&](boost::system::error_code ec, auto) { result = ec; });
            BOOST_TEST(!result.has_value());
            const auto here = co_await asio::this_coro::executor;
            for (int i = 0; i < 100 && !result; ++i) co_await asio::post(here, asio::use_awaitable);
            BOOST_TEST((result == ivsrt::errc::cancelled));
        });
    }
}

BOOST_FIXTURE_TEST_CASE(busy_pool_queues_requests_fifo, loopback_pool) {
    std::vector<std::string> served;  // targets in the order the server read them
    serve([&](server_connection& c) { return echo_targets(c, 4, &served); });
    auto& pool = connect(small_pool(1));
    run([&]() -> asio::awaitable<void> {
        // Four requests at once on a one-connection pool, each caller sending its own index as
        // the target: the first takes the connection, the other three queue and must be served
        // in the order they asked (1, 2, 3), each getting its own response.
        std::vector<std::string> completed;  // each caller's own target, as it completes
        std::size_t done = 0;
        asio::cancellation_signal finished;
        auto one = [&](std::string own) -> asio::awaitable<void> {
            ivsrt::connection_pool::response_type res;
            auto [ec, info] = co_await request(pool, res, far_deadline(), own);
            BOOST_TEST(!ec, ec.message());
            BOOST_TEST(res.body() == own);  // its own response, never another caller's
            completed.push_back(own);
            if (++done == 4) finished.emit(asio::cancellation_type::terminal);
        };
        auto ex = co_await asio::this_coro::executor;
        for (int i = 0; i < 4; ++i) {
            asio::co_spawn(ex, one("/" + std::to_string(i)), asio::detached);
        }
        // Wait until all four are done (the signal cancels this never-expiring timer).
        asio::steady_timer until_done(ex, steady::time_point::max());
        co_await until_done.async_wait(
            asio::bind_cancellation_slot(finished.slot(), asio::as_tuple(asio::use_awaitable)));
        const std::vector<std::string> in_order{"/0", "/1", "/2", "/3"};
        BOOST_TEST(served == in_order, boost::test_tools::per_element());
        BOOST_TEST(completed == in_order, boost::test_tools::per_element());
        auto s = pool.stats();
        BOOST_TEST(s.waits == 3u);
        BOOST_TEST(s.waiting == 0u);
        BOOST_TEST(s.connects == 1u);
        BOOST_TEST(s.reuses == 3u);
        BOOST_TEST(s.open == 1u);
    });
}

BOOST_FIXTURE_TEST_CASE(idle_connection_closed_by_the_server_is_not_used, loopback_pool) {
    asio::steady_timer closed(ioc, steady::time_point::max());
    // First connection: answer once, then drop the idle socket. Later ones serve normally.
    auto& server = serve([&](server_connection& c) -> asio::awaitable<void> {
        co_await ivsrt::test::serve_requests(c, c.index == 0 ? 1 : 5);
        if (c.index == 0) {
            c.close();
            // A latch, not cancel(): the client may not be waiting yet, and a timer that has
            // expired completes every later wait at once.
            closed.expires_at(steady::time_point::min());
        }
    });
    auto& pool = connect();
    run([&]() -> asio::awaitable<void> {
        ivsrt::connection_pool::response_type res;
        auto [ec1, info1] = co_await request(pool, res);
        BOOST_TEST(!ec1, ec1.message());
        co_await closed.async_wait(asio::as_tuple(asio::use_awaitable));
        auto [ec2, info2] = co_await request(pool, res);
        BOOST_TEST(!ec2, ec2.message());
        BOOST_TEST(res.body() == "0");   // answered by the second connection
        BOOST_TEST(!info2.stale_retry);  // seen before anything was sent
        auto s = pool.stats();
        BOOST_TEST(s.stale_retries == 0u);
        BOOST_TEST(s.discards == 1u);
        BOOST_TEST(s.connects == 2u);
        BOOST_TEST(s.reuses == 0u);
        BOOST_TEST(s.open == 1u);
        BOOST_TEST(s.idle == 1u);
    });
    BOOST_TEST(server.accepted() == 2u);
}

// The server closes a reused connection after reading the request, before answering: the
// request is resent once on a new connection.
BOOST_FIXTURE_TEST_CASE(stale_keep_alive_connection_is_replaced_once, loopback_pool) {
    auto& server = serve([](server_connection& c) -> asio::awaitable<void> {
        co_await ivsrt::test::serve_requests(c, c.index == 0 ? 1 : 5);
        http::request<http::string_body> req;
        if (c.index == 0) co_await c.read(req);
    });
    auto& pool = connect();
    run([&]() -> asio::awaitable<void> {
        ivsrt::connection_pool::response_type res;
        auto [ec1, info1] = co_await request(pool, res);
        BOOST_TEST(!ec1, ec1.message());
        auto [ec2, info2] = co_await request(pool, res);
        BOOST_TEST(!ec2, ec2.message());
        BOOST_TEST(res.body() == "0");  // answered by the second connection
        BOOST_TEST(info2.stale_retry);
        auto s = pool.stats();
        BOOST_TEST(s.stale_retries == 1u);
        BOOST_TEST(s.discards == 1u);
        BOOST_TEST(s.connects == 2u);
        BOOST_TEST(s.open == 1u);
        BOOST_TEST(s.idle == 1u);
    });
    BOOST_TEST(server.accepted() == 2u);
}

BOOST_FIXTURE_TEST_CASE(second_failure_after_stale_retry_is_reported, loopback_pool) {
    // First connection answers once, reads the next request and closes; every later one closes
    // without answering.
    serve([](server_connection& c) -> asio::awaitable<void> {
        if (c.index == 0) co_await ivsrt::test::serve_requests(c, 1);
        http::request<http::string_body> req;
        co_await c.read(req);
    });
    auto& pool = connect();
    run([&]() -> asio::awaitable<void> {
        ivsrt::connection_pool::response_type res;
        auto [ec1, info1] = co_await request(pool, res);
        BOOST_TEST(!ec1, ec1.message());
        auto [ec2, info2] = co_await request(pool, res);
        BOOST_TEST((ec2 == ivsrt::errc::connection), ec2.message());
        BOOST_TEST(info2.stale_retry);
        BOOST_TEST(!info2.response_started);
        BOOST_TEST((info2.cause == http::error::end_of_stream), info2.cause.message());
        auto s = pool.stats();
        BOOST_TEST(s.stale_retries == 1u);
        BOOST_TEST(s.discards == 2u);
        BOOST_TEST(s.open == 0u);
        BOOST_TEST(s.in_use == 0u);
    });
}

// A resolver the test answers by hand: it records each lookup's callback.
struct manual_resolver {
    std::vector<ivsrt::resolve_callback> pending;
    std::size_t calls = 0;
    ivsrt::host_resolver fn() {
        return [this](const std::string& host, const std::string&, ivsrt::resolve_callback cb) {
            BOOST_TEST(host == "ivs.test");
            ++calls;
            pending.push_back(std::move(cb));
        };
    }
};

BOOST_FIXTURE_TEST_CASE(slow_lookup_is_shared_and_bounded_by_the_deadline, loopback_pool) {
    auto& server = serve([](server_connection& c) { return ivsrt::test::serve_requests(c, 5); });
    manual_resolver dns;
    auto cfg = small_pool(32);
    cfg.resolver = dns.fn();
    auto& pool = connect(cfg, "ivs.test");
    run([&]() -> asio::awaitable<void> {
        // Twenty requests while the lookup hangs: one lookup, and each ends at its deadline
        // although the resolver never answered.
        std::vector<boost::system::error_code> errors;
        asio::cancellation_signal finished;
        auto one = [&]() -> asio::awaitable<void> {
            ivsrt::connection_pool::response_type res;
            auto [ec, info] = co_await request(pool, res, steady::now() + 100ms);
            errors.push_back(ec);
            if (errors.size() == 20) finished.emit(asio::cancellation_type::terminal);
        };
        auto ex = co_await asio::this_coro::executor;
        for (int i = 0; i < 20; ++i) asio::co_spawn(ex, one(), asio::detached);
        asio::steady_timer until_done(ex, steady::time_point::max());
        co_await until_done.async_wait(
            asio::bind_cancellation_slot(finished.slot(), asio::as_tuple(asio::use_awaitable)));
        BOOST_TEST(dns.calls == 1u);
        BOOST_TEST(dns.pending.size() == 1u);  // still unanswered
        for (const auto& ec : errors) BOOST_TEST((ec == ivsrt::errc::timeout), ec.message());
        BOOST_TEST(pool.stats().in_use == 0u);

        // The late answer fills the cache: the next request needs no lookup.
        dns.pending.front()(
            {}, {asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port())});
        ivsrt::connection_pool::response_type res;
        auto [ec, info] = co_await request(pool, res);
        BOOST_TEST(!ec, ec.message());
        BOOST_TEST(res.body() == "0");
        BOOST_TEST(dns.calls == 1u);
    });
}

BOOST_FIXTURE_TEST_CASE(lookup_wait_is_cancellable, loopback_pool) {
    serve([](server_connection& c) { return ivsrt::test::serve_requests(c, 1); });
    manual_resolver dns;
    auto cfg = small_pool(4);
    cfg.resolver = dns.fn();
    auto& pool = connect(cfg, "ivs.test");
    run([&]() -> asio::awaitable<void> {
        asio::cancellation_signal cancel;
        auto ex = co_await asio::this_coro::executor;
        // Cancel once the request is waiting for the lookup.
        asio::post(ex, [&] { cancel.emit(asio::cancellation_type::terminal); });
        auto req = make_request();
        ivsrt::connection_pool::response_type res;
        auto [ec, info] = co_await pool.async_request(
            req, res, far_deadline(),
            asio::bind_cancellation_slot(cancel.slot(), asio::as_tuple(asio::use_awaitable)));
        BOOST_TEST((ec == ivsrt::errc::cancelled), ec.message());
        BOOST_TEST(dns.calls == 1u);
        BOOST_TEST(dns.pending.size() == 1u);
        BOOST_TEST(pool.stats().in_use == 0u);
    });
}

BOOST_AUTO_TEST_CASE(failed_lookup_is_remembered_for_the_failure_ttl) {
    for (const auto failure_ttl :
         {std::chrono::steady_clock::duration(1h), std::chrono::steady_clock::duration(0)}) {
        loopback_pool each;
        auto& server =
            each.serve([](server_connection& c) { return ivsrt::test::serve_requests(c, 1); });
        std::size_t calls = 0;
        auto cfg = small_pool(4);
        cfg.resolve_failure_ttl = failure_ttl;
        cfg.resolver = [&](const std::string&, const std::string&, ivsrt::resolve_callback cb) {
            ++calls;
            cb(asio::error::host_not_found, {});
        };
        auto& pool = each.connect(cfg, "ivs.test");
        each.run([&]() -> asio::awaitable<void> {
            for (int i = 0; i < 2; ++i) {
                ivsrt::connection_pool::response_type res;
                auto [ec, info] = co_await request(pool, res);
                BOOST_TEST((ec == ivsrt::errc::connection), ec.message());
                BOOST_TEST((info.cause == asio::error::host_not_found), info.cause.message());
            }
        });
        BOOST_TEST(calls == (failure_ttl.count() > 0 ? 1u : 2u));
        BOOST_TEST(server.accepted() == 0u);
    }
}

// A failure loop over the exchange, byte by byte: for n = 0, 1, 2, ... the server sends the
// first n bytes of its response and closes. Every cut is an error (never a result), the pool
// keeps no connection that failed, and once n covers the whole response the request succeeds.
BOOST_AUTO_TEST_CASE(response_cut_at_every_byte_is_an_error_until_complete) {
    const std::string full =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        "4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\nX-Trailer: t\r\n\r\n";
    for (std::size_t n = 0; n <= full.size(); ++n) {
        BOOST_TEST_CONTEXT("cut after " << n << " bytes") {
            loopback_pool each;
            each.serve([&](server_connection& c) -> asio::awaitable<void> {
                http::request<http::string_body> req;
                if (!co_await c.read(req)) co_return;
                co_await c.write_raw(full.substr(0, n));
            });
            auto& pool = each.connect();
            each.run([&]() -> asio::awaitable<void> {
                ivsrt::connection_pool::response_type res;
                auto [ec, info] = co_await request(pool, res);
                if (n < full.size()) {
                    BOOST_TEST(ec.failed());
                    BOOST_TEST(
                        ((ec == ivsrt::errc::connection) || (ec == ivsrt::errc::invalid_response)),
                        ec.message());
                    BOOST_TEST(info.response_started == (n > 0));
                } else {
                    BOOST_TEST(!ec, ec.message());
                    BOOST_TEST(res.body() == "{\"a\":1}");
                }
                auto s = pool.stats();
                BOOST_TEST(s.in_use == 0u);
                BOOST_TEST(s.waiting == 0u);
                // The server closed after the response, so even the complete exchange may keep
                // its connection only until the close is seen.
                BOOST_TEST(s.idle == (n < full.size() ? 0u : s.idle));
                BOOST_TEST(s.open == s.idle);
            });
        }
    }
}

BOOST_FIXTURE_TEST_CASE(connection_close_response_is_not_reused, loopback_pool) {
    serve([](server_connection& c) -> asio::awaitable<void> {
        http::request<http::string_body> req;
        if (co_await c.read(req)) co_await c.reply(200, "bye", false);
    });
    auto& pool = connect();
    run([&]() -> asio::awaitable<void> {
        ivsrt::connection_pool::response_type res;
        for (int i = 0; i < 2; ++i) {
            auto [ec, info] = co_await request(pool, res);
            BOOST_TEST(!ec, ec.message());
            BOOST_TEST(!info.stale_retry);
        }
        auto s = pool.stats();
        BOOST_TEST(s.connects == 2u);
        BOOST_TEST(s.reuses == 0u);
        BOOST_TEST(s.discards == 2u);
        BOOST_TEST(s.open == 0u);
    });
}

BOOST_FIXTURE_TEST_CASE(cancellation_mid_request_closes_the_connection, loopback_pool) {
    asio::cancellation_signal cancel;
    // First connection: read the request, cancel the client, never answer. Later: serve.
    serve([&](server_connection& c) -> asio::awaitable<void> {
        if (c.index > 0) co_return co_await ivsrt::test::serve_requests(c, 1);
        http::request<http::string_body> req;
        if (!co_await c.read(req)) co_return;
        cancel.emit(asio::cancellation_type::terminal);
        co_await c.read(req);  // returns when the client closes
    });
    auto& pool = connect();
    run([&]() -> asio::awaitable<void> {
        ivsrt::connection_pool::response_type res;
        auto req = make_request();
        auto [ec, info] = co_await pool.async_request(
            req, res, far_deadline(),
            asio::bind_cancellation_slot(cancel.slot(), asio::as_tuple(asio::use_awaitable)));
        BOOST_TEST((ec == ivsrt::errc::cancelled), ec.message());
        BOOST_TEST(!info.stale_retry);
        auto s = pool.stats();
        BOOST_TEST(s.open == 0u);
        BOOST_TEST(s.in_use == 0u);
        BOOST_TEST(s.idle == 0u);
        BOOST_TEST(s.discards == 1u);

        // The pool is intact: the next request gets a new connection.
        auto [ec2, info2] = co_await request(pool, res);
        BOOST_TEST(!ec2, ec2.message());
        s = pool.stats();
        BOOST_TEST(s.connects == 2u);
        BOOST_TEST(s.reuses == 0u);
        BOOST_TEST(s.idle == 1u);
    });
}

BOOST_FIXTURE_TEST_CASE(attempt_timeout_closes_the_connection, loopback_pool) {
    // Accepts and reads but never answers.
    serve([](server_connection& c) -> asio::awaitable<void> {
        http::request<http::string_body> req;
        while (co_await c.read(req)) req = {};
    });
    auto& pool = connect();
    run([&]() -> asio::awaitable<void> {
        ivsrt::connection_pool::response_type res;
        auto [ec, info] =
            co_await request(pool, res, steady::now() + std::chrono::milliseconds(100));
        BOOST_TEST((ec == ivsrt::errc::timeout), ec.message());
        BOOST_TEST((info.cause == boost::beast::error::timeout), info.cause.message());
        BOOST_TEST(!info.response_started);
        BOOST_TEST(!info.stale_retry);  // a timeout is never retried
        auto s = pool.stats();
        BOOST_TEST(s.open == 0u);
        BOOST_TEST(s.discards == 1u);
    });
}

BOOST_FIXTURE_TEST_CASE(queued_request_times_out_and_leaves_the_queue, loopback_pool) {
    asio::cancellation_signal cancel_first;
    serve([](server_connection& c) -> asio::awaitable<void> {
        http::request<http::string_body> req;
        while (co_await c.read(req)) req = {};
    });
    auto& pool = connect(small_pool(1));
    run([&]() -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        // The first request holds the only connection until cancelled.
        ivsrt::connection_pool::response_type res1;
        auto req1 = make_request();
        boost::system::error_code ec1;
        bool first_done = false;
        pool.async_request(
            req1, res1, far_deadline(),
            asio::bind_cancellation_slot(cancel_first.slot(),
                                         [&](boost::system::error_code ec, ivsrt::exchange_info) {
                                             ec1 = ec;
                                             first_done = true;
                                         }));
        ivsrt::connection_pool::response_type res2;
        auto [ec2, info2] =
            co_await request(pool, res2, steady::now() + std::chrono::milliseconds(100));
        BOOST_TEST((ec2 == ivsrt::errc::timeout), ec2.message());
        auto s = pool.stats();
        BOOST_TEST(s.waits == 1u);
        BOOST_TEST(s.waiting == 0u);
        BOOST_TEST(s.in_use == 1u);
        BOOST_TEST(s.connects == 1u);

        cancel_first.emit(asio::cancellation_type::terminal);
        asio::steady_timer tick(ex);
        for (int i = 0; i < 1000 && !first_done; ++i) {  // bounded: the cancel is prompt
            tick.expires_after(std::chrono::milliseconds(1));
            co_await tick.async_wait(asio::use_awaitable);
        }
        BOOST_TEST(first_done);
        BOOST_TEST((ec1 == ivsrt::errc::cancelled), ec1.message());
        BOOST_TEST(pool.stats().open == 0u);
    });
}

BOOST_FIXTURE_TEST_CASE(queued_request_can_be_cancelled, loopback_pool) {
    asio::cancellation_signal cancel_second;
    serve([&](server_connection& c) -> asio::awaitable<void> {
        http::request<http::string_body> req;
        if (!co_await c.read(req)) co_return;
        // The second request is queued by now: cancel it, then answer the first.
        cancel_second.emit(asio::cancellation_type::terminal);
        co_await c.reply(200, "first");
    });
    auto& pool = connect(small_pool(1));
    // The first request outlives the test coroutine: its messages live here.
    ivsrt::connection_pool::response_type res1;
    auto req1 = make_request();
    boost::system::error_code ec1 = ivsrt::errc::timeout;  // overwritten on completion
    run([&]() -> asio::awaitable<void> {
        ivsrt::connection_pool::response_type res2;
        pool.async_request(req1, res1, far_deadline(),
                           [&](boost::system::error_code ec, ivsrt::exchange_info) { ec1 = ec; });
        auto req2 = make_request();
        auto [ec2, info2] = co_await pool.async_request(
            req2, res2, far_deadline(),
            asio::bind_cancellation_slot(cancel_second.slot(),
                                         asio::as_tuple(asio::use_awaitable)));
        BOOST_TEST((ec2 == ivsrt::errc::cancelled), ec2.message());
        auto s = pool.stats();
        BOOST_TEST(s.waits == 1u);
        BOOST_TEST(s.waiting == 0u);
        BOOST_TEST(s.connects == 1u);
    });
    BOOST_TEST(!ec1, ec1.message());
    BOOST_TEST(res1.body() == "first");
    auto s = pool.stats();
    BOOST_TEST(s.open == 1u);  // the first request completed and returned its connection
    BOOST_TEST(s.idle == 1u);
}

// close(): the queued request completes with errc::cancelled, the request in flight goes on and
// its connection is closed, not kept, and a request after close() sends nothing.
BOOST_FIXTURE_TEST_CASE(close_fails_queued_requests_and_keeps_no_connection, loopback_pool) {
    std::optional<ivsrt::connection_pool>* pool = &pool_;
    serve([&](server_connection& c) -> asio::awaitable<void> {
        http::request<http::string_body> req;
        if (!co_await c.read(req)) co_return;
        (*pool)->close();  // the second request is queued by now
        co_await c.reply(200, "first");
        co_await c.read(req);  // until the client closes
    });
    auto& p = connect(small_pool(1));
    ivsrt::connection_pool::response_type res1;
    auto req1 = make_request();
    boost::system::error_code ec1;
    bool done1 = false;
    run([&]() -> asio::awaitable<void> {
        ivsrt::connection_pool::response_type res2, res3;
        p.async_request(req1, res1, far_deadline(),
                        [&](boost::system::error_code ec, ivsrt::exchange_info) {
                            ec1 = ec;
                            done1 = true;
                        });
        auto req2 = make_request();
        auto [ec2, info2] = co_await p.async_request(req2, res2, far_deadline(),
                                                     asio::as_tuple(asio::use_awaitable));
        BOOST_TEST((ec2 == ivsrt::errc::cancelled), ec2.message());
        auto [ec3, info3] = co_await p.async_request(req2, res3, far_deadline(),
                                                     asio::as_tuple(asio::use_awaitable));
        BOOST_TEST((ec3 == ivsrt::errc::cancelled), ec3.message());
        asio::steady_timer tick(ioc);
        for (int i = 0; i < 10000 && !done1; ++i) {
            tick.expires_after(std::chrono::milliseconds(1));
            co_await tick.async_wait(asio::use_awaitable);
        }
    });
    BOOST_TEST(done1);
    BOOST_TEST(!ec1, ec1.message());
    BOOST_TEST(res1.body() == "first");
    auto s = p.stats();
    BOOST_TEST(s.open == 0u);
    BOOST_TEST(s.connects == 1u);
    BOOST_TEST(server_->accepted() == 1u);
}

BOOST_AUTO_TEST_CASE(unreachable_port_is_a_connection_error) {
    asio::io_context ioc;
    ivsrt::connection_pool pool(ioc.get_executor(), "http", "127.0.0.1",
                                ivsrt::test::closed_port());
    ivsrt::connection_pool::response_type res;
    auto req = make_request();
    boost::system::error_code got;
    pool.async_request(
        req, res, far_deadline(), [&](boost::system::error_code ec, ivsrt::exchange_info info) {
            got = ec;
            BOOST_TEST((info.cause == asio::error::connection_refused), info.cause.message());
        });
    ioc.run();
    BOOST_TEST((got == ivsrt::errc::connection), got.message());
    BOOST_TEST(pool.stats().open == 0u);
    BOOST_TEST(pool.stats().discards == 1u);
}

BOOST_AUTO_TEST_CASE(requests_from_several_threads_share_the_pool) {
    // Server on its own thread; the pool's io_context runs on two threads, callers on strands.
    asio::io_context server_ioc;
    ivsrt::test::loopback_server server(server_ioc.get_executor(),
                                        [](server_connection& c) { return echo_targets(c, 1000); });
    std::thread server_thread([&] { server_ioc.run(); });

    constexpr int callers = 16;
    constexpr int requests_each = 20;
    asio::io_context ioc(2);
    ivsrt::connection_pool pool(ioc.get_executor(), "http", "127.0.0.1", server.port(),
                                small_pool(4));
    // Each request has a target of its own ("/<caller>/<request>") that the server echoes: a
    // response delivered to another caller, or twice, fails the comparison.
    std::atomic<int> succeeded{0};
    std::atomic<int> own_response{0};
    std::mutex mutex;
    std::vector<std::string> wrong;  // "sent -> got", for the failure message
    for (int i = 0; i < callers; ++i) {
        asio::co_spawn(
            asio::make_strand(ioc),
            [&, i]() -> asio::awaitable<void> {
                ivsrt::connection_pool::response_type res;
                for (int r = 0; r < requests_each; ++r) {
                    const std::string own = "/" + std::to_string(i) + "/" + std::to_string(r);
                    res = {};
                    auto [ec, info] = co_await request(pool, res, far_deadline(), own);
                    if (ec || res.result_int() != 200) continue;
                    ++succeeded;
                    if (res.body() == own) {
                        ++own_response;
                    } else {
                        std::lock_guard lock(mutex);
                        wrong.push_back(own + " -> " + res.body());
                    }
                }
            },
            asio::detached);
    }
    std::thread second([&] { ioc.run(); });
    ioc.run();
    second.join();
    asio::post(server_ioc, [&] { server.stop(); });
    server_thread.join();

    BOOST_TEST(succeeded.load() == callers * requests_each);
    BOOST_TEST(own_response.load() == callers * requests_each);
    BOOST_TEST(wrong.empty(), wrong.size() << " responses to another request, the first: "
                                           << (wrong.empty() ? "" : wrong.front()));
    auto s = pool.stats();
    BOOST_TEST(s.open <= 4u);
    BOOST_TEST(s.in_use == 0u);
    BOOST_TEST(s.waiting == 0u);
    BOOST_TEST(s.discards == 0u);
    // Every request got exactly one grant: a new connection or an idle one.
    BOOST_TEST(s.connects + s.reuses == static_cast<std::uint64_t>(callers * requests_each));
}

BOOST_AUTO_TEST_CASE(unknown_scheme_is_rejected) {
    asio::io_context ioc;
    BOOST_CHECK_THROW(ivsrt::connection_pool(ioc.get_executor(), "ftp", "127.0.0.1", 1),
                      std::invalid_argument);
}

BOOST_FIXTURE_TEST_CASE(tls_sessions_are_resumed_across_pooled_connections, loopback_pool) {
    auto ca = ivsrt::test::make_test_ca("ivsrt pool test CA");
    auto cert = ca.issue("localhost", "DNS:localhost,IP:127.0.0.1");
    ivsrt::test::temp_file ca_file(ca.root.cert_pem);
    auto server_tls = ivsrt::test::server_tls_context(cert);

    // Every connection answers once with "Connection: close", so each request handshakes anew.
    serve(
        [](server_connection& c) -> asio::awaitable<void> {
            http::request<http::string_body> req;
            if (co_await c.read(req)) co_await c.reply(200, "tls", false);
        },
        &server_tls);
    ivsrt::pool_config cfg;
    cfg.ca_bundle = ca_file.path();
    // 127.0.0.1 (in the certificate's subjectAltName): the test needs no name lookup.
    auto& pool = connect(cfg, "127.0.0.1", "https");
    run([&]() -> asio::awaitable<void> {
        ivsrt::connection_pool::response_type res;
        for (int i = 0; i < 3; ++i) {
            auto [ec, info] = co_await request(pool, res);
            BOOST_TEST(!ec, ec.message() << " / " << info.cause.message());
            BOOST_TEST(res.body() == "tls");
        }
        auto s = pool.stats();
        BOOST_TEST(s.tls_handshakes == 3u);
        BOOST_TEST(s.tls_resumed == 2u);  // the first handshake is full, the others resume
    });
}

BOOST_FIXTURE_TEST_CASE(untrusted_certificate_is_a_tls_error, loopback_pool) {
    auto ca = ivsrt::test::make_test_ca("ivsrt pool test CA");
    auto other = ivsrt::test::make_test_ca("unrelated CA");
    auto cert = other.issue("localhost", "DNS:localhost,IP:127.0.0.1");
    ivsrt::test::temp_file ca_file(ca.root.cert_pem);
    auto server_tls = ivsrt::test::server_tls_context(cert);

    serve([](server_connection& c) { return ivsrt::test::serve_requests(c, 1); }, &server_tls);
    ivsrt::pool_config cfg;
    cfg.ca_bundle = ca_file.path();
    auto& pool = connect(cfg, "127.0.0.1", "https");
    run([&]() -> asio::awaitable<void> {
        ivsrt::connection_pool::response_type res;
        auto [ec, info] = co_await request(pool, res);
        BOOST_TEST((ec == ivsrt::errc::tls), ec.message());
        BOOST_TEST(!info.stale_retry);
        auto s = pool.stats();
        BOOST_TEST(s.open == 0u);
        BOOST_TEST(s.tls_handshakes == 0u);
    });
}

BOOST_AUTO_TEST_SUITE_END()
