// Tests for detail::http_connection and detail::tls_client_context: error classification, and
// TLS verification against a CA generated in the test (trusted, untrusted, wrong host name),
// with the verification switched off, and session resumption; the memory of a connection's
// handlers (detail::handler_memory); a cancellation that falls between two steps of an exchange;
// the response fields a connection keeps; deadlines, with the timer's wait kept between steps.
#define BOOST_TEST_MODULE test_http_connection
#include <boost/test/unit_test.hpp>

#include <ivsrt/detail/http_connection.hpp>

#include "common/loopback_server.hpp"
#include "common/test_tls.hpp"

#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>

#include <boost/asio/post.hpp>

#include <openssl/x509_vfy.h>

#include <chrono>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using ivsrt::detail::classify_io_error;
using ivsrt::detail::io_phase;
using steady = std::chrono::steady_clock;

struct outcome {
    boost::system::error_code connect;
    boost::system::error_code exchange;
    boost::system::error_code cause;
    bool resumed = false;
    std::string body;
};

// Connects one http_connection to a loopback TLS server holding `cert`, using `host` for SNI and
// verification, and exchanges one request if the handshake succeeded.
outcome connect_and_exchange(const ivsrt::test::test_cert& cert, const std::string& host,
                             ivsrt::detail::tls_client_context& client) {
    auto tls = ivsrt::test::server_tls_context(cert);
    asio::io_context ioc;
    ivsrt::test::loopback_server server(
        ioc.get_executor(),
        [](ivsrt::test::server_connection& c) { return ivsrt::test::serve_requests(c, 1); }, &tls);
    const ivsrt::detail::http_connection::endpoints endpoints{
        {asio::ip::make_address("127.0.0.1"), server.port()}};
    outcome out;
    ivsrt::detail::http_connection conn(ioc.get_executor(), &client);
    ivsrt::detail::string_request req{http::verb::post, "/", 11};
    req.set(http::field::host, host);
    req.prepare_payload();
    ivsrt::detail::string_response res;
    // A hang fails the test after 120 s instead of blocking the suite until CTest's timeout.
    asio::steady_timer guard(ioc, std::chrono::seconds(120));
    guard.async_wait([&](boost::system::error_code ec) {
        if (ec) return;
        BOOST_ERROR("the exchange did not finish");
        server.stop();
        ioc.stop();
    });
    const auto finish = [&] {
        guard.cancel();
        server.stop();
    };
    const auto deadline = steady::now() + std::chrono::seconds(30);
    conn.async_connect(endpoints, host, deadline, [&](boost::system::error_code ec) {
        out.connect = ec;
        out.cause = conn.cause();
        if (ec) return finish();
        out.resumed = conn.resumed_session();
        conn.async_exchange(req, res, deadline, [&](boost::system::error_code ec2) {
            out.exchange = ec2;
            out.body = res.body();
            finish();
        });
    });
    ioc.run();
    return out;
}

// The certificate verification result behind a failed handshake (X509_V_ERR_*).
long verify_error(const boost::system::error_code& cause) {
    if (cause.category() != ivsrt::detail::x509_category()) return -1;
    return cause.value();
}

// Connects `conn` by `deadline`, running `ioc` until the connect completes (bounded).
boost::system::error_code connect(asio::io_context& ioc, ivsrt::detail::http_connection& conn,
                                  const ivsrt::detail::http_connection::endpoints& endpoints,
                                  steady::time_point deadline) {
    std::optional<boost::system::error_code> result;
    conn.async_connect(endpoints, "localhost", deadline,
                       [&](boost::system::error_code ec) { result = ec; });
    for (int i = 0; i < 1000 && !result; ++i) ioc.run_one();
    BOOST_REQUIRE(result.has_value());
    return *result;
}

