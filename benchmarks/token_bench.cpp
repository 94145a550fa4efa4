// ivsrt-token-bench: participant-token issuance under load, through one ivsrt::client (api) or
// minted locally (local). Prints a one-line progress display on stderr while running and exactly
// one JSON line on stdout at the end; requests, latency and CPU cover the measured window only
// (after --warmup).
//
//   ivsrt-token-bench --port 8080 --concurrency 64 --seconds 10 --stage-arn arn:...
//   ivsrt-token-bench --port 8080 --concurrency 128 --threads 2 --stage-arn arn:...
//   ivsrt-token-bench --mode local --concurrency 2 --requests 100000
//   ivsrt-token-bench --mode bare --port 8080 --concurrency 64 --seconds 10
//
// --mode bare is the floor under the client: a bare Beast + Asio coroutine loop over as many
// connections, writing one request signed once at the start and reading each response with
// http::async_read. It validates, signs, paces, retries, bounds in time and decodes nothing.
//
// Credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, else the emulator's defaults.
#include "signed_request.hpp"

#include <ivsrt.hpp>
#include <ivsrt/redis_pacing.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace model = ivsrt::model;
using clock_type = std::chrono::steady_clock;

namespace {

struct options {
    std::string endpoint;     // URL; or http://127.0.0.1:<port>
    unsigned short port = 0;  // --port; bare mode's server is 127.0.0.1:<port>
    std::string region = "us-east-1";
    unsigned concurrency = 64;
    unsigned threads = 1;  // api: each with an io_context and a client of its own
    double seconds = 10;
    std::optional<std::uint64_t> requests;
    double warmup = 1;
    std::string mode = "api";
    std::string stage_arn;
    std::string pacing = "off";  // on, off, unlimited, or redis (IVSRT_PACING_REDIS_URL)
};

[[noreturn]] void usage(const char* error) {
    std::fprintf(stderr,
                 "ivsrt-token-bench: %s\n"
                 "usage: ivsrt-token-bench [--endpoint URL | --port P] [--region R]\n"
                 "         [--concurrency C] [--threads N] [--seconds T | --requests N]\n"
                 "         [--warmup S]\n"
                 "         [--mode api|local|bare] [--stage-arn ARN]\n"
                 "         [--pacing on|off|unlimited|redis]\n"
                 "--mode bare: a bare Beast + Asio loop replaying one request signed once\n"
                 "  (needs --port), the floor under the client\n"
                 "--pacing unlimited: every call takes its turn from its operation's bucket, at\n"
                 "  a pace (10^9 per second) that never makes it wait\n"
                 "--pacing redis: shared through the Redis that IVSRT_PACING_REDIS_URL names\n"
                 "--threads (api): the concurrency is split over N threads, each running an\n"
                 "  io_context and a client of its own; local mode runs C threads\n",
                 error);
    std::exit(2);
}

options parse(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--help") usage("help");
        if (i + 1 >= argc) usage(("missing value for " + flag).c_str());
        const std::string value = argv[++i];
        if (flag == "--endpoint") {
            o.endpoint = value;
        } else if (flag == "--port") {
            o.endpoint = "http://127.0.0.1:" + value;
            o.port = static_cast<unsigned short>(std::stoul(value));
        } else if (flag == "--region") {
            o.region = value;
        } else if (flag == "--concurrency") {
            o.concurrency = static_cast<unsigned>(std::stoul(value));
        } else if (flag == "--threads") {
            o.threads = static_cast<unsigned>(std::stoul(value));
        } else if (flag == "--seconds") {
            o.seconds = std::stod(value);
        } else if (flag == "--requests") {
            o.requests = std::stoull(value);
        } else if (flag == "--warmup") {
            o.warmup = std::stod(value);
        } else if (flag == "--mode") {
            o.mode = value;
        } else if (flag == "--stage-arn") {
            o.stage_arn = value;
        } else if (flag == "--pacing") {
            if (value != "on" && value != "off" && value != "unlimited" && value != "redis")
                usage("--pacing must be on, off, unlimited or redis");
            o.pacing = value;
        } else {
            usage(("unknown flag " + flag).c_str());
        }
    }
    if (o.mode != "api" && o.mode != "local" && o.mode != "bare") {
        usage("--mode must be api, local or bare");
    }
    if (o.mode == "bare" && (o.port == 0 || o.threads != 1)) {
        usage("--mode bare needs --port and one thread");
    }
    if (o.mode == "api" && o.endpoint.empty()) usage("--endpoint or --port is required");
    if (o.concurrency == 0) usage("--concurrency must be at least 1");
    if (o.threads == 0 || o.threads > o.concurrency) {
        usage("--threads must be at least 1 and at most the concurrency");
    }
    if (o.mode == "local" && o.threads != 1) usage("--threads is for api mode");
    return o;
}

