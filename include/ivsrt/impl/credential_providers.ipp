// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// The credential providers: static, environment, web identity (STS), profile (with assume role
// through STS), container, IMDS, the chain, and the default chain. The cache is in
// impl/credentials_cache.ipp.

#include <ivsrt/credentials.hpp>
#include <ivsrt/detail/credential_endpoints.hpp>
#include <ivsrt/detail/credentials_completion.hpp>
#include <ivsrt/detail/credentials_formats.hpp>
#include <ivsrt/detail/crypto.hpp>
#include <ivsrt/detail/endpoint_url.hpp>
#include <ivsrt/detail/http_fetch.hpp>
#include <ivsrt/detail/ini.hpp>
#include <ivsrt/detail/iso8601.hpp>
#include <ivsrt/detail/process.hpp>
#include <ivsrt/detail/uri.hpp>
#include <ivsrt/sigv4.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/url/parse.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <exception>

namespace ivsrt {

namespace detail::credentials_impl {

inline std::string describe_exception(const std::exception_ptr& e) {
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& x) {
        return std::string("internal error: ") + x.what();
    } catch (...) {
        return "internal error";
    }
}

inline std::string trim_trailing_space(std::string s) {
    while (!s.empty() && std::string_view(" \t\r\n").find(s.back()) != std::string_view::npos) {
        s.pop_back();
    }
    return s;
}

class static_provider final : public credentials_provider::impl {
  public:
    static_provider(asio::any_io_executor ex, credentials c)
        : ex_(std::move(ex)), creds_(std::make_shared<credentials>(std::move(c))) {
        if (creds_->provider.empty()) creds_->provider = "static";
    }
    void async_get(credentials_diagnostics& diag, handler_type handler) override {
        pending_get(std::move(handler), diag, ex_)
            .complete_later(ex_, fetch_outcome::success(*creds_));
    }
    std::shared_ptr<const credentials> try_get() override { return creds_; }

  private:
    asio::any_io_executor ex_;
    std::shared_ptr<credentials> creds_;
};

class environment_provider final : public credentials_provider::impl {
  public:
    environment_provider(asio::any_io_executor ex, environment env)
        : ex_(std::move(ex)), env_(std::move(env)) {}

    void async_get(credentials_diagnostics& diag, handler_type handler) override {
        pending_get(std::move(handler), diag, ex_).complete_later(ex_, read());
    }

  private:
    fetch_outcome read() const {
        auto id = env_.get("AWS_ACCESS_KEY_ID");
        auto secret = env_.get("AWS_SECRET_ACCESS_KEY");
        if (!id && !secret)
            return fetch_outcome::absent("environment: AWS_ACCESS_KEY_ID is not set");
        if (!id) {
            return fetch_outcome::failure(
                "environment: AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not");
        }
        if (!secret) {
            return fetch_outcome::failure(
                "environment: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
        }
        credentials c;
        c.access_key_id = std::move(*id);
        c.secret_access_key = std::move(*secret);
        c.session_token = env_.get("AWS_SESSION_TOKEN");
        c.account_id = env_.get("AWS_ACCOUNT_ID");
        c.provider = "environment";
        return fetch_outcome::success(std::move(c));
    }

    asio::any_io_executor ex_;
    environment env_;
};

// A provider whose fetch is a coroutine on its executor.
class fetching_provider : public credentials_provider::impl,
                          public std::enable_shared_from_this<fetching_provider> {
  public:
    fetching_provider(asio::any_io_executor ex, provider_options options)
        : ex_(std::move(ex)), options_(std::move(options)) {}

    void async_get(credentials_diagnostics& diag, handler_type handler) final {
        asio::co_spawn(
            ex_, fetch(),
            [self = shared_from_this(), pending = pending_get(std::move(handler), diag, ex_)](
                std::exception_ptr e, fetch_outcome outcome) mutable {
                if (e)
                    outcome = fetch_outcome::failure(self->name() + ": " + describe_exception(e));
                std::move(pending).complete(std::move(outcome));
            });
    }

  protected:
    virtual std::string name() const = 0;
    virtual asio::awaitable<fetch_outcome> fetch() = 0;

    const environment& env() const noexcept { return options_.sources.env; }

    asio::any_io_executor ex_;
    provider_options options_;
};

// ---- web identity (STS AssumeRoleWithWebIdentity) ----

struct web_identity_source {
    std::string token_file;
    std::string role_arn;
    std::optional<std::string> session_name;
    std::optional<std::string> region;  // when the options name none
};

// The account in an ARN, "arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE".
inline std::optional<std::string> arn_account(std::string_view arn) {
    for (int field = 0; field < 4; ++field) {
        const auto colon = arn.find(':');
        if (colon == std::string_view::npos) return std::nullopt;
        arn.remove_prefix(colon + 1);
    }
    const auto account = arn.substr(0, arn.find(':'));
    if (account.empty() || account.size() == arn.size()) return std::nullopt;
    return std::string(account);
}

// The credentials of an STS response (AssumeRole, AssumeRoleWithWebIdentity), or why there are
// none. `call` starts every message; an error message that quotes `secret` is left out.
inline fetch_outcome sts_credentials(const http_fetch_result& response, const std::string& call,
                                     const char* result_tag, std::string_view secret,
                                     const std::string& provider) {
    if (response.ec) return fetch_outcome::failure(call + ": " + response.error);
    if (response.status != 200) {
        std::string cause = "HTTP " + std::to_string(response.status);
        if (auto code = xml_text(response.body, "Code")) {
            cause += " " + *code;
            auto message = xml_text(response.body, "Message");
            if (message && (secret.empty() || message->find(secret) == std::string::npos)) {
                cause += ": " + *message;
            }
        }
        return fetch_outcome::failure(call + ": " + cause);
    }
    const auto result = xml_element(response.body, result_tag);
    const auto element = result ? xml_element(*result, "Credentials") : std::nullopt;
    if (!element) return fetch_outcome::failure(call + ": the response has no Credentials element");
    credentials c;
    const char* missing = nullptr;
    auto field = [&](const char* tag, std::string& to) {
        auto text = xml_text(*element, tag);
        if (!text || text->empty()) {
            if (!missing) missing = tag;
            return;
        }
        to = std::move(*text);
    };
    std::string token_out, expiration;
    field("AccessKeyId", c.access_key_id);
    field("SecretAccessKey", c.secret_access_key);
    field("SessionToken", token_out);
    field("Expiration", expiration);
    if (missing) return fetch_outcome::failure(call + ": the response has no " + missing);
    c.session_token = std::move(token_out);
    c.expiration = parse_iso8601(expiration);
    if (!c.expiration) {
        return fetch_outcome::failure(call +
                                      ": the response's Expiration is not an ISO-8601 timestamp");
    }
    if (const auto user = xml_element(*result, "AssumedRoleUser")) {
        if (const auto arn = xml_text(*user, "Arn")) c.account_id = arn_account(*arn);
    }
    c.provider = provider;
    return fetch_outcome::success(std::move(c));
}

// A session name when none is configured, as the AWS SDKs make one: unique enough per process.
inline std::string generated_session_name() {
    return "ivsrt-" + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::system_clock::now().time_since_epoch())
                                         .count());
}

