// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <ivsrt/detail/jwt.hpp>

#include <ivsrt/detail/crypto.hpp>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <climits>
#include <cstring>
#include <new>
#include <stdexcept>

namespace ivsrt::detail {

namespace jwt_impl {

inline constexpr char base64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// The 6-bit value of each base64url character; 64 for any other byte.
inline constexpr std::array<unsigned char, 256> base64url_values = [] {
    std::array<unsigned char, 256> table{};
    table.fill(64);
    for (unsigned char i = 0; i < 64; ++i) {
        table[static_cast<unsigned char>(base64url_alphabet[i])] = i;
    }
    return table;
}();

inline constexpr std::size_t coordinate_size = es384_signature_size / 2;
inline constexpr std::size_t max_der_signature_size = 2 + 2 * (2 + coordinate_size + 1);

// Leaves the thread's OpenSSL error queue as it was found: failures below push entries that
// would otherwise be read later by unrelated code (a TLS stream's error handling, for one).
class error_queue_guard {
  public:
    error_queue_guard() noexcept { ERR_set_mark(); }
    error_queue_guard(const error_queue_guard&) = delete;
    error_queue_guard& operator=(const error_queue_guard&) = delete;
    ~error_queue_guard() { ERR_pop_to_mark(); }
};

template <class T, void (*Free)(T*)>
struct free_with {
    void operator()(T* p) const noexcept { Free(p); }
};
using bio_ptr = std::unique_ptr<BIO, free_with<BIO, BIO_free_all>>;
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, free_with<EVP_MD_CTX, EVP_MD_CTX_free>>;
using ecdsa_sig_ptr = std::unique_ptr<ECDSA_SIG, free_with<ECDSA_SIG, ECDSA_SIG_free>>;

inline void openssl_free(unsigned char* p) noexcept {
    OPENSSL_free(p);
}
using openssl_bytes_ptr = std::unique_ptr<unsigned char, free_with<unsigned char, openssl_free>>;

[[noreturn]] inline void throw_invalid_key(const char* kind, const char* rule) {
    throw std::invalid_argument(std::string("ES384 ") + kind + ": " + rule);
}

// Refuses to prompt for a passphrase: encrypted keys fail to load instead of blocking.
inline int no_passphrase(char*, int, int, void*) {
    return -1;
}

inline bio_ptr read_only_bio(std::string_view text, const char* kind) {
    if (text.size() > static_cast<std::size_t>(INT_MAX)) throw_invalid_key(kind, "PEM is too long");
    bio_ptr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
    if (!bio) throw std::bad_alloc();
    return bio;
}

// Throws unless `key` is an EC key on P-384.
inline void check_p384(EVP_PKEY* key, const char* kind) {
    if (EVP_PKEY_is_a(key, "EC") != 1) {
        throw_invalid_key(kind, "the key is not an EC key (ES384 needs EC P-384)");
    }
    char name[32] = {};
    std::size_t length = 0;
    if (EVP_PKEY_get_group_name(key, name, sizeof name, &length) != 1 ||
        (std::string_view(name, length) != "secp384r1" &&
         std::string_view(name, length) != "P-384")) {
        throw_invalid_key(kind, "the EC key is not on curve P-384 (ES384 needs P-384)");
    }
}

inline std::string drain(BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    if (size <= 0) throw_openssl_failure("BIO_get_mem_data");
    return std::string(data, static_cast<std::size_t>(size));
}

inline md_ctx_ptr new_md_ctx() {
    md_ctx_ptr ctx(EVP_MD_CTX_new());
    if (!ctx) throw std::bad_alloc();
    return ctx;
}

// DER ECDSA-Sig-Value to fixed-size r||s.
inline es384_signature der_to_raw(const unsigned char* der, std::size_t size) {
    const unsigned char* p = der;
    const ecdsa_sig_ptr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(size)));
    if (!sig) throw_openssl_failure("d2i_ECDSA_SIG");
    es384_signature raw;
    if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), raw.data(), coordinate_size) < 0 ||
        BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), raw.data() + coordinate_size, coordinate_size) <
            0) {
        throw_openssl_failure("BN_bn2binpad");
    }
    return raw;
}

// Fixed-size r||s to DER ECDSA-Sig-Value, into `der`; returns its size, or 0 on failure.
inline std::size_t raw_to_der(std::span<const unsigned char> raw,
                              std::array<unsigned char, max_der_signature_size>& der) {
    const ecdsa_sig_ptr sig(ECDSA_SIG_new());
    if (!sig) throw std::bad_alloc();
    BIGNUM* r = BN_bin2bn(raw.data(), coordinate_size, nullptr);
    BIGNUM* s = BN_bin2bn(raw.data() + coordinate_size, coordinate_size, nullptr);
    if (r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
        BN_free(r);
        BN_free(s);
        throw std::bad_alloc();
    }
    if (i2d_ECDSA_SIG(sig.get(), nullptr) > static_cast<int>(der.size())) return 0;
    unsigned char* out = der.data();
    const int size = i2d_ECDSA_SIG(sig.get(), &out);
    return size > 0 ? static_cast<std::size_t>(size) : 0;
}

}  // namespace jwt_impl