using bench::env_or;

ivsrt::credentials bench_credentials() {
    return {.access_key_id = env_or("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
            .secret_access_key =
                env_or("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            .provider = "environment"};
}

// The request every call sends.
model::create_participant_token_request bench_request(std::string stage_arn) {
    return {.stage_arn = std::move(stage_arn),
            .user_id = "bench",
            .capabilities = {model::participant_token_capability::subscribe}};
}

// Latencies in nanoseconds, in log-linear buckets (128 per power of two: under 1% error), so that
// the memory they take (and the process's RSS) does not grow with the number of requests.
class histogram {
  public:
    void add(std::uint64_t ns) {
        ++counts_[index(ns)];
        ++count_;
    }
    void merge(const histogram& h) {
        for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += h.counts_[i];
        count_ += h.count_;
    }
    std::uint64_t count() const { return count_; }
    // The value at fraction `p` of the recorded ones, in milliseconds (0 when none).
    double percentile_ms(double p) const {
        if (count_ == 0) return 0;
        const auto rank =
            std::min<std::uint64_t>(count_ - 1, static_cast<std::uint64_t>(p * count_));
        std::uint64_t seen = 0;
        for (std::size_t i = 0; i < counts_.size(); ++i) {
            seen += counts_[i];
            if (seen > rank) return static_cast<double>(middle(i)) / 1e6;
        }
        return 0;
    }

  private:
    static constexpr unsigned sub = 128;  // buckets per power of two
    static std::size_t index(std::uint64_t ns) {
        if (ns < sub) return static_cast<std::size_t>(ns);
        const unsigned shift =
            static_cast<unsigned>(std::bit_width(ns)) - 8;  // ns >> shift: 128..255
        return (shift + 1) * sub + static_cast<std::size_t>((ns >> shift) - sub);
    }
    static std::uint64_t middle(std::size_t i) {
        if (i < sub) return i;
        const unsigned shift = static_cast<unsigned>(i / sub) - 1;
        return ((i % sub + sub) << shift) + ((std::uint64_t{1} << shift) >> 1);
    }
    std::array<std::uint64_t, 58 * sub> counts_{};
    std::uint64_t count_ = 0;
};

// The measured window and what happened in it. Each thread records into a shard of its own.
class recorder {
  public:
    // What one thread measured; only that thread writes it.
    struct shard {
        histogram latencies;  // of the requests started inside the window
        std::size_t errors = 0;
        clock_type::time_point last_end{};
        std::atomic<std::size_t> completed{0};  // read by the progress display
    };

    recorder(const options& o, std::size_t shards) : o_(o), shards_(shards) {}

    shard& operator[](std::size_t i) { return shards_[i]; }

    void start() { measure_from_ = clock_type::now() + to_duration(o_.warmup); }

    // True while new requests should start. The first call after the warmup opens the measured
    // window (and takes the CPU usage at its start).
    bool running() {
        if (stop_.load(std::memory_order_relaxed)) return false;
        const auto now = clock_type::now();
        if (now < measure_from_) return true;
        if (!window_open_.load(std::memory_order_acquire)) {
            std::lock_guard lock(mutex_);
            if (!window_open_.load(std::memory_order_relaxed)) {
                window_start_ = now;
                getrusage(RUSAGE_SELF, &usage_start_);
                window_open_.store(true, std::memory_order_release);
            }
        }
        if (o_.requests) return started_.fetch_add(1, std::memory_order_relaxed) < *o_.requests;
        return now < measure_from_ + to_duration(o_.seconds);
    }

    // A request ended; counted when it started inside the window.
    void record(shard& s, clock_type::time_point started, bool ok) {
        const auto now = clock_type::now();
        if (!window_open_.load(std::memory_order_acquire) || started < window_start_) return;
        s.latencies.add(static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(now - started).count()));
        s.errors += !ok;
        s.last_end = now;
        s.completed.store(s.latencies.count(), std::memory_order_relaxed);
    }

    void finish() {
        stop_ = true;
        getrusage(RUSAGE_SELF, &usage_end_);
    }

    std::size_t completed() const {
        std::size_t n = 0;
        for (const shard& s : shards_) n += s.completed.load(std::memory_order_relaxed);
        return n;
    }

    // After every thread has stopped.
    void print_json(std::uint64_t throttled = 0) {
        histogram latencies;
        std::size_t errors = 0;
        clock_type::time_point window_end = window_start_;
        for (const shard& s : shards_) {
            latencies.merge(s.latencies);
            errors += s.errors;
            window_end = std::max(window_end, s.last_end);
        }
        auto secs = [](const timeval& a, const timeval& b) {
            return double(b.tv_sec - a.tv_sec) + double(b.tv_usec - a.tv_usec) / 1e6;
        };
        const double seconds = std::chrono::duration<double>(window_end - window_start_).count();
        const double user = secs(usage_start_.ru_utime, usage_end_.ru_utime);
        const double sys = secs(usage_start_.ru_stime, usage_end_.ru_stime);
        const auto n = static_cast<std::size_t>(latencies.count());
        std::printf(
            "{\"client\":\"ivsrt\",\"version\":\"%s\",\"mode\":\"%s\",\"concurrency\":%u,"
            "\"threads\":%u,"
            "\"requests\":%zu,\"errors\":%zu,\"seconds\":%.3f,\"req_per_s\":%.1f,"
            "\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"cpu_user_s\":%.3f,\"cpu_sys_s\":%.3f,"
            "\"cpu_ms_per_1000_req\":%.1f,\"max_rss_mb\":%.1f,\"pacing\":\"%s\","
            "\"throttled\":%llu}\n",
            ivsrt::version_string, o_.mode.c_str(), o_.concurrency, o_.threads, n, errors, seconds,
            seconds > 0 ? double(n) / seconds : 0.0, latencies.percentile_ms(0.5),
            latencies.percentile_ms(0.99), user, sys, n ? (user + sys) * 1e6 / double(n) : 0.0,
            double(usage_end_.ru_maxrss) / 1024.0, o_.pacing.c_str(),
            static_cast<unsigned long long>(throttled));
        std::fflush(stdout);
    }

  private:
    static clock_type::duration to_duration(double s) {
        return std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(s));
    }
    const options& o_;
    clock_type::time_point measure_from_;
    std::atomic<std::uint64_t> started_{0};
    std::atomic<bool> stop_{false};
    std::atomic<bool> window_open_{false};
    std::mutex mutex_;
    clock_type::time_point window_start_;
    std::vector<shard> shards_;
    rusage usage_start_{}, usage_end_{};
};

// Redraws the progress line every 200 ms until `done`.
void progress(const recorder& r, const std::atomic<bool>& done) {
    while (!done.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        std::fprintf(stderr, "\r%zu requests measured", r.completed());
    }
    std::fprintf(stderr, "\n");
}

// Runs `work` (the measured load, until r.running() says stop) under the progress display, then
// closes the measured window.
template <class Work>
void run_measured(recorder& r, Work&& work) {
    std::atomic<bool> done{false};
    std::thread display(progress, std::cref(r), std::cref(done));
    std::forward<Work>(work)();
    r.finish();
    done = true;
    display.join();
}

struct counters {
    std::atomic<std::uint64_t> retries{0};
    std::atomic<std::uint64_t> throttled{0};
};

asio::awaitable<void> worker(ivsrt::client& ivs, const model::create_participant_token_request& req,
                             recorder& r, recorder::shard& mine) {
    static std::atomic<int> reported{0};  // the first few errors only
    ivsrt::diagnostics diag;
    while (r.running()) {
        const auto started = clock_type::now();
        auto [ec, result] = co_await ivs.async_create_participant_token(
            req, diag, asio::as_tuple(asio::use_awaitable));
        if (ec && reported++ < 3) std::fprintf(stderr, "\nerror: %s\n", diag.to_string().c_str());
        r.record(mine, started, !ec);
    }
}

ivsrt::client_config make_config(const options& o, const asio::any_io_executor& ex,
                                 unsigned connections, counters& count) {
    ivsrt::client_config config;
    config.region = o.region;
    config.endpoint_url = o.endpoint;
    config.credentials = ivsrt::make_static_provider(ex, bench_credentials());
    // "redis": the client takes IVSRT_PACING_REDIS_URL from the environment (this program
    // includes ivsrt/redis_pacing.hpp); "on" ignores it.
    config.pacing.enabled = o.pacing != "off";
    if (o.pacing == "unlimited") {
        config.pacing.operations.clear();
        config.pacing.default_tps = 1e9;
    }
    if (o.pacing == "on" || o.pacing == "unlimited") {
        config.sources.env = ivsrt::environment([](std::string_view name) {
            const char* v =
                name == "IVSRT_PACING_REDIS_URL" ? nullptr : std::getenv(std::string(name).c_str());
            return v ? std::optional<std::string>(v) : std::nullopt;
        });
    } else if (o.pacing == "redis" && !std::getenv("IVSRT_PACING_REDIS_URL")) {
        throw std::invalid_argument("--pacing redis: IVSRT_PACING_REDIS_URL is not set");
    }
    config.pool.max_connections = std::min<std::size_t>(connections, 256);
    config.on_event = [&count](const ivsrt::client_event& e) {
        if (e.kind == ivsrt::client_event_kind::retry) ++count.retries;
        if (e.kind == ivsrt::client_event_kind::attempt_end && e.error == ivsrt::errc::throttling) {
            ++count.throttled;
        }
    };
    return config;
}

// One thread's share of the load: an io_context made for one thread, as the README recommends,
// and a client of its own.
struct lane {
    asio::io_context ioc{1};
    unsigned workers = 0;
    std::optional<ivsrt::client> ivs;
};

// Prints what ended a coroutine with an exception, and keeps the program's exit status.
struct report_failure {
    std::atomic<int>* status;
    void operator()(std::exception_ptr e) const {
        if (!e) return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& x) {
            std::fprintf(stderr, "ivsrt-token-bench: %s\n", x.what());
            *status = 1;
        }
    }
};

