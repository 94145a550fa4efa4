// Test helper: a scripted HTTP/1.1 server on 127.0.0.1 (ephemeral port), plain or TLS, built on
// Beast and Asio coroutines. Each accepted connection runs the test's script; stop() closes the
// acceptor and every connection, so every loop ends and io_context::run() returns.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace ivsrt::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

// One accepted connection.
class server_connection {
  public:
    server_connection(asio::ip::tcp::socket socket, asio::ssl::context* tls, std::size_t index)
        : index(index) {
        if (tls) {
            tls_.emplace(beast::tcp_stream(std::move(socket)), *tls);
        } else {
            plain_.emplace(std::move(socket));
        }
    }

    // Reads one request; false when the client closed or the read failed.
    asio::awaitable<bool> read(http::request<http::string_body>& req) {
        // (No co_await inside ?: or ||: g++ 12 miscompiles those.)
        auto token = asio::as_tuple(asio::use_awaitable);
        std::tuple<boost::system::error_code, std::size_t> r;
        if (tls_) {
            r = co_await http::async_read(*tls_, buffer_, req, token);
        } else {
            r = co_await http::async_read(*plain_, buffer_, req, token);
        }
        co_return !std::get<0>(r);
    }

    // Writes a response with `body`; keep_alive false adds "Connection: close".
    asio::awaitable<bool> reply(unsigned status, std::string body, bool keep_alive = true) {
        http::response<http::string_body> res{static_cast<http::status>(status), 11};
        res.body() = std::move(body);
        res.keep_alive(keep_alive);
        co_return co_await send(res);
    }

    // Writes `res` as given, with its Content-Length set from the body.
    asio::awaitable<bool> send(http::response<http::string_body>& res) {
        res.prepare_payload();
        auto token = asio::as_tuple(asio::use_awaitable);
        std::tuple<boost::system::error_code, std::size_t> r;
        if (tls_) {
            r = co_await http::async_write(*tls_, res, token);
        } else {
            r = co_await http::async_write(*plain_, res, token);
        }
        co_return !std::get<0>(r);
    }

    // Writes `bytes` as they are: for responses no well-behaved server would send.
    asio::awaitable<bool> write_raw(std::string bytes) {
        auto token = asio::as_tuple(asio::use_awaitable);
        std::tuple<boost::system::error_code, std::size_t> r;
        if (tls_) {
            r = co_await asio::async_write(*tls_, asio::buffer(bytes), token);
        } else {
            r = co_await asio::async_write(*plain_, asio::buffer(bytes), token);
        }
        co_return !std::get<0>(r);
    }

    asio::awaitable<bool> handshake() {
        auto [ec] = co_await tls_->async_handshake(asio::ssl::stream_base::server,
                                                   asio::as_tuple(asio::use_awaitable));
        co_return !ec;
    }
    bool is_tls() const { return tls_.has_value(); }

    // Closes the socket (no TLS close_notify: like a server dropping an idle connection).
    void close() {
        boost::system::error_code ignored;
        (tls_ ? tls_->next_layer() : *plain_).socket().close(ignored);
    }

    // Closes with a TCP reset (RST) instead of an orderly FIN.
    void reset() {
        auto& socket = (tls_ ? tls_->next_layer() : *plain_).socket();
        boost::system::error_code ignored;
        socket.set_option(asio::socket_base::linger(true, 0), ignored);
        socket.close(ignored);
    }

    const std::size_t index;  // 0 for the first accepted connection, then 1, ...

  private:
    std::optional<beast::tcp_stream> plain_;
    std::optional<asio::ssl::stream<beast::tcp_stream>> tls_;
    beast::flat_buffer buffer_;
};

using server_script = std::function<asio::awaitable<void>(server_connection&)>;

// Serves up to `n` requests with 200 and bodies "0", "1", ...; stops when the client closes.
inline asio::awaitable<void> serve_requests(server_connection& c, std::size_t n) {
    http::request<http::string_body> req;
    for (std::size_t i = 0; i < n; ++i) {
        req = {};
        if (!co_await c.read(req)) co_return;
        if (!co_await c.reply(200, std::to_string(i))) co_return;
    }
}

// A port on 127.0.0.1 that nobody listens on: a listener is bound to an ephemeral port and closed
// at once, so a connection to it is refused.
inline std::uint16_t closed_port() {
    asio::io_context ioc;
    asio::ip::tcp::acceptor listener(ioc, {asio::ip::make_address("127.0.0.1"), 0});
    return listener.local_endpoint().port();
}

class loopback_server {
  public:
    loopback_server(asio::any_io_executor ex, server_script script,
                    asio::ssl::context* tls = nullptr)
        : state_(std::make_shared<state>(ex, std::move(script), tls)) {
        asio::co_spawn(ex, accept_loop(state_), asio::detached);
    }
    loopback_server(const loopback_server&) = delete;
    loopback_server& operator=(const loopback_server&) = delete;
    ~loopback_server() { stop(); }

    std::uint16_t port() const { return state_->acceptor.local_endpoint().port(); }
    std::size_t accepted() const { return state_->accepted; }

    void stop() {
        boost::system::error_code ignored;
        state_->acceptor.close(ignored);
        for (auto& weak : state_->connections) {
            if (auto c = weak.lock()) c->close();
        }
    }

  private:
    struct state {
        state(asio::any_io_executor ex, server_script s, asio::ssl::context* t)
            : acceptor(ex, {asio::ip::make_address("127.0.0.1"), 0}),
              script(std::move(s)),
              tls(t) {}
        asio::ip::tcp::acceptor acceptor;
        server_script script;
        asio::ssl::context* tls;
        std::size_t accepted = 0;
        std::vector<std::weak_ptr<server_connection>> connections;
    };

    static asio::awaitable<void> accept_loop(std::shared_ptr<state> s) {
        for (;;) {
            auto [ec, socket] =
                co_await s->acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
            if (ec) co_return;  // stopped
            auto c = std::make_shared<server_connection>(std::move(socket), s->tls, s->accepted++);
            s->connections.push_back(c);
            asio::co_spawn(s->acceptor.get_executor(), session(s, c), asio::detached);
        }
    }

    static asio::awaitable<void> session(std::shared_ptr<state> s,
                                         std::shared_ptr<server_connection> c) {
        bool ready = true;
        if (c->is_tls()) ready = co_await c->handshake();
        if (ready) co_await s->script(*c);
        c->close();
    }

    std::shared_ptr<state> state_;
};

}  // namespace ivsrt::test
