// Test helper: an HTTP proxy on loopback that opens CONNECT tunnels (to 127.0.0.1, whatever
// host is asked for: tests name hosts that do not resolve) and counts them, or refuses them
// with a status the test chooses. Records the head of each CONNECT request.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ivsrt::test {

class connect_proxy {
  public:
    explicit connect_proxy(boost::asio::any_io_executor ex, unsigned refuse_with = 0)
        : state_(std::make_shared<state>(ex, refuse_with)) {
        boost::asio::co_spawn(ex, accept_loop(state_), boost::asio::detached);
    }
    connect_proxy(const connect_proxy&) = delete;
    connect_proxy& operator=(const connect_proxy&) = delete;
    ~connect_proxy() { stop(); }

    std::uint16_t port() const { return state_->acceptor.local_endpoint().port(); }
    std::string url(std::string userinfo = {}) const {
        return "http://" + (userinfo.empty() ? "" : userinfo + "@") +
               "127.0.0.1:" + std::to_string(port());
    }
    std::size_t tunnels() const { return state_->tunnels; }
    const std::vector<std::string>& heads() const { return state_->heads; }

    void stop() {
        boost::system::error_code ignored;
        state_->acceptor.close(ignored);
        for (auto& weak : state_->sockets) {
            if (auto s = weak.lock()) s->close(ignored);
        }
    }

  private:
    using tcp = boost::asio::ip::tcp;
    using socket_ptr = std::shared_ptr<tcp::socket>;

    struct state {
        state(boost::asio::any_io_executor ex, unsigned refuse)
            : acceptor(ex, {boost::asio::ip::make_address("127.0.0.1"), 0}), refuse_with(refuse) {}
        tcp::acceptor acceptor;
        unsigned refuse_with;
        std::size_t tunnels = 0;
        std::vector<std::string> heads;
        std::vector<std::weak_ptr<tcp::socket>> sockets;
    };

    static boost::asio::awaitable<void> accept_loop(std::shared_ptr<state> s) {
        for (int i = 0; i < 10000; ++i) {
            auto client = std::make_shared<tcp::socket>(s->acceptor.get_executor());
            boost::system::error_code ec;
            co_await s->acceptor.async_accept(
                *client, boost::asio::redirect_error(boost::asio::use_awaitable, ec));
            if (ec) co_return;
            s->sockets.push_back(client);
            boost::asio::co_spawn(s->acceptor.get_executor(), serve(s, client),
                                  boost::asio::detached);
        }
    }

    static boost::asio::awaitable<void> serve(std::shared_ptr<state> s, socket_ptr client) {
        using namespace boost::asio::experimental::awaitable_operators;
        namespace asio = boost::asio;
        boost::system::error_code ec;
        asio::streambuf head(8192);
        const std::size_t n = co_await asio::async_read_until(
            *client, head, "\r\n\r\n", asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return;
        const std::string text(asio::buffers_begin(head.data()),
                               asio::buffers_begin(head.data()) + static_cast<std::ptrdiff_t>(n));
        s->heads.push_back(text);
        // "CONNECT host:port HTTP/1.1": the port is what counts here.
        const auto line_end = text.find("\r\n");
        const auto target_end = text.rfind(' ', line_end);
        const auto colon = text.rfind(':', target_end);
        if (!text.starts_with("CONNECT ") || colon == std::string::npos || s->refuse_with) {
            const unsigned status = s->refuse_with ? s->refuse_with : 400;
            const std::string answer = "HTTP/1.1 " + std::to_string(status) +
                                       " No\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            co_await asio::async_write(*client, asio::buffer(answer),
                                       asio::redirect_error(asio::use_awaitable, ec));
            co_return;
        }
        const auto port =
            static_cast<std::uint16_t>(std::stoi(text.substr(colon + 1, target_end - colon - 1)));
        auto upstream = std::make_shared<tcp::socket>(client->get_executor());
        s->sockets.push_back(upstream);
        co_await upstream->async_connect({asio::ip::make_address("127.0.0.1"), port},
                                         asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return;
        ++s->tunnels;
        const std::string ok = "HTTP/1.1 200 Connection established\r\n\r\n";
        co_await asio::async_write(*client, asio::buffer(ok),
                                   asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return;
        co_await (pipe(client, upstream) && pipe(upstream, client));
    }

    // Copies until either side closes, then closes both.
    static boost::asio::awaitable<void> pipe(socket_ptr from, socket_ptr to) {
        namespace asio = boost::asio;
        char buffer[16384];
        for (;;) {
            boost::system::error_code ec;
            const std::size_t n = co_await from->async_read_some(
                asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
            if (!ec) {
                co_await asio::async_write(*to, asio::buffer(buffer, n),
                                           asio::redirect_error(asio::use_awaitable, ec));
            }
            if (ec) break;
        }
        boost::system::error_code ignored;
        from->close(ignored);
        to->close(ignored);
    }

    std::shared_ptr<state> state_;
};

}  // namespace ivsrt::test
