// Example 6: a token-vending service, the piece every IVS Real-Time app has on its backend.
//
// An HTTP server (Beast) that app backends call to get participant tokens for their users:
//   POST /token {"userId": "...", "capabilities": ["PUBLISH"|"SUBSCRIBE", ...]}
//     X-Caller: <caller id>, X-Timestamp: <unix seconds>,
//     X-Signature: hex HMAC-SHA256(shared secret, caller "\n" timestamp "\n" body)
//   GET /metrics: requests, rejections, tokens minted and issued through the API, client events.
// Callers are authenticated (HMAC with a shared secret, timestamps within 5 minutes) and rate
// limited each (a token bucket per caller). Tokens are minted locally with a key imported at
// start (no quota); without one (the import failed) they come from CreateParticipantToken,
// which the client paces at the 50 per second quota.
//
// Run as is, the example starts the service on 127.0.0.1 and loads it: 64 concurrent callers
// send 2,000 requests, each checking that the token it got is for its own user, then a phase
// without the minting key (through the API), a caller over its rate limit and a caller with a
// bad signature. It prints one JSON line (requests per second and p99 at C=64, counts) and exits
// with 1 when any check fails. `6_token_service --requests N --concurrency C` changes the load.
#include <ivsrt.hpp>

#include "common/run.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
namespace model = ivsrt::model;
using asio::ip::tcp;
using std::chrono::steady_clock;

namespace {

constexpr std::string_view shared_secret = "example-shared-secret";  // from a secret store
constexpr auto max_clock_difference = std::chrono::minutes(5);

std::string hmac_hex(std::string_view key, std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int size = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(), &size);
    static constexpr char digits[] = "0123456789abcdef";
    std::string hex;
    for (unsigned i = 0; i < size; ++i) {
        hex += digits[mac[i] >> 4];
        hex += digits[mac[i] & 15];
    }
    return hex;
}

std::string signing_input(std::string_view caller, std::string_view timestamp,
                          std::string_view body) {
    std::string s(caller);
    s += '\n';
    s += timestamp;
    s += '\n';
    s += body;
    return s;
}

long long unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// A token bucket per caller: `rate` requests per second, bursts of `burst`.
class rate_limiter {
  public:
    rate_limiter(double rate, double burst) : rate_(rate), burst_(burst) {}
    void set(const std::string& caller, double rate, double burst) {
        buckets_[caller] = {burst, steady_clock::now(), rate, burst};
    }
    bool allow(const std::string& caller) {
        const auto now = steady_clock::now();
        auto [it, added] = buckets_.try_emplace(caller, bucket{burst_, now, rate_, burst_});
        bucket& b = it->second;
        const std::chrono::duration<double> elapsed = now - b.last;
        b.tokens = std::min(b.burst, b.tokens + elapsed.count() * b.rate);
        b.last = now;
        if (b.tokens < 1) return false;
        b.tokens -= 1;
        return true;
    }

  private:
    struct bucket {
        double tokens;
        steady_clock::time_point last;
        double rate;
        double burst;
    };
    double rate_;
    double burst_;
    std::map<std::string, bucket> buckets_;
};

struct metrics {
    long requests = 0, unauthenticated = 0, rate_limited = 0, bad_requests = 0, failed = 0;
    long minted = 0, from_api = 0;
    std::map<std::string, long> client_events;  // on_event, by kind

    json::object to_json() const {
        json::object events;
        for (const auto& [kind, n] : client_events) events[kind] = n;
        return {{"requests", requests},
                {"unauthenticated", unauthenticated},
                {"rateLimited", rate_limited},
                {"badRequests", bad_requests},
                {"failed", failed},
                {"minted", minted},
                {"fromApi", from_api},
                {"clientEvents", std::move(events)}};
    }
};

class token_service {
  public:
    token_service(ivsrt::client& ivs, model::stage stage, metrics& m)
        : ivs_(ivs), stage_(std::move(stage)), metrics_(m), limits_(1000, 200) {}

    // Mint locally with this key, or (nullopt) issue through the API.
    void use_minter(std::optional<ivsrt::participant_token_minter> minter) {
        minter_ = std::move(minter);
    }
    rate_limiter& limits() { return limits_; }

