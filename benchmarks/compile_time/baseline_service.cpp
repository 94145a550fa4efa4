// Compile-time baseline: a service TU that calls a JSON API over HTTPS with plain Asio, Beast and
// Boost.JSON, what a user writes without an SDK: resolve, connect, TLS handshake, keep-alive
// requests with a timeout, JSON in and out, a paginated listing (the work of with_ivsrt.cpp).
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>

#include <iostream>
#include <string>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;

using stream = beast::ssl_stream<beast::tcp_stream>;

asio::awaitable<json::value> call(stream& s, const std::string& host, const std::string& target,
                                  const json::value& body) {
    http::request<http::string_body> req{http::verb::post, target, 11};
    req.set(http::field::host, host);
    req.set(http::field::content_type, "application/json");
    req.body() = json::serialize(body);
    req.prepare_payload();
    beast::get_lowest_layer(s).expires_after(std::chrono::seconds(10));
    co_await http::async_write(s, req, asio::use_awaitable);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    auto [ec, n] = co_await http::async_read(s, buffer, res, asio::as_tuple(asio::use_awaitable));
    if (ec) throw boost::system::system_error(ec);
    if (res.result() != http::status::ok)
        throw std::runtime_error("HTTP " + std::to_string(res.result_int()));
    co_return json::parse(res.body());
}

asio::awaitable<void> use(asio::ssl::context& tls, std::string host) {
    auto ex = co_await asio::this_coro::executor;
    asio::ip::tcp::resolver resolver(ex);
    auto endpoints = co_await resolver.async_resolve(host, "443", asio::use_awaitable);
    stream s(ex, tls);
    if (!SSL_set_tlsext_host_name(s.native_handle(), host.c_str())) co_return;
    co_await beast::get_lowest_layer(s).async_connect(endpoints, asio::use_awaitable);
    co_await s.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);

    json::object create;
    create["name"] = "x";
    auto stage = co_await call(s, host, "/CreateStage", create);
    auto arn = json::value_to<std::string>(stage.at("stage").at("arn"));
    json::object token_req;
    token_req["stageArn"] = arn;
    auto token = co_await call(s, host, "/CreateParticipantToken", token_req);
    std::cout << json::value_to<std::string>(token.at("participantToken").at("token")) << "\n";
    json::object get;
    get["arn"] = arn;
    auto got = co_await call(s, host, "/GetStage", get);
    std::cout << got.at("stage").at("name").as_string() << "\n";
    std::string next;
    do {
        json::object q;
        if (!next.empty()) q["nextToken"] = next;
        auto page = co_await call(s, host, "/ListStages", q);
        for (const auto& st : page.at("stages").as_array())
            std::cout << st.at("arn").as_string() << "\n";
        next = page.as_object().contains("nextToken")
                   ? json::value_to<std::string>(page.at("nextToken"))
                   : "";
    } while (!next.empty());
    beast::error_code ec;
    s.shutdown(ec);
}

int main() {
    asio::io_context ioc;
    asio::ssl::context tls(asio::ssl::context::tls_client);
    tls.set_default_verify_paths();
    tls.set_verify_mode(asio::ssl::verify_peer);
    asio::co_spawn(ioc, use(tls, "ivsrealtime.us-east-1.amazonaws.com"), asio::detached);
    ioc.run();
}
