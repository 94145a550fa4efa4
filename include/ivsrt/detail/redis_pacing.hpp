// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// The Redis pacing backend (ivsrt/redis_pacing.hpp): one pipelined connection per backend, on a
// strand. Replies come back in the order of the commands, so each one completes the oldest
// pending turn. Any doubt about that order (a timeout, a malformed reply, a closed connection)
// drops the connection and moves every pending turn to the local share: a reply is never matched
// to the wrong call.

#include <ivsrt/detail/crypto.hpp>
#include <ivsrt/detail/executors.hpp>
#include <ivsrt/detail/http_text.hpp>
#include <ivsrt/detail/resp.hpp>
#include <ivsrt/detail/tls.hpp>
#include <ivsrt/error.hpp>
#include <ivsrt/redis_pacing.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/url/parse.hpp>

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <deque>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>

namespace ivsrt::detail {

// GCRA on Redis's clock. KEYS[1]: the bucket. ARGV: interval, tolerance (burst - 1 intervals) and
// the longest acceptable wait, in microseconds. Returns the wait before the call may start, or -1
// (nothing reserved) when it would be longer than acceptable.
inline constexpr std::string_view redis_gcra_script = R"(local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local wait = tat - tonumber(ARGV[2]) - now
if wait < 0 then wait = 0 end
if wait > tonumber(ARGV[3]) then return -1 end
local next_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%d', next_tat), 'PX', math.ceil((next_tat - now) / 1000) + 1000)
return wait
)";

// Where Redis is and how to log in, from the URL.
struct redis_target {
    bool unix_socket = false;
    bool tls = false;  // rediss://
    std::string host;  // or the socket's path
    std::string port = "6379";
    std::string user, password;
    std::string db;     // empty: 0, no SELECT
    std::string where;  // "redis at host:port", for messages (no credentials)
};

inline redis_target parse_redis_url(const std::string& url) {
    const auto bad = [](const std::string& why) {
        return std::invalid_argument("redis_pacing_config.url: " + why);
    };
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed) throw bad("not a URL (redis://host:port/db or unix:///path)");
    redis_target t;
    const std::string scheme(parsed->scheme());
    if (scheme == "unix") {
        t.unix_socket = true;
        t.host = parsed->path();
        if (t.host.empty()) throw bad("unix: needs the socket's path (unix:///path/to/redis.sock)");
        for (auto p : parsed->params()) {
            if (p.key != "db" || !all_digits(p.value))
                throw bad("unix: the only parameter is db=<number>");
            t.db = p.value;
        }
        t.where = "redis at " + t.host;
    } else if (scheme == "redis" || scheme == "rediss") {
        t.tls = scheme == "rediss";
        t.host = parsed->host_address();
        if (t.host.empty()) throw bad(scheme + ": needs a host (" + scheme + "://host:port/db)");
        if (parsed->has_port()) {
            if (!all_digits(parsed->port())) throw bad(scheme + ": the port must be a number");
            t.port = parsed->port();
        }
        std::string path = parsed->path();
        if (!path.empty() && path != "/") {
            if (!all_digits(std::string_view(path).substr(1)))
                throw bad(scheme + ": the path must be a database number (" + scheme +
                          "://host:port/0)");
            t.db = path.substr(1);
        }
        if (parsed->has_query()) throw bad(scheme + ": takes no query");
        t.where = "redis at " + std::string(parsed->encoded_host_and_port());
    } else {
        throw bad("the scheme must be redis, rediss (TLS) or unix");
    }
    if (parsed->has_userinfo()) {
        t.user = parsed->user();
        t.password = parsed->password();
        if (t.password.empty()) throw bad("a user needs a password (redis://user:password@host)");
    }
    return t;
}

