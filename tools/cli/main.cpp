// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.

// ivsrt: what the AWS CLI cannot do for IVS Real-Time. Self-signed participant tokens: make a
// P-384 key pair, import its public key, mint tokens locally, and decode and verify tokens.

#include <ivsrt.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace json = boost::json;
namespace model = ivsrt::model;
using std::chrono::system_clock;

constexpr std::string_view usage = R"(usage: ivsrt COMMAND [options]

Self-signed IVS Real-Time participant tokens, which the AWS CLI cannot make:

  ivsrt keygen --private-key FILE --public-key FILE
      Writes a new P-384 key pair as PEM (the private key readable by you alone). Existing files
      are not overwritten.
  ivsrt import-public-key --public-key FILE [--name NAME]
      Registers the public key with ImportPublicKey and prints its ARN. Region, endpoint and
      credentials come from the environment and ~/.aws, as with the AWS CLI.
  ivsrt mint --private-key FILE --public-key-arn ARN --stage-arn ARN [options]
      Mints tokens locally (no request, no quota) and prints each as a JSON line with the members
      of CreateParticipantToken's participantToken.
        --events-url URL, --whip-url URL
                            the stage's endpoints; when both are left out, they come from GetStage
        --user-id ID        the participant's user id
        --capability CAP    PUBLISH or SUBSCRIBE, repeatable (default: both)
        --attribute K=V     an attribute, repeatable
        --duration MINUTES  1 to 20160 (default 720)
        --count N           how many tokens (default 1); a progress line on stderr
  ivsrt verify --public-key FILE [--token TOKEN] [--stage-arn ARN] [--at EPOCH_SECONDS]
      Decodes each token (--token, or one per line on stdin: a token or a JSON line with a
      "token" member, as mint prints) and checks its ES384 signature against the public key, its
      expiry and claims (and its stage). Prints {"valid":...,"header":...,"claims":...} per
      token, and the reason when it is not valid.

Exit status: 0 on success, 1 when a token is not valid or a request fails, 2 on a usage error.
)";

// A usage error: names the flag and the rule; exit status 2.
struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The flags after the command: --name VALUE pairs, repeatable ones kept in order.
class flags {
  public:
    flags(const std::vector<std::string_view>& args, const std::vector<std::string_view>& known) {
        for (std::size_t i = 0; i < args.size(); ++i) {
            const std::string_view name = args[i];
            if (std::find(known.begin(), known.end(), name) == known.end()) {
                throw usage_error("unknown option '" + std::string(name) + "' (see ivsrt --help)");
            }
            if (i + 1 == args.size()) throw usage_error(std::string(name) + " needs a value");
            values_[std::string(name)].emplace_back(args[++i]);
        }
    }

    std::optional<std::string> optional(const std::string& name) const {
        const auto it = values_.find(name);
        if (it == values_.end()) return std::nullopt;
        if (it->second.size() > 1) throw usage_error(name + " given more than once");
        return it->second.front();
    }
    std::string required(const std::string& name) const {
        auto value = optional(name);
        if (!value) throw usage_error(name + " is required");
        return *value;
    }
    std::vector<std::string> all(const std::string& name) const {
        const auto it = values_.find(name);
        return it == values_.end() ? std::vector<std::string>{} : it->second;
    }

  private:
    std::map<std::string, std::vector<std::string>> values_;
};

long long integer_flag(const std::string& name, const std::string& text, long long min,
                       long long max) {
    long long value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) {
        throw usage_error(name + " must be an integer from " + std::to_string(min) + " to " +
                          std::to_string(max) + ", got '" + text + "'");
    }
    return value;
}

std::string read_file(const std::string& flag, const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw usage_error(flag + ": cannot read '" + path + "'");
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Creates `path` with `mode`; fails if it exists.
void write_new_file(const std::string& flag, const std::string& path, std::string_view text,
                    mode_t mode) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) {
        throw usage_error(flag + ": cannot create '" + path + "' (" + std::strerror(errno) +
                          "; existing files are not overwritten)");
    }
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    if (::close(fd) != 0 || !written) throw std::runtime_error("writing '" + path + "' failed");
}

// Runs `body(client)` on an io_context; rethrows what ends it.
template <class Body>
void with_client(Body body) {
    asio::io_context ioc;
    ivsrt::client ivs(ioc.get_executor());
    std::exception_ptr failure;
    asio::co_spawn(ioc, body(ivs), [&](std::exception_ptr e) { failure = e; });
    ioc.run();
    if (failure) std::rethrow_exception(failure);
}

int keygen(const flags& f) {
    const std::string private_path = f.required("--private-key");
    const std::string public_path = f.required("--public-key");
    const auto keys = ivsrt::generate_participant_token_key_pair();
    write_new_file("--private-key", private_path, keys.private_key_pem, 0600);
    write_new_file("--public-key", public_path, keys.public_key_pem, 0644);
    std::cerr << "wrote " << private_path << " (keep it secret) and " << public_path << "\n";
    return 0;
}

