// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

/// @file
/// AWS credentials providers. (The plain credentials value is in <ivsrt/credentials_value.hpp>,
/// free of Asio so that the signer can take it; this header includes it.)
///
/// Every provider is asynchronous: network requests (IMDS, container endpoint, STS) and
/// credential_process run on the provider's executor and never block the caller's thread. (Local
/// files, such as the shared config files and token files, are small and read synchronously when
/// a provider fetches.)
///
/// Errors: a provider completes with errc::credentials and fills a credentials_diagnostics with
/// the provider's name and the cause ("imds: PUT /latest/api/token: HTTP 403", "profile:
/// /home/u/.aws/config:7: expected '=' in a property line"). Messages never contain a secret.
///
/// The default chain, in the order of the AWS SDKs (the first provider that is configured wins;
/// one that is configured but fails stops the chain):
///   1. environment   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
///   2. web identity  AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN, AWS_ROLE_SESSION_NAME (EKS)
///   3. profile       the selected profile of ~/.aws/config and ~/.aws/credentials: static keys,
///                    credential_process, role_arn with web_identity_token_file, or role_arn
///                    with source_profile (chains of any length) or credential_source (STS
///                    AssumeRole signed with the source's credentials)
///   4. container     AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI (ECS, EKS Pod Identity)
///   5. imds          EC2 instance metadata, IMDSv2 only
/// wrapped in make_cached_provider, so that requests share one fetch and never wait on a refresh
/// while the cached credentials are valid.