class redis_pacer final : public pacing_backend, public std::enable_shared_from_this<redis_pacer> {
  public:
    redis_pacer(boost::asio::any_io_executor ex, redis_pacing_config config)
        : ex_(ex),
          strand_(boost::asio::make_strand(ex)),
          config_(std::move(config)),
          target_(parse_redis_url(config_.url)),
          sha_(sha1_hex(redis_gcra_script)),
          watchdog_(strand_) {
        if (config_.timeout.count() <= 0)
            throw std::invalid_argument("redis_pacing_config.timeout: must be positive");
        if (config_.expected_replicas < 1)
            throw std::invalid_argument(
                "redis_pacing_config.expected_replicas: must be at least 1");
        if (config_.retry_interval.count() < 0)
            throw std::invalid_argument("redis_pacing_config.retry_interval: must not be negative");
        if (target_.tls) {
            try {
                tls_ = std::make_unique<tls_client_context>(true, config_.ca_file);
            } catch (const boost::system::system_error&) {
                throw std::invalid_argument("redis_pacing_config.ca_file: cannot be read as PEM");
            }
        }
        config_.url.clear();  // the password stays in target_ only
    }

    void async_reserve(std::string_view region, const operation_pace& pace,
                       clock::time_point deadline, handler_type handler) override {
        turn t{std::string(region), pace, deadline, std::move(handler)};
        boost::asio::post(strand_, [self = shared_from_this(), t = std::move(t)]() mutable {
            self->reserve(std::move(t));
        });
    }

  private:
    using socket_type = boost::asio::generic::stream_protocol::socket;

    // One connection to Redis; what an operation in flight uses stays alive with it.
    struct connection {
        explicit connection(const boost::asio::strand<boost::asio::any_io_executor>& s)
            : socket(s) {}
        socket_type socket;
        std::optional<boost::asio::ssl::stream<socket_type&>> tls;  // rediss://
        std::string wire;                                           // the bytes being written
    };

    struct turn {
        std::string region;
        operation_pace pace;
        clock::time_point deadline;
        handler_type handler;
    };

    // A command on the wire whose reply is awaited: a turn, or AUTH / SELECT (no turn).
    struct pending {
        std::optional<turn> call;
        std::string command;
        clock::time_point step_deadline;
        bool eval = false;  // sent with the script's text
    };

    static std::int64_t micros(double seconds) { return std::llround(seconds * 1e6); }

    std::string encode_turn(const turn& t, bool eval) const {
        const double interval = 1.0 / t.pace.tps;
        const std::string key = config_.key_prefix + ":" + t.region + ":" + t.pace.operation;
        const auto max_wait = std::chrono::duration_cast<std::chrono::microseconds>(
            std::max(t.deadline - clock::now(), clock::duration::zero()));
        const std::string a1 = std::to_string(std::max<std::int64_t>(1, micros(interval)));
        const std::string a2 = std::to_string(micros(interval * (std::max(t.pace.burst, 1u) - 1)));
        const std::string a3 = std::to_string(max_wait.count());
        std::string out;
        if (eval) {
            resp::encode_command(out, {"EVAL", redis_gcra_script, "1", key, a1, a2, a3});
        } else {
            resp::encode_command(out, {"EVALSHA", sha_, "1", key, a1, a2, a3});
        }
        return out;
    }

    clock::time_point step_deadline(const turn& t) const {
        return std::min(t.deadline, clock::now() + config_.timeout);
    }

    void reserve(turn t) {
        const auto now = clock::now();
        if (state_ == state::down && now < down_until_)
            return complete_locally(std::move(t), reason_);
        pending p;
        p.command = encode_turn(t, false);
        p.step_deadline = step_deadline(t);
        p.call = std::move(t);
        pending_.push_back(std::move(p));
        if (state_ == state::up) {
            out_ += pending_.back().command;
            write();
            read();
        } else if (state_ == state::down) {
            connect();
        }
        arm_watchdog();
    }

    // ---- connection ----

    void connect() {
        state_ = state::connecting;
        read_before_ = false;
        ++generation_;
        boost::asio::co_spawn(strand_, connect_steps(generation_), boost::asio::detached);
    }

