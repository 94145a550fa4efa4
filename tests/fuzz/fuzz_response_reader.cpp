// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
// Fuzz target: the client's HTTP response reader (http_connection::async_exchange) on raw bytes
// from a loopback peer. Whatever arrives, the exchange completes with a result or an ivsrt
// error, within the buffer and body limits, and a connection is reusable only after a clean
// response with nothing left over.
#include <ivsrt/detail/http_connection.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace asio = boost::asio;
namespace http = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static asio::io_context ioc{1};
    static asio::ip::tcp::acceptor acceptor(ioc, {asio::ip::make_address("127.0.0.1"), 0});

    const ivsrt::detail::http_connection::endpoints to{acceptor.local_endpoint()};
    // Small limits, so that inputs reach them.
    ivsrt::detail::http_connection conn(ioc.get_executor(), nullptr,
                                        ivsrt::detail::http_limits{4096, 1024});
    asio::ip::tcp::socket peer(ioc);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    ivsrt::detail::string_request req{http::verb::post, "/", 11};
    req.set(http::field::host, "fuzz");
    req.body() = "{}";
    req.prepare_payload();
    ivsrt::detail::string_response res;
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    boost::system::error_code result = asio::error::would_block;

    acceptor.async_accept(peer, [&](boost::system::error_code ec) {
        if (ec) std::abort();
        // The whole input, then EOF: the reader sees every byte and the end.
        asio::async_write(peer, asio::buffer(bytes), [&](boost::system::error_code, std::size_t) {
            boost::system::error_code ignored;
            peer.shutdown(asio::socket_base::shutdown_send, ignored);
        });
    });
    conn.async_connect(to, "fuzz", deadline, [&](boost::system::error_code ec) {
        if (ec) std::abort();
        conn.async_exchange(req, res, deadline,
                            [&](boost::system::error_code ec2) { result = ec2; });
    });
    ioc.restart();
    while (result == asio::error::would_block && ioc.run_one() != 0) {
    }
    if (!result) {
        const unsigned status = res.result_int();
        if (status < 200 && status != 0) std::abort();  // interim responses are never results
        if (res.body().size() > 4096) std::abort();     // the body limit holds
    } else if (result.category() != ivsrt::error_category()) {
        std::abort();  // every failure is an ivsrt error
    }
    // Drain what is left (the peer's pending write, if the reader stopped early).
    boost::system::error_code ignored;
    peer.close(ignored);
    ioc.poll();
    return 0;
}