// The proxy of a request to `url` (STS, IAM Identity Center; never IMDS or a container).
inline std::string proxy_for(const provider_options& options, const std::string& url) {
    if (options.proxy) return *options.proxy;
    const auto u = boost::urls::parse_absolute_uri(url);
    if (!u) return {};
    return proxy_from_environment(options.sources.env, u->scheme_id() == boost::urls::scheme::https,
                                  u->host_address(), std::to_string(url_port(*u)));
}

// A request of a credential provider to an AWS service (STS, IAM Identity Center): the STS
// timeout, the CA bundle, the resolver and the proxy of `options`.
inline http_fetch_request service_request(std::string url, const provider_options& options) {
    http_fetch_request request;
    request.url = std::move(url);
    request.timeout = options.sts_timeout;
    request.ca_bundle = options.ca_bundle.value_or("");
    request.resolver = options.resolver;
    request.proxy = proxy_for(options, request.url);
    return request;
}

// A form-encoded STS request (the Query protocol) of `body` to `url`.
inline http_fetch_request sts_request(std::string url, std::string body,
                                      const provider_options& options) {
    http_fetch_request request = service_request(std::move(url), options);
    request.method = boost::beast::http::verb::post;
    request.content_type = "application/x-www-form-urlencoded; charset=utf-8";
    request.body = std::move(body);
    request.headers.emplace_back("Accept", "application/xml");
    return request;
}

inline asio::awaitable<fetch_outcome> assume_role_with_web_identity(
    const web_identity_source& source, const provider_options& options) {
    const std::string name = "web_identity";
    std::string token, error;
    switch (read_small_file(source.token_file, token, error)) {
        case read_status::missing:
            co_return fetch_outcome::failure(name + ": the token file " + source.token_file +
                                             " does not exist");
        case read_status::failed:
            co_return fetch_outcome::failure(name + ": " + error);
        case read_status::ok:
            break;
    }
    token = trim_trailing_space(std::move(token));
    if (token.empty()) {
        co_return fetch_outcome::failure(name + ": the token file " + source.token_file +
                                         " is empty");
    }

    const std::optional<std::string>& region = options.region ? options.region : source.region;
    const auto chosen = sts_endpoint(region, options.sts_endpoint);
    if (chosen.url.empty()) co_return fetch_outcome::failure(name + ": " + chosen.error);
    const std::string& endpoint = chosen.url;
    const std::string session_name =
        source.session_name ? *source.session_name : generated_session_name();

    const http_fetch_request request =
        sts_request(endpoint,
                    "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=" +
                        percent_encode(source.role_arn, unreserved_chars) +
                        "&RoleSessionName=" + percent_encode(session_name, unreserved_chars) +
                        "&WebIdentityToken=" + percent_encode(token, unreserved_chars),
                    options);
    const auto response = co_await http_fetch(request, options.http_attempts);
    co_return sts_credentials(response, name + ": AssumeRoleWithWebIdentity at " + endpoint,
                              "AssumeRoleWithWebIdentityResult", token, name);
}

// ---- assume role (STS AssumeRole, signed with the source credentials) ----

struct role_request {
    std::string role_arn;
    std::string session_name;
    std::optional<std::string> external_id;
    std::optional<std::string> duration_seconds;  // checked: 900 to 43200
    std::optional<std::string> mfa_serial;
    std::string mfa_code;
    std::optional<std::string> region;  // of the STS endpoint; none: the global one
};