int import_public_key(const flags& f) {
    const std::string pem = read_file("--public-key", f.required("--public-key"));
    const model::import_public_key_request request =
        ivsrt::make_import_public_key_request(pem, f.optional("--name"));
    std::string arn;
    with_client([&](ivsrt::client& ivs) -> asio::awaitable<void> {
        const auto imported = co_await ivs.async_import_public_key(request);
        arn = imported.public_key.value().arn.value();
    });
    std::cout << arn << "\n";
    return 0;
}

model::participant_token_capability capability_flag(const std::string& text) {
    const auto value = model::participant_token_capability::from_string(text);
    if (!value.is_known()) {
        throw usage_error("--capability must be PUBLISH or SUBSCRIBE, got '" + text + "'");
    }
    return value;
}

std::string iso8601(model::timestamp t) {
    std::string text;
    model::format_timestamp(t, text);
    return text;
}

json::object token_json(const model::participant_token& token) {
    json::object out;
    out["participantId"] = token.participant_id.value_or("");
    if (token.user_id) out["userId"] = *token.user_id;
    out["token"] = token.token.value_or("");
    if (token.duration) out["duration"] = *token.duration;
    json::array capabilities;
    if (token.capabilities) {
        for (const auto& c : *token.capabilities) capabilities.emplace_back(c.to_string());
    }
    out["capabilities"] = std::move(capabilities);
    if (token.attributes && !token.attributes->empty()) {
        json::object attributes;
        for (const auto& [k, v] : *token.attributes) attributes[k] = v;
        out["attributes"] = std::move(attributes);
    }
    if (token.expiration_time) out["expirationTime"] = iso8601(*token.expiration_time);
    return out;
}

// The minter's messages name the claims; the user typed flags.
std::string with_flag_names(std::string text) {
    static constexpr std::pair<std::string_view, std::string_view> names[] = {
        {"participant_token_minter: ", ""}, {"participant_token_claims.", ""},
        {"private_key_pem: ", ""},          {"public_key_arn", "--public-key-arn"},
        {"stage_arn", "--stage-arn"},       {"user_id", "--user-id"},
        {"attributes", "--attribute"},      {"events_url", "--events-url"},
        {"whip_url", "--whip-url"},         {"capabilities", "--capability"},
        {"duration", "--duration"}};
    for (const auto& [claim, flag] : names) {
        if (const auto at = text.find(claim); at != std::string::npos) {
            text.replace(at, claim.size(), flag);
        }
    }
    return text;
}

int mint(const flags& f) {
    const std::string private_pem = read_file("--private-key", f.required("--private-key"));
    ivsrt::participant_token_claims claims;
    claims.stage_arn = f.required("--stage-arn");
    const std::string public_key_arn = f.required("--public-key-arn");
    claims.user_id = f.optional("--user-id").value_or("");
    if (const auto capabilities = f.all("--capability"); !capabilities.empty()) {
        claims.capabilities.clear();
        for (const auto& c : capabilities) claims.capabilities.push_back(capability_flag(c));
    }
    for (const auto& a : f.all("--attribute")) {
        const auto eq = a.find('=');
        if (eq == std::string::npos || eq == 0) {
            throw usage_error("--attribute must be KEY=VALUE, got '" + a + "'");
        }
        claims.attributes[a.substr(0, eq)] = a.substr(eq + 1);
    }
    if (const auto d = f.optional("--duration")) {
        claims.duration = std::chrono::minutes(integer_flag("--duration", *d, 1, 20160));
    }
    const auto count = integer_flag("--count", f.optional("--count").value_or("1"), 1, 100'000'000);
    const auto events = f.optional("--events-url");
    const auto whip = f.optional("--whip-url");
    if (events.has_value() != whip.has_value()) {
        throw usage_error(
            "--events-url and --whip-url go together (or leave both out to read "
            "them with GetStage)");
    }
    if (events) {
        claims.events_url = *events;
        claims.whip_url = *whip;
    } else {
        const model::get_stage_request get{.arn = claims.stage_arn};
        with_client([&](ivsrt::client& ivs) -> asio::awaitable<void> {
            const auto got = co_await ivs.async_get_stage(get);
            const auto filled = ivsrt::participant_token_claims::for_stage(got.stage.value());
            claims.events_url = filled.events_url;
            claims.whip_url = filled.whip_url;
        });
    }

    std::optional<ivsrt::participant_token_minter> minter;
    try {
        minter.emplace(private_pem, public_key_arn);
    } catch (const std::invalid_argument& e) {
        const std::string message = with_flag_names(e.what());
        throw usage_error(message.find("--public-key-arn") != std::string::npos
                              ? message
                              : "--private-key: " + message);
    }
    const long long step = std::max(1LL, count / 100);
    for (long long i = 1; i <= count; ++i) {
        model::participant_token token;
        try {
            token = minter->mint(claims);
        } catch (const std::invalid_argument& e) {
            throw usage_error(with_flag_names(e.what()));
        }
        std::cout << json::serialize(token_json(token)) << '\n';
        if (count > 1 && (i % step == 0 || i == count)) {
            std::cerr << "\rminted " << i << " of " << count << (i == count ? "\n" : "")
                      << std::flush;
        }
    }
    return 0;
}