// Exchanges one request on `conn` by `deadline`, running `ioc` until it completes (bounded).
boost::system::error_code exchange(asio::io_context& ioc, ivsrt::detail::http_connection& conn,
                                   ivsrt::detail::string_response& res,
                                   steady::time_point deadline) {
    ivsrt::detail::string_request req{http::verb::post, "/", 11};
    req.set(http::field::host, "localhost");
    req.prepare_payload();
    std::optional<boost::system::error_code> result;
    conn.async_exchange(req, res, deadline, [&](boost::system::error_code ec) { result = ec; });
    for (int i = 0; i < 100000 && !result; ++i) ioc.run_one();
    BOOST_REQUIRE(result.has_value());
    return *result;
}

struct test_pki {
    ivsrt::test::test_ca ca = ivsrt::test::make_test_ca("ivsrt connection test CA");
    ivsrt::test::test_cert localhost = ca.issue("localhost", "DNS:localhost,IP:127.0.0.1");
    ivsrt::test::temp_file ca_file{ca.root.cert_pem};
};

}  // namespace

BOOST_AUTO_TEST_CASE(classification_of_transport_errors) {
    using ivsrt::errc;
    // Cancellation wins over whatever error the aborted operation reported.
    BOOST_TEST((classify_io_error(asio::error::operation_aborted, io_phase::exchange, true) ==
                errc::cancelled));
    BOOST_TEST((classify_io_error(boost::beast::error::timeout, io_phase::connect, false) ==
                errc::timeout));
    BOOST_TEST((classify_io_error(boost::beast::error::timeout, io_phase::handshake, false) ==
                errc::timeout));
    BOOST_TEST((classify_io_error(asio::error::connection_refused, io_phase::connect, false) ==
                errc::connection));
    BOOST_TEST((classify_io_error(asio::error::eof, io_phase::handshake, false) == errc::tls));
    BOOST_TEST((classify_io_error(http::error::end_of_stream, io_phase::exchange, false) ==
                errc::connection));
    BOOST_TEST((classify_io_error(http::error::partial_message, io_phase::exchange, false) ==
                errc::connection));
    BOOST_TEST((classify_io_error(http::error::bad_version, io_phase::exchange, false) ==
                errc::invalid_response));
    BOOST_TEST((classify_io_error(asio::error::connection_reset, io_phase::exchange, false) ==
                errc::connection));
}

BOOST_FIXTURE_TEST_SUITE(tls, test_pki)

BOOST_AUTO_TEST_CASE(certificate_from_trusted_ca_is_accepted) {
    ivsrt::detail::tls_client_context client(true, ca_file.path());
    auto out = connect_and_exchange(localhost, "localhost", client);
    BOOST_TEST(!out.connect, out.connect.message() << ": " << out.cause.message());
    BOOST_TEST(!out.exchange, out.exchange.message());
    BOOST_TEST(out.body == "0");
    BOOST_TEST(client.handshakes() == 1u);
}

BOOST_AUTO_TEST_CASE(ip_address_is_checked_against_the_san) {
    ivsrt::detail::tls_client_context client(true, ca_file.path());
    auto out = connect_and_exchange(localhost, "127.0.0.1", client);
    BOOST_TEST(!out.connect, out.connect.message() << ": " << out.cause.message());
    BOOST_TEST(out.body == "0");
}

BOOST_AUTO_TEST_CASE(certificate_from_unknown_ca_is_a_tls_error) {
    auto other = ivsrt::test::make_test_ca("unrelated CA");
    ivsrt::detail::tls_client_context client(true, ca_file.path());
    auto out = connect_and_exchange(other.issue("localhost", "DNS:localhost"), "localhost", client);
    BOOST_TEST((out.connect == ivsrt::errc::tls), out.connect.message());
    BOOST_TEST(verify_error(out.cause) == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
               out.cause.message());
    BOOST_TEST(!ivsrt::detail::is_name_mismatch(out.cause));
    BOOST_TEST(client.handshakes() == 0u);
}

BOOST_AUTO_TEST_CASE(wrong_host_name_is_a_tls_error) {
    auto cert = ca.issue("api.example.com", "DNS:api.example.com");
    ivsrt::detail::tls_client_context client(true, ca_file.path());
    auto out = connect_and_exchange(cert, "localhost", client);
    BOOST_TEST((out.connect == ivsrt::errc::tls), out.connect.message());
    BOOST_TEST(verify_error(out.cause) == X509_V_ERR_HOSTNAME_MISMATCH, out.cause.message());
    BOOST_TEST(ivsrt::detail::is_name_mismatch(out.cause));
}