inline asio::awaitable<fetch_outcome> assume_role(credentials source, role_request r,
                                                  const provider_options& options,
                                                  std::string name) {
    const auto chosen = sts_endpoint(r.region, options.sts_endpoint);
    if (chosen.url.empty()) co_return fetch_outcome::failure(name + ": " + chosen.error);
    const auto url = boost::urls::parse_absolute_uri(chosen.url);
    if (!url) co_return fetch_outcome::failure(name + ": the STS endpoint is not a URL");

    auto encode = [](std::string_view v) { return percent_encode(v, unreserved_chars); };
    std::string body = "Action=AssumeRole&Version=2011-06-15&RoleArn=" + encode(r.role_arn) +
                       "&RoleSessionName=" + encode(r.session_name);
    if (r.duration_seconds) body += "&DurationSeconds=" + *r.duration_seconds;
    if (r.external_id) body += "&ExternalId=" + encode(*r.external_id);
    if (r.mfa_serial)
        body += "&SerialNumber=" + encode(*r.mfa_serial) + "&TokenCode=" + encode(r.mfa_code);
    http_fetch_request request = sts_request(chosen.url, std::move(body), options);

    // Signed for STS in the endpoint's region (the global endpoint signs for us-east-1); the
    // Host and Content-Type headers are the ones http_fetch sends.
    const std::string host(url->encoded_host_and_port());
    const std::string path = url->encoded_path().empty() ? "/" : std::string(url->encoded_path());
    const std::array<sigv4::header, 2> headers{
        {{"content-type", request.content_type}, {"host", host}}};
    sigv4::signing_result signature;
    try {
        const sigv4::signer signer({.region = r.region.value_or("us-east-1"), .service = "sts"});
        signer.sign({.method = "POST", .path = path, .headers = headers, .body = request.body},
                    source, std::chrono::system_clock::now(), signature);
    } catch (const boost::system::system_error& e) {
        co_return fetch_outcome::failure(name + ": cannot sign AssumeRole: " + e.what());
    }
    for (const auto& h : signature.headers()) {
        request.headers.emplace_back(std::string(h.name), std::string(h.value));
    }
    const auto response = co_await http_fetch(request, options.http_attempts);
    co_return sts_credentials(response, name + ": AssumeRole at " + chosen.url, "AssumeRoleResult",
                              r.mfa_code, "assume_role");
}

class web_identity_provider final : public fetching_provider {
  public:
    using fetching_provider::fetching_provider;

  private:
    std::string name() const override { return "web_identity"; }

    asio::awaitable<fetch_outcome> fetch() override {
        auto token_file = env().get("AWS_WEB_IDENTITY_TOKEN_FILE");
        auto role_arn = env().get("AWS_ROLE_ARN");
        if (!token_file) {
            co_return fetch_outcome::absent("web_identity: AWS_WEB_IDENTITY_TOKEN_FILE is not set");
        }
        if (!role_arn) {
            co_return fetch_outcome::failure(
                "web_identity: AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not");
        }
        web_identity_source source{std::move(*token_file), std::move(*role_arn),
                                   env().get("AWS_ROLE_SESSION_NAME"), std::nullopt};
        if (!options_.region) {
            // The profile's region counts too; a shared file that cannot be read does not.
            shared_config config;
            std::string ignored;
            const bool loaded = load_shared_config(options_.sources, config, ignored);
            source.region = configured_region(env(), loaded ? config.profile() : nullptr);
        }
        co_return co_await assume_role_with_web_identity(source, options_);
    }
};

// ---- IAM Identity Center (SSO) ----
//
// `aws sso login` leaves a token in ~/.aws/sso/cache/<SHA-1 of the sso-session name, or of the
// start URL for the legacy profile keys>.json. A profile with sso_session refreshes a token that
// expires within 5 minutes through SSO OIDC CreateToken when the cache holds a refresh token,
// and writes the cache back (a new file renamed over the old, as the CLI does). The portal's
// GetRoleCredentials then gives the role's credentials. Tokens never appear in messages.

struct sso_profile {
    std::string session;  // empty: the legacy keys
    std::string start_url, region, account_id, role_name;
    std::string login;  // the command that gets a new token
};

inline std::string sso_endpoint(const std::optional<std::string>& given, std::string_view host,
                                const std::string& region) {
    if (given) return *given;
    return "https://" + std::string(host) + "." + region + "." +
           std::string(partition_dns_suffix(region));
}

// The cache file's JSON, or null; `error` says why not when the file exists but is unusable.
inline std::optional<boost::json::object> read_sso_cache(const std::string& path,
                                                         std::string& error) {
    std::string text;
    if (read_small_file(path, text, error) != read_status::ok) return std::nullopt;
    boost::system::error_code ec;
    boost::json::value doc = boost::json::parse(text, ec);
    if (ec || !doc.is_object()) {
        error = "the token cache " + path + " is not a JSON object";
        return std::nullopt;
    }
    return std::move(doc.as_object());
}

