// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// The type-erased core of every client call, written once: an Asio coroutine that runs the
// layers of DESIGN.md (pacing, retry loop, credentials, signing, pool exchange, error mapping).

#include <ivsrt/client.hpp>
#include <ivsrt/connection_pool.hpp>
#include <ivsrt/detail/client_errors.hpp>
#include <ivsrt/detail/executors.hpp>
#include <ivsrt/detail/http_text.hpp>
#include <ivsrt/detail/pacing_wait.hpp>
#include <ivsrt/detail/proxy.hpp>
#include <ivsrt/detail/tls.hpp>
#include <ivsrt/detail/uri.hpp>
#include <ivsrt/detail/wire_request.hpp>
#include <ivsrt/sigv4.hpp>
#include <ivsrt/version.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace ivsrt {

IVSRT_DECL std::string_view to_string(client_event_kind kind) noexcept {
    switch (kind) {
        case client_event_kind::pacing_wait:
            return "pacing_wait";
        case client_event_kind::credentials_refreshed:
            return "credentials_refreshed";
        case client_event_kind::attempt_start:
            return "attempt_start";
        case client_event_kind::pool_wait:
            return "pool_wait";
        case client_event_kind::attempt_end:
            return "attempt_end";
        case client_event_kind::retry:
            return "retry";
        case client_event_kind::pacing_source:
            return "pacing_source";
    }
    return "unknown";
}

namespace detail {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;
using steady = std::chrono::steady_clock;

// The settings and endpoint a client is built from.
struct client_setup {
    aws_settings settings;
    ivsrt::endpoint endpoint;
    std::string region;  // the region requests are signed for
};

inline client_setup resolve_client_setup(const client_config& config) {
    client_setup s;
    s.settings = resolve_settings(
        {.region = config.region,
         .use_fips = config.use_fips,
         .use_dual_stack = config.use_dual_stack,
         .endpoint_url = config.endpoint_url,
         .ca_bundle =
             config.pool.ca_bundle.empty() ? std::nullopt : std::optional(config.pool.ca_bundle),
         .sdk_ua_app_id = config.app_id},
        config.sources);
    // Requests are signed for a region: an endpoint URL does not say which, and signing for a
    // guessed one would fail later at the service, or worse, succeed somewhere unintended.
    if (!s.settings.region) {
        throw ivsrt::exception(
            errc::endpoint,
            s.settings.endpoint_url
                ? "region: not set, and an endpoint URL does not give one (set "
                  "client_config.region, AWS_REGION, or region in the profile)"
                : "region: not set (set client_config.region, AWS_REGION, or region in the "
                  "profile)");
    }
    auto resolved = resolve_endpoint({.region = *s.settings.region,
                                      .use_fips = s.settings.use_fips,
                                      .use_dual_stack = s.settings.use_dual_stack,
                                      .endpoint_url = s.settings.endpoint_url});
    if (!resolved) throw ivsrt::exception(errc::endpoint, resolved.error().message);
    s.endpoint = std::move(*resolved);
    // The authority becomes the Host header. (resolve_settings and resolve_endpoint already
    // reject such URLs; this holds whatever the source of the endpoint.)
    if (has_control_or_space(s.endpoint.authority) || has_control_or_space(s.endpoint.host)) {
        throw ivsrt::exception(
            errc::endpoint,
            "endpoint_url: the host must not contain control characters or whitespace");
    }
    s.region = s.endpoint.signing_region.empty() ? *s.settings.region : s.endpoint.signing_region;
    return s;
}

// "ivsrt/0.1.0 ua/2.1 api/ivs-realtime#0.1.0 os/linux lang/cpp app/<id>". The app id keeps
// only characters allowed in a User-Agent token, others become '-'; a control character is an
// error (it is a mistake, or an attempt at header injection, rather than a name to tidy).
inline std::string make_user_agent(const std::optional<std::string>& app_id) {
    if (app_id && !is_field_value(*app_id)) {
        throw std::invalid_argument("app_id: must not contain control characters (CR, LF, NUL)");
    }
    std::string ua = "ivsrt/";
    ua += version_string;
    ua += " ua/2.1 api/ivs-realtime#";
    ua += version_string;
    ua += " os/linux lang/cpp";
    if (app_id && !app_id->empty()) {
        ua += " app/";
        for (char ch : app_id->substr(0, 50)) {
            const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                            (ch >= '0' && ch <= '9') ||
                            std::string_view("!#$%&'*+-.^_`|~").find(ch) != std::string_view::npos;
            ua += ok ? ch : '-';
        }
    }
    return ua;
}

// One call in flight, as the client's shutdown() reaches it. Shared by the call's coroutine, its
// completion, and whatever cancels it; listed by the client while the call runs.
struct call_control : std::enable_shared_from_this<call_control> {
    explicit call_control(asio::any_io_executor ex) : executor(std::move(ex)) {}