    boost::asio::awaitable<void> connect_steps(std::uint64_t gen) {
        namespace asio = boost::asio;
        using generic = asio::generic::stream_protocol;
        auto self = shared_from_this();
        // The connection is conn_ from the start, so that fail() (the watchdog) aborts it.
        auto conn = std::make_shared<connection>(strand_);
        conn_ = conn;
        boost::system::error_code ec;
        if (target_.unix_socket) {
            const asio::local::stream_protocol::endpoint ep(target_.host);
            conn->socket = socket_type(strand_, generic(ep.protocol()));
            std::tie(ec) = co_await conn->socket.async_connect(generic::endpoint(ep),
                                                               asio::as_tuple(asio::use_awaitable));
        } else {
            asio::ip::tcp::resolver resolver(strand_);
            auto [resolved, results] = co_await resolver.async_resolve(
                target_.host, target_.port, asio::as_tuple(asio::use_awaitable));
            if (gen != generation_) co_return;
            ec = resolved ? resolved : asio::error::host_not_found;
            for (const auto& entry : results) {
                conn->socket = socket_type(strand_, generic(entry.endpoint().protocol()));
                std::tie(ec) = co_await conn->socket.async_connect(
                    generic::endpoint(entry.endpoint()), asio::as_tuple(asio::use_awaitable));
                if (gen != generation_ || !ec) break;
            }
        }
        if (gen != generation_) co_return;
        if (ec) co_return fail("cannot connect: " + ec.message());
        if (tls_) {
            conn->tls.emplace(conn->socket, tls_->native());
            tls_->prepare(conn->tls->native_handle(), target_.host, ec);
            if (!ec) {
                std::tie(ec) = co_await conn->tls->async_handshake(
                    asio::ssl::stream_base::client, asio::as_tuple(asio::use_awaitable));
            }
            if (gen != generation_) co_return;
            if (ec) {
                const long verify = SSL_get_verify_result(conn->tls->native_handle());
                co_return fail("TLS: " + (verify != X509_V_OK
                                              ? std::string("the certificate was refused: ") +
                                                    X509_verify_cert_error_string(verify)
                                              : ec.message()));
            }
        }
        if (gen != generation_) co_return;
        if (ec) co_return fail("cannot connect: " + ec.message());
        state_ = state::up;
        // AUTH and SELECT first, then every turn that waited for the connection.
        std::deque<pending> handshake;
        if (!target_.password.empty()) {
            pending auth;
            if (target_.user.empty()) {
                resp::encode_command(auth.command, {"AUTH", target_.password});
            } else {
                resp::encode_command(auth.command, {"AUTH", target_.user, target_.password});
            }
            handshake.push_back(std::move(auth));
        }
        if (!target_.db.empty()) {
            pending select;
            resp::encode_command(select.command, {"SELECT", target_.db});
            handshake.push_back(std::move(select));
        }
        for (auto& h : handshake) {
            h.step_deadline = clock::now() + config_.timeout;
            out_ += h.command;
        }
        for (auto& p : pending_) out_ += p.command;
        pending_.insert(pending_.begin(), std::make_move_iterator(handshake.begin()),
                        std::make_move_iterator(handshake.end()));
        write();
        arm_watchdog();
        read();
    }

    // Reads replies while commands await them. No read is left pending on an idle connection, so
    // that an io_context whose calls are done runs out of work (as Asio users expect).
    void read() {
        if (reading_ || state_ != state::up || pending_.empty()) return;
        reading_ = true;
        reused_ = read_before_;
        read_before_ = true;
        replied_ = false;
        boost::asio::co_spawn(strand_, read_replies(generation_), boost::asio::detached);
    }

