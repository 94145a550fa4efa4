// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <ivsrt/detail/config.hpp>

#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

namespace ivsrt::detail {

// The error category of OpenSSL certificate verification results (X509_V_ERR_*), so that a
// failed handshake can say why the certificate was refused.
IVSRT_DECL const boost::system::error_category& x509_category() noexcept;

// Whether `ec` (an x509_category code) is a host-name or IP-address mismatch.
IVSRT_DECL bool is_name_mismatch(const boost::system::error_code& ec) noexcept;

// The client TLS settings shared by the connections of one pool (one host): TLS 1.2 minimum,
// peer and host-name verification against the system store plus an optional CA file, and the
// most recent session, offered on the next handshake so that new connections resume it.
// Thread-safe: connections on any thread may prepare and report handshakes concurrently.
class tls_client_context {
  public:
    // Throws boost::system::system_error when the CA file cannot be loaded.
    IVSRT_DECL tls_client_context(bool verify_peer, const std::string& ca_bundle);
    IVSRT_DECL ~tls_client_context();
    tls_client_context(const tls_client_context&) = delete;
    tls_client_context& operator=(const tls_client_context&) = delete;

    boost::asio::ssl::context& native() noexcept { return ctx_; }

    // Sets SNI (unless `host` is an IP address), host-name verification, and the cached session
    // on a new, not yet handshaken SSL object.
    IVSRT_DECL void prepare(SSL* ssl, const std::string& host, boost::system::error_code& ec);

    // Counts a completed handshake; returns whether it resumed a session.
    IVSRT_DECL bool on_handshake(SSL* ssl) noexcept;

    std::uint64_t handshakes() const noexcept { return handshakes_.load(); }
    std::uint64_t resumed() const noexcept { return resumed_.load(); }

  private:
    IVSRT_DECL static int on_new_session(SSL* ssl, SSL_SESSION* session);

    boost::asio::ssl::context ctx_;
    bool verify_peer_;
    std::mutex mutex_;
    SSL_SESSION* session_ = nullptr;  // owned reference, guarded by mutex_
    std::atomic<std::uint64_t> handshakes_{0};
    std::atomic<std::uint64_t> resumed_{0};
};

}  // namespace ivsrt::detail

#ifndef IVSRT_SEPARATE_COMPILATION
#include <ivsrt/impl/tls.ipp>
#endif