    // The call runs here: the client's executor on a one-thread context, else a strand (the
    // caller's own, for a call that runs in the caller's coroutine).
    asio::any_io_executor executor;
    // The call's cancellation: co_spawn listens to its slot, or a call running in the caller's
    // coroutine binds its operations to it.
    asio::cancellation_signal signal;
    asio::cancellation_type requested = asio::cancellation_type::none;  // emitted so far
    bool running = true;           // on `executor`: false once the call's steps are over
    call_control* prev = nullptr;  // the client's list of calls in flight
    call_control* next = nullptr;

    // Emits `type` on the call's executor (where the call's operations run), unless the call
    // has ended meanwhile. Any thread.
    void cancel(asio::cancellation_type type) {
        asio::dispatch(executor, [self = shared_from_this(), type] {
            if (!self->running) return;
            self->requested |= type;
            self->signal.emit(type);
        });
    }
};

// Installed in the caller's cancellation slot: forwards to the call's own signal.
struct forward_cancellation {
    explicit forward_cancellation(const std::shared_ptr<call_control>& c) : call(c) {}
    std::weak_ptr<call_control> call;
    void operator()(asio::cancellation_type type) const {
        if (auto c = call.lock()) c->cancel(type);
    }
};

inline void launch_call(const std::shared_ptr<client_core>& core, prepared_request request,
                        diagnostics* diag, call_handler handler);
inline asio::awaitable<call_outcome> run_awaited(std::shared_ptr<client_core> core,
                                                 prepared_request request, diagnostics* diag);

class client_impl final : public client_core {
  public:
    client_impl(asio::any_io_executor ex, client_config config)
        : client_impl(std::move(ex), std::move(config), resolve_client_setup(config)) {}

    ivsrt::endpoint endpoint;
    sigv4::signer signer;
    credentials_provider credentials;
    retry_strategy retry;
    pacer pacing;
    std::array<pacing_bucket*, operation_count> buckets{};
    // A shared backend, when pacing is shared (then `paces` hold the operations' paces).
    std::shared_ptr<pacing_backend> shared_pacing;
    std::array<operation_pace, operation_count> paces{};
    std::string region;  // the region requests are signed for: shared buckets are per region
    std::atomic<int> pacing_shared{-1};  // the backend's last reported source (for events)
    connection_pool pool;
    std::string user_agent;
    std::chrono::milliseconds attempt_timeout;
    std::chrono::milliseconds call_timeout;
    std::function<void(const client_event&)> on_event;
    std::function<std::chrono::system_clock::time_point()> wall_clock;
    // Identifies the credentials last used, to report credentials_refreshed.
    std::atomic<std::size_t> credentials_id{0};
    bool owns_credentials;  // the provider is the client's own (not client_config::credentials)
    bool call_strands;      // each call runs on a strand (the context has several threads)
    std::atomic<bool> shut_down{false};

    // A new call's control, listed as in flight; null once the client is shut down. The call
    // runs on `ex`, else on the client's executor (a new strand where calls need one).
    std::shared_ptr<call_control> begin_call(std::optional<asio::any_io_executor> ex = {}) {
        if (!ex) {
            ex = call_strands ? asio::any_io_executor(asio::make_strand(executor)) : executor;
        }
        auto c = std::make_shared<call_control>(std::move(*ex));
        std::lock_guard lock(calls_mutex_);
        if (shut_down.load(std::memory_order_relaxed)) return nullptr;
        c->next = calls_;
        if (calls_) calls_->prev = c.get();
        calls_ = c.get();
        return c;
    }

    // On the call's executor, when its steps are over: shutdown() no longer reaches it.
    void end_call(call_control& c) {
        c.running = false;
        std::lock_guard lock(calls_mutex_);
        (c.prev ? c.prev->next : calls_) = c.next;
        if (c.next) c.next->prev = c.prev;
    }

    const ivsrt::endpoint& endpoint_in_use() const noexcept override { return endpoint; }
    pool_stats connection_stats() const override { return pool.stats(); }

    void shutdown() override {
        std::vector<std::shared_ptr<call_control>> in_flight;
        {
            std::lock_guard lock(calls_mutex_);
            if (shut_down.exchange(true)) return;
            // Each listed call's coroutine holds its control until it has left the list.
            for (call_control* c = calls_; c; c = c->next)
                in_flight.push_back(c->shared_from_this());
        }
        for (const auto& c : in_flight) c->cancel(asio::cancellation_type::terminal);
        pool.close();
        if (owns_credentials) credentials.shutdown();
    }

    std::chrono::system_clock::time_point now() const {
        return wall_clock ? wall_clock() : std::chrono::system_clock::now();
    }

  private:
    std::mutex calls_mutex_;
    call_control* calls_ = nullptr;  // the calls in flight, through prev/next