    asio::awaitable<void> serve(tcp::acceptor& acceptor) {
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
            if (ec) co_return;  // closed
            asio::co_spawn(acceptor.get_executor(), session(beast::tcp_stream(std::move(socket))),
                           asio::detached);
        }
    }

  private:
    asio::awaitable<void> session(beast::tcp_stream stream) {
        beast::flat_buffer buffer;
        for (;;) {
            http::request_parser<http::string_body> parser;
            parser.body_limit(16 * 1024);
            stream.expires_after(std::chrono::seconds(30));
            auto [ec, n] = co_await http::async_read(stream, buffer, parser,
                                                     asio::as_tuple(asio::use_awaitable));
            if (ec) co_return;
            const http::request<http::string_body> request = parser.release();
            http::response<http::string_body> response = co_await handle(request);
            response.version(request.version());
            response.keep_alive(request.keep_alive());
            response.set(http::field::content_type, "application/json");
            response.prepare_payload();
            auto [wec, m] =
                co_await http::async_write(stream, response, asio::as_tuple(asio::use_awaitable));
            if (wec || !response.keep_alive()) co_return;
        }
    }

    static http::response<http::string_body> reply(http::status status, json::value body) {
        http::response<http::string_body> r{status, 11};
        r.body() = json::serialize(body);
        return r;
    }

    asio::awaitable<http::response<http::string_body>> handle(
        const http::request<http::string_body>& request) {
        ++metrics_.requests;
        if (request.method() == http::verb::get && request.target() == "/metrics") {
            co_return reply(http::status::ok, metrics_.to_json());
        }
        if (request.method() != http::verb::post || request.target() != "/token") {
            ++metrics_.bad_requests;
            co_return reply(http::status::not_found, {{"message", "POST /token"}});
        }
        const std::string caller(request["X-Caller"]);
        const std::string timestamp(request["X-Timestamp"]);
        const std::string expected =
            hmac_hex(shared_secret, signing_input(caller, timestamp, request.body()));
        const std::string signature(request["X-Signature"]);
        long long sent_at = 0;
        try {
            sent_at = std::stoll(timestamp);
        } catch (const std::exception&) {
        }
        const auto skew = std::chrono::seconds(std::llabs(unix_now() - sent_at));
        if (caller.empty() || signature.size() != expected.size() ||
            CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) != 0 ||
            skew > max_clock_difference) {
            ++metrics_.unauthenticated;
            co_return reply(http::status::unauthorized, {{"message", "bad or missing signature"}});
        }
        if (!limits_.allow(caller)) {
            ++metrics_.rate_limited;
            co_return reply(http::status::too_many_requests, {{"message", "slow down"}});
        }

        boost::system::error_code ec;
        const json::value body = json::parse(request.body(), ec);
        const json::string* user = nullptr;
        if (!ec && body.is_object()) {
            if (const auto* u = body.as_object().if_contains("userId")) user = u->if_string();
        }
        if (user == nullptr || user->empty()) {
            ++metrics_.bad_requests;
            co_return reply(http::status::bad_request,
                            {{"message", "userId (a string) is required"}});
        }
        std::vector<model::participant_token_capability> capabilities;
        if (const auto* caps = body.as_object().if_contains("capabilities");
            caps && caps->is_array()) {
            for (const auto& c : caps->as_array()) {
                const auto cap = model::participant_token_capability::from_string(
                    c.is_string() ? std::string_view(c.as_string()) : std::string_view{});
                if (!cap.is_known()) {
                    ++metrics_.bad_requests;
                    co_return reply(http::status::bad_request,
                                    {{"message", "capabilities: PUBLISH or SUBSCRIBE"}});
                }
                capabilities.push_back(cap);
            }
        } else {
            capabilities = {model::participant_token_capability::subscribe};
        }

        std::string token;
        if (minter_) {
            auto claims = ivsrt::participant_token_claims::for_stage(stage_);
            claims.user_id = std::string(*user);
            claims.capabilities = capabilities;
            claims.duration = std::chrono::minutes(60);
            try {
                token = minter_->mint(claims).token.value();
            } catch (const std::invalid_argument& e) {  // e.g. a user id over 128 characters
                ++metrics_.bad_requests;
                co_return reply(http::status::bad_request, {{"message", e.what()}});
            }
            ++metrics_.minted;
        } else {
            model::create_participant_token_request create{
                .stage_arn = stage_.arn, .duration = 60, .user_id = std::string(*user)};
            create.capabilities = capabilities;
            ivsrt::diagnostics diag;
            auto [cec, issued] = co_await ivs_.async_create_participant_token(
                create, diag, asio::as_tuple(asio::use_awaitable));
            if (cec) {
                ++metrics_.failed;
                std::cerr << "CreateParticipantToken: " << diag.to_string() << "\n";
                const auto status = cec == ivsrt::errc::invalid_request ? http::status::bad_request
                                                                        : http::status::bad_gateway;
                co_return reply(status, {{"message", diag.to_string()}});
            }
            token = issued.participant_token.value().token.value();
            ++metrics_.from_api;
        }
        co_return reply(http::status::ok, {{"token", token}});
    }

    ivsrt::client& ivs_;
    model::stage stage_;
    metrics& metrics_;
    rate_limiter limits_;
    std::optional<ivsrt::participant_token_minter> minter_;
};