IVSRT_DECL void append_base64url(std::string& out, std::span<const unsigned char> data) {
    const char* alphabet = jwt_impl::base64url_alphabet;
    const std::size_t old_size = out.size();
    out.resize(old_size + (data.size() * 4 + 2) / 3);
    char* p = out.data() + old_size;
    std::size_t i = 0;
    for (; i + 3 <= data.size(); i += 3) {
        const unsigned v = (unsigned{data[i]} << 16) | (unsigned{data[i + 1]} << 8) | data[i + 2];
        *p++ = alphabet[v >> 18];
        *p++ = alphabet[(v >> 12) & 63];
        *p++ = alphabet[(v >> 6) & 63];
        *p++ = alphabet[v & 63];
    }
    if (const std::size_t rest = data.size() - i; rest > 0) {
        const unsigned v = (unsigned{data[i]} << 16) | (rest == 2 ? unsigned{data[i + 1]} << 8 : 0);
        *p++ = alphabet[v >> 18];
        *p++ = alphabet[(v >> 12) & 63];
        if (rest == 2) *p++ = alphabet[(v >> 6) & 63];
    }
}

IVSRT_DECL std::optional<std::string> base64url_decode(std::string_view text) {
    if (text.size() % 4 == 1) return std::nullopt;
    std::string out;
    out.reserve(text.size() / 4 * 3 + 2);
    unsigned bits = 0;
    int bit_count = 0;
    for (const char c : text) {
        const unsigned value = jwt_impl::base64url_values[static_cast<unsigned char>(c)];
        if (value == 64) return std::nullopt;
        bits = (bits << 6) | value;
        bit_count += 6;
        if (bit_count >= 8) {
            bit_count -= 8;
            out += static_cast<char>((bits >> bit_count) & 0xFF);
        }
    }
    // The 2 or 4 bits left over from a partial group must be zero in canonical text.
    if ((bits & ((1u << bit_count) - 1)) != 0) return std::nullopt;
    return out;
}

IVSRT_DECL std::optional<jwt_parts> split_jwt(std::string_view token) noexcept {
    const std::size_t first = token.find('.');
    if (first == std::string_view::npos) return std::nullopt;
    const std::size_t second = token.find('.', first + 1);
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
        return std::nullopt;
    }
    jwt_parts parts{.header = token.substr(0, first),
                    .claims = token.substr(first + 1, second - first - 1),
                    .signature = token.substr(second + 1),
                    .signing_input = token.substr(0, second)};
    if (parts.header.empty() || parts.claims.empty() || parts.signature.empty()) {
        return std::nullopt;
    }
    return parts;
}

IVSRT_DECL void evp_pkey_deleter::operator()(EVP_PKEY* key) const noexcept {
    EVP_PKEY_free(key);
}

// --- es384_public_key ---------------------------------------------------------------------------

IVSRT_DECL es384_public_key::es384_public_key(std::string_view pem) {
    constexpr const char* kind = "public key";
    const jwt_impl::error_queue_guard guard;
    const auto bio = jwt_impl::read_only_bio(pem, kind);
    key_.reset(PEM_read_bio_PUBKEY_ex(bio.get(), nullptr, jwt_impl::no_passphrase, nullptr, nullptr,
                                      nullptr));
    if (!key_) {
        jwt_impl::throw_invalid_key(kind,
                                    "not a PEM SubjectPublicKeyInfo (-----BEGIN PUBLIC KEY-----)");
    }
    jwt_impl::check_p384(key_.get(), kind);
}

IVSRT_DECL std::string es384_public_key::fingerprint() const {
    const jwt_impl::error_queue_guard guard;
    unsigned char* der = nullptr;
    const int size = i2d_PUBKEY(key_.get(), &der);
    const jwt_impl::openssl_bytes_ptr owner(der);
    if (size <= 0) throw_openssl_failure("i2d_PUBKEY");
    sha256_digest digest;
    if (EVP_Digest(der, static_cast<std::size_t>(size), digest.data(), nullptr, sha256_md(),
                   nullptr) != 1) {
        throw_openssl_failure("EVP_Digest");
    }
    std::string out;
    out.reserve(digest.size() * 3);
    for (const unsigned char b : digest) {
        if (!out.empty()) out += ':';
        append_hex(out, {&b, 1});
    }
    return out;
}