    client_impl(asio::any_io_executor ex, client_config&& config, client_setup setup)
        : client_core(ex, &launch_call, &detail::run_awaited),
          endpoint(std::move(setup.endpoint)),
          signer({.region = setup.region, .service = endpoint.signing_name}),
          credentials(config.credentials
                          ? std::move(*config.credentials)
                          : make_default_provider(ex, {.sources = config.sources,
                                                       .region = setup.settings.region,
                                                       .proxy = config.pool.proxy,
                                                       .ca_bundle = setup.settings.ca_bundle})),
          retry(retry_settings(config, setup.settings),
                config.random ? std::move(config.random) : default_random_source()),
          pacing(config.pacing),
          shared_pacing(shared_pacing_of(ex, config)),
          region(setup.region),
          pool(ex, endpoint.scheme, endpoint.host, endpoint.port,
               pool_settings(std::move(config.pool), setup.settings, config.sources.env, endpoint)),
          user_agent(make_user_agent(setup.settings.sdk_ua_app_id)),
          attempt_timeout(config.attempt_timeout),
          call_timeout(config.call_timeout),
          on_event(std::move(config.on_event)),
          wall_clock(std::move(config.wall_clock)),
          owns_credentials(!config.credentials),
          call_strands(!single_threaded(ex)) {
        if (attempt_timeout.count() <= 0) {
            throw std::invalid_argument("attempt_timeout: must be positive");
        }
        if (call_timeout.count() <= 0)
            throw std::invalid_argument("call_timeout: must be positive");
        if (shared_pacing) {
            for (std::size_t i = 0; i < operation_count; ++i) {
                paces[i] = pacing.pace(operation_names[i]);
            }
        } else if (pacing.enabled()) {
            for (std::size_t i = 0; i < operation_count; ++i) {
                buckets[i] = pacing.bucket(operation_names[i]);
            }
        }
    }

    // pacing_config::backend, else the Redis backend IVSRT_PACING_REDIS_URL names (when the
    // program includes ivsrt/redis_pacing.hpp; IVSRT_PACING_REPLICAS sets its local share).
    static std::shared_ptr<pacing_backend> shared_pacing_of(const asio::any_io_executor& ex,
                                                            const client_config& config) {
        if (!config.pacing.enabled) return nullptr;
        if (config.pacing.backend) return config.pacing.backend;
        const auto url = config.sources.env.get("IVSRT_PACING_REDIS_URL");
        if (!url || url->empty()) return nullptr;
        if (!redis_pacing_factory) {
            throw std::invalid_argument(
                "IVSRT_PACING_REDIS_URL: set, and this program does not include "
                "<ivsrt/redis_pacing.hpp> (include it, or unset the variable)");
        }
        unsigned replicas = 1;
        if (const auto r = config.sources.env.get("IVSRT_PACING_REPLICAS"); r && !r->empty()) {
            const auto [end, ec] = std::from_chars(r->data(), r->data() + r->size(), replicas);
            if (ec != std::errc() || end != r->data() + r->size() || replicas < 1) {
                throw std::invalid_argument(
                    "IVSRT_PACING_REPLICAS: must be a whole number of at least 1");
            }
        }
        return redis_pacing_factory(ex, *url, replicas);
    }

    static retry_config retry_settings(const client_config& config, const aws_settings& s) {
        if (config.retry) return *config.retry;
        return {.mode = s.retry_mode, .max_attempts = s.max_attempts};
    }