int run_api(const options& o) {
    counters count;
    std::vector<std::unique_ptr<lane>> lanes;
    for (unsigned i = 0; i < o.threads; ++i) {
        auto& l = *lanes.emplace_back(std::make_unique<lane>());
        l.workers = o.concurrency / o.threads + (i < o.concurrency % o.threads ? 1 : 0);
        l.ivs.emplace(l.ioc.get_executor(), make_config(o, l.ioc.get_executor(), l.workers, count));
    }
    std::atomic<int> status{0};

    // The stage: the given one, or one created through the first client.
    std::string stage_arn = o.stage_arn;
    if (stage_arn.empty()) {
        asio::co_spawn(
            lanes[0]->ioc,
            [&]() -> asio::awaitable<void> {
                const model::create_stage_request create{.name = "token-bench"};
                stage_arn = (co_await lanes[0]->ivs->async_create_stage(create)).stage->arn;
            },
            report_failure{&status});
        lanes[0]->ioc.run();
        lanes[0]->ioc.restart();
        if (status) return status;
    }
    const model::create_participant_token_request req = bench_request(stage_arn);

    recorder r(o, lanes.size());
    r.start();
    for (std::size_t i = 0; i < lanes.size(); ++i) {
        for (unsigned w = 0; w < lanes[i]->workers; ++w) {
            asio::co_spawn(lanes[i]->ioc, worker(*lanes[i]->ivs, req, r, r[i]),
                           report_failure{&status});
        }
    }
    run_measured(r, [&] {
        std::vector<std::thread> others;
        for (std::size_t i = 1; i < lanes.size(); ++i) {
            others.emplace_back([&l = *lanes[i]] { l.ioc.run(); });
        }
        lanes[0]->ioc.run();
        for (auto& t : others) t.join();
    });
    if (status) return status;
    std::fprintf(stderr, "throttled attempts: %llu, retries: %llu\n",
                 static_cast<unsigned long long>(count.throttled.load()),
                 static_cast<unsigned long long>(count.retries.load()));
    r.print_json(count.throttled.load());
    return 0;
}

