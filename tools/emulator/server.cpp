// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.

// The HTTP side: accept loop, one coroutine per connection (plain or TLS), injected faults,
// the request log, and the server class.

#include "emulator.hpp"
#include "faults.hpp"
#include "service.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <array>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>

namespace ivsrt::emulator {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;

namespace {

constexpr std::string_view control_prefix = "/_emulator/";

// PEM text as given, or read from the file it names.
std::string pem_text(const std::string& value, std::string_view what) {
    if (value.find("-----BEGIN") != std::string::npos) return value;
    std::ifstream file(value, std::ios::binary);
    if (!file)
        throw std::invalid_argument("cannot read the TLS " + std::string(what) + " " + value);
    return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

std::string_view reason_phrase(unsigned status) {
    switch (status) {
        case 200:
            return "OK";
        case 400:
            return "Bad Request";
        case 402:
            return "Payment Required";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 409:
            return "Conflict";
        case 413:
            return "Content Too Large";
        case 429:
            return "Too Many Requests";
        case 431:
            return "Request Header Fields Too Large";
        case 500:
            return "Internal Server Error";
        case 503:
            return "Service Unavailable";
        default:
            return "Unknown";
    }
}

// "Sun, 06 Nov 1994 08:49:37 GMT"
void format_http_date(detail::time_point t, std::string& out) {
    static constexpr std::array<std::string_view, 7> days{"Sun", "Mon", "Tue", "Wed",
                                                          "Thu", "Fri", "Sat"};
    static constexpr std::array<std::string_view, 12> months{
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto day = std::chrono::floor<std::chrono::days>(t);
    const std::chrono::year_month_day ymd(day);
    const std::chrono::hh_mm_ss hms(std::chrono::floor<std::chrono::seconds>(t - day));
    const std::chrono::weekday wd(day);
    char buffer[40];
    const int n = std::snprintf(
        buffer, sizeof buffer, "%s, %02u %s %04d %02d:%02d:%02d GMT", days[wd.c_encoding()].data(),
        unsigned(ymd.day()), months[unsigned(ymd.month()) - 1].data(), int(ymd.year()),
        int(hms.hours().count()), int(hms.minutes().count()), int(hms.seconds().count()));
    out.append(buffer, static_cast<std::size_t>(n));
}

}  // namespace

struct server::impl : std::enable_shared_from_this<impl> {
    impl(asio::any_io_executor ex, options o)
        : executor(std::move(ex)),
          opts(std::move(o)),
          service(opts),
          acceptor(executor),
          faults(opts.faults, opts.fault_seed),
          random(std::random_device{}()) {
        if (opts.tls_cert.empty() != opts.tls_key.empty()) {
            throw std::invalid_argument("TLS needs both a certificate and a key");
        }
        if (!opts.tls_cert.empty()) {
            tls.emplace(asio::ssl::context::tls_server);
            const std::string cert = pem_text(opts.tls_cert, "certificate");
            const std::string key = pem_text(opts.tls_key, "key");
            boost::system::error_code ec;
            tls->use_certificate_chain(asio::buffer(cert), ec);
            if (!ec) tls->use_private_key(asio::buffer(key), asio::ssl::context::pem, ec);
            if (ec) throw std::invalid_argument("bad TLS certificate or key: " + ec.message());
        }
    }

    asio::any_io_executor executor;
    options opts;
    detail::service service;
    tcp::acceptor acceptor;
    std::optional<asio::ssl::context> tls;
    detail::fault_plan faults;
    std::mt19937_64 random;  // request ids
    std::set<tcp::socket*> sockets;
    std::uint16_t port = 0;
    bool stopped = false;

    // The shared Date header text, refreshed once a second.
    std::string date_text;
    std::int64_t date_second = -1;

    // Tracks a connection's socket while it lives, so that stop() can close it.
    struct registration {
        registration(impl& owner, tcp::socket& socket) : owner(owner), socket(socket) {
            owner.sockets.insert(&socket);
        }
        ~registration() { owner.sockets.erase(&socket); }
        registration(const registration&) = delete;
        registration& operator=(const registration&) = delete;
        impl& owner;
        tcp::socket& socket;
    };

    asio::awaitable<void> accept_loop();
    asio::awaitable<void> connection(tcp::socket socket);
    template <class Stream>
    asio::awaitable<void> serve(Stream& stream, tcp::socket& socket, std::string remote);

    void write_head(const detail::reply& r, bool keep_alive, std::string& out);
    void log(std::string_view remote, std::string_view method, std::string_view target,
             const detail::reply& r, std::string_view fault,
             std::chrono::steady_clock::time_point start);
};

asio::awaitable<void> server::impl::accept_loop() {
    auto self = shared_from_this();
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
        if (ec) {
            if (stopped || ec == asio::error::operation_aborted) co_return;
            // E.g. too many open files: keep serving the open connections, retry shortly.
            asio::steady_timer pause(executor, std::chrono::milliseconds(100));
            co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
            continue;
        }
        socket.set_option(tcp::no_delay(true), ec);
        asio::co_spawn(executor, connection(std::move(socket)), asio::detached);
    }
}

asio::awaitable<void> server::impl::connection(tcp::socket socket) {
    auto self = shared_from_this();
    boost::system::error_code ec;
    const auto endpoint = socket.remote_endpoint(ec);
    std::string remote = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
    if (!tls) {
        const registration registered(*this, socket);
        if (!stopped) co_await serve(socket, socket, std::move(remote));
        co_return;
    }
    asio::ssl::stream<tcp::socket> stream(std::move(socket), *tls);
    const registration registered(*this, stream.next_layer());
    if (stopped) co_return;
    auto [handshake_error] = co_await stream.async_handshake(asio::ssl::stream_base::server,
                                                             asio::as_tuple(asio::use_awaitable));
    if (!handshake_error) co_await serve(stream, stream.next_layer(), std::move(remote));
}

namespace {

// Resets the connection (RST) instead of closing it gracefully.
void reset(tcp::socket& socket) {
    boost::system::error_code ignored;
    socket.set_option(asio::socket_base::linger(true, 0), ignored);
    socket.close(ignored);
}

// The response of a fault that answers instead of the operation, if `kind` is one.
bool injected_error(fault_kind kind, detail::service& service, detail::reply& r) {
    switch (kind) {
        case fault_kind::internal_error:
            service.error_reply(500, "InternalServerException", "injected fault", r);
            return true;
        case fault_kind::unavailable:
            service.error_reply(503, "ServiceUnavailableException", "injected fault", r);
            return true;
        case fault_kind::throttling:
            service.error_reply(429, "ThrottlingException", "Rate exceeded (injected fault)", r);
            return true;
        case fault_kind::expired_token:
            service.error_reply(403, "ExpiredTokenException",
                                "The security token included in the request is expired", r);
            return true;
        default:
            return false;
    }
}

// The answer to a request that cannot be read (the connection closes after it): 413 for a body
// over the limit, 431 for a head over the limit, 400 for anything else that is not HTTP/1.1; none
// when the client went away or timed out.
std::optional<detail::reply> unreadable_request(const boost::system::error_code& ec) {
    if (ec.category() != make_error_code(http::error::body_limit).category() ||
        ec == http::error::end_of_stream || ec == http::error::partial_message) {
        return std::nullopt;
    }
    detail::reply r;
    std::string message;
    if (ec == http::error::body_limit) {
        r.status = 413;
        message = "The request body is larger than 1 MiB";
    } else if (ec == http::error::header_limit) {
        r.status = 431;
        message = "The request head is larger than 8 KiB";
    } else {
        r.status = 400;
        message = "The request is not valid HTTP/1.1: " + ec.message();
    }
    r.body = json::serialize(json::object{{"message", message}});
    return r;
}

}  // namespace

template <class Stream>
asio::awaitable<void> server::impl::serve(Stream& stream, tcp::socket& socket, std::string remote) {
    beast::flat_buffer buffer;
    std::vector<sigv4::header> headers;
    std::string out;
    auto token = asio::as_tuple(asio::use_awaitable);
    // Closes the connection when a read takes too long; cancelled when the read completes.
    asio::steady_timer deadline(executor);
    const auto close_after = [&](std::chrono::milliseconds d) {
        deadline.expires_after(d);
        deadline.async_wait([&socket](boost::system::error_code ec) {
            if (ec) return;
            boost::system::error_code ignored;
            socket.close(ignored);
        });
    };
    for (;;) {
        if (buffer.size() == 0) {
            close_after(opts.idle_timeout);
            auto [idle_error, got] = co_await stream.async_read_some(buffer.prepare(4096), token);
            deadline.cancel();
            if (idle_error) break;
            buffer.commit(got);
        }
        http::request_parser<http::string_body> parser;
        parser.body_limit(1024 * 1024);
        close_after(opts.read_timeout);
        auto [ec, n] = co_await http::async_read(stream, buffer, parser, token);
        deadline.cancel();
        if (ec) {
            if (auto answer = unreadable_request(ec)) {
                const auto start = std::chrono::steady_clock::now();
                out.clear();
                write_head(*answer, false, out);
                out += answer->body;
                log(remote, "-", "-", *answer, "", start);
                co_await asio::async_write(stream, asio::buffer(out), token);
            }
            break;
        }
        const auto start = std::chrono::steady_clock::now();
        const auto& req = parser.get();
        headers.clear();
        for (const auto& field : req) headers.push_back({field.name_string(), field.value()});
        const detail::request_view view{.method = req.method_string(),
                                        .target = req.target(),
                                        .headers = headers,
                                        .body = req.body()};
        detail::reply r;
        const fault* f = nullptr;
        if (view.target.starts_with(control_prefix)) {
            service.handle_control(view, r);
        } else {
            r.operation = service.operation_of(view.method, view.target);
            f = faults.pick(r.operation);
            if (f && f->kind == fault_kind::delay) {
                asio::steady_timer timer(executor, f->delay);
                co_await timer.async_wait(token);
                if (stopped) break;
            }
            if (f && f->kind == fault_kind::reset_before) {
                log(remote, view.method, view.target, r, "reset-before", start);
                reset(socket);
                co_return;
            }
            if (!f || !injected_error(f->kind, service, r)) service.handle_api(view, r);
        }
        const bool keep_alive = req.keep_alive() && !stopped;
        out.clear();
        write_head(r, keep_alive, out);
        std::size_t size = out.size() + r.body.size();
        out += r.body;
        const bool truncate = f && f->kind == fault_kind::truncate;
        if (truncate) size -= r.body.size() - r.body.size() / 2;
        log(remote, view.method, view.target, r, f ? detail::to_string(f->kind) : "", start);
        auto [write_error, written] =
            co_await asio::async_write(stream, asio::buffer(out.data(), size), token);
        if (f && f->kind == fault_kind::reset_after) {
            reset(socket);
            co_return;
        }
        if (write_error || !keep_alive || truncate) break;
    }
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
}

void server::impl::write_head(const detail::reply& r, bool keep_alive, std::string& out) {
    out += "HTTP/1.1 ";
    out += std::to_string(r.status);
    out += ' ';
    out += reason_phrase(r.status);
    out += "\r\nDate: ";
    const auto now = service.now();
    const std::int64_t second =
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    if (second != date_second) {
        date_text.clear();
        format_http_date(now, date_text);
        date_second = second;
    }
    out += date_text;
    // x-amzn-RequestId: a random UUID (version 4 layout).
    std::array<unsigned char, 16> id;
    for (std::size_t i = 0; i < id.size(); i += 8) {
        const std::uint64_t v = random();
        std::memcpy(id.data() + i, &v, 8);
    }
    id[6] = static_cast<unsigned char>((id[6] & 0x0F) | 0x40);
    id[8] = static_cast<unsigned char>((id[8] & 0x3F) | 0x80);
    out += "\r\nx-amzn-RequestId: ";
    for (std::size_t i = 0; i < id.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
        ivsrt::detail::append_hex(out, std::span(id.data() + i, 1));
    }
    if (!r.error_code.empty()) {
        out += "\r\nx-amzn-ErrorType: ";
        out += r.error_code;
    }
    for (const auto& [name, value] : r.headers) {
        out += "\r\n";
        out += name;
        out += ": ";
        out += value;
    }
    out += "\r\nContent-Type: application/json\r\nContent-Length: ";
    out += std::to_string(r.body.size());
    if (!keep_alive) out += "\r\nConnection: close";
    out += "\r\n\r\n";
}

void server::impl::log(std::string_view remote, std::string_view method, std::string_view target,
                       const detail::reply& r, std::string_view fault,
                       std::chrono::steady_clock::time_point start) {
    if (!opts.request_log) return;
    std::string line;
    model::format_timestamp(service.now_ms(), line);
    line.append(" ").append(remote).append(" ").append(method).append(" ");
    line.append(target.substr(0, target.find('?')));
    line.append(" ").append(r.operation.empty() ? "-" : r.operation);
    line.append(" ").append(fault == "reset-before" ? "-" : std::to_string(r.status));
    line.append(" ").append(r.error_code.empty() ? "-" : r.error_code);
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    line.append(" ").append(std::to_string(us)).append("us");
    if (!fault.empty()) line.append(" fault=").append(fault);
    opts.request_log(line);
}

server::server(asio::any_io_executor executor, options opts)
    : impl_(std::make_shared<impl>(std::move(executor), std::move(opts))) {}

server::~server() {
    if (impl_) stop();
}

std::uint16_t server::start() {
    const tcp::endpoint endpoint(asio::ip::make_address(impl_->opts.host), impl_->opts.port);
    impl_->acceptor.open(endpoint.protocol());
    impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
    impl_->acceptor.bind(endpoint);
    impl_->acceptor.listen(asio::socket_base::max_listen_connections);
    impl_->port = impl_->acceptor.local_endpoint().port();
    asio::co_spawn(impl_->executor, impl_->accept_loop(), asio::detached);
    return impl_->port;
}

void server::stop() {
    asio::dispatch(impl_->executor, [self = impl_] {
        if (self->stopped) return;
        self->stopped = true;
        boost::system::error_code ignored;
        self->acceptor.close(ignored);
        for (tcp::socket* s : self->sockets) s->close(ignored);
    });
}

std::uint16_t server::port() const noexcept {
    return impl_->port;
}

}  // namespace ivsrt::emulator