BOOST_AUTO_TEST_CASE(ca_is_not_trusted_without_the_bundle) {
    ivsrt::detail::tls_client_context client(true, "");
    auto out = connect_and_exchange(localhost, "localhost", client);
    BOOST_TEST((out.connect == ivsrt::errc::tls), out.connect.message());
}

BOOST_AUTO_TEST_CASE(verification_can_be_switched_off) {
    auto other = ivsrt::test::make_test_ca("unrelated CA");
    ivsrt::detail::tls_client_context client(false, "");
    auto out = connect_and_exchange(other.issue("wrong", "DNS:wrong"), "localhost", client);
    BOOST_TEST(!out.connect, out.connect.message() << ": " << out.cause.message());
    BOOST_TEST(out.body == "0");
}

BOOST_AUTO_TEST_CASE(second_connection_resumes_the_session) {
    ivsrt::detail::tls_client_context client(true, ca_file.path());
    // Both connections go to servers sharing one server context (one ticket key).
    auto tls = ivsrt::test::server_tls_context(localhost);
    asio::io_context ioc;
    ivsrt::test::loopback_server server(
        ioc.get_executor(),
        [](ivsrt::test::server_connection& c) { return ivsrt::test::serve_requests(c, 1); }, &tls);
    const ivsrt::detail::http_connection::endpoints endpoints{
        {asio::ip::make_address("127.0.0.1"), server.port()}};
    const auto deadline = steady::now() + std::chrono::seconds(30);
    ivsrt::detail::string_request req{http::verb::get, "/", 11};
    ivsrt::detail::string_response res;
    std::vector<bool> resumed;
    std::optional<ivsrt::detail::http_connection> conn;
    asio::steady_timer guard(ioc, std::chrono::seconds(120));
    guard.async_wait([&](boost::system::error_code ec) {
        if (ec) return;
        BOOST_ERROR("the connections did not finish");
        server.stop();
        ioc.stop();
    });
    const auto finish = [&] {
        guard.cancel();
        server.stop();
    };
    // "localhost" is only the name for SNI and verification: the endpoints are given, nothing
    // is looked up.
    std::function<void()> next = [&] {
        if (resumed.size() == 2) return finish();
        conn.emplace(ioc.get_executor(), &client);
        conn->async_connect(endpoints, "localhost", deadline, [&](boost::system::error_code ec) {
            BOOST_TEST(!ec, ec.message());
            if (ec) return finish();
            resumed.push_back(conn->resumed_session());
            // The exchange reads the TLS 1.3 ticket that the next connection presents.
            conn->async_exchange(req, res, deadline, [&](boost::system::error_code ec2) {
                BOOST_TEST(!ec2, ec2.message());
                asio::post(ioc, next);  // not from inside the connection's own handler
            });
        });
    };
    next();
    ioc.run();
    BOOST_TEST(resumed == (std::vector<bool>{false, true}));
    BOOST_TEST(client.handshakes() == 2u);
    BOOST_TEST(client.resumed() == 1u);
}