    static pool_config pool_settings(pool_config pool, const aws_settings& s,
                                     const environment& env, const ivsrt::endpoint& ep) {
        if (pool.ca_bundle.empty() && s.ca_bundle) pool.ca_bundle = *s.ca_bundle;
        // The fields that end_attempt, parse_service_error and describe_foreign_response read,
        // all of them about failures (a 2xx response's Date, Retry-After and request id go
        // unused): a successful response keeps none.
        pool.response_fields = {"x-amzn-RequestId", "x-amzn-ErrorType",  "Content-Type",
                                "Retry-After",      "x-amz-retry-after", "Date"};
        pool.keep_fields_on_success = false;
        if (!pool.proxy)
            pool.proxy =
                proxy_from_environment(env, ep.scheme == "https", ep.host, std::to_string(ep.port));
        return pool;
    }
};

IVSRT_DECL std::string_view normalize_error_code(std::string_view raw) noexcept {
    raw = raw.substr(0, raw.find_first_of(":,"));
    if (auto hash = raw.rfind('#'); hash != std::string_view::npos) raw.remove_prefix(hash + 1);
    // Header values may carry surrounding blanks.
    while (!raw.empty() && (raw.front() == ' ' || raw.front() == '\t')) raw.remove_prefix(1);
    while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t')) raw.remove_suffix(1);
    return raw;
}

IVSRT_DECL void parse_service_error(const connection_pool::response_type& response,
                                    service_error& out) {
    if (auto it = response.find("x-amzn-RequestId"); it != response.end()) {
        out.request_id.assign(it->value());
    }
    if (auto it = response.find("x-amzn-ErrorType"); it != response.end()) {
        out.code.assign(normalize_error_code(it->value()));
    }
    boost::system::error_code ec;
    const boost::json::value body = boost::json::parse(response.body(), ec);
    const boost::json::object* object = ec ? nullptr : body.if_object();
    if (!object) return;
    auto string_member = [&](std::string_view key) -> const boost::json::string* {
        auto it = object->find(key);
        return it == object->end() ? nullptr : it->value().if_string();
    };
    if (out.code.empty()) {
        for (std::string_view key : {"code", "__type"}) {
            if (const auto* s = string_member(key)) {
                out.code.assign(normalize_error_code(*s));
                break;
            }
        }
    }
    for (std::string_view key : {"message", "Message", "exceptionMessage"}) {
        if (const auto* s = string_member(key)) {
            out.message.assign(s->data(), s->size());
            break;
        }
    }
}

IVSRT_DECL std::string describe_foreign_response(const connection_pool::response_type& response,
                                                 std::string_view host) {
    std::string out = "HTTP " + std::to_string(response.result_int()) + " from " +
                      std::string(host) + ", not an AWS response";
    if (auto it = response.find(boost::beast::http::field::content_type); it != response.end()) {
        out += " (";
        append_printable(out, it->value(), 100);
        out += ')';
    }
    if (!response.body().empty()) {
        out += ": ";
        append_printable(out, response.body(), 200);
    }
    return out;
}

IVSRT_DECL void append_printable(std::string& out, std::string_view text, std::size_t limit) {
    constexpr char hex[] = "0123456789abcdef";
    for (std::size_t i = 0; i < text.size() && i < limit; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            out += static_cast<char>(c);
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    if (text.size() > limit) out += "...";
}

inline bool is_success(unsigned http_status) {
    return http_status >= 200 && http_status < 300;
}

inline std::string duration_text(std::chrono::milliseconds d) {
    return std::to_string(d.count()) + " ms";
}

inline error_code to_error_code(errc e) {
    return e == errc{} ? error_code{} : make_error_code(e);
}

// What one attempt produced. `outcome` views into `response` and `error`: not copyable.
struct attempt {
    attempt() = default;
    attempt(const attempt&) = delete;
    attempt& operator=(const attempt&) = delete;

    connection_pool::response_type response;
    exchange_info info;
    attempt_outcome outcome;
    service_error error;
    steady::time_point started;
    unsigned number = 0;  // 1-based
};

// One call, as its steps: pace; then for each attempt sign, send, classify and, while the retry
// policy and the deadline allow, back off. A step that ends the call records why in `failure_`
// and returns false.
class call {
  public:
    // `in_caller`: the control of a call that runs in the caller's coroutine; its operations
    // take their cancellation from that control's signal, not from the coroutine's.
    call(client_impl& client, prepared_request&& request, diagnostics* diag,
         call_control* in_caller)
        : client_(client),
          wire_(client.endpoint, client.user_agent, std::move(request)),
          diag_(diag),
          in_caller_(in_caller) {}

  private:
    // The completion token of the call's operations: their cancellation is the call's.
    auto token() const {
        return asio::bind_cancellation_slot(slot_, asio::as_tuple(asio::use_awaitable));
    }

  public:
    asio::awaitable<call_outcome> run() {
        co_await asio::this_coro::throw_if_cancelled(false);
        // A cancellation that arrives between two steps reaches no operation: each step checks.
        cancellation_ = co_await asio::this_coro::cancellation_state;
        slot_ = in_caller_ ? in_caller_->signal.slot() : cancellation_.slot();
        // The steps that usually need no waiting (pacing off, no adaptive rate limit, credentials
        // cached) run inline: a nested coroutine only where there is something to wait for.
        // (No co_await inside &&, || or ?: in this file: g++ 12 miscompiles those.)
        // Clock reads are a visible share of a call: each time is read once, and reused until
        // a step waits.
        const steady::time_point call_start = steady::now();
        deadline_ = call_start + client_.call_timeout;
        steady::time_point unwaited{};  // the call's start, while no step has waited since
        // The operation's own pacing bucket (none when pacing is off or shared): its turn is
        // taken at once, and only a turn still to come is waited for.
        pacing_bucket* const bucket = client_.buckets[op().index];
        const pacing_bucket::reservation turn =
            bucket ? bucket->reserve(call_start) : pacing_bucket::reservation{};
        if (client_.shared_pacing) {
            if (!co_await pace_shared()) co_return std::move(failure_);
        } else if (bucket && turn.start > call_start) {
            if (!co_await pace(*bucket, turn, call_start)) co_return std::move(failure_);
        } else if (!proceed()) {
            if (bucket) bucket->cancel(turn);
            co_return std::move(failure_);
        } else {
            unwaited = call_start;
        }
        retry_state retry(client_.retry);
        for (;;) {
            const auto wall = client_.now();
            const auto rate_wait = retry.before_attempt(wall);
            std::shared_ptr<const credentials> creds;
            if (rate_wait.count() == 0) creds = client_.credentials.try_get();
            if (creds) {
                if (!sign_with(*creds, retry, wall)) co_return std::move(failure_);
            } else {
                unwaited = {};
                asio::steady_timer* timer = co_await make_timer();
                if (!co_await sign(*timer, retry, rate_wait)) co_return std::move(failure_);
            }
            attempt a;
            const auto attempt_deadline = start_attempt(retry, a, std::exchange(unwaited, {}));
            auto [ec, info] = co_await client_.pool.async_request(wire_.writer(), a.response,
                                                                  attempt_deadline, token());
            end_attempt(ec, info, a);
            const retry_decision decision = classify(retry, a);
            if (decision.attempt.error == errc{}) {
                co_return call_outcome{{}, std::move(a.response.body())};
            }
            const bool call_expired = steady::now() >= deadline_;
            if (!decision.retry || call_expired || steady::now() + decision.delay >= deadline_) {
                co_return end(a, decision, call_expired);
            }
            asio::steady_timer* timer = co_await make_timer();
            if (!co_await back_off(*timer, retry, a, decision)) co_return std::move(failure_);
        }
    }

  private:
    const operation_info& op() const noexcept { return wire_.operation(); }

    // The timer of the steps that wait, made when one first does: most calls never wait.
    asio::awaitable<asio::steady_timer*> make_timer() {
        if (!timer_) {
            const auto ex = co_await asio::this_coro::executor;
            timer_.emplace(ex);
        }
        co_return &*timer_;
    }

    // Step, when the operation's pacing turn (`turn` in `bucket`, reserved at `start`) is still
    // to come: wait for it.
    asio::awaitable<bool> pace(pacing_bucket& bucket, pacing_bucket::reservation turn,
                               steady::time_point start) {
        asio::steady_timer* timer = co_await make_timer();
        auto [ec] = co_await async_wait_turn(bucket, turn, *timer, deadline_, token());
        if (ec) co_return no_turn(ec);
        emit({.kind = client_event_kind::pacing_wait, .duration = turn.start - start});
        co_return proceed();
    }

    // The pace step with a shared backend: a turn from it, then the wait it says.
    asio::awaitable<bool> pace_shared() {
        const auto start = steady::now();
        auto [ec, turn] = co_await async_reserve_turn(
            *client_.shared_pacing, client_.region, client_.paces[op().index], deadline_, token());
        if (ec) co_return no_turn(ec);
        if (client_.pacing_shared.exchange(turn.shared ? 1 : 0) != (turn.shared ? 1 : 0)) {
            const std::string detail = turn.shared ? "shared" : "local: " + turn.reason;
            emit({.kind = client_event_kind::pacing_source, .detail = detail});
        }
        if (turn.wait.count() > 0) {
            asio::steady_timer* timer = co_await make_timer();
            if (!co_await sleep(*timer, turn.wait, "waiting for the pacing turn")) {
                co_return false;
            }
            emit({.kind = client_event_kind::pacing_wait, .duration = steady::now() - start});
        }
        co_return proceed();
    }

    // The pace step's failure: no turn before the deadline, or cancelled.
    bool no_turn(error_code ec) {
        if (ec == errc::timeout) {
            return stop(ec, "the call timeout (" + duration_text(client_.call_timeout) +
                                ") would expire before the operation's pacing turn");
        }
        return stop(errc::cancelled, "cancelled while waiting for the pacing turn");
    }

    // Step, when there is something to wait for: the adaptive rate limiter's `rate_wait`, then
    // credentials not cached; then sign the wire request.
    asio::awaitable<bool> sign(asio::steady_timer& timer, retry_state& retry,
                               std::chrono::nanoseconds rate_wait) {
        if (rate_wait.count() > 0) {
            if (!co_await sleep(timer, rate_wait, "waiting for the adaptive rate limiter")) {
                co_return false;
            }
        }
        std::shared_ptr<const credentials> creds = client_.credentials.try_get();
        if (!creds) creds = co_await fetch_credentials(timer);
        if (!creds) co_return false;
        co_return sign_with(*creds, retry, client_.now());
    }

    // Step: one exchange through the pool, bounded by the attempt and call deadlines. Before
    // it: numbers the attempt and returns its deadline. `now`: the time, when already read.
    steady::time_point start_attempt(const retry_state& retry, attempt& a, steady::time_point now) {
        a.number = retry.attempt();
        emit({.kind = client_event_kind::attempt_start, .attempt = a.number});
        a.started = now == steady::time_point{} ? steady::now() : now;
        return std::min(deadline_, a.started + client_.attempt_timeout);
    }

    // After it: what the response or the failure says.
    void end_attempt(error_code ec, const exchange_info& info, attempt& a) {
        a.info = info;
        if (info.queue_wait.count() > 0) {
            emit({.kind = client_event_kind::pool_wait,
                  .attempt = a.number,
                  .duration = info.queue_wait});
        }
        attempt_outcome& o = a.outcome;
        o.idempotent = op().idempotent;
        if (ec) {
            o.transport_error = ec.category() == error_category() ? static_cast<errc>(ec.value())
                                                                  : errc::connection;
            o.response_started = info.response_started;
            o.certificate_refused = ec == errc::tls && info.cause.category() == x509_category();
            return;
        }
        o.http_status = a.response.result_int();
        if (!is_success(o.http_status)) {
            parse_service_error(a.response, a.error);
            o.error_code = a.error.code;
            if (a.error.code.empty() && a.error.request_id.empty()) {
                // Not from AWS (a proxy, a load balancer): say what it was.
                a.error.message = describe_foreign_response(a.response, client_.endpoint.authority);
            }
        }
        o.retry_after = header(a.response, http::field::retry_after);
        o.amz_retry_after = header(a.response, "x-amz-retry-after");
        o.date = header(a.response, http::field::date);
    }

    // Step: what the attempt means (retry.hpp's one classification) and what the retry policy
    // decides.
    retry_decision classify(retry_state& retry, const attempt& a) {
        const retry_decision decision = retry.after_attempt(a.outcome, client_.now());
        if (client_.on_event) {
            emit({.kind = client_event_kind::attempt_end,
                  .attempt = a.number,
                  .error = to_error_code(decision.attempt.error),
                  .http_status = a.outcome.http_status,
                  .aws_error_code = a.error.code,
                  .request_id = a.error.request_id,
                  .duration = steady::now() - a.started});
        }
        return decision;
    }

    // Step: wait before the next attempt.
    asio::awaitable<bool> back_off(asio::steady_timer& timer, const retry_state& retry,
                                   const attempt& a, const retry_decision& decision) {
        emit({.kind = client_event_kind::retry,
              .attempt = retry.attempt(),  // the next one
              .error = to_error_code(decision.attempt.error),
              .http_status = a.outcome.http_status,
              .aws_error_code = a.error.code,
              .request_id = a.error.request_id,
              .duration = decision.delay,
              .detail = retry_reason(a.outcome, decision.attempt.kind)});
        if (decision.delay.count() == 0) co_return proceed();
        co_return co_await sleep(timer, decision.delay, "waiting to retry");
    }

    // The call ends with this attempt's error.
    call_outcome end(attempt& a, const retry_decision& decision, bool call_expired) {
        const errc e = decision.attempt.error;
        if (e == errc::cancelled) return client_error(e, "cancelled");
        // A call the spent client-wide quota keeps from retrying says so.
        const bool quota_spent = !decision.retry && decision.reason == stop_reason::quota_exhausted;
        if (a.outcome.transport_failure()) {
            return transport_error(e, a, call_expired, quota_spent);
        }
        if (diag_) {
            service_error& error = a.error;
            if (quota_spent && error.message.empty()) {
                error.message = quota_note;
            } else if (quota_spent) {
                error.message += " (" + std::string(quota_note) + ")";
            }
            diag_->assign_service_error(error.code, error.message, error.request_id,
                                        a.outcome.http_status);
        }
        return {e, {}};
    }

    static std::string_view header(const connection_pool::response_type& r, std::string_view name) {
        auto it = r.find(name);
        return it == r.end() ? std::string_view{} : std::string_view(it->value());
    }
    static std::string_view header(const connection_pool::response_type& r, http::field f) {
        auto it = r.find(f);
        return it == r.end() ? std::string_view{} : std::string_view(it->value());
    }

    static std::string_view retry_reason(const attempt_outcome& o, error_kind kind) {
        switch (kind) {
            case error_kind::throttling:
                return "throttling";
            case error_kind::clock_skew:
                return "clock skew";
            default:
                return o.transport_failure() ? "transport error" : "transient error";
        }
    }

    call_outcome client_error(error_code ec, std::string_view message) {
        if (diag_) {
            std::string text(op().name);
            text += ": ";
            text += message;
            if (ec == errc::cancelled && client_.shut_down.load(std::memory_order_relaxed)) {
                text += " (the client was shut down)";
            }
            diag_->assign_client_error(text);
        }
        return {ec, {}};
    }

    // Records why the call ends, for the caller; returns false (`if (!co_await step) ...`).
    bool stop(error_code ec, std::string_view message) {
        failure_ = client_error(ec, message);
        return false;
    }

    // True unless the call was cancelled (then recorded, as by stop()).
    bool proceed() {
        const auto cancelled = in_caller_ ? in_caller_->requested : cancellation_.cancelled();
        if (cancelled == asio::cancellation_type::none) return true;
        return stop(errc::cancelled, "cancelled");
    }

    void emit(client_event e) const {
        if (!client_.on_event) return;
        e.operation = op().name;
        client_.on_event(e);
    }

    // Sleeps `d` on the timer; false (with the failure recorded) when cancelled or past the
    // call's deadline.
    asio::awaitable<bool> sleep(asio::steady_timer& timer, std::chrono::nanoseconds d,
                                std::string_view what) {
        if (steady::now() + d >= deadline_) {
            co_return stop(errc::timeout, "the call timeout (" +
                                              duration_text(client_.call_timeout) + ") expired " +
                                              std::string(what));
        }
        timer.expires_after(d);
        auto [ec] = co_await timer.async_wait(token());
        if (ec) co_return stop(errc::cancelled, "cancelled " + std::string(what));
        co_return proceed();
    }

    // Reports new credentials (another key, or a refresh) to the event hook.
    void note_credentials(const credentials& creds) {
        if (!client_.on_event) return;
        std::size_t id = std::hash<std::string>{}(creds.access_key_id);
        if (creds.expiration) {
            id ^= std::hash<std::int64_t>{}(creds.expiration->time_since_epoch().count());
        }
        if (client_.credentials_id.exchange(id, std::memory_order_relaxed) != id) {
            emit({.kind = client_event_kind::credentials_refreshed, .detail = creds.provider});
        }
    }

    // Credentials not cached: fetched, bounded by the call's deadline and its cancellation.
    asio::awaitable<std::shared_ptr<const credentials>> fetch_credentials(
        asio::steady_timer& timer) {
        credentials_diagnostics cdiag;
        timer.expires_at(deadline_);
        // Whichever ends first cancels the other.
        auto [order, ec, creds, timer_ec] =
            co_await asio::experimental::make_parallel_group(
                client_.credentials.async_get(cdiag, asio::deferred),
                timer.async_wait(asio::deferred))
                .async_wait(asio::experimental::wait_for_one(),
                            asio::bind_cancellation_slot(slot_, asio::use_awaitable));
        if (order[0] == 1) {
            if (!timer_ec) {
                stop(errc::timeout, "the call timeout (" + duration_text(client_.call_timeout) +
                                        ") expired while getting credentials");
            } else {
                stop(errc::cancelled, "cancelled while getting credentials");
            }
            co_return nullptr;
        }
        if (ec == errc::cancelled) {
            stop(ec, "cancelled while getting credentials");
            co_return nullptr;
        }
        if (ec) {
            stop(errc::credentials, cdiag.message);
            co_return nullptr;
        }
        co_return std::make_shared<const credentials>(std::move(creds));
    }

    // Signs the wire request with `creds` at `now` (a cancellation that came meanwhile ends the
    // call).
    bool sign_with(const credentials& creds, retry_state& retry,
                   std::chrono::system_clock::time_point now) {
        note_credentials(creds);
        if (!proceed()) return false;
        std::array<sigv4::header, 2> headers;
        const sigv4::request_view view = wire_.signing_view(headers);
        // Per-thread scratch: its buffers keep their capacity, so signing does not allocate.
        // Only used within this function (the coroutine may resume on another thread).
        thread_local sigv4::signing_result signing;
        try {
            client_.signer.sign(view, creds, client_.retry.skew().corrected(now), signing);
        } catch (const boost::system::system_error& e) {
            // The signer names the bad field (never its value).
            return stop(errc::credentials, e.what());
        }
        wire_.set_attempt_fields(signing, retry.invocation_id(), retry.request_header());
        return true;
    }

    static constexpr std::string_view quota_note = "not retried: retry quota exhausted";

    call_outcome transport_error(errc e, const attempt& a, bool call_expired, bool quota_spent) {
        const auto& host = client_.endpoint.host;
        const error_code cause = a.info.cause;
        std::string text;
        if (e == errc::timeout) {
            text = call_expired
                       ? "the call timeout (" + duration_text(client_.call_timeout) + ") expired"
                       : "the attempt timeout (" + duration_text(client_.attempt_timeout) +
                             ") expired";
        } else if (e == errc::tls && is_name_mismatch(cause)) {
            text = "TLS: the certificate of " + host + " is not valid for that host name";
        } else if (a.outcome.certificate_refused) {
            text = "TLS: the certificate chain of " + host +
                   " could not be verified: " + cause.message();
        } else {
            text = make_error_code(e).message();
            if (cause) {
                text += ": ";
                text += cause.message();
            }
        }
        text += " (";
        text += client_.endpoint.authority;
        text += ", attempt " + std::to_string(a.number);
        if (a.outcome.response_started && !a.outcome.idempotent) {
            text += ", not resent: the response had started and the operation is not idempotent";
        } else if (quota_spent) {
            text += ", ";
            text += quota_note;
        }
        text += ')';
        return client_error(e, text);
    }

    client_impl& client_;
    wire_request wire_;
    diagnostics* diag_;
    call_control* in_caller_;
    steady::time_point deadline_{};
    asio::cancellation_state cancellation_;
    asio::cancellation_slot slot_;  // where the call's operations take their cancellation
    call_outcome failure_;
    std::optional<asio::steady_timer> timer_;
};

// Takes a call off the client's list when its steps are over (also when its frame is destroyed
// unrun), on the call's executor.
struct call_listing {
    client_impl& client;
    call_control& control;
    ~call_listing() { client.end_call(control); }
};

inline asio::awaitable<call_outcome> run_call(std::shared_ptr<client_impl> impl,
                                              std::shared_ptr<call_control> control,
                                              prepared_request p, diagnostics* diag) {
    const call_listing listed{*impl, *control};
    call c(*impl, std::move(p), diag, nullptr);
    co_return co_await c.run();
}

// The outcome of a call whose steps threw. Only resource exhaustion gets here: every expected
// failure is an error code.
inline call_outcome internal_failure(const std::exception_ptr& e, diagnostics* diag) {
    if (diag) {
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& x) {
            diag->assign_client_error(std::string("internal error: ") + x.what());
        } catch (...) {
            diag->assign_client_error("internal error");
        }
    }
    return {errc::connection, {}};
}

// co_spawn's completion: forwards the outcome to the type-erased handler, keeping its
// associated executor. The call's cancellation is its control's signal, which the handler's
// slot (when connected) forwards to.
struct spawn_completion {
    call_handler handler;
    asio::any_io_executor fallback;
    diagnostics* diag;
    std::shared_ptr<call_control> control;

