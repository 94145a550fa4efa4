// Test helpers: a throwaway certificate authority and server certificates, made in-process with
// OpenSSL 3 at test time (P-256 keys, SHA-256 signatures), returned as PEM strings.
//
//   auto ca = ivsrt::test::make_test_ca("ivsrt test CA");
//   auto server = ca.issue("localhost", "DNS:localhost,IP:127.0.0.1");
//   auto ctx = ivsrt::test::server_tls_context(server);  // for a loopback_server
//   // ca.root.cert_pem (or temp_file(ca.root.cert_pem).path()) for the client
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/context.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include <unistd.h>

namespace ivsrt::test {

struct test_cert {
    std::string cert_pem;
    std::string key_pem;
};

namespace tls_detail {

struct pkey_free {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct x509_free {
    void operator()(X509* p) const { X509_free(p); }
};
struct bio_free {
    void operator()(BIO* p) const { BIO_free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;
using x509_ptr = std::unique_ptr<X509, x509_free>;
using bio_ptr = std::unique_ptr<BIO, bio_free>;

inline void check(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string("test_tls: ") + what + " failed");
}

inline std::string bio_string(BIO* bio) {
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(n));
}

inline bio_ptr memory_bio(std::string_view pem) {
    bio_ptr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    check(bio != nullptr, "BIO_new_mem_buf");
    return bio;
}

inline void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    check(ext != nullptr, "X509V3_EXT_conf_nid");
    const int ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    check(ok == 1, "X509_add_ext");
}

// A certificate for `subject_cn` signed by `issuer` (self-signed when issuer is null).
inline test_cert make_cert(std::string_view subject_cn, const char* san, bool is_ca, X509* issuer,
                           EVP_PKEY* issuer_key) {
    static long serial = 1;
    pkey_ptr key(EVP_EC_gen("P-256"));
    check(key != nullptr, "EVP_EC_gen");
    x509_ptr cert(X509_new());
    check(cert != nullptr, "X509_new");
    check(X509_set_version(cert.get(), 2) == 1, "X509_set_version");
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
    check(X509_set_pubkey(cert.get(), key.get()) == 1, "X509_set_pubkey");
    X509_NAME* name = X509_get_subject_name(cert.get());
    const std::string cn(subject_cn);
    check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                     reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                                     0) == 1,
          "X509_NAME_add_entry_by_txt");
    X509* signer = issuer ? issuer : cert.get();
    check(X509_set_issuer_name(cert.get(), X509_get_subject_name(signer)) == 1,
          "X509_set_issuer_name");
    if (is_ca) {
        add_ext(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
        add_ext(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
        add_ext(cert.get(), signer, NID_subject_key_identifier, "hash");
    } else {
        add_ext(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
        add_ext(cert.get(), signer, NID_key_usage, "critical,digitalSignature");
        add_ext(cert.get(), signer, NID_ext_key_usage, "serverAuth");
        add_ext(cert.get(), signer, NID_authority_key_identifier, "keyid");
        if (san) add_ext(cert.get(), signer, NID_subject_alt_name, san);
    }
    check(X509_sign(cert.get(), issuer_key ? issuer_key : key.get(), EVP_sha256()) > 0,
          "X509_sign");

    bio_ptr cert_bio(BIO_new(BIO_s_mem()));
    bio_ptr key_bio(BIO_new(BIO_s_mem()));
    check(cert_bio && key_bio, "BIO_new");
    check(PEM_write_bio_X509(cert_bio.get(), cert.get()) == 1, "PEM_write_bio_X509");
    check(PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr,
                                   nullptr) == 1,
          "PEM_write_bio_PrivateKey");
    return {bio_string(cert_bio.get()), bio_string(key_bio.get())};
}

}  // namespace tls_detail

// A self-signed CA that issues server certificates.
struct test_ca {
    test_cert root;

    // A server certificate for `cn` with subjectAltName `san` ("DNS:localhost,IP:127.0.0.1").
    test_cert issue(std::string_view cn, const char* san) const {
        using namespace tls_detail;
        auto cert_bio = memory_bio(root.cert_pem);
        auto key_bio = memory_bio(root.key_pem);
        x509_ptr ca_cert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
        pkey_ptr ca_key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
        check(ca_cert && ca_key, "reading the CA PEM");
        return make_cert(cn, san, false, ca_cert.get(), ca_key.get());
    }
};

inline test_ca make_test_ca(std::string_view cn) {
    return {tls_detail::make_cert(cn, nullptr, true, nullptr, nullptr)};
}

// A TLS server context that presents `cert` (its chain and key).
inline boost::asio::ssl::context server_tls_context(const test_cert& cert) {
    boost::asio::ssl::context ctx(boost::asio::ssl::context::tls_server);
    ctx.use_certificate_chain(boost::asio::buffer(cert.cert_pem));
    ctx.use_private_key(boost::asio::buffer(cert.key_pem), boost::asio::ssl::context::pem);
    return ctx;
}

// A file holding `contents`, removed when this object is destroyed (for APIs that take paths,
// such as a CA bundle).
class temp_file {
  public:
    explicit temp_file(std::string_view contents) {
        char name[] = "/tmp/ivsrt-test-XXXXXX";
        const int fd = ::mkstemp(name);
        tls_detail::check(fd >= 0, "mkstemp");
        ::close(fd);
        path_ = name;
        std::ofstream(path_, std::ios::binary) << contents;
    }
    temp_file(const temp_file&) = delete;
    temp_file& operator=(const temp_file&) = delete;
    ~temp_file() { std::remove(path_.c_str()); }
    const std::string& path() const noexcept { return path_; }

  private:
    std::string path_;
};

}  // namespace ivsrt::test