BOOST_AUTO_TEST_CASE(missing_ca_file_throws) {
    BOOST_CHECK_THROW(ivsrt::detail::tls_client_context(true, "/nonexistent/ca.pem"),
                      boost::system::system_error);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(handler_memory_reuses_its_blocks) {
    ivsrt::detail::handler_memory_ptr memory{new ivsrt::detail::handler_memory};
    void* a = memory->allocate(400);
    void* b = memory->allocate(800);
    void* c = memory->allocate(1024);
    void* spill = memory->allocate(100);  // every block is taken: from the heap
    void* big = memory->allocate(4096);   // larger than a block: from the heap
    BOOST_TEST((a != b && b != c && a != c));
    BOOST_TEST((spill != a && spill != b && spill != c));
    std::memset(big, 0, 4096);
    memory->deallocate(b);
    BOOST_TEST(memory->allocate(600) == b);  // the block that came back, not the heap
    memory->deallocate(spill);
    memory->deallocate(big);
    memory->deallocate(a);
    memory->deallocate(b);
    // Released with a block still out: freed when the block comes back (AddressSanitizer checks
    // both halves: no use after free, no leak).
    ivsrt::detail::handler_memory* raw = memory.release();
    ivsrt::detail::handler_memory::releaser{}(raw);
    raw->deallocate(c);
}

// Asio frees an operation's memory after destroying its handler. When the handler holds the last
// reference to the connection, whose memory the operation took, the memory must outlive it.
BOOST_AUTO_TEST_CASE(connection_owned_by_its_pending_handler_is_freed_with_it) {
    ivsrt::detail::string_request req{http::verb::post, "/", 11};
    req.set(http::field::host, "localhost");
    req.prepare_payload();
    ivsrt::detail::string_response res;
    std::weak_ptr<ivsrt::detail::http_connection> watch;
    bool completed = false;
    {
        asio::io_context ioc;
        // A peer that accepts and never answers.
        asio::ip::tcp::acceptor listener(ioc, {asio::ip::make_address("127.0.0.1"), 0});
        asio::ip::tcp::socket peer(ioc);
        listener.async_accept(peer, [](boost::system::error_code) {});
        const ivsrt::detail::http_connection::endpoints endpoints{listener.local_endpoint()};
        auto conn = std::make_shared<ivsrt::detail::http_connection>(ioc.get_executor(), nullptr);
        const auto deadline = steady::now() + std::chrono::seconds(30);
        BOOST_REQUIRE(!connect(ioc, *conn, endpoints, deadline));
        // Bound to the connection's memory, as the pool binds it: the type-erased handler that
        // holds the connection lives in that memory too.
        auto handler = [conn, &completed](boost::system::error_code) { completed = true; };
        conn->async_exchange(req, res, deadline,
                             asio::bind_allocator(conn->allocator(), std::move(handler)));
        watch = conn;
        conn.reset();
        ioc.poll();  // the request goes out; the read waits for an answer that never comes
        BOOST_TEST(!watch.expired());
    }  // the io_context destroys the pending read, its handler, and with it the connection
    BOOST_TEST(watch.expired());
    BOOST_TEST(!completed);
}

// The request's write completes as the exchange starts (the socket takes it at once) and its
// completion waits in the queue; a cancellation emitted then reaches no running step. The exchange
// must still stop when it resumes, not go on to wait for an answer the peer never sends.
BOOST_AUTO_TEST_CASE(cancellation_between_two_steps_stops_the_exchange) {
    asio::io_context ioc;
    asio::ip::tcp::acceptor listener(ioc, {asio::ip::make_address("127.0.0.1"), 0});
    asio::ip::tcp::socket peer(ioc);  // accepts and never answers
    listener.async_accept(peer, [](boost::system::error_code) {});
    const ivsrt::detail::http_connection::endpoints endpoints{listener.local_endpoint()};
    ivsrt::detail::http_connection conn(ioc.get_executor(), nullptr);
    const auto deadline = steady::now() + std::chrono::seconds(30);
    BOOST_REQUIRE(!connect(ioc, conn, endpoints, deadline));

    ivsrt::detail::string_request req{http::verb::post, "/", 11};
    req.set(http::field::host, "localhost");
    req.prepare_payload();
    ivsrt::detail::string_response res;
    asio::cancellation_signal cancel;
    std::optional<boost::system::error_code> result;
    conn.async_exchange(req, res, deadline,
                        asio::bind_cancellation_slot(
                            cancel.slot(), [&](boost::system::error_code ec) { result = ec; }));
    cancel.emit(asio::cancellation_type::terminal);
    for (int i = 0; i < 100 && !result; ++i) ioc.poll();
    BOOST_REQUIRE(result.has_value());
    BOOST_TEST((*result == ivsrt::errc::cancelled), result->message());
}

// A response without Content-Length or chunks ends where the server closes: the end of stream
// completes it (and the connection is not reused); a close before any byte is an error.
BOOST_AUTO_TEST_CASE(response_delimited_by_the_close) {
    for (const bool answer : {true, false}) {
        asio::io_context ioc;
        ivsrt::test::loopback_server server(
            ioc.get_executor(),
            [answer](ivsrt::test::server_connection& c) -> asio::awaitable<void> {
                http::request<http::string_body> req;
                if (!co_await c.read(req)) co_return;
                if (answer) co_await c.write_raw("HTTP/1.1 200 OK\r\n\r\nuntil the close");
                c.close();
            });
        ivsrt::detail::http_connection conn(ioc.get_executor(), nullptr);
        const ivsrt::detail::http_connection::endpoints endpoints{
            {asio::ip::make_address("127.0.0.1"), server.port()}};
        ivsrt::detail::string_request req{http::verb::post, "/", 11};
        req.set(http::field::host, "localhost");
        req.prepare_payload();
        ivsrt::detail::string_response res;
        const auto deadline = steady::now() + std::chrono::seconds(30);
        std::optional<boost::system::error_code> result;
        conn.async_connect(endpoints, "localhost", deadline, [&](boost::system::error_code ec) {
            if (ec) {
                result = ec;
                return server.stop();
            }
            conn.async_exchange(req, res, deadline, [&](boost::system::error_code ec2) {
                result = ec2;
                server.stop();
            });
        });
        for (int i = 0; i < 1000 && !result; ++i) ioc.run_one();
        BOOST_REQUIRE(result.has_value());
        if (answer) {
            BOOST_TEST(!*result, result->message());
            BOOST_TEST(res.body() == "until the close");
            BOOST_TEST(!conn.reusable());
        } else {
            BOOST_TEST((*result == ivsrt::errc::connection), result->message());
            BOOST_TEST((conn.cause() == http::error::end_of_stream), conn.cause().message());
        }
    }
}

// A connection told which fields to keep stores only those (names in any case), from the final
// response only; it still honours the fields it does not keep (Content-Length, Connection) and
// keeps a reason phrase that is not the status's usual one. Without the list, all fields stay.
// Told to keep none on success, a 2xx response keeps none of them, and a 404 still keeps its own.
BOOST_AUTO_TEST_CASE(responses_keep_only_the_fields_asked_for) {
    const std::vector<std::string> names{"x-amzn-requestid", "Content-Type"};
    const ivsrt::detail::field_filter keep(names, false);
    const ivsrt::detail::field_filter keep_on_failure(names, true);
    for (const int mode : {0, 1, 2}) {  // every field, the listed ones, the listed ones on failure
        const bool filtered = mode != 0;
        asio::io_context ioc;
        ivsrt::test::loopback_server server(
            ioc.get_executor(), [](ivsrt::test::server_connection& c) -> asio::awaitable<void> {
                http::request<http::string_body> req;
                if (!co_await c.read(req)) co_return;
                co_await c.write_raw(
                    "HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\n"
                    "HTTP/1.1 200 Fine\r\nServer: s\r\nX-AMZN-RequestId: r1\r\nDate: d\r\n"
                    "Content-Length: 4\r\n\r\nbody");
                if (!co_await c.read(req)) co_return;
                co_await c.write_raw(
                    "HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Type: text/plain\r\n"
                    "Content-Length: 0\r\n\r\n");
            });
        ivsrt::detail::http_limits limits;
        if (filtered) limits.keep_fields = mode == 1 ? &keep : &keep_on_failure;
        ivsrt::detail::http_connection conn(ioc.get_executor(), nullptr, limits);
        const ivsrt::detail::http_connection::endpoints endpoints{
            {asio::ip::make_address("127.0.0.1"), server.port()}};
        const auto deadline = steady::now() + std::chrono::seconds(30);
        BOOST_REQUIRE(!connect(ioc, conn, endpoints, deadline));
        ivsrt::detail::string_request req{http::verb::post, "/", 11};
        req.set(http::field::host, "localhost");
        req.prepare_payload();
        const auto exchange = [&](ivsrt::detail::string_response& res) {
            std::optional<boost::system::error_code> result;
            conn.async_exchange(req, res, deadline,
                                [&](boost::system::error_code ec) { result = ec; });
            for (int i = 0; i < 1000 && !result; ++i) ioc.run_one();
            BOOST_REQUIRE(result.has_value());
            BOOST_TEST(!*result, result->message());
        };

        ivsrt::detail::string_response first;
        exchange(first);
        BOOST_TEST(first.result_int() == 200u);
        BOOST_TEST(first.reason() == "Fine");
        BOOST_TEST(first.body() == "body");
        BOOST_TEST((first.find("x-amzn-requestid") == first.end()) == (mode == 2));
        if (mode != 2) BOOST_TEST(first["x-amzn-requestid"] == "r1");
        BOOST_TEST((first.find("X-Interim") == first.end()));
        BOOST_TEST((first.find(http::field::server) == first.end()) == filtered);
        BOOST_TEST((first.find(http::field::date) == first.end()) == filtered);
        BOOST_TEST((first.find(http::field::content_length) == first.end()) == filtered);
        BOOST_TEST(conn.reusable());

        ivsrt::detail::string_response second;
        exchange(second);
        BOOST_TEST(second.result_int() == 404u);
        BOOST_TEST(second.reason() == "Not Found");
        BOOST_TEST(second[http::field::content_type] == "text/plain");
        BOOST_TEST((second.find(http::field::connection) == second.end()) == filtered);
        BOOST_TEST(!conn.reusable());
        server.stop();
    }
}

// A peer that never completes the TCP handshake (its accept queue is full, so the kernel drops
// our SYN): the deadline ends the connect with a timeout, and the endpoint after it is not tried.
BOOST_AUTO_TEST_CASE(deadline_ends_a_connect_that_hangs) {
    asio::io_context ioc;
    asio::ip::tcp::acceptor full(ioc);
    full.open(asio::ip::tcp::v4());
    full.bind({asio::ip::make_address("127.0.0.1"), 0});
    full.listen(0);  // never accepts
    std::vector<asio::ip::tcp::socket> fillers;
    for (int i = 0; i < 8; ++i) {
        fillers.emplace_back(ioc).async_connect(full.local_endpoint(),
                                                [](boost::system::error_code) {});
    }
    for (int i = 0; i < 8; ++i) ioc.poll();
    asio::ip::tcp::acceptor open_listener(ioc, {asio::ip::make_address("127.0.0.1"), 0});
    const ivsrt::detail::http_connection::endpoints endpoints{full.local_endpoint(),
                                                              open_listener.local_endpoint()};
    ivsrt::detail::http_connection conn(ioc.get_executor(), nullptr);
    const auto ec = connect(ioc, conn, endpoints, steady::now() + std::chrono::milliseconds(200));
    BOOST_TEST((ec == ivsrt::errc::timeout), ec.message());
    BOOST_TEST((conn.cause() == boost::beast::error::timeout), conn.cause().message());
    // The open listener saw no connection attempt.
    open_listener.non_blocking(true);
    asio::ip::tcp::socket accepted(ioc);
    boost::system::error_code accept_error;
    open_listener.accept(accepted, accept_error);
    BOOST_TEST((accept_error == asio::error::would_block), accept_error.message());
}

// A peer that accepts the TCP connection and never answers the TLS ClientHello: the deadline
// closes the socket under the handshake, which ends as a timeout (not as a TLS failure).
BOOST_AUTO_TEST_CASE(deadline_ends_a_tls_handshake_that_hangs) {
    asio::io_context ioc;
    asio::ip::tcp::acceptor listener(ioc, {asio::ip::make_address("127.0.0.1"), 0});
    asio::ip::tcp::socket peer(ioc);  // reads nothing, writes nothing
    listener.async_accept(peer, [](boost::system::error_code) {});
    ivsrt::detail::tls_client_context tls(true, "");
    ivsrt::detail::http_connection conn(ioc.get_executor(), &tls);
    const ivsrt::detail::http_connection::endpoints endpoints{listener.local_endpoint()};
    const auto ec = connect(ioc, conn, endpoints, steady::now() + std::chrono::milliseconds(200));
    BOOST_TEST((ec == ivsrt::errc::timeout), ec.message());
    BOOST_TEST((conn.cause() == boost::beast::error::timeout), conn.cause().message());
}

// With keep_deadline_waits, an exchange's deadline wait stays pending after it. The next exchange
// has a later deadline and reuses it: when the kept wait expires (at the first deadline), it waits
// again for the rest, and the second exchange, answered after the first deadline, succeeds.
// Dropped between steps, no wait is left to keep the io_context running.
BOOST_AUTO_TEST_CASE(a_kept_deadline_wait_bounds_the_next_exchange_by_its_own_deadline) {
    asio::io_context ioc;
    const auto first_deadline = steady::now() + std::chrono::milliseconds(300);
    ivsrt::test::loopback_server server(
        ioc.get_executor(), [&](ivsrt::test::server_connection& c) -> asio::awaitable<void> {
            http::request<http::string_body> req;
            if (!co_await c.read(req)) co_return;
            if (!co_await c.reply(200, "first")) co_return;
            req = {};
            if (!co_await c.read(req)) co_return;
            // Answers once the first exchange's deadline has passed.
            asio::steady_timer later(co_await asio::this_coro::executor,
                                     first_deadline + std::chrono::milliseconds(200));
            co_await later.async_wait(asio::as_tuple(asio::use_awaitable));
            co_await c.reply(200, "second");
        });
    const ivsrt::detail::http_connection::endpoints endpoints{
        {asio::ip::make_address("127.0.0.1"), server.port()}};
    ivsrt::detail::http_connection conn(ioc.get_executor(), nullptr);
    conn.keep_deadline_waits(true);
    BOOST_REQUIRE(!connect(ioc, conn, endpoints, first_deadline));
    ivsrt::detail::string_response res;
    auto ec = exchange(ioc, conn, res, first_deadline);
    BOOST_TEST(!ec, ec.message());
    BOOST_TEST(res.body() == "first");
    ec = exchange(ioc, conn, res, steady::now() + std::chrono::seconds(60));
    BOOST_TEST(!ec, ec.message());
    BOOST_TEST(res.body() == "second");
    BOOST_TEST(conn.reusable());
    conn.drop_deadline_wait();
    server.stop();
    for (int i = 0; i < 1000 && !ioc.stopped(); ++i) ioc.poll();
    BOOST_TEST(ioc.stopped());  // no wait left pending (the last deadline is a minute away)
}

// A kept wait that expires after the next exchange's deadline is replaced: the exchange, never
// answered, times out at its own deadline, long before the kept wait's.
BOOST_AUTO_TEST_CASE(an_earlier_deadline_replaces_a_kept_deadline_wait) {
    asio::io_context ioc;
    ivsrt::test::loopback_server server(
        ioc.get_executor(), [](ivsrt::test::server_connection& c) -> asio::awaitable<void> {
            http::request<http::string_body> req;
            if (!co_await c.read(req)) co_return;
            if (!co_await c.reply(200, "first")) co_return;
            req = {};
            if (!co_await c.read(req)) co_return;
            req = {};
            co_await c.read(req);  // never answers: waits for the client to close
        });
    const ivsrt::detail::http_connection::endpoints endpoints{
        {asio::ip::make_address("127.0.0.1"), server.port()}};
    ivsrt::detail::http_connection conn(ioc.get_executor(), nullptr);
    conn.keep_deadline_waits(true);
    const auto far = steady::now() + std::chrono::seconds(60);
    BOOST_REQUIRE(!connect(ioc, conn, endpoints, far));
    ivsrt::detail::string_response res;
    auto ec = exchange(ioc, conn, res, far);
    BOOST_TEST(!ec, ec.message());
    ec = exchange(ioc, conn, res, steady::now() + std::chrono::milliseconds(200));
    BOOST_TEST((ec == ivsrt::errc::timeout), ec.message());
    BOOST_TEST((steady::now() < far));  // its own deadline ended it, not the kept wait's
    server.stop();
}