// --- the load test: app backends calling the service --------------------------------------------

// The user_id claim of a JWT (its claims decoded from base64url), or "" if there is none.
std::string user_id_claim(std::string_view token) {
    const auto first = token.find('.');
    const auto second = token.find('.', first + 1);
    if (first == std::string_view::npos || second == std::string_view::npos) return {};
    std::string text(token.substr(first + 1, second - first - 1));
    std::replace(text.begin(), text.end(), '-', '+');
    std::replace(text.begin(), text.end(), '_', '/');
    text.append((4 - text.size() % 4) % 4, '=');
    std::string decoded(text.size() / 4 * 3, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                                  reinterpret_cast<const unsigned char*>(text.data()),
                                  static_cast<int>(text.size()));
    if (n < 0) return {};
    decoded.resize(static_cast<std::size_t>(n));
    while (!decoded.empty() && decoded.back() == '\0') decoded.pop_back();  // padding bytes
    boost::system::error_code ec;
    const json::value claims = json::parse(decoded, ec);
    const json::value* user =
        !ec && claims.is_object() ? claims.as_object().if_contains("user_id") : nullptr;
    return user && user->is_string() ? std::string(user->as_string()) : std::string();
}

struct load_result {
    std::vector<double> latencies_ms;
    int ok = 0, wrong_user = 0, unauthorized = 0, limited = 0, other = 0;
};

// One caller's keep-alive connection sending requests number `next++` until `total`.
asio::awaitable<void> caller(tcp::endpoint server, std::string caller_id, std::string secret,
                             int& next, int total, load_result& out) {
    beast::tcp_stream stream(co_await asio::this_coro::executor);
    co_await stream.async_connect(server, asio::use_awaitable);
    beast::flat_buffer buffer;
    while (next < total) {
        const int i = next++;
        const std::string user = "user-" + std::to_string(i);
        http::request<http::string_body> request{http::verb::post, "/token", 11};
        request.body() = json::serialize(json::object{{"userId", user}});
        const std::string timestamp = std::to_string(unix_now());
        request.set("X-Caller", caller_id);
        request.set("X-Timestamp", timestamp);
        request.set("X-Signature",
                    hmac_hex(secret, signing_input(caller_id, timestamp, request.body())));
        request.prepare_payload();
        const auto start = steady_clock::now();
        co_await http::async_write(stream, request, asio::use_awaitable);
        http::response<http::string_body> response;
        co_await http::async_read(stream, buffer, response, asio::use_awaitable);
        out.latencies_ms.push_back(
            std::chrono::duration<double, std::milli>(steady_clock::now() - start).count());
        if (response.result() == http::status::ok) {
            const auto token = json::parse(response.body()).as_object().at("token").as_string();
            if (user_id_claim(token) == user) {
                ++out.ok;
            } else {
                ++out.wrong_user;  // user A must never get user B's token
            }
        } else if (response.result() == http::status::unauthorized) {
            ++out.unauthorized;
        } else if (response.result() == http::status::too_many_requests) {
            ++out.limited;
        } else {
            ++out.other;
            std::cerr << "HTTP " << response.result_int() << ": " << response.body() << "\n";
        }
    }
}

