// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

/// @file
/// AWS Signature Version 4 (AWS4-HMAC-SHA256): Authorization-header signing, presigned URLs, and
/// server-side verification built from the same canonicalization. Needs OpenSSL and the standard
/// library only (no Asio).

#include <ivsrt/credentials_value.hpp>
#include <ivsrt/detail/config.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ivsrt::sigv4 {

inline constexpr std::string_view algorithm = "AWS4-HMAC-SHA256";

/// Payload hash that leaves the body out of the signature (S3 presigned URLs).
inline constexpr std::string_view unsigned_payload = "UNSIGNED-PAYLOAD";

/// A header as sent; names compare case-insensitively, repeats are allowed.
struct header {
    std::string_view name;
    std::string_view value;
};

/// A query parameter, decoded (the signer encodes it canonically).
struct query_param {
    std::string_view key;
    std::string_view value;
};

/// The request to sign or verify. Views only: the referenced data must outlive the call.
struct request_view {
    std::string_view method{};  ///< "POST"
    std::string_view path{};    ///< as on the wire: percent-encoded once, without the query
    std::span<const query_param> query{};  ///< in wire order; keys may repeat
    std::span<const header> headers{};     ///< all of them are signed; must include Host
    std::string_view body{};
    /// Lowercase hex SHA-256 of the body, or unsigned_payload. When set, the body is not read.
    std::optional<std::string_view> payload_hash{};
};

struct signer_options {
    std::string region;   ///< "us-east-1"
    std::string service;  ///< signing name: "ivs" for IVS Real-Time
    /// Remove "." and ".." segments and empty segments from the path (off for S3).
    bool normalize_path = true;
    /// Percent-encode the already encoded wire path once more (off for S3).
    bool double_encode_path = true;
    /// Header mode: add and sign x-amz-content-sha256.
    bool content_sha256_header = false;
    /// Include the session token in the signature. When false it is attached after signing.
    bool sign_session_token = true;
};

/// What signing produced. Reuse one object across calls: its buffers keep their capacity, so
/// steady-state signing does not allocate.
struct signing_result {
    /// Header mode: the values of the headers to add (see headers()).
    std::string authorization;
    std::string amz_date;        ///< X-Amz-Date, "YYYYMMDDTHHMMSSZ"; also set in query mode
    std::string payload_hash;    ///< hash used in the canonical request (x-amz-content-sha256)
    std::string security_token;  ///< X-Amz-Security-Token; empty without a session token
    bool content_sha256_header = false;

    /// Query mode: the full query string of the presigned URL (without '?'): the request's own
    /// parameters and the X-Amz-* ones, encoded, X-Amz-Signature included.
    std::string presigned_query;

    /// Intermediate values, for tests and debugging.
    std::string canonical_request;
    std::string string_to_sign;
    std::string signature;  ///< 64 lowercase hex digits

    /// Header mode: the headers to add to the request, viewing into this object.
    class header_list {
      public:
        const header* begin() const noexcept { return items_.data(); }
        const header* end() const noexcept { return items_.data() + size_; }
        std::size_t size() const noexcept { return size_; }

      private:
        friend struct signing_result;
        std::array<header, 4> items_{};
        std::size_t size_ = 0;
    };
    IVSRT_DECL header_list headers() const;
};

/// The fields of an Authorization header value, viewing into it.
struct authorization {
    std::string_view access_key_id;
    std::string_view date;  ///< scope date, "YYYYMMDD"
    std::string_view region;
    std::string_view service;
    std::string_view signed_headers;  ///< "host;x-amz-date"
    std::string_view signature;       ///< 64 lowercase hex digits
};

/// Parses "AWS4-HMAC-SHA256 Credential=<id>/<date>/<region>/<service>/aws4_request,
/// SignedHeaders=<names>, Signature=<hex>". Nothing if the value does not have that form.
IVSRT_DECL std::optional<authorization> parse_authorization(std::string_view value) noexcept;

/// Signs requests for one region and service. Thread-safe: a signer is immutable, and the derived
/// signing keys are cached per thread (see impl/sigv4.ipp).
///
/// Errors: invalid options, credentials or requests throw boost::system::system_error with
/// errc::invalid_request and a message naming the field (never its secret value).
class signer {
  public:
    using time_point = std::chrono::system_clock::time_point;

    IVSRT_DECL explicit signer(signer_options options);

    const signer_options& options() const noexcept { return options_; }

    /// Authorization-header signing. Adds x-amz-date (and x-amz-security-token,
    /// x-amz-content-sha256 as configured) to the signed headers; the request's own headers must
    /// not already hold them or Authorization.
    IVSRT_DECL void sign(const request_view& request, const credentials& creds, time_point now,
                         signing_result& out) const;

    /// Presigned-URL signing, valid for `expires` (1 s to 7 days).
    IVSRT_DECL void presign(const request_view& request, const credentials& creds, time_point now,
                            std::chrono::seconds expires, signing_result& out) const;

    /// Server side: recomputes the signature of a received, header-signed request from the headers
    /// named in auth.signed_headers, its X-Amz-Date header and its body (or payload_hash), and
    /// compares it in constant time. False also when the scope's date, region or service does
    /// not match. `out` receives the recomputed values (canonical request, ...).
    IVSRT_DECL bool verify(const request_view& request, const authorization& auth,
                           std::string_view secret_access_key, signing_result& out) const;

  private:
    signer_options options_;
};

}  // namespace ivsrt::sigv4

#ifndef IVSRT_SEPARATE_COMPILATION
#include <ivsrt/impl/sigv4.ipp>
#endif