// The reason `token` is not a valid participant token for `key` at `now`, or "" when it is.
std::string check_token(std::string_view token, const ivsrt::detail::es384_public_key& key,
                        const std::optional<std::string>& stage_arn, long long now,
                        json::object& out) {  // fills "header" and "claims"
    const auto parts = ivsrt::detail::split_jwt(token);
    if (!parts) return "not a compact JWT (three base64url parts)";
    const auto header_text = ivsrt::detail::base64url_decode(parts->header);
    const auto claims_text = ivsrt::detail::base64url_decode(parts->claims);
    if (!header_text || !claims_text) return "header or claims are not base64url";
    boost::system::error_code ec;
    json::value header = json::parse(*header_text, ec);
    if (ec || !header.is_object()) return "the header is not a JSON object";
    json::value claims = json::parse(*claims_text, ec);
    if (ec || !claims.is_object()) return "the claims are not a JSON object";
    out["header"] = header;
    out["claims"] = claims;
    const json::object& h = header.as_object();
    const json::object& c = claims.as_object();
    const auto* alg = h.if_contains("alg");
    if (!alg || !alg->is_string() || alg->as_string() != "ES384") return "alg is not ES384";
    if (!key.verify_jwt(token)) return "the signature does not match the public key";
    for (const char* name : {"exp", "iat", "jti", "resource", "topic", "events_url", "whip_url",
                             "capabilities", "version"}) {
        if (!c.contains(name)) return std::string("the claim '") + name + "' is missing";
    }
    const auto* exp = c.at("exp").if_int64();
    const auto* iat = c.at("iat").if_int64();
    if (!exp || !iat) return "exp and iat must be integers";
    if (*exp <= now) return "expired at " + iso8601(model::timestamp(std::chrono::seconds(*exp)));
    if (*iat > now + 300) return "issued in the future (iat " + std::to_string(*iat) + ")";
    const auto* resource = c.at("resource").if_string();
    if (stage_arn && (!resource || *resource != *stage_arn)) {
        return "issued for another stage (resource " + json::serialize(c.at("resource")) + ")";
    }
    return "";
}

int verify(const flags& f) {
    const std::string pem = read_file("--public-key", f.required("--public-key"));
    std::optional<ivsrt::detail::es384_public_key> key;
    try {
        key.emplace(pem);
    } catch (const std::invalid_argument& e) {
        throw usage_error(std::string("--public-key: ") + e.what());
    }
    const auto stage_arn = f.optional("--stage-arn");
    const auto at = f.optional("--at");
    const long long now = at ? integer_flag("--at", *at, 0, 253402300799)
                             : std::chrono::duration_cast<std::chrono::seconds>(
                                   system_clock::now().time_since_epoch())
                                   .count();
    int status = 0;
    const auto one = [&](std::string_view token) {
        json::object decoded;
        const std::string reason = check_token(token, *key, stage_arn, now, decoded);
        json::object out;
        out["valid"] = reason.empty();
        if (!reason.empty()) {
            out["reason"] = reason;
            status = 1;
        }
        for (auto& [name, value] : decoded) out[name] = std::move(value);
        std::cout << json::serialize(out) << '\n';
    };
    if (const auto token = f.optional("--token")) {
        one(*token);
        return status;
    }
    std::string line;
    while (std::getline(std::cin, line)) {
        if (line.empty()) continue;
        if (line.front() == '{') {  // a line of `ivsrt mint`
            boost::system::error_code ec;
            const json::value v = json::parse(line, ec);
            const auto* token = !ec && v.is_object() ? v.as_object().if_contains("token") : nullptr;
            if (!token || !token->is_string()) {
                std::cout << R"({"valid":false,"reason":"a JSON line without a \"token\" string"})"
                          << '\n';
                status = 1;
                continue;
            }
            one(token->as_string());
        } else {
            one(line);
        }
    }
    return status;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        std::cout << usage;
        return args.empty() ? 2 : 0;
    }
    const std::string_view command = args[0];
    const std::vector<std::string_view> rest(args.begin() + 1, args.end());
    try {
        if (command == "keygen") return keygen(flags(rest, {"--private-key", "--public-key"}));
        if (command == "import-public-key") {
            return import_public_key(flags(rest, {"--public-key", "--name"}));
        }
        if (command == "mint") {
            return mint(flags(rest, {"--private-key", "--public-key-arn", "--stage-arn",
                                     "--events-url", "--whip-url", "--user-id", "--capability",
                                     "--attribute", "--duration", "--count"}));
        }
        if (command == "verify") {
            return verify(flags(rest, {"--public-key", "--token", "--stage-arn", "--at"}));
        }
        throw usage_error("unknown command '" + std::string(command) + "' (see ivsrt --help)");
    } catch (const usage_error& e) {
        std::cerr << "ivsrt " << command << ": " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "ivsrt " << command << ": " << e.what() << "\n";
        return 1;
    }
}