// `concurrency` callers send `total` requests in all; returns when all are done.
asio::awaitable<load_result> load(tcp::endpoint server, int total, int concurrency,
                                  std::string caller_prefix, std::string secret) {
    auto ex = co_await asio::this_coro::executor;
    load_result result;
    int next = 0;
    int running = concurrency;
    asio::steady_timer done(ex, asio::steady_timer::time_point::max());
    for (int c = 0; c < concurrency; ++c) {
        asio::co_spawn(
            ex, caller(server, caller_prefix + std::to_string(c % 8), secret, next, total, result),
            [&](std::exception_ptr e) {
                if (e) ++result.other;
                if (--running == 0) done.cancel();
            });
    }
    co_await done.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return result;
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

struct options {
    int requests = 2000;
    int concurrency = 64;
};

options parse_options(int argc, char** argv) {
    options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view flag = argv[i];
        const int value = std::stoi(argv[i + 1]);
        if (flag == "--requests") o.requests = value;
        if (flag == "--concurrency") o.concurrency = value;
    }
    return o;
}

options opts;
metrics service_metrics;

asio::awaitable<int> run(ivsrt::client& ivs) {
    auto ex = co_await asio::this_coro::executor;
    const model::create_stage_request create{.name = "example-6"};
    const model::stage stage = (co_await ivs.async_create_stage(create)).stage.value();

    // The minting key: generated here for the example; a real service loads its private key
    // from a secret store and imports the public key once.
    const auto keys = ivsrt::generate_participant_token_key_pair();
    const auto import = ivsrt::make_import_public_key_request(keys.public_key_pem, "example-6");
    const std::string key_arn =
        (co_await ivs.async_import_public_key(import)).public_key->arn.value();

    token_service service(ivs, stage, service_metrics);
    service.use_minter(ivsrt::participant_token_minter(keys.private_key_pem, key_arn));
    tcp::acceptor acceptor(ex, {asio::ip::make_address("127.0.0.1"), 0});
    const tcp::endpoint server = acceptor.local_endpoint();
    asio::co_spawn(ex, service.serve(acceptor), asio::detached);

    // 1. Load with local minting.
    const auto start = steady_clock::now();
    const load_result minted = co_await load(server, opts.requests, opts.concurrency, "backend-",
                                             std::string(shared_secret));
    const std::chrono::duration<double> took = steady_clock::now() - start;

    // 2. Without the key: through the API, paced at the quota.
    service.use_minter(std::nullopt);
    const load_result api = co_await load(server, 60, 16, "backend-", std::string(shared_secret));

    // 3. A caller over its limit (a burst of 5, then 1 per second), and one with a wrong secret.
    service.limits().set("greedy0", 1, 5);  // load() names its callers <prefix><n>
    const load_result greedy = co_await load(server, 10, 1, "greedy", std::string(shared_secret));
    const load_result forged = co_await load(server, 5, 1, "backend-", "not-the-secret");

    acceptor.close();
    const model::delete_public_key_request remove_key{.arn = key_arn};
    co_await ivs.async_delete_public_key(remove_key);
    const model::delete_stage_request remove_stage{.arn = stage.arn};
    co_await ivs.async_delete_stage(remove_stage);

    json::object line{{"concurrency", opts.concurrency},
                      {"requests", opts.requests},
                      {"requestsPerSecond", static_cast<double>(minted.ok) / took.count()},
                      {"p50Ms", percentile(minted.latencies_ms, 0.50)},
                      {"p99Ms", percentile(minted.latencies_ms, 0.99)},
                      {"apiTokens", api.ok},
                      {"greedyAccepted", greedy.ok},
                      {"greedyLimited", greedy.limited},
                      {"forgedRejected", forged.unauthorized},
                      {"service", service_metrics.to_json()}};
    std::cout << json::serialize(line) << "\n";

    std::vector<std::string> failures;
    if (minted.ok != opts.requests) failures.push_back("not every minted request got its token");
    if (minted.wrong_user + api.wrong_user + greedy.wrong_user != 0) {
        failures.push_back("a caller got another user's token");
    }
    if (api.ok != 60 || service_metrics.from_api != api.ok + greedy.ok) {
        failures.push_back("API fallback");
    }
    if (greedy.ok < 5 || greedy.limited < 1 || greedy.ok + greedy.limited != 10) {
        failures.push_back("per-caller rate limit");
    }
    if (forged.unauthorized != 5) failures.push_back("a forged signature was accepted");
    if (service_metrics.client_events["attempt_end"] < 60) failures.push_back("metrics");
    for (const auto& f : failures) std::cerr << "FAILED: " << f << "\n";
    co_return failures.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    opts = parse_options(argc, argv);
    ivsrt::client_config config;
    config.on_event = [](const ivsrt::client_event& e) {
        ++service_metrics.client_events[std::string(ivsrt::to_string(e.kind))];
    };
    return example::run_main(run, std::move(config));
}