int run_local(const options& o) {
    const auto keys = ivsrt::generate_participant_token_key_pair();
    const ivsrt::participant_token_minter minter(
        keys.private_key_pem, "arn:aws:ivs:" + o.region + ":123456789012:public-key/benchKey0001");
    ivsrt::participant_token_claims claims;
    claims.stage_arn = o.stage_arn.empty()
                           ? "arn:aws:ivs:" + o.region + ":123456789012:stage/benchStage01"
                           : o.stage_arn;
    claims.events_url = "wss://global.events.live-video.net";
    claims.whip_url = "https://f99084460c35.global-bm.whip.live-video.net";
    claims.user_id = "bench";

    recorder r(o, o.concurrency);
    r.start();
    run_measured(r, [&] {
        std::vector<std::thread> threads;
        for (unsigned i = 0; i < o.concurrency; ++i) {
            threads.emplace_back([&, &mine = r[i]] {
                while (r.running()) {
                    const auto started = clock_type::now();
                    const auto token = minter.mint(claims);
                    r.record(mine, started, token.token.has_value());
                }
            });
        }
        for (auto& t : threads) t.join();
    });
    r.print_json();
    return 0;
}

// Bare mode's request: CreateParticipantToken as the api mode sends it, signed once, as bytes.
std::string signed_wire_request(const options& o) {
    const bench::signed_request signed_request = bench::sign_create_participant_token(
        bench_request(o.stage_arn.empty() ? "arn:aws:ivs:us-east-1:123456789012:stage/abcdABCDefgh"
                                          : o.stage_arn),
        "127.0.0.1:" + std::to_string(o.port), o.region, bench_credentials());
    std::string wire = "POST /CreateParticipantToken HTTP/1.1\r\n";
    auto add = [&wire](std::string_view name, std::string_view value) {
        wire.append(name).append(": ").append(value).append("\r\n");
    };
    for (const auto& [name, value] : signed_request.fields) add(name, value);
    add("Content-Length", std::to_string(signed_request.body.size()));
    return wire.append("\r\n").append(signed_request.body);
}