inline std::string json_string(const boost::json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// Writes `text` to `path` through a temporary file renamed over it: readers see the old file or
// the new one, never a part. Owner-only permissions, as the CLI's.
inline bool replace_file(const std::string& path, const std::string& text) {
    const std::string temp = path + ".ivsrt-" + std::to_string(::getpid()) + ".tmp";
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return false;
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    const bool closed = ::close(fd) == 0;
    if (!written || !closed || std::rename(temp.c_str(), path.c_str()) != 0) {
        std::remove(temp.c_str());
        return false;
    }
    return true;
}

inline asio::awaitable<fetch_outcome> sso_credentials(sso_profile p,
                                                      const provider_options& options,
                                                      std::string name) {
    const auto home = options.sources.home_directory ? options.sources.home_directory
                                                     : options.sources.env.get("HOME");
    if (!home) co_return fetch_outcome::failure(name + ": no home directory for the SSO cache");
    const std::string path = *home + "/.aws/sso/cache/" +
                             sha1_hex(p.session.empty() ? p.start_url : p.session) + ".json";
    const std::string relogin = "; run " + p.login;
    std::string error;
    auto cache = read_sso_cache(path, error);
    if (!cache) {
        co_return fetch_outcome::failure(
            name + ": " + (error.empty() ? "no cached SSO token (" + path + ")" : error) + relogin);
    }
    std::string token = json_string(*cache, "accessToken");
    const auto expires = parse_iso8601(json_string(*cache, "expiresAt"));
    if (token.empty() || !expires) {
        co_return fetch_outcome::failure(name + ": the token cache " + path +
                                         " has no accessToken or expiresAt" + relogin);
    }
    const auto now = std::chrono::system_clock::now();
    if (*expires - std::chrono::minutes(5) <= now) {
        const std::string refresh = json_string(*cache, "refreshToken");
        const std::string client_id = json_string(*cache, "clientId");
        const std::string client_secret = json_string(*cache, "clientSecret");
        const auto registration = parse_iso8601(json_string(*cache, "registrationExpiresAt"));
        std::string refreshed;
        if (!p.session.empty() && !refresh.empty() && !client_id.empty() &&
            !client_secret.empty() && (!registration || *registration > now)) {
            http_fetch_request request = service_request(
                sso_endpoint(options.sso_oidc_endpoint, "oidc", p.region) + "/token", options);
            request.method = boost::beast::http::verb::post;
            request.content_type = "application/json";
            request.body =
                boost::json::serialize(boost::json::object{{"grantType", "refresh_token"},
                                                           {"clientId", client_id},
                                                           {"clientSecret", client_secret},
                                                           {"refreshToken", refresh}});
            const auto response = co_await http_fetch(request, options.http_attempts);
            boost::system::error_code ec;
            const boost::json::value doc = boost::json::parse(response.body, ec);
            const auto* answer = ec ? nullptr : doc.if_object();
            const auto* expires_in = answer ? answer->if_contains("expiresIn") : nullptr;
            if (response.ec || response.status != 200 || !answer || !expires_in ||
                !expires_in->is_int64() || json_string(*answer, "accessToken").empty()) {
                refreshed = response.ec
                                ? response.error
                                : "CreateToken answered HTTP " + std::to_string(response.status);
            } else {
                token = json_string(*answer, "accessToken");
                (*cache)["accessToken"] = token;
                (*cache)["expiresAt"] =
                    format_iso8601(now + std::chrono::seconds(expires_in->as_int64()));
                if (const auto next = json_string(*answer, "refreshToken"); !next.empty()) {
                    (*cache)["refreshToken"] = next;
                }
                replace_file(path, boost::json::serialize(*cache));  // the next run may reuse it
            }
        } else {
            refreshed = "no refresh token";
        }
        if (!refreshed.empty() && *expires <= now) {
            co_return fetch_outcome::failure(
                name + ": the SSO token expired at " + format_iso8601(*expires) +
                " and cannot be refreshed (" + refreshed + ")" + relogin);
        }
    }

    auto encode = [](std::string_view v) { return percent_encode(v, unreserved_chars); };
    http_fetch_request request =
        service_request(sso_endpoint(options.sso_portal_endpoint, "portal.sso", p.region) +
                            "/federation/credentials?account_id=" + encode(p.account_id) +
                            "&role_name=" + encode(p.role_name),
                        options);
    request.headers.emplace_back("x-amz-sso_bearer_token", token);
    const auto response = co_await http_fetch(request, options.http_attempts);
    const std::string call =
        name + ": GetRoleCredentials for role " + p.role_name + " in account " + p.account_id;
    if (response.ec) co_return fetch_outcome::failure(call + ": " + response.error);
    if (response.status == 401 || response.status == 403) {
        co_return fetch_outcome::failure(call + ": HTTP " + std::to_string(response.status) +
                                         " (the token was refused)" + relogin);
    }
    boost::system::error_code ec;
    const boost::json::value doc = boost::json::parse(response.body, ec);
    const auto* outer = ec ? nullptr : doc.if_object();
    const auto* role = outer ? outer->if_contains("roleCredentials") : nullptr;
    const auto* rc = role ? role->if_object() : nullptr;
    const auto* expiration = rc ? rc->if_contains("expiration") : nullptr;
    if (response.status != 200 || !rc || !expiration || !expiration->is_int64()) {
        co_return fetch_outcome::failure(call + ": HTTP " + std::to_string(response.status) +
                                         ", not role credentials");
    }
    credentials c;
    c.access_key_id = json_string(*rc, "accessKeyId");
    c.secret_access_key = json_string(*rc, "secretAccessKey");
    c.session_token = json_string(*rc, "sessionToken");
    if (c.access_key_id.empty() || c.secret_access_key.empty()) {
        co_return fetch_outcome::failure(call + ": the answer has no keys");
    }
    c.expiration =
        std::chrono::system_clock::time_point(std::chrono::milliseconds(expiration->as_int64()));
    c.account_id = p.account_id;
    c.provider = "sso";
    co_return fetch_outcome::success(std::move(c));
}

// ---- profile: static keys, credential_process, role_arn + web_identity_token_file ----

class profile_provider final : public fetching_provider {
  public:
    using fetching_provider::fetching_provider;

  private:
    std::string name() const override { return "profile"; }

    asio::awaitable<fetch_outcome> fetch() override {
        shared_config config;
        std::string error;
        if (!load_shared_config(options_.sources, config, error)) {
            co_return fetch_outcome::failure("profile: " + error);
        }
        if (!config.profile()) {
            const std::string cause =
                "no profile '" + config.profile_name + "' in " + config.describe_files();
            co_return config.profile_explicit ? fetch_outcome::failure("profile: " + cause)
                                              : fetch_outcome::absent("profile: " + cause);
        }
        // STS is asked in the selected profile's region, for every role of a chain.
        const auto region =
            options_.region ? options_.region : configured_region(env(), config.profile());
        co_return co_await from_profile(config, config.profile_name, {}, region);
    }

    // The credentials of profile `name`. `chain` lists the profiles whose source_profile led
    // here, outermost first: a name seen twice is a cycle.
    asio::awaitable<fetch_outcome> from_profile(const shared_config& config, std::string name,
                                                std::vector<std::string> chain,
                                                std::optional<std::string> region) {
        std::string label = "profile '" + name + "'";
        if (!chain.empty()) label += " (source_profile of '" + chain.back() + "')";
        const auto found = config.sections.profiles.find(name);
        if (found == config.sections.profiles.end()) {
            co_return fetch_outcome::failure("profile: no " + label + " in " +
                                             config.describe_files());
        }
        const profile_section* profile = &found->second;
        auto get = [&](std::string_view key) -> const profile_property* {
            const auto* p = profile->find(key);
            return p && !p->value.empty() ? p : nullptr;
        };
        auto at = [&](const profile_property* p) { return label + " (" + p->location + ")"; };

        for (const char* key :
             {"sso_session", "sso_start_url", "sso_account_id", "sso_role_name"}) {
            if (get(key) != nullptr) {
                sso_profile sso;
                if (auto problem = sso_settings(config, get, at, name, sso)) {
                    co_return fetch_outcome::failure(std::move(*problem));
                }
                co_return co_await sso_credentials(std::move(sso), options_, label);
            }
        }
        const auto* role_arn = get("role_arn");
        const auto* token_file = get("web_identity_token_file");
        const auto* source_profile = get("source_profile");
        const auto* credential_source = get("credential_source");
        if (role_arn && (source_profile || credential_source)) {
            if (source_profile && credential_source) {
                co_return fetch_outcome::failure(
                    at(credential_source) +
                    ": source_profile and credential_source are both set; set one");
            }
            role_request request;
            if (auto problem = role_settings(get, at, *role_arn, region, request)) {
                co_return fetch_outcome::failure(std::move(*problem));
            }
            fetch_outcome source;
            if (credential_source) {
                source = co_await from_credential_source(credential_source->value,
                                                         at(credential_source));
            } else if (source_profile->value == name) {
                // A profile may be its own source when it holds static keys (as in the AWS
                // CLI): they are the credentials the role is assumed with.
                source = static_keys(get, at, label);
                if (source.not_configured) {
                    co_return fetch_outcome::failure(
                        at(source_profile) +
                        ": source_profile names the profile itself, which has no static keys");
                }
            } else if (std::find(chain.begin(), chain.end(), source_profile->value) !=
                       chain.end()) {
                std::string cycle;
                for (const auto& p : chain) cycle += "'" + p + "' -> ";
                co_return fetch_outcome::failure(at(source_profile) +
                                                 ": source_profile makes a cycle: " + cycle + "'" +
                                                 name + "' -> '" + source_profile->value + "'");
            } else {
                chain.push_back(name);
                source = co_await from_profile(config, source_profile->value, chain, region);
            }
            if (source.ec) {
                source.not_configured = false;  // the role is configured: its source must be
                co_return source;
            }
            if (const auto* serial = get("mfa_serial")) {
                request.mfa_code = options_.mfa_code(serial->value);
                if (request.mfa_code.empty()) {
                    co_return fetch_outcome::failure(at(serial) + ": no MFA code was given");
                }
            }
            co_return co_await assume_role(std::move(source.creds), std::move(request), options_,
                                           label + ": role_arn " + role_arn->value);
        }
        if (role_arn) {
            if (!token_file) {
                co_return fetch_outcome::failure(at(role_arn) +
                                                 ": role_arn needs source_profile, "
                                                 "credential_source or web_identity_token_file");
            }
            const auto* session = get("role_session_name");
            web_identity_source source{
                token_file->value, role_arn->value,
                session ? std::optional<std::string>(session->value) : std::nullopt, region};
            co_return co_await assume_role_with_web_identity(source, options_);
        }
        if (token_file) {
            co_return fetch_outcome::failure(at(token_file) +
                                             ": web_identity_token_file needs role_arn");
        }
        if (source_profile || credential_source) {
            const auto* p = source_profile ? source_profile : credential_source;
            co_return fetch_outcome::failure(
                at(p) + ": " + (source_profile ? "source_profile" : "credential_source") +
                " needs role_arn");
        }
        if (const auto* process = get("credential_process")) {
            co_return co_await run_credential_process(process->value, at(process));
        }
        co_return static_keys(get, at, label);
    }

    // The IAM Identity Center settings of a profile: sso_account_id and sso_role_name, with
    // sso_session naming an [sso-session] section (sso_start_url, sso_region), or the legacy
    // sso_start_url and sso_region in the profile itself.
    template <class Get, class At>
    static std::optional<std::string> sso_settings(const shared_config& config, const Get& get,
                                                   const At& at, const std::string& name,
                                                   sso_profile& out) {
        const auto* session = get("sso_session");
        const profile_section* section = nullptr;
        if (session) {
            const auto found = config.sections.sso_sessions.find(session->value);
            if (found == config.sections.sso_sessions.end()) {
                return at(session) + ": no [sso-session " + session->value + "] section in " +
                       config.config_path;
            }
            section = &found->second;
            out.session = session->value;
            out.login = "aws sso login --sso-session " + session->value;
        } else {
            out.login = "aws sso login --profile " + name;
        }
        auto take = [&](std::string_view key, std::string& to) -> std::optional<std::string> {
            const profile_property* p = nullptr;
            if (section) p = section->find(key);
            if (!p || p->value.empty()) p = get(key);
            if (!p) {
                return "profile: profile '" + name + "': " + std::string(key) +
                       " is needed for IAM Identity Center" +
                       (section ? " (in the profile or [sso-session " + out.session + "])"
                                : std::string());
            }
            to = p->value;
            return std::nullopt;
        };
        for (auto [key, to] :
             {std::pair<std::string_view, std::string*>{"sso_start_url", &out.start_url},
              {"sso_region", &out.region},
              {"sso_account_id", &out.account_id},
              {"sso_role_name", &out.role_name}}) {
            if (auto problem = take(key, *to)) return problem;
        }
        return std::nullopt;
    }

    template <class Get, class At>
    static fetch_outcome static_keys(const Get& get, const At& at, const std::string& label) {
        const auto* id = get("aws_access_key_id");
        const auto* secret = get("aws_secret_access_key");
        if (!id && !secret)
            return fetch_outcome::absent("profile: " + label + " has no credentials");
        if (!id || !secret) {
            return fetch_outcome::failure(
                at(id ? id : secret) + ": " +
                (id ? "aws_access_key_id is set but aws_secret_access_key is not"
                    : "aws_secret_access_key is set but aws_access_key_id is not"));
        }
        credentials c;
        c.access_key_id = id->value;
        c.secret_access_key = secret->value;
        if (const auto* token = get("aws_session_token")) c.session_token = token->value;
        if (const auto* account = get("aws_account_id")) c.account_id = account->value;
        c.provider = "profile";
        return fetch_outcome::success(std::move(c));
    }

    // The AssumeRole parameters of a profile with role_arn, or what is wrong with them.
    template <class Get, class At>
    std::optional<std::string> role_settings(const Get& get, const At& at,
                                             const profile_property& role_arn,
                                             const std::optional<std::string>& region,
                                             role_request& out) const {
        out.role_arn = role_arn.value;
        out.region = region;
        const auto* session = get("role_session_name");
        out.session_name = session ? session->value : generated_session_name();
        if (const auto* id = get("external_id")) out.external_id = id->value;
        if (const auto* d = get("duration_seconds")) {
            unsigned long seconds = 0;
            const auto* end = d->value.data() + d->value.size();
            const auto [ptr, ec] = std::from_chars(d->value.data(), end, seconds);
            if (ec != std::errc() || ptr != end || seconds < 900 || seconds > 43200) {
                return at(d) + ": duration_seconds must be a number of seconds from 900 to 43200";
            }
            out.duration_seconds = d->value;
        }
        if (const auto* serial = get("mfa_serial")) {
            if (!options_.mfa_code) {
                return at(serial) +
                       ": mfa_serial is set, and no MFA code can be asked for "
                       "(set ivsrt::provider_options::mfa_code)";
            }
            out.mfa_serial = serial->value;  // the code is asked for once the source is ready
        }
        return std::nullopt;
    }

    // credential_source: where an EC2 instance, an ECS task or the environment holds the
    // credentials the role is assumed with.
    asio::awaitable<fetch_outcome> from_credential_source(std::string source, std::string where) {
        std::optional<credentials_provider> provider;
        if (source == "Environment") {
            provider = make_environment_provider(ex_, env());
        } else if (source == "Ec2InstanceMetadata") {
            provider = make_imds_provider(ex_, options_);
        } else if (source == "EcsContainer") {
            provider = make_container_provider(ex_, options_);
        } else {
            co_return fetch_outcome::failure(
                where +
                ": credential_source must be Environment, Ec2InstanceMetadata or "
                "EcsContainer, not '" +
                source + "'");
        }
        credentials_diagnostics diag;
        auto [ec, creds] = co_await provider->async_get(diag, asio::as_tuple(asio::use_awaitable));
        if (ec) {
            co_return fetch_outcome::failure(
                where + ": credential_source " + source + ": " + diag.message, ec);
        }
        co_return fetch_outcome::success(std::move(creds));
    }

    // The command line is not quoted in messages: it may carry secrets.
    asio::awaitable<fetch_outcome> run_credential_process(std::string command, std::string where) {
        const std::string name = "credential_process of " + where;
        constexpr std::size_t output_limit = 64 * 1024;
        const auto run =
            co_await run_shell_command(command, options_.process_timeout, output_limit);
        if (!run.error.empty()) co_return fetch_outcome::failure(name + ": " + run.error);
        if (run.exit_status != 0) {
            co_return fetch_outcome::failure(name + ": exited with status " +
                                             std::to_string(run.exit_status));
        }
        credentials c;
        std::string error;
        if (!parse_json_credentials(run.output, json_credentials_format::process, c, error)) {
            co_return fetch_outcome::failure(name + ": " + error);
        }
        c.provider = "credential_process";
        co_return fetch_outcome::success(std::move(c));
    }
};

// ---- container endpoint (ECS, EKS Pod Identity) ----

class container_provider final : public fetching_provider {
  public:
    using fetching_provider::fetching_provider;

  private:
    std::string name() const override { return "container"; }

    asio::awaitable<fetch_outcome> fetch() override {
        const auto relative = env().get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
        const auto full = env().get("AWS_CONTAINER_CREDENTIALS_FULL_URI");
        if (!relative && !full) {
            co_return fetch_outcome::absent(
                "container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and "
                "AWS_CONTAINER_CREDENTIALS_FULL_URI are not set");
        }
        const auto endpoint = container_credentials_endpoint(relative, full);
        if (endpoint.url.empty()) co_return fetch_outcome::failure("container: " + endpoint.error);
        http_fetch_request request;
        request.url = endpoint.url;
        request.timeout = options_.container_timeout;
        request.ca_bundle = options_.ca_bundle.value_or("");
        request.resolver = options_.resolver;
        if (endpoint.restrict_addresses) request.allow_address = &container_address_allowed;
        // The URIs may hold capability paths; messages show the host only.
        const auto url = boost::urls::parse_absolute_uri(endpoint.url);
        const std::string target =
            (url ? std::string(url->encoded_host_and_port()) : std::string("?")) + " (" +
            endpoint.setting + ")";

        std::optional<std::string> authorization;
        if (const auto file = env().get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
            std::string token, error;
            switch (read_small_file(*file, token, error)) {
                case read_status::missing:
                    co_return fetch_outcome::failure(
                        "container: AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " + *file +
                        " does not exist");
                case read_status::failed:
                    co_return fetch_outcome::failure("container: " + error);
                case read_status::ok:
                    break;
            }
            authorization = trim_trailing_space(std::move(token));
        } else {
            authorization = env().get("AWS_CONTAINER_AUTHORIZATION_TOKEN");
        }
        if (authorization) {
            if (authorization->find_first_of("\r\n") != std::string::npos) {
                co_return fetch_outcome::failure(
                    "container: the authorization token contains a line break");
            }
            request.headers.emplace_back("Authorization", std::move(*authorization));
        }
        request.headers.emplace_back("Accept", "application/json");

        const auto response = co_await http_fetch(request, options_.http_attempts);
        const std::string call = "container: GET from " + target;
        if (response.ec == errc::invalid_request && request.allow_address) {
            co_return fetch_outcome::failure(
                call + ": an http endpoint must be loopback or a container host (" +
                response.error + "); use https otherwise");
        }
        if (response.ec) co_return fetch_outcome::failure(call + ": " + response.error);
        if (response.status != 200) {
            co_return fetch_outcome::failure(call + ": HTTP " + std::to_string(response.status));
        }
        credentials c;
        std::string error;
        if (!parse_json_credentials(response.body, json_credentials_format::http, c, error)) {
            co_return fetch_outcome::failure(call + ": " + error);
        }
        c.provider = "container";
        co_return fetch_outcome::success(std::move(c));
    }
};

// ---- EC2 instance metadata, IMDSv2 ----

class imds_provider final : public fetching_provider {
  public:
    using fetching_provider::fetching_provider;

  private:
    std::string name() const override { return "imds"; }

    asio::awaitable<fetch_outcome> fetch() override {
        if (iequals_ascii(env().get("AWS_EC2_METADATA_DISABLED").value_or(""), "true")) {
            co_return fetch_outcome::absent("imds: disabled by AWS_EC2_METADATA_DISABLED");
        }
        imds_settings settings{env().get("AWS_EC2_METADATA_SERVICE_ENDPOINT"),
                               env().get("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"), std::nullopt,
                               std::nullopt};
        // The profile's settings count too; a shared file that cannot be read does not.
        shared_config config;
        std::string ignored;
        if (load_shared_config(options_.sources, config, ignored) && config.profile()) {
            auto value = [&](std::string_view key) -> std::optional<std::string> {
                const auto* p = config.profile()->find(key);
                return p && !p->value.empty() ? std::optional<std::string>(p->value) : std::nullopt;
            };
            settings.profile_endpoint = value("ec2_metadata_service_endpoint");
            settings.profile_mode = value("ec2_metadata_service_endpoint_mode");
        }
        const auto chosen = imds_endpoint(settings);
        if (chosen.url.empty()) co_return fetch_outcome::failure("imds: " + chosen.error);
        const std::string& endpoint = chosen.url;

        // One request; the error, if any, reads "imds: PUT /latest/api/token: HTTP 403".
        using verb = boost::beast::http::verb;
        auto call =
            [&](verb method, std::string path, std::string header,
                std::string value) -> asio::awaitable<std::pair<http_fetch_result, std::string>> {
            http_fetch_request request;
            request.method = method;
            request.url = endpoint + path;
            request.headers.emplace_back(std::move(header), std::move(value));
            request.timeout = options_.imds_timeout;
            request.resolver = options_.resolver;
            auto result = co_await http_fetch(request, options_.http_attempts);
            std::string error;
            if (result.ec || result.status != 200) {
                error = "imds: " + std::string(boost::beast::http::to_string(method)) + " " + path +
                        ": " + (result.ec ? result.error : "HTTP " + std::to_string(result.status));
            }
            co_return std::pair{std::move(result), std::move(error)};
        };

        auto [token, token_error] = co_await call(verb::put, "/latest/api/token",
                                                  "X-aws-ec2-metadata-token-ttl-seconds", "21600");
        if (!token_error.empty()) co_return fetch_outcome::failure(token_error);
        const std::string session = trim_trailing_space(std::move(token.body));
        if (session.empty() || session.find_first_of("\r\n") != std::string::npos) {
            co_return fetch_outcome::failure("imds: PUT /latest/api/token: not a valid token");
        }

        const std::string base = "/latest/meta-data/iam/security-credentials/";
        auto [roles, roles_error] =
            co_await call(verb::get, base, "X-aws-ec2-metadata-token", session);
        if (!roles.ec && roles.status == 404) {
            co_return fetch_outcome::failure(roles_error + " (no IAM role is attached)");
        }
        if (!roles_error.empty()) co_return fetch_outcome::failure(roles_error);
        const std::string role = trim_trailing_space(roles.body.substr(0, roles.body.find('\n')));
        const bool role_ok = !role.empty() && std::all_of(role.begin(), role.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   std::string_view("+=,.@_-").find(c) != std::string_view::npos;
        });
        if (!role_ok) co_return fetch_outcome::failure("imds: GET " + base + ": not a role name");

        auto [creds, creds_error] =
            co_await call(verb::get, base + role, "X-aws-ec2-metadata-token", session);
        if (!creds_error.empty()) co_return fetch_outcome::failure(creds_error);
        credentials c;
        std::string error;
        if (!parse_json_credentials(creds.body, json_credentials_format::http, c, error)) {
            co_return fetch_outcome::failure("imds: GET " + base + role + ": " + error);
        }
        c.provider = "imds";
        co_return fetch_outcome::success(std::move(c));
    }
};

