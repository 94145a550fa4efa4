// The quick-start demo, against a local ivsrt-emulator (tools/quickstart.sh starts one):
// participant tokens issued through the API (paced under the 50 TPS quota) and minted locally
// (ES384, no quota), simulated participants joining with both kinds, ListParticipants streamed
// through the async generator, a summary table, and clean-up.
//
// Endpoint and credentials come from the environment (AWS_ENDPOINT_URL_IVS_REALTIME, ...).
#include <ivsrt.hpp>

#include "common/run.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace json = boost::json;
namespace model = ivsrt::model;
using seconds_d = std::chrono::duration<double>;

namespace {

constexpr int api_tokens = 150;
constexpr int minted_tokens = 2000;

// POST /_emulator/<action>: the emulator's control endpoints for simulated participants.
asio::awaitable<json::value> control(const ivsrt::endpoint& ep, std::string_view action,
                                     const json::object& body) {
    boost::beast::tcp_stream stream(co_await asio::this_coro::executor);
    asio::ip::tcp::resolver resolver(co_await asio::this_coro::executor);
    co_await stream.async_connect(
        co_await resolver.async_resolve(ep.host, std::to_string(ep.port), asio::use_awaitable),
        asio::use_awaitable);
    http::request<http::string_body> req{http::verb::post, "/_emulator/" + std::string(action), 11};
    req.set(http::field::host, ep.authority);
    req.set(http::field::content_type, "application/json");
    req.body() = json::serialize(body);
    req.prepare_payload();
    co_await http::async_write(stream, req, asio::use_awaitable);
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> res;
    co_await http::async_read(stream, buffer, res, asio::use_awaitable);
    if (res.result_int() != 200) {
        throw std::runtime_error(std::string(action) + ": HTTP " +
                                 std::to_string(res.result_int()) + " " + res.body());
    }
    co_return json::parse(res.body());
}

void progress(const char* what, int done, int total, std::chrono::steady_clock::time_point start) {
    const double s = seconds_d(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "\r  %-22s %5d/%d  %8.1f per second", what, done, total,
                 s > 0 ? done / s : 0.0);
    if (done == total) std::fprintf(stderr, "\n");
}

asio::awaitable<void> demo(ivsrt::client& ivs) {
    auto ex = co_await asio::this_coro::executor;
    std::cout << "ivsrt " << ivsrt::version_string << " demo against " << ivs.endpoint().url
              << "\n\n1. CreateStage\n";
    const model::create_stage_request create{.name = "ivsrt-demo"};
    const model::stage stage = (co_await ivs.async_create_stage(create)).stage.value();
    std::cout << "  " << stage.arn << "\n";

    // 2. Through the API: all requests at once; the client's pacing spreads them at 50 per second.
    std::cout << "2. CreateParticipantToken x" << api_tokens << " through the API (paced)\n";
    std::vector<model::participant_token> issued(api_tokens);
    const auto api_start = std::chrono::steady_clock::now();
    int api_done = 0, api_failed = 0;
    {
        asio::steady_timer all_done(ex, asio::steady_timer::time_point::max());
        for (int i = 0; i < api_tokens; ++i) {
            asio::co_spawn(
                ex,
                [&, i]() -> asio::awaitable<void> {
                    const model::create_participant_token_request req{
                        .stage_arn = stage.arn, .user_id = "api-" + std::to_string(i)};
                    ivsrt::diagnostics diag;
                    auto [ec, r] = co_await ivs.async_create_participant_token(
                        req, diag, asio::as_tuple(asio::use_awaitable));
                    if (ec) {
                        ++api_failed;
                        std::cerr << "\n  token " << i << ": " << diag.to_string() << "\n";
                    } else {
                        issued[i] = r.participant_token.value();
                    }
                },
                [&](std::exception_ptr) {
                    progress("issued via the API", ++api_done, api_tokens, api_start);
                    if (api_done == api_tokens) all_done.cancel();
                });
        }
        co_await all_done.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    const double api_seconds = seconds_d(std::chrono::steady_clock::now() - api_start).count();

    // 3. Locally: a P-384 key pair, its public key imported once, then tokens minted with no
    // request and no quota.
    std::cout << "3. ImportPublicKey, then " << minted_tokens << " tokens minted locally (ES384)\n";
    const auto keys = ivsrt::generate_participant_token_key_pair();
    const auto import_request =
        ivsrt::make_import_public_key_request(keys.public_key_pem, "ivsrt-demo");
    const std::string key_arn =
        (co_await ivs.async_import_public_key(import_request)).public_key.value().arn.value();
    const ivsrt::participant_token_minter minter(keys.private_key_pem, key_arn);
    auto claims = ivsrt::participant_token_claims::for_stage(stage);
    std::vector<model::participant_token> minted;
    minted.reserve(minted_tokens);
    const auto mint_start = std::chrono::steady_clock::now();
    for (int i = 0; i < minted_tokens; ++i) {
        claims.user_id = "minted-" + std::to_string(i);
        claims.participant_id.clear();  // a fresh random id for each token
        minted.push_back(minter.mint(claims));
        if ((i + 1) % 250 == 0) progress("minted locally", i + 1, minted_tokens, mint_start);
    }
    const double mint_seconds = seconds_d(std::chrono::steady_clock::now() - mint_start).count();

    // 4. Simulated participants join with both kinds of tokens; two of them publish.
    std::cout << "4. Simulated participants join (emulator control endpoints)\n";
    std::vector<std::string> joined;
    for (const auto* token : {&issued[0], &issued[1], &issued[2], &minted[0], &minted[1]}) {
        const json::object body{{"token", *token->token}};
        const json::value r = co_await control(ivs.endpoint(), "join", body);
        joined.emplace_back(r.at("participant").at("participantId").as_string());
    }
    for (const std::size_t i : {std::size_t{0}, std::size_t{3}}) {
        const json::object body{{"stageArn", stage.arn}, {"participantId", joined[i]}};
        co_await control(ivs.endpoint(), "publish", body);
    }
    std::cout << "  " << joined.size() << " joined, 2 publishing\n";

    // 5. ListParticipants through the async generator, one page of 2 at a time.
    std::cout << "5. ListParticipants (item stream, pages of 2)\n";
    const model::get_stage_request get{.arn = stage.arn};
    const std::string session =
        (co_await ivs.async_get_stage(get)).stage->active_session_id.value();
    auto participants = ivs.list_participants_items(
        {.stage_arn = stage.arn, .session_id = session, .max_results = 2});
    int listed = 0;
    while (auto p = co_await participants.async_next()) {
        ++listed;
        std::cout << "  " << p->participant_id.value_or("?") << "  " << p->user_id.value_or("")
                  << "  " << p->state.value_or(model::participant_state{})
                  << (p->published.value_or(false) ? "  publishing" : "") << "\n";
    }

    // 6. Summary.
    std::printf(
        "\n  %-34s %8s %9s %12s\n"
        "  %-34s %8d %9.2f %12.1f\n"
        "  %-34s %8d %9.2f %12.1f\n"
        "  participants joined: %zu (3 with API tokens, 2 with minted ones), listed: %d, "
        "API errors: %d\n\n",
        "tokens", "count", "seconds", "per second", "CreateParticipantToken (paced)", api_tokens,
        api_seconds, api_tokens / api_seconds, "minted locally (ES384)", minted_tokens,
        mint_seconds, minted_tokens / mint_seconds, joined.size(), listed, api_failed);

    // 7. Clean-up.
    std::cout << "7. Clean-up\n";
    for (const std::string& id : joined) {
        const json::object body{{"stageArn", stage.arn}, {"participantId", id}};
        co_await control(ivs.endpoint(), "leave", body);
    }
    const model::delete_stage_request remove_stage{.arn = stage.arn};
    co_await ivs.async_delete_stage(remove_stage);
    const model::delete_public_key_request remove_key{.arn = key_arn};
    co_await ivs.async_delete_public_key(remove_key);
    std::cout << "  stage and public key deleted\n";
    if (api_failed || listed != static_cast<int>(joined.size())) {
        throw std::runtime_error("the demo did not go as expected");
    }
}

}  // namespace

int main() {
    return example::run_main(demo, {}, "demo failed");
}
