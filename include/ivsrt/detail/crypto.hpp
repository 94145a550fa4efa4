// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// SHA-256, HMAC-SHA256 and hex encoding on OpenSSL 3 EVP, shaped for hot paths: contexts are
// reused, the digest is fetched once, and an HMAC key keeps its padded-key states precomputed.

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <cstddef>
#include <cstring>
#include <new>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ivsrt::detail {

using sha256_digest = std::array<unsigned char, 32>;

[[noreturn]] inline void throw_openssl_failure(const char* call) {
    throw std::runtime_error(std::string("ivsrt: OpenSSL ") + call + " failed");
}

// SHA-256 from the default provider, fetched once. Passing EVP_sha256() instead would repeat the
// provider lookup on every init. Never freed: OpenSSL may already be shut down at static cleanup.
inline const EVP_MD* sha256_md() {
    static const EVP_MD* const md = [] {
        EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
        if (fetched == nullptr) throw_openssl_failure("EVP_MD_fetch(SHA2-256)");
        return fetched;
    }();
    return md;
}

// A reusable SHA-256 context.
class sha256_context {
  public:
    sha256_context() : ctx_(EVP_MD_CTX_new()) {
        if (ctx_ == nullptr) throw std::bad_alloc();
    }
    sha256_context(const sha256_context&) = delete;
    sha256_context& operator=(const sha256_context&) = delete;
    ~sha256_context() { EVP_MD_CTX_free(ctx_); }

    // Starts a new hash.
    sha256_context& reset() {
        if (EVP_DigestInit_ex2(ctx_, sha256_md(), nullptr) != 1) {
            throw_openssl_failure("EVP_DigestInit_ex2");
        }
        return *this;
    }

    // Continues from the state of `other`.
    sha256_context& copy_from(const sha256_context& other) {
        if (EVP_MD_CTX_copy_ex(ctx_, other.ctx_) != 1) throw_openssl_failure("EVP_MD_CTX_copy_ex");
        return *this;
    }

    sha256_context& update(std::span<const unsigned char> data) {
        if (EVP_DigestUpdate(ctx_, data.data(), data.size()) != 1) {
            throw_openssl_failure("EVP_DigestUpdate");
        }
        return *this;
    }
    sha256_context& update(std::string_view data) {
        return update({reinterpret_cast<const unsigned char*>(data.data()), data.size()});
    }

    sha256_digest finish() {
        sha256_digest out;
        if (EVP_DigestFinal_ex(ctx_, out.data(), nullptr) != 1) {
            throw_openssl_failure("EVP_DigestFinal_ex");
        }
        return out;
    }

  private:
    EVP_MD_CTX* ctx_;
};

// HMAC-SHA256 under a fixed key. The key's inner and outer padded blocks are hashed once here;
// each MAC then clones those states and hashes only the message. (OpenSSL 3.0 allocates inside
// EVP_MD_CTX_copy_ex when it clones a provider's state.)
class hmac_sha256_key {
  public:
    explicit hmac_sha256_key(std::span<const unsigned char> key) {
        constexpr std::size_t block_size = 64;
        std::array<unsigned char, block_size> ipad{};
        std::array<unsigned char, block_size> opad{};
        sha256_digest hashed_key{};
        if (key.size() > block_size) {
            hashed_key = inner_.reset().update(key).finish();
            key = hashed_key;
        }
        for (std::size_t i = 0; i < block_size; ++i) {
            const unsigned char k = i < key.size() ? key[i] : 0;
            ipad[i] = k ^ 0x36;
            opad[i] = k ^ 0x5c;
        }
        inner_.reset().update(ipad);
        outer_.reset().update(opad);
        OPENSSL_cleanse(ipad.data(), ipad.size());
        OPENSSL_cleanse(opad.data(), opad.size());
        OPENSSL_cleanse(hashed_key.data(), hashed_key.size());
    }
    explicit hmac_sha256_key(std::string_view key)
        : hmac_sha256_key({reinterpret_cast<const unsigned char*>(key.data()), key.size()}) {}

    // MAC of `message`, using `work` as scratch.
    sha256_digest mac(std::string_view message, sha256_context& work) const {
        return outer(work.copy_from(inner_).update(message).finish(), work);
    }

    // The MAC in two steps: continue inner() with the message, finish it, and pass that hash
    // to outer().
    const sha256_context& inner() const noexcept { return inner_; }
    sha256_digest outer(const sha256_digest& inner_hash, sha256_context& work) const {
        return work.copy_from(outer_).update(inner_hash).finish();
    }

  private:
    sha256_context inner_;
    sha256_context outer_;
};

// Hashes messages that often share their first 64-byte block (the canonical requests of one
// operation, the strings to sign of one second) from a fixed start: the state after the last
// first block is kept, and reused while that block repeats.
class sha256_prefix_cache {
  public:
    // `start`: the state every message continues from, or null for a fresh one. It must not
    // change while this object uses it.
    explicit sha256_prefix_cache(const sha256_context* start = nullptr) noexcept : start_(start) {}

    // Leaves `work` holding the start state followed by `message`.
    sha256_context& absorb(std::string_view message, sha256_context& work) {
        constexpr std::size_t block_size = 64;
        if (message.size() <= block_size) return begin(work).update(message);
        if (!valid_ || std::memcmp(block_.data(), message.data(), block_size) != 0) {
            valid_ = false;
            begin(state_).update(message.substr(0, block_size));
            std::memcpy(block_.data(), message.data(), block_size);
            valid_ = true;
        }
        return work.copy_from(state_).update(message.substr(block_size));
    }

  private:
    sha256_context& begin(sha256_context& ctx) const {
        return start_ != nullptr ? ctx.copy_from(*start_) : ctx.reset();
    }

    const sha256_context* start_;
    sha256_context state_;
    std::array<char, 64> block_{};
    bool valid_ = false;
};

// The two lowercase hex digits of every byte value.
inline constexpr std::array<char, 512> hex_pairs = [] {
    constexpr char digits[] = "0123456789abcdef";
    std::array<char, 512> table{};
    for (std::size_t b = 0; b < 256; ++b) {
        table[2 * b] = digits[b >> 4];
        table[2 * b + 1] = digits[b & 0xF];
    }
    return table;
}();

// Writes 2 * bytes.size() lowercase hex digits to `out`.
inline void to_hex(std::span<const unsigned char> bytes, char* out) noexcept {
    for (unsigned char b : bytes) {
        std::memcpy(out, &hex_pairs[2 * std::size_t{b}], 2);
        out += 2;
    }
}

inline void append_hex(std::string& out, std::span<const unsigned char> bytes) {
    const std::size_t old_size = out.size();
    out.resize(old_size + 2 * bytes.size());
    to_hex(bytes, out.data() + old_size);
}

// Compares in time independent of where the inputs differ.
inline bool equal_constant_time(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// Lower-case hex of the SHA-1 of `text` (names, never secrets: Redis script ids, cache files).
inline std::string sha1_hex(std::string_view text) {
    unsigned char digest[20];
    unsigned int size = 0;
    if (EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha1(), nullptr) != 1 ||
        size != 20) {
        throw_openssl_failure("EVP_Digest(SHA-1)");
    }
    std::string out;
    append_hex(out, digest);
    return out;
}

}  // namespace ivsrt::detail
