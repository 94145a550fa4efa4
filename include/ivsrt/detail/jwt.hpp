// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// The pieces of an ES384 JSON Web Token (ECDSA on P-384 with SHA-384, signature as raw r||s):
// base64url, splitting a compact token, and P-384 keys that sign and verify. OpenSSL 3 EVP only.
//
// Keys are parsed once and then only read: one key object may sign or verify from many threads
// at once. Each call uses its own digest context: creating and freeing it is under 0.5% of a
// P-384 signature (perf), and a per-thread context would still rerun EVP_DigestSignInit_ex.
// Error messages name the rule that failed and never quote key material. Every call leaves the
// thread's OpenSSL error queue as it found it.

#include <ivsrt/detail/config.hpp>

#include <openssl/types.h>

#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ivsrt::detail {

// --- base64url (RFC 4648 section 5), without padding -------------------------------------------

IVSRT_DECL void append_base64url(std::string& out, std::span<const unsigned char> data);
inline void append_base64url(std::string& out, std::string_view data) {
    append_base64url(out, {reinterpret_cast<const unsigned char*>(data.data()), data.size()});
}
inline std::string base64url_encode(std::string_view data) {
    std::string out;
    append_base64url(out, data);
    return out;
}

// The decoded bytes, or nothing when `text` is not canonical unpadded base64url: a character
// outside [A-Za-z0-9_-] (padding '=' included), a length of 4n+1, or non-zero unused bits.
IVSRT_DECL std::optional<std::string> base64url_decode(std::string_view text);

// --- compact JWT --------------------------------------------------------------------------------

// The three dot-separated parts of a compact JWT, still base64url-encoded, viewing the token.
struct jwt_parts {
    std::string_view header;
    std::string_view claims;
    std::string_view signature;
    std::string_view signing_input;  // "header.claims", what the signature covers
};

// The parts of `token`, or nothing unless it has exactly two dots and three non-empty parts.
IVSRT_DECL std::optional<jwt_parts> split_jwt(std::string_view token) noexcept;

// --- P-384 keys ---------------------------------------------------------------------------------

inline constexpr std::size_t es384_signature_size = 96;  // r and s, 48 big-endian bytes each
using es384_signature = std::array<unsigned char, es384_signature_size>;

struct evp_pkey_deleter {
    IVSRT_DECL void operator()(EVP_PKEY* key) const noexcept;
};
using evp_pkey_ptr = std::unique_ptr<EVP_PKEY, evp_pkey_deleter>;

// An EC P-384 public key. Move-only; a moved-from key may only be destroyed or assigned to.
class es384_public_key {
  public:
    // Parses a PEM SubjectPublicKeyInfo ("BEGIN PUBLIC KEY"). Throws std::invalid_argument when
    // the text is no such PEM, or the key is not EC, or its curve is not P-384.
    IVSRT_DECL explicit es384_public_key(std::string_view pem);

    // SHA-256 of the DER SubjectPublicKeyInfo, as 32 lowercase hex pairs joined by ':'.
    IVSRT_DECL std::string fingerprint() const;

    // The key as PEM SubjectPublicKeyInfo, the form ImportPublicKey takes.
    IVSRT_DECL std::string pem() const;

    // Whether `signature` (raw r||s) is this key's ES384 signature of `signing_input`.
    IVSRT_DECL bool verify(std::string_view signing_input,
                           std::span<const unsigned char> signature) const;

    // Whether `token` is a compact JWT carrying this key's ES384 signature. Checks the signature
    // only: the header and claims are the caller's to read.
    IVSRT_DECL bool verify_jwt(std::string_view token) const;

  private:
    friend class es384_private_key;
    explicit es384_public_key(evp_pkey_ptr key) noexcept : key_(std::move(key)) {}

    evp_pkey_ptr key_;
};

// An EC P-384 private key. Move-only; a moved-from key may only be destroyed or assigned to.
class es384_private_key {
  public:
    // Parses a PEM private key: PKCS#8 ("BEGIN PRIVATE KEY") or SEC1 ("BEGIN EC PRIVATE KEY"),
    // unencrypted. Throws std::invalid_argument when the text is no such PEM, or the key is not
    // EC, or its curve is not P-384.
    IVSRT_DECL explicit es384_private_key(std::string_view pem);

    // A fresh random key.
    IVSRT_DECL static es384_private_key generate();

    // The ES384 signature (raw r||s) of `signing_input`. ECDSA is randomized: each call gives
    // another valid signature.
    IVSRT_DECL es384_signature sign(std::string_view signing_input) const;

    IVSRT_DECL es384_public_key public_key() const;

    // The key as unencrypted PKCS#8 PEM. Secret: never log it.
    IVSRT_DECL std::string pem() const;

  private:
    explicit es384_private_key(evp_pkey_ptr key) noexcept : key_(std::move(key)) {}

    evp_pkey_ptr key_;
};

}  // namespace ivsrt::detail

#ifndef IVSRT_SEPARATE_COMPILATION
#include <ivsrt/impl/jwt.ipp>
#endif
