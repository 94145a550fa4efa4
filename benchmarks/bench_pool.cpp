// Connection pool: leasing an idle connection and returning it (the pool's decision logic under
// its mutex, as every request does), next to a bare mutex lock/unlock pair as the baseline.
#include <ivsrt/detail/pool_core.hpp>

#include <benchmark/benchmark.h>

#include <chrono>
#include <mutex>

namespace {

struct idle_connection {};  // the decisions do not touch the connection
using clock_type = std::chrono::steady_clock;
using core = ivsrt::detail::pool_core<idle_connection, clock_type, int>;

void BM_mutex_lock_unlock(benchmark::State& state) {
    std::mutex m;
    for (auto _ : state) {
        m.lock();
        benchmark::ClobberMemory();
        m.unlock();
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_mutex_lock_unlock);

// One lease and one return of a warm pool of 64 idle connections, each under the lock.
void BM_pool_lease_return(benchmark::State& state) {
    std::mutex m;
    core pool(64, std::chrono::seconds(50), std::chrono::minutes(10));
    const auto now = clock_type::now();
    for (int i = 0; i < 64; ++i) {  // open 64 connections and return them idle
        auto g = pool.try_acquire(now);
        pool.release(std::make_unique<core::node>(now), true, now);
    }
    for (auto _ : state) {
        core::grant g;
        {
            std::lock_guard lock(m);
            g = pool.try_acquire(clock_type::now());
        }
        benchmark::DoNotOptimize(g.reused.get());
        std::lock_guard lock(m);
        pool.release(std::move(g.reused), true, clock_type::now());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_pool_lease_return);

}  // namespace

BENCHMARK_MAIN();