    using executor_type = asio::associated_executor_t<call_handler, asio::any_io_executor>;
    executor_type get_executor() const noexcept {
        return asio::get_associated_executor(handler, fallback);
    }
    using cancellation_slot_type = asio::cancellation_slot;
    cancellation_slot_type get_cancellation_slot() const noexcept { return control->signal.slot(); }

    void operator()(std::exception_ptr e, call_outcome outcome) {
        if (e) outcome = internal_failure(e, diag);
        if (auto slot = handler.get_cancellation_slot(); slot.is_connected()) slot.clear();
        std::move(handler)(outcome.ec, std::move(outcome.body));
    }
};

// What both forms of a call do first: clear `diag`, then list the call as in flight (running on
// `ex`, see begin_call). Null, with the reason in `refused` and `diag`, for a call refused before
// anything runs (nothing is spawned, paced or sent): an invalid request, or a client shut down.
inline std::shared_ptr<call_control> admit_call(client_impl& impl, const prepared_request& request,
                                                diagnostics* diag,
                                                std::optional<asio::any_io_executor> ex,
                                                error_code& refused) {
    if (diag) diag->clear();
    auto refuse = [&](errc e, std::string_view why) -> std::shared_ptr<call_control> {
        if (diag) {
            diag->assign_client_error(std::string(request.op->name) + ": " + std::string(why));
        }
        refused = e;
        return nullptr;
    };
    if (!request.invalid.empty()) return refuse(errc::invalid_request, request.invalid);
    std::shared_ptr<call_control> control = impl.begin_call(std::move(ex));
    if (!control) return refuse(errc::cancelled, "cancelled: the client was shut down");
    return control;
}

inline void launch_call(const std::shared_ptr<client_core>& core, prepared_request request,
                        diagnostics* diag, call_handler handler) {
    error_code refused;
    auto& impl = static_cast<client_impl&>(*core);
    std::shared_ptr<call_control> control = admit_call(impl, request, diag, {}, refused);
    if (!control) {
        // Queued straight on the handler's executor (else the client's): nothing runs on the
        // client's.
        return complete_later(std::move(handler), impl.executor, refused, std::string());
    }
    if (auto slot = handler.get_cancellation_slot(); slot.is_connected()) {
        slot.emplace<forward_cancellation>(control);
    }
    auto ex = control->executor;
    auto steps =
        run_call(std::static_pointer_cast<client_impl>(core), control, std::move(request), diag);
    asio::co_spawn(ex, std::move(steps),
                   spawn_completion{std::move(handler), impl.executor, diag, std::move(control)});
}

// await_call's initiation. A named type, not a lambda: it lives in the coroutine frame of a
// function that header-only TUs share (g++ warns of a lambda's type there).
struct start_call_initiation {
    const std::shared_ptr<client_core>& impl;
    prepared_request& request;
    diagnostics* diag;