#include <ivsrt/aws_config.hpp>
#include <ivsrt/credentials_value.hpp>  // struct credentials
#include <ivsrt/detail/config.hpp>
#include <ivsrt/error.hpp>
#include <ivsrt/pool_config.hpp>  // host_resolver

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ivsrt {

/// Why a provider returned no credentials.
struct credentials_diagnostics {
    std::string message;          ///< "<provider>: <cause>"; never contains a secret
    bool not_configured = false;  ///< the provider's source is absent: a chain tries the next one
};

/// The completion signature of every provider.
using credentials_signature = void(boost::system::error_code, credentials);

/// A provider, by value: cheap to copy, copies share their state (and their cache).
class credentials_provider {
  public:
    /// What a provider implements. async_get must not complete inside the call itself, must keep
    /// `diag` untouched until it completes, and must write it before completing with an error.
    class impl {
      public:
        virtual ~impl() = default;
        virtual void async_get(
            credentials_diagnostics& diag,
            boost::asio::any_completion_handler<credentials_signature> handler) = 0;
        /// Credentials available at once, without I/O (static ones, a cache hit), else null.
        /// May start a background refresh. The client tries this before async_get.
        virtual std::shared_ptr<const credentials> try_get() { return nullptr; }
        /// Stops the provider for good (see credentials_provider::shutdown). Default: nothing.
        virtual void shutdown() {}
    };

    explicit credentials_provider(std::shared_ptr<impl> p) noexcept : impl_(std::move(p)) {}

    /// Completes with void(error_code, credentials). `diag` must stay alive until completion.
    template <class CompletionToken = boost::asio::deferred_t>
    auto async_get(credentials_diagnostics& diag, CompletionToken&& token = {}) const {
        return boost::asio::async_initiate<CompletionToken, credentials_signature>(
            [](auto handler, const std::shared_ptr<impl>& p, credentials_diagnostics* d) {
                p->async_get(*d, std::move(handler));
            },
            token, impl_, &diag);
    }

    /// See impl::try_get.
    std::shared_ptr<const credentials> try_get() const { return impl_->try_get(); }

    /// Stops the provider for good: a caching provider (make_cached_provider, the default chain)
    /// completes its waiting callers with errc::cancelled, starts no refresh, and fails every
    /// later fetch with errc::cancelled; a fetch already in flight ends within its own timeouts
    /// and its result is dropped. The client's shutdown() calls it on the provider the client
    /// made itself, never on one passed in client_config::credentials (it may be shared). Any
    /// thread.
    void shutdown() const { impl_->shutdown(); }

  private:
    std::shared_ptr<impl> impl_;
};

/// Options of the providers that fetch (each factory reads the members that concern it).
struct provider_options {
    config_sources sources{};  ///< environment, home directory, profile, file names
    /// The STS region for web identity and assume role; else AWS_REGION, AWS_DEFAULT_REGION, the
    /// selected profile's region, and without any, the global endpoint.
    std::optional<std::string> region{};
    /// STS endpoint override, e.g. http://127.0.0.1:8080; default https://sts.{region}.{the
    /// partition's DNS suffix}, e.g. sts.cn-north-1.amazonaws.com.cn
    std::optional<std::string> sts_endpoint{};
    /// IAM Identity Center overrides, e.g. http://127.0.0.1:8080; default
    /// https://portal.sso.{sso_region}.{suffix} (GetRoleCredentials) and
    /// https://oidc.{sso_region}.{suffix} (CreateToken, to refresh the cached token).
    std::optional<std::string> sso_portal_endpoint{};
    std::optional<std::string> sso_oidc_endpoint{};
    /// The proxy of STS and IAM Identity Center requests ("http://[user:password@]host:port",
    /// "" for none); unset: https_proxy / HTTPS_PROXY unless no_proxy / NO_PROXY exempts the
    /// host, as for the client. The IMDS and container endpoints are never proxied.
    std::optional<std::string> proxy{};
    std::optional<std::string> ca_bundle{};  ///< extra trusted CAs for https (AWS_CA_BUNDLE)
    /// Per attempt (connect, request, response). Each HTTP request (IMDS, container endpoint,
    /// STS) makes up to http_attempts attempts, retrying after a timeout, a connection failure, a
    /// malformed response or a 5xx.
    std::chrono::milliseconds imds_timeout{1000};
    std::chrono::milliseconds container_timeout{2000};
    std::chrono::milliseconds sts_timeout{5000};
    unsigned http_attempts = 2;
    /// A credential_process still running after this is killed.
    std::chrono::milliseconds process_timeout{60000};
    /// The current code of the MFA device `mfa_serial` of a profile that assumes a role with
    /// one; called on the provider's executor at each AssumeRole. Unset: such a profile fails.
    std::function<std::string(const std::string& mfa_serial)> mfa_code{};
    /// Resolves the host names of the IMDS, container and STS endpoints (an http container
    /// endpoint's name must resolve to allowed addresses only). Unset: getaddrinfo on a thread of
    /// its own.
    host_resolver resolver{};
};

struct cached_provider_options {
    /// Credentials expiring within this window are refreshed in the background while still served.
    std::chrono::seconds refresh_ahead{300};
    /// Credentials this close to their expiry are no longer served (a signed request must reach
    /// AWS before they expire).
    std::chrono::seconds expiry_margin{10};
    /// After a failed background refresh, the next one waits this long.
    std::chrono::seconds refresh_backoff{10};
    /// The wall clock expirations are compared against; empty: std::chrono::system_clock::now.
    std::function<std::chrono::system_clock::time_point()> clock;
};

/// Always the same credentials.
IVSRT_DECL credentials_provider make_static_provider(boost::asio::any_io_executor ex,
                                                     credentials c);

/// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_ACCOUNT_ID (read at each get).
IVSRT_DECL credentials_provider make_environment_provider(boost::asio::any_io_executor ex,
                                                          environment env = {});

/// AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN (optional AWS_ROLE_SESSION_NAME) through STS
/// AssumeRoleWithWebIdentity. The token file is read at each get.
IVSRT_DECL credentials_provider make_web_identity_provider(boost::asio::any_io_executor ex,
                                                           provider_options options = {});

/// The selected profile of the shared files: static keys, credential_process, role_arn with
/// web_identity_token_file, and role_arn with source_profile or credential_source (Environment,
/// Ec2InstanceMetadata, EcsContainer): STS AssumeRole in the profile's region, with
/// role_session_name, external_id, duration_seconds and mfa_serial (see
/// provider_options::mfa_code). A source_profile cycle is an error naming the profiles; SSO is
/// reported as unsupported. A missing "default" profile is "not configured", a missing named one
/// an error.
IVSRT_DECL credentials_provider make_profile_provider(boost::asio::any_io_executor ex,
                                                      provider_options options = {});

/// ECS / EKS Pod Identity: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (wins) or _FULL_URI (https, or
/// http to a loopback or container host address), with AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (read
/// at each get) or AWS_CONTAINER_AUTHORIZATION_TOKEN as the Authorization header.
IVSRT_DECL credentials_provider make_container_provider(boost::asio::any_io_executor ex,
                                                        provider_options options = {});

/// EC2 instance metadata, IMDSv2: AWS_EC2_METADATA_SERVICE_ENDPOINT, _ENDPOINT_MODE (else the
/// profile's ec2_metadata_service_endpoint, _endpoint_mode), AWS_EC2_METADATA_DISABLED.
IVSRT_DECL credentials_provider make_imds_provider(boost::asio::any_io_executor ex,
                                                   provider_options options = {});

/// Asks each provider in turn until one is configured. `name` prefixes its messages.
IVSRT_DECL credentials_provider make_chain_provider(boost::asio::any_io_executor ex,
                                                    std::vector<credentials_provider> providers,
                                                    std::string name = "chain");

/// Caches `inner`'s credentials until they expire: one fetch at a time shared by every caller,
/// refreshed in the background ahead of expiry, still served while valid when a refresh fails.
/// A caller waiting for a fetch may be cancelled (errc::cancelled) without cancelling the fetch.
IVSRT_DECL credentials_provider make_cached_provider(boost::asio::any_io_executor ex,
                                                     credentials_provider inner,
                                                     cached_provider_options options = {});

/// The default chain (see the top of this file), cached.
IVSRT_DECL credentials_provider make_default_provider(boost::asio::any_io_executor ex,
                                                      provider_options options = {},
                                                      cached_provider_options cache = {});

}  // namespace ivsrt

#ifndef IVSRT_SEPARATE_COMPILATION
#include <ivsrt/impl/credential_providers.ipp>
#include <ivsrt/impl/credentials_cache.ipp>
#endif
