// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <ivsrt/detail/tls.hpp>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/system/system_error.hpp>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <string>

namespace ivsrt::detail {

namespace tls_impl {
// The ex_data slot of an SSL_CTX that points back to its tls_client_context.
inline int context_index() {
    static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}
}  // namespace tls_impl

IVSRT_DECL tls_client_context::tls_client_context(bool verify_peer, const std::string& ca_bundle)
    : ctx_(boost::asio::ssl::context::tls_client), verify_peer_(verify_peer) {
    SSL_CTX* native = ctx_.native_handle();
    SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
    ctx_.set_options(boost::asio::ssl::context::default_workarounds |
                     boost::asio::ssl::context::no_compression);
    if (verify_peer_) {
        ctx_.set_verify_mode(boost::asio::ssl::verify_peer);
        ctx_.set_default_verify_paths();
        if (!ca_bundle.empty()) ctx_.load_verify_file(ca_bundle);
    } else {
        ctx_.set_verify_mode(boost::asio::ssl::verify_none);
    }
    // Client-side cache without OpenSSL's internal store: the callback keeps the latest session,
    // including TLS 1.3 tickets, which arrive after the handshake.
    SSL_CTX_set_ex_data(native, tls_impl::context_index(), this);
    SSL_CTX_set_session_cache_mode(native,
                                   SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(native, &tls_client_context::on_new_session);
}

IVSRT_DECL tls_client_context::~tls_client_context() {
    if (session_) SSL_SESSION_free(session_);
}

IVSRT_DECL int tls_client_context::on_new_session(SSL* ssl, SSL_SESSION* session) {
    auto* self = static_cast<tls_client_context*>(
        SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), tls_impl::context_index()));
    if (!self) return 0;
    SSL_SESSION* previous = nullptr;
    {
        std::lock_guard lock(self->mutex_);
        previous = self->session_;
        self->session_ = session;  // we take the caller's reference (return 1)
    }
    if (previous) SSL_SESSION_free(previous);
    return 1;
}

IVSRT_DECL void tls_client_context::prepare(SSL* ssl, const std::string& host,
                                            boost::system::error_code& ec) {
    ec = {};
    boost::system::error_code not_address;
    boost::asio::ip::make_address(host, not_address);
    if (not_address && !SSL_set_tlsext_host_name(ssl, host.c_str())) {
        ec = {static_cast<int>(::ERR_get_error()), boost::asio::error::get_ssl_category()};
        return;
    }
    if (verify_peer_) {
        // OpenSSL checks the name (or IP address) against the certificate during verification.
        if (!X509_VERIFY_PARAM_set1_host(SSL_get0_param(ssl), not_address ? host.c_str() : nullptr,
                                         0) ||
            (!not_address && !X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()))) {
            ec = {static_cast<int>(::ERR_get_error()), boost::asio::error::get_ssl_category()};
            return;
        }
    }
    std::lock_guard lock(mutex_);
    if (session_) SSL_set_session(ssl, session_);  // takes its own reference
}

namespace tls_impl {
class x509_category_impl final : public boost::system::error_category {
  public:
    const char* name() const noexcept override { return "x509"; }
    std::string message(int ev) const override { return X509_verify_cert_error_string(ev); }
};
}  // namespace tls_impl

IVSRT_DECL const boost::system::error_category& x509_category() noexcept {
    static const tls_impl::x509_category_impl category;
    return category;
}

IVSRT_DECL bool is_name_mismatch(const boost::system::error_code& ec) noexcept {
    return ec.category() == x509_category() && (ec.value() == X509_V_ERR_HOSTNAME_MISMATCH ||
                                                ec.value() == X509_V_ERR_IP_ADDRESS_MISMATCH);
}

IVSRT_DECL bool tls_client_context::on_handshake(SSL* ssl) noexcept {
    ++handshakes_;
    const bool reused = SSL_session_reused(ssl) == 1;
    if (reused) ++resumed_;
    return reused;
}

}  // namespace ivsrt::detail
