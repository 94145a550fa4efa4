// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

/// @file
/// Self-signed participant tokens, minted locally: ES384 JWTs signed with a P-384 private key
/// whose public key was registered with ImportPublicKey. Minting sends nothing, so it is not
/// bound by CreateParticipantToken's quota.
///
///     auto keys = ivsrt::generate_participant_token_key_pair();   // once; keep the private key
///     auto request = ivsrt::make_import_public_key_request(keys.public_key_pem, "tokens");
///     auto imported = co_await ivs.async_import_public_key(request);
///     ivsrt::participant_token_minter minter(keys.private_key_pem, *imported.public_key->arn);
///
///     auto claims = ivsrt::participant_token_claims::for_stage(stage);  // GetStage's stage
///     claims.user_id = "u1";
///     ivsrt::model::participant_token token = minter.mint(claims);  // from any thread

#include <ivsrt/detail/config.hpp>
#include <ivsrt/detail/jwt.hpp>
#include <ivsrt/model/import_public_key.hpp>
#include <ivsrt/model/participant_token.hpp>
#include <ivsrt/model/participant_token_capability.hpp>
#include <ivsrt/model/stage.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ivsrt {

/// A P-384 key pair in PEM form.
struct participant_token_key_pair {
    std::string private_key_pem{};  ///< PKCS#8, unencrypted. Secret: store it safely, never log it.
    std::string public_key_pem{};   ///< SubjectPublicKeyInfo, what ImportPublicKey takes
};

/// A fresh random key pair.
IVSRT_DECL participant_token_key_pair generate_participant_token_key_pair();

/// The ImportPublicKey request that registers `public_key_pem`. Throws std::invalid_argument,
/// naming public_key_pem, unless it is a PEM EC P-384 public key.
IVSRT_DECL model::import_public_key_request make_import_public_key_request(
    std::string public_key_pem, std::optional<std::string> name = std::nullopt,
    std::map<std::string, std::string> tags = {});

/// What a minted token grants. The JWT carries these as the claims resource and topic (the stage
/// ARN and its id), events_url, whip_url, user_id, attributes, capabilities, jti (the
/// participant id), iat and exp, with version "1.0".
struct participant_token_claims {
    std::string stage_arn{};   ///< `arn:<partition>:ivs:<region>:<account>:stage/<id>`
    std::string events_url{};  ///< Stage.endpoints.events
    std::string whip_url{};    ///< Stage.endpoints.whip
    std::string user_id{};     ///< at most 128 characters; left out of the token when empty
    std::map<std::string, std::string> attributes{};  ///< left out of the token when empty
    std::vector<model::participant_token_capability> capabilities{
        model::participant_token_capability::publish,
        model::participant_token_capability::subscribe};
    std::chrono::minutes duration{720};  ///< 1 to 20160 minutes; IVS's default is 12 hours
    std::string participant_id{};  ///< [A-Za-z0-9_-], at most 64; random 12 characters if empty
    std::optional<std::chrono::system_clock::time_point> issued_at{};  ///< now if unset

    /// Claims for `stage` (a CreateStage or GetStage result): its ARN and endpoints, with the
    /// defaults above. Throws std::invalid_argument when the stage has no events or whip endpoint.
    IVSRT_DECL static participant_token_claims for_stage(const model::stage& stage);
};

/// Mints participant tokens with one private key. The key is parsed once; mint() is const and
/// safe to call from many threads at once.
class participant_token_minter {
  public:
    /// `private_key_pem`: unencrypted PEM P-384 private key (PKCS#8 or SEC1). `public_key_arn`: the
    /// ARN ImportPublicKey gave its public key (the JWT's kid). Throws std::invalid_argument naming
    /// the parameter at fault; the message never quotes the key.
    IVSRT_DECL participant_token_minter(std::string_view private_key_pem,
                                        std::string public_key_arn);

    /// A signed token for `claims`, described like a CreateParticipantToken result. Throws
    /// std::invalid_argument naming the first claim that breaks its rule.
    IVSRT_DECL model::participant_token mint(const participant_token_claims& claims) const;

    const std::string& public_key_arn() const noexcept { return public_key_arn_; }

  private:
    detail::es384_private_key key_;
    std::string public_key_arn_;
    std::string encoded_header_;  ///< base64url of the JOSE header, then '.'
};

}  // namespace ivsrt

#ifndef IVSRT_SEPARATE_COMPILATION
#include <ivsrt/impl/participant_token.ipp>
#endif