// ---- chain ----

class chain_provider final : public credentials_provider::impl,
                             public std::enable_shared_from_this<chain_provider> {
  public:
    chain_provider(asio::any_io_executor ex, std::vector<credentials_provider> providers,
                   std::string name)
        : ex_(std::move(ex)), providers_(std::move(providers)), name_(std::move(name)) {}

    void async_get(credentials_diagnostics& diag, handler_type handler) override {
        pending_get pending(std::move(handler), diag, ex_);
        if (providers_.empty()) {
            std::move(pending).complete_later(
                ex_, fetch_outcome::absent(name_ + ": no provider in the chain"));
            return;
        }
        next(std::make_shared<state>(shared_from_this(), std::move(pending)));
    }

  private:
    struct state {
        state(std::shared_ptr<const chain_provider> c, pending_get p)
            : chain(std::move(c)), pending(std::move(p)) {}
        std::shared_ptr<const chain_provider> chain;
        pending_get pending;
        std::size_t index = 0;
        credentials_diagnostics step;
        std::string skipped;  // why the providers before `index` were not configured
    };

    static void next(std::shared_ptr<state> st) {
        const auto& chain = *st->chain;
        const auto& provider = chain.providers_[st->index++];
        auto& step = st->step;
        provider.async_get(
            step, asio::bind_executor(chain.ex_, [st = std::move(st)](boost::system::error_code ec,
                                                                      credentials c) mutable {
                if (!ec)
                    return std::move(st->pending).complete(fetch_outcome::success(std::move(c)));
                const auto& chain = *st->chain;
                if (!st->step.not_configured) {
                    std::string message = std::move(st->step.message);
                    if (!st->skipped.empty()) message += " (skipped: " + st->skipped + ")";
                    return std::move(st->pending)
                        .complete(fetch_outcome::failure(std::move(message), ec));
                }
                if (!st->skipped.empty()) st->skipped += "; ";
                st->skipped += st->step.message;
                if (st->index < chain.providers_.size()) return next(std::move(st));
                std::move(st->pending)
                    .complete(fetch_outcome::absent(chain.name_ +
                                                    ": no provider is configured: " + st->skipped));
            }));
    }

    asio::any_io_executor ex_;
    std::vector<credentials_provider> providers_;
    std::string name_;
};

}  // namespace detail::credentials_impl