IVSRT_DECL std::string es384_public_key::pem() const {
    const jwt_impl::error_queue_guard guard;
    const jwt_impl::bio_ptr bio(BIO_new(BIO_s_mem()));
    if (!bio) throw std::bad_alloc();
    if (PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) {
        throw_openssl_failure("PEM_write_bio_PUBKEY");
    }
    return jwt_impl::drain(bio.get());
}

IVSRT_DECL bool es384_public_key::verify(std::string_view signing_input,
                                         std::span<const unsigned char> signature) const {
    if (signature.size() != es384_signature_size) return false;
    const jwt_impl::error_queue_guard guard;
    std::array<unsigned char, jwt_impl::max_der_signature_size> der;
    const std::size_t der_size = jwt_impl::raw_to_der(signature, der);
    if (der_size == 0) return false;
    const auto ctx = jwt_impl::new_md_ctx();
    if (EVP_DigestVerifyInit_ex(ctx.get(), nullptr, "SHA2-384", nullptr, nullptr, key_.get(),
                                nullptr) != 1) {
        throw_openssl_failure("EVP_DigestVerifyInit_ex");
    }
    return EVP_DigestVerify(ctx.get(), der.data(), der_size,
                            reinterpret_cast<const unsigned char*>(signing_input.data()),
                            signing_input.size()) == 1;
}

IVSRT_DECL bool es384_public_key::verify_jwt(std::string_view token) const {
    const auto parts = split_jwt(token);
    if (!parts) return false;
    const auto signature = base64url_decode(parts->signature);
    if (!signature) return false;
    return verify(parts->signing_input,
                  {reinterpret_cast<const unsigned char*>(signature->data()), signature->size()});
}

// --- es384_private_key --------------------------------------------------------------------------

IVSRT_DECL es384_private_key::es384_private_key(std::string_view pem) {
    constexpr const char* kind = "private key";
    const jwt_impl::error_queue_guard guard;
    const auto bio = jwt_impl::read_only_bio(pem, kind);
    key_.reset(PEM_read_bio_PrivateKey_ex(bio.get(), nullptr, jwt_impl::no_passphrase, nullptr,
                                          nullptr, nullptr));
    if (!key_) {
        jwt_impl::throw_invalid_key(kind,
                                    "not an unencrypted PEM private key (-----BEGIN PRIVATE "
                                    "KEY----- or -----BEGIN EC PRIVATE KEY-----)");
    }
    jwt_impl::check_p384(key_.get(), kind);
}

IVSRT_DECL es384_private_key es384_private_key::generate() {
    const jwt_impl::error_queue_guard guard;
    evp_pkey_ptr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
    if (!key) throw_openssl_failure("EVP_PKEY_Q_keygen(EC, P-384)");
    return es384_private_key(std::move(key));
}

IVSRT_DECL es384_signature es384_private_key::sign(std::string_view signing_input) const {
    const jwt_impl::error_queue_guard guard;
    const auto ctx = jwt_impl::new_md_ctx();
    if (EVP_DigestSignInit_ex(ctx.get(), nullptr, "SHA2-384", nullptr, nullptr, key_.get(),
                              nullptr) != 1) {
        throw_openssl_failure("EVP_DigestSignInit_ex");
    }
    std::array<unsigned char, jwt_impl::max_der_signature_size> der;
    std::size_t der_size = der.size();
    if (EVP_DigestSign(ctx.get(), der.data(), &der_size,
                       reinterpret_cast<const unsigned char*>(signing_input.data()),
                       signing_input.size()) != 1) {
        throw_openssl_failure("EVP_DigestSign");
    }
    return jwt_impl::der_to_raw(der.data(), der_size);
}

IVSRT_DECL es384_public_key es384_private_key::public_key() const {
    // Through DER, so the public key object holds no private material.
    const jwt_impl::error_queue_guard guard;
    unsigned char* der = nullptr;
    const int size = i2d_PUBKEY(key_.get(), &der);
    const jwt_impl::openssl_bytes_ptr owner(der);
    if (size <= 0) throw_openssl_failure("i2d_PUBKEY");
    const unsigned char* p = der;
    evp_pkey_ptr key(d2i_PUBKEY(nullptr, &p, size));
    if (!key) throw_openssl_failure("d2i_PUBKEY");
    return es384_public_key(std::move(key));
}

IVSRT_DECL std::string es384_private_key::pem() const {
    const jwt_impl::error_queue_guard guard;
    // Secure-memory BIO: its buffer is cleared when freed.
    const jwt_impl::bio_ptr bio(BIO_new(BIO_s_secmem()));
    if (!bio) throw std::bad_alloc();
    if (PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
        1) {
        throw_openssl_failure("PEM_write_bio_PrivateKey");
    }
    return jwt_impl::drain(bio.get());
}

}  // namespace ivsrt::detail