    void write() {
        if (writing_ || out_.empty() || state_ != state::up) return;
        writing_ = true;
        auto conn = conn_;
        conn->wire.swap(out_);
        out_.clear();
        auto written = boost::asio::bind_executor(
            strand_, [self = shared_from_this(), conn, gen = generation_](
                         boost::system::error_code ec, std::size_t) {
                if (gen != self->generation_) return;
                self->writing_ = false;
                if (ec) return self->fail("cannot send: " + ec.message());
                conn->wire.clear();
                self->write();
            });
        if (conn->tls) {
            boost::asio::async_write(*conn->tls, boost::asio::buffer(conn->wire),
                                     std::move(written));
        } else {
            boost::asio::async_write(conn->socket, boost::asio::buffer(conn->wire),
                                     std::move(written));
        }
    }

    boost::asio::awaitable<void> read_replies(std::uint64_t gen) {
        namespace asio = boost::asio;
        auto self = shared_from_this();
        const auto conn = conn_;
        std::string in;
        char buffer[4096];
        for (;;) {
            if (pending_.empty() && in.empty()) {
                reading_ = false;
                co_return;
            }
            // (No co_await inside ?:, which g++ 12 miscompiles.)
            std::tuple<boost::system::error_code, std::size_t> got;
            if (conn->tls) {
                got = co_await conn->tls->async_read_some(asio::buffer(buffer),
                                                          asio::as_tuple(asio::use_awaitable));
            } else {
                got = co_await conn->socket.async_read_some(asio::buffer(buffer),
                                                            asio::as_tuple(asio::use_awaitable));
            }
            const auto [ec, n] = got;
            if (gen != generation_) co_return;
            if (ec)
                co_return fail(ec == asio::error::eof ? "the connection was closed"
                                                      : "cannot read: " + ec.message());
            in.append(buffer, n);
            for (;;) {
                resp::reply reply;
                std::size_t used = 0;
                const resp::status s = resp::parse(in, reply, used);
                if (s == resp::status::incomplete) break;
                if (s == resp::status::malformed) co_return fail("a reply is not RESP");
                in.erase(0, used);
                if (!on_reply(std::move(reply))) co_return;
                if (gen != generation_) co_return;
            }
        }
    }

    // Returns false when the connection was dropped.
    bool on_reply(resp::reply reply) {
        using type = resp::reply::type;
        if (pending_.empty()) {
            fail("a reply came for no command");
            return false;
        }
        replied_ = true;
        pending p = std::move(pending_.front());
        pending_.pop_front();
        arm_watchdog();
        if (!p.call) {  // AUTH or SELECT
            if (reply.kind == type::error) {
                // The first word only: Redis's texts do not quote the password, but stay safe.
                const std::string code = reply.text.substr(0, reply.text.find(' '));
                fail("the login (AUTH/SELECT) was refused: " + code);
                return false;
            }
            return true;
        }
        if (reply.kind == type::integer && reply.integer >= 0) {
            complete(std::move(*p.call), {},
                     pacing_turn{std::chrono::microseconds(reply.integer), true, {}});
            return true;
        }
        if (reply.kind == type::integer && reply.integer == -1) {
            complete(std::move(*p.call), errc::timeout, {});
            return true;
        }
        if (reply.kind == type::error && reply.text.starts_with("NOSCRIPT") && !p.eval) {
            // Redis restarted or flushed its scripts: send this turn again with the script's
            // text, which also loads it for the EVALSHAs that follow.
            p.eval = true;
            p.command = encode_turn(*p.call, true);
            out_ += p.command;
            pending_.push_back(std::move(p));
            write();
            arm_watchdog();
            return true;
        }
        const std::string what =
            reply.kind == type::error ? reply.text.substr(0, reply.text.find(' ')) : "unexpected";
        complete_locally(std::move(*p.call), target_.where + ": the script's reply is " + what);
        return true;
    }