    template <class Handler>
    void operator()(Handler&& handler) const {
        start_call(impl, std::move(request), diag, call_handler(std::forward<Handler>(handler)));
    }
};

// Whether a call's steps may run in a coroutine on `ex`: its handlers run one at a time, so a
// cancellation emitted there (shutdown() from any thread) cannot race with the call's steps.
inline bool runs_in_order(const client_impl& impl, const asio::any_io_executor& ex) {
    if (ex.target<asio::strand<asio::io_context::executor_type>>() != nullptr) return true;
    return !impl.call_strands && ex == impl.executor;
}

// A call awaited by a coroutine (await_body). Its steps run inside that coroutine when its
// executor keeps them in order; the caller's cancellation reaches the call through its control,
// as it reaches a spawned call, and the coroutine's own settings are as before when the call
// ends. Otherwise the call is spawned, as with any other token.
inline asio::awaitable<call_outcome> run_awaited(std::shared_ptr<client_core> core,
                                                 prepared_request request, diagnostics* diag) {
    auto& impl = static_cast<client_impl&>(*core);
    const asio::any_io_executor ex = co_await asio::this_coro::executor;
    if (!runs_in_order(impl, ex)) {
        auto [ec, body] =
            co_await asio::async_initiate<const asio::as_tuple_t<asio::use_awaitable_t<>>,
                                          call_signature>(
                start_call_initiation{core, request, diag}, asio::as_tuple(asio::use_awaitable));
        co_return call_outcome{ec, std::move(body)};
    }
    error_code refused;
    std::shared_ptr<call_control> control = admit_call(impl, request, diag, ex, refused);
    if (!control) co_return call_outcome{refused, {}};
    const call_listing listed{impl, *control};
    const asio::cancellation_state caller = co_await asio::this_coro::cancellation_state;
    const bool throw_if_cancelled = co_await asio::this_coro::throw_if_cancelled();
    asio::cancellation_slot slot = caller.slot();
    if (slot.is_connected()) slot.emplace<forward_cancellation>(control);
    call_outcome outcome;
    try {
        call c(impl, std::move(request), diag, control.get());
        outcome = co_await c.run();
    } catch (...) {
        outcome = internal_failure(std::current_exception(), diag);
    }
    if (slot.is_connected()) slot.clear();
    co_await asio::this_coro::throw_if_cancelled(throw_if_cancelled);
    co_return outcome;
}

}  // namespace detail

IVSRT_DECL client::client(executor_type ex, client_config&& config, int)
    : impl_(std::make_shared<detail::client_impl>(std::move(ex), std::move(config))) {}

}  // namespace ivsrt