IVSRT_DECL credentials_provider make_static_provider(boost::asio::any_io_executor ex,
                                                     credentials c) {
    return credentials_provider(
        std::make_shared<detail::credentials_impl::static_provider>(std::move(ex), std::move(c)));
}

IVSRT_DECL credentials_provider make_environment_provider(boost::asio::any_io_executor ex,
                                                          environment env) {
    return credentials_provider(std::make_shared<detail::credentials_impl::environment_provider>(
        std::move(ex), std::move(env)));
}

IVSRT_DECL credentials_provider make_web_identity_provider(boost::asio::any_io_executor ex,
                                                           provider_options options) {
    return credentials_provider(std::make_shared<detail::credentials_impl::web_identity_provider>(
        std::move(ex), std::move(options)));
}

IVSRT_DECL credentials_provider make_profile_provider(boost::asio::any_io_executor ex,
                                                      provider_options options) {
    return credentials_provider(std::make_shared<detail::credentials_impl::profile_provider>(
        std::move(ex), std::move(options)));
}

IVSRT_DECL credentials_provider make_container_provider(boost::asio::any_io_executor ex,
                                                        provider_options options) {
    return credentials_provider(std::make_shared<detail::credentials_impl::container_provider>(
        std::move(ex), std::move(options)));
}

IVSRT_DECL credentials_provider make_imds_provider(boost::asio::any_io_executor ex,
                                                   provider_options options) {
    return credentials_provider(std::make_shared<detail::credentials_impl::imds_provider>(
        std::move(ex), std::move(options)));
}

IVSRT_DECL credentials_provider make_chain_provider(boost::asio::any_io_executor ex,
                                                    std::vector<credentials_provider> providers,
                                                    std::string name) {
    return credentials_provider(std::make_shared<detail::credentials_impl::chain_provider>(
        std::move(ex), std::move(providers), std::move(name)));
}

IVSRT_DECL credentials_provider make_default_provider(boost::asio::any_io_executor ex,
                                                      provider_options options,
                                                      cached_provider_options cache) {
    std::vector<credentials_provider> chain{
        make_environment_provider(ex, options.sources.env),
        make_web_identity_provider(ex, options),
        make_profile_provider(ex, options),
        make_container_provider(ex, options),
        make_imds_provider(ex, options),
    };
    return make_cached_provider(ex, make_chain_provider(ex, std::move(chain), "default chain"),
                                std::move(cache));
}

}  // namespace ivsrt