    // Drops the connection: every pending turn goes to the local share. A connection that had
    // been idle and failed before any reply may simply have been closed meanwhile (Redis
    // restarted, an idle timeout): its turns are sent again once, on a new connection.
    void fail(const std::string& why) {
        const bool resend = state_ == state::up && reused_ && !replied_;
        ++generation_;
        boost::system::error_code ignored;
        if (conn_) conn_->socket.close(ignored);  // operations in flight keep it alive
        conn_.reset();
        watchdog_.cancel();
        writing_ = false;
        reading_ = false;
        out_.clear();
        if (resend) {
            std::erase_if(pending_, [](const pending& p) { return !p.call; });
            for (auto& p : pending_) p.step_deadline = step_deadline(*p.call);
            connect();
            arm_watchdog();
            return;
        }
        state_ = state::down;
        reason_ = target_.where + ": " + why;
        down_until_ = clock::now() + config_.retry_interval;
        std::deque<pending> turns = std::move(pending_);
        pending_.clear();
        for (auto& p : turns) {
            if (p.call) complete_locally(std::move(*p.call), reason_);
        }
    }

    void arm_watchdog() {
        if (pending_.empty()) {
            watchdog_.cancel();
            return;
        }
        clock::time_point first = clock::time_point::max();
        for (const auto& p : pending_) first = std::min(first, p.step_deadline);
        if (watchdog_.expiry() == first) return;
        watchdog_.expires_at(first);
        watchdog_.async_wait([self = shared_from_this(), gen = generation_,
                              first](boost::system::error_code ec) {
            if (ec || gen != self->generation_) return;
            if (self->watchdog_.expiry() != first) return;
            self->fail("no reply within " + std::to_string(self->config_.timeout.count()) + " ms");
        });
    }

    // ---- completions ----

    void complete_locally(turn t, const std::string& why) {
        const operation_pace share{t.pace.operation, t.pace.tps / config_.expected_replicas, 1};
        auto& bucket = local_[t.region + ":" + t.pace.operation];
        if (!bucket) bucket = std::make_unique<pacing_bucket>(std::max(share.tps, 1.0 / 86400), 1);
        const auto now = clock::now();
        const auto slot = bucket->reserve(now);
        if (slot.start > t.deadline) {
            bucket->cancel(slot);
            return complete(std::move(t), errc::timeout, {});
        }
        complete(std::move(t), {}, pacing_turn{slot.start - now, false, why});
    }

    void complete(turn t, boost::system::error_code ec, pacing_turn result) {
        complete_later(std::move(t.handler), ex_, ec, std::move(result));
    }

    enum class state { down, connecting, up };

    boost::asio::any_io_executor ex_;
    boost::asio::strand<boost::asio::any_io_executor> strand_;
    redis_pacing_config config_;
    redis_target target_;
    std::string sha_;
    std::unique_ptr<tls_client_context> tls_;  // rediss://
    std::shared_ptr<connection> conn_;
    boost::asio::steady_timer watchdog_;
    state state_ = state::down;
    std::uint64_t generation_ = 0;
    clock::time_point down_until_{};
    std::string reason_;
    std::deque<pending> pending_;
    std::string out_;  // commands not yet handed to a write
    bool writing_ = false;
    bool reading_ = false;
    bool read_before_ = false;  // the connection has had a reader (it may have idled since)
    bool reused_ = false;       // the current reader started on a connection that had idled
    bool replied_ = false;      // a reply arrived since the current reader started
    std::map<std::string, std::unique_ptr<pacing_bucket>, std::less<>> local_;
};

inline std::shared_ptr<pacing_backend> redis_pacing_from_environment(
    boost::asio::any_io_executor ex, const std::string& url, unsigned expected_replicas) {
    redis_pacing_config config;
    config.url = url;
    config.expected_replicas = expected_replicas;
    return make_redis_pacing(std::move(ex), std::move(config));
}

// Including ivsrt/redis_pacing.hpp lets IVSRT_PACING_REDIS_URL configure clients.
inline const bool redis_pacing_registered = [] {
    redis_pacing_factory = &redis_pacing_from_environment;
    return true;
}();

}  // namespace ivsrt::detail

inline std::shared_ptr<ivsrt::pacing_backend> ivsrt::make_redis_pacing(
    boost::asio::any_io_executor ex, redis_pacing_config config) {
    return std::make_shared<detail::redis_pacer>(std::move(ex), std::move(config));
}
