// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
// Test helper: a real redis-server (Debian's redis-server package) on loopback, started for one
// test in a directory of its own, listening on a Unix socket and on a free TCP port, persisting
// nothing. Killed (and restartable on the same port and socket) by the test.
#pragma once

#include "temp_dir.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/write.hpp>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

extern char** environ;

namespace ivsrt_test {

class redis_server {
  public:
    // `password` empty: no AUTH needed. `tls_cert_pem` and `tls_key_pem` set: the TCP port
    // speaks TLS only (clients are not asked for certificates).
    explicit redis_server(std::string password = {}, std::string_view tls_cert_pem = {},
                          std::string_view tls_key_pem = {})
        : password_(std::move(password)) {
        if (!tls_cert_pem.empty()) {
            tls_cert_ = dir_.write("tls/cert.pem", tls_cert_pem);
            tls_key_ = dir_.write("tls/key.pem", tls_key_pem);
        }
        boost::asio::io_context ioc;
        boost::asio::ip::tcp::acceptor probe(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
        port_ = probe.local_endpoint().port();
        probe.close();
        start();
    }
    ~redis_server() { kill(); }
    redis_server(const redis_server&) = delete;
    redis_server& operator=(const redis_server&) = delete;

    std::uint16_t port() const { return port_; }
    std::string socket_path() const { return (dir_.path / "redis.sock").string(); }
    std::string tcp_url(std::string_view userinfo = {}) const {
        std::string url = "redis://";
        if (!userinfo.empty()) url += std::string(userinfo) + "@";
        return url + "127.0.0.1:" + std::to_string(port_) + "/0";
    }
    std::string unix_url() const { return "unix://" + socket_path(); }

    // Starts redis-server and waits (bounded) until it accepts connections.
    void start() {
        const std::string port = std::to_string(port_);
        std::vector<std::string> args = {"redis-server",
                                         "--port",
                                         tls_cert_.empty() ? port : "0",
                                         "--bind",
                                         "127.0.0.1",
                                         "--unixsocket",
                                         socket_path(),
                                         "--save",
                                         "",
                                         "--appendonly",
                                         "no",
                                         "--dir",
                                         dir_.path.string(),
                                         "--daemonize",
                                         "no",
                                         "--enable-debug-command",
                                         "local",
                                         "--loglevel",
                                         "warning",
                                         "--logfile",
                                         (dir_.path / "log").string()};
        if (!password_.empty()) {
            args.push_back("--requirepass");
            args.push_back(password_);
        }
        if (!tls_cert_.empty()) {
            for (const std::string& a :
                 {std::string("--tls-port"), port, std::string("--tls-cert-file"), tls_cert_,
                  std::string("--tls-key-file"), tls_key_, std::string("--tls-auth-clients"),
                  std::string("no")}) {
                args.push_back(a);
            }
        }
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        if (posix_spawnp(&pid_, "redis-server", nullptr, nullptr, argv.data(), environ) != 0) {
            pid_ = 0;
            throw std::runtime_error(
                "cannot start redis-server (install it: tools/install-deps.sh)");
        }
        for (int i = 0; i < 500; ++i) {  // at most 5 s
            boost::asio::io_context ioc;
            boost::asio::local::stream_protocol::socket s(ioc);
            boost::system::error_code ec;
            s.connect(boost::asio::local::stream_protocol::endpoint(socket_path()), ec);
            if (!ec) return;
            int status = 0;
            if (waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = 0;
                throw std::runtime_error("redis-server exited at start");
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        throw std::runtime_error("redis-server did not start within 5 s");
    }

    // Sends DEBUG SLEEP on a connection of its own: Redis answers nothing for `seconds`.
    void sleep(double seconds) {
        boost::asio::io_context ioc;
        boost::asio::local::stream_protocol::socket s(ioc);
        s.connect(boost::asio::local::stream_protocol::endpoint(socket_path()));
        const std::string n = std::to_string(seconds);
        const std::string command = "*3\r\n$5\r\nDEBUG\r\n$5\r\nSLEEP\r\n$" +
                                    std::to_string(n.size()) + "\r\n" + n + "\r\n";
        boost::asio::write(s, boost::asio::buffer(command));
    }

    // Kills it at once (SIGKILL): connections drop, scripts and keys are lost.
    void kill() {
        if (pid_ == 0) return;
        ::kill(pid_, SIGKILL);
        int status = 0;
        waitpid(pid_, &status, 0);
        pid_ = 0;
        std::error_code ec;
        std::filesystem::remove(socket_path(), ec);
    }

  private:
    temp_dir dir_;
    std::string password_;
    std::string tls_cert_, tls_key_;  // files
    std::uint16_t port_ = 0;
    pid_t pid_ = 0;
};

}  // namespace ivsrt_test