asio::awaitable<void> bare_worker(asio::ip::tcp::endpoint to, const std::string& wire, recorder& r,
                                  recorder::shard& mine) {
    namespace http = boost::beast::http;
    asio::ip::tcp::socket socket(co_await asio::this_coro::executor);
    co_await socket.async_connect(to, asio::use_awaitable);
    socket.set_option(asio::ip::tcp::no_delay(true));
    boost::beast::flat_buffer buffer;
    while (r.running()) {
        const auto started = clock_type::now();
        co_await asio::async_write(socket, asio::buffer(wire), asio::use_awaitable);
        http::response<http::string_body> res;
        co_await http::async_read(socket, buffer, res, asio::use_awaitable);
        r.record(mine, started, res.result() == http::status::ok);
    }
}

int run_bare(const options& o) {
    const std::string wire = signed_wire_request(o);
    const asio::ip::tcp::endpoint to(asio::ip::make_address_v4("127.0.0.1"), o.port);
    asio::io_context ioc{1};
    recorder r(o, 1);
    std::atomic<int> status{0};
    r.start();
    for (unsigned w = 0; w < o.concurrency; ++w) {
        asio::co_spawn(ioc, bare_worker(to, wire, r, r[0]), report_failure{&status});
    }
    run_measured(r, [&] { ioc.run(); });
    if (status) return status;
    r.print_json();
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const options o = parse(argc, argv);
    try {
        if (o.mode == "bare") return run_bare(o);
        return o.mode == "api" ? run_api(o) : run_local(o);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ivsrt-token-bench: %s\n", e.what());
        return 1;
    }
}
