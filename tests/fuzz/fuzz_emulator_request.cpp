// Fuzz target: the emulator's request handling (tools/emulator/service.hpp), as its server drives
// it. Input: raw HTTP/1.1 requests, one after the other (pipelined), each parsed by Beast's
// request_parser with the server's body limit and handed to handle_control (/_emulator/...) or
// handle_api, on one service reset before each input.
//
// So that the fuzzer reaches the operations and not only the signature check:
// - a request without an Authorization header is signed by the harness with the emulator's
//   credentials at the emulator's (fixed) time; one with it is passed as it is;
// - "@key@" in a target or body is replaced by the last string value of member "key" in the
//   replies so far, or by that of "parent.key" (percent-encoded in the target, JSON-escaped in
//   the body), so that a request can name what an earlier one created:
//   POST /GetStage {"arn":"@stage.arn@"}.
//
// IVSRT_FUZZ_VERBOSE=1 prints each request's method, target and reply status (to check seeds).
//
// Checks, besides memory errors and UB: no reply is 500 (an exception escaped a handler), every
// reply body is JSON, and the body of every successful API reply decodes with the client's
// decoder of its operation.
#include "service.hpp"

#include <ivsrt/credentials.hpp>
#include <ivsrt/detail/query.hpp>
#include <ivsrt/detail/uri.hpp>
#include <ivsrt/model/all.hpp>
#include <ivsrt/model_support/detail/escape.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/system/system_error.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace emu = ivsrt::emulator;
namespace http = boost::beast::http;
namespace model = ivsrt::model;
namespace sigv4 = ivsrt::sigv4;
namespace json = boost::json;

namespace {

constexpr std::string_view control_prefix = "/_emulator/";
// The emulator's clock: 2024-06-01T12:00:00Z, so that signatures and tokens are reproducible.
constexpr std::chrono::sys_seconds fixed_now{
    std::chrono::sys_days{std::chrono::year{2024} / 6 / 1} + std::chrono::hours{12}};

[[noreturn]] void fail(const char* what, std::string_view request, const emu::detail::reply& r) {
    std::fprintf(stderr, "fuzz_emulator_request: %s\nrequest: %.*s\nreply: %u %s %.*s\n", what,
                 static_cast<int>(request.size()), request.data(), r.status, r.error_code.c_str(),
                 static_cast<int>(r.body.size()), r.body.data());
    std::abort();
}

const emu::options& options() {
    static const emu::options opts = [] {
        emu::options o;
        o.clock = [] { return std::chrono::system_clock::time_point(fixed_now); };
        return o;
    }();
    return opts;
}

// One service for the whole run (its token key is costly to make), reset before each input.
emu::detail::service& service() {
    static emu::detail::service s(options());
    return s;
}

// The client's decoding of a successful reply (detail/call.hpp), by operation name.
template <class Result>
bool client_decodes(std::string_view body, std::string& error) {
    Result result;
    return model::from_json(body.empty() ? std::string_view("{}") : body, result, error);
}

using decode_fn = bool (*)(std::string_view body, std::string& error);

decode_fn client_decoder(std::string_view operation) {
    static const std::map<std::string_view, decode_fn> decoders = {
#define IVSRT_FUZZ_DECODER(Name, snake) {#Name, &client_decodes<model::snake##_result>},
        IVSRT_MODEL_OPERATIONS(IVSRT_FUZZ_DECODER)
#undef IVSRT_FUZZ_DECODER
    };
    const auto it = decoders.find(operation);
    return it == decoders.end() ? nullptr : it->second;
}

using value_map = std::map<std::string, std::string, std::less<>>;

// Records the string members of `v`, at any depth, under their key and under parent.key (the
// last one wins): {"stage":{"arn":"a"}} gives arn=a and stage.arn=a.
void record(const json::value& v, value_map& values, std::string_view parent = {}) {
    if (const json::object* o = v.if_object()) {
        for (const auto& member : *o) {
            if (const json::string* s = member.value().if_string()) {
                const std::string_view key = member.key();
                values[std::string(key)].assign(s->data(), s->size());
                if (!parent.empty()) {
                    values[std::string(parent) + "." + std::string(key)].assign(s->data(),
                                                                                s->size());
                }
            } else {
                record(member.value(), values, member.key());
            }
        }
    } else if (const json::array* a = v.if_array()) {
        for (const json::value& element : *a) record(element, values, parent);
    }
}

// Replaces each "@key@" whose key has a recorded value.
std::string substitute(std::string_view text, const value_map& values, bool in_target) {
    std::string out;
    for (;;) {
        const std::size_t open = text.find('@');
        const std::size_t close = open == std::string_view::npos ? open : text.find('@', open + 1);
        const auto it = close == std::string_view::npos
                            ? values.end()
                            : values.find(text.substr(open + 1, close - open - 1));
        if (it == values.end()) {
            const std::size_t keep = open == std::string_view::npos ? text.size() : open + 1;
            out.append(text.substr(0, keep));
            text.remove_prefix(keep);
            if (text.empty()) return out;
            continue;
        }
        out.append(text.substr(0, open));
        if (in_target) {
            ivsrt::detail::percent_encode(out, it->second, ivsrt::detail::unreserved_chars);
        } else {
            std::string quoted;
            model::detail::append_quoted(quoted, it->second);
            out.append(quoted, 1, quoted.size() - 2);
        }
        text.remove_prefix(close + 1);
    }
}

// Parses the next request off `rest`, as the server's http::async_read would.
bool parse_request(std::string_view& rest, http::request<http::string_body>& out) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(1024 * 1024);
    parser.eager(true);
    while (!parser.is_done()) {
        boost::system::error_code ec;
        const std::size_t n = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
        rest.remove_prefix(n);
        // All of the input is given at once: needing more means it ends inside a request.
        if ((ec && ec != http::error::need_more) || n == 0) return false;
    }
    out = parser.release();
    return true;
}

// Adds an Authorization (and X-Amz-Date) signed with the emulator's credentials.
void sign(std::string_view method, std::string_view target, std::string_view body,
          std::vector<sigv4::header>& headers) {
    static sigv4::signing_result signed_request;
    const std::string_view path = target.substr(0, target.find('?'));
    model::query_params query;
    if (path.size() < target.size() &&
        !ivsrt::detail::decode_query(target.substr(path.size() + 1), query)) {
        return;  // the emulator rejects it before the signature
    }
    std::vector<sigv4::query_param> params;
    for (const auto& [key, value] : query) params.push_back({key, value});
    ivsrt::credentials creds;
    creds.access_key_id = options().access_key_id;
    creds.secret_access_key = options().secret_access_key;
    try {
        sigv4::signer({.region = options().region, .service = "ivs"})
            .sign(
                {.method = method, .path = path, .query = params, .headers = headers, .body = body},
                creds, fixed_now, signed_request);
    } catch (const boost::system::system_error&) {
        return;  // e.g. no Host header: sent unsigned
    }
    for (const sigv4::header& h : signed_request.headers()) headers.push_back(h);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    emu::detail::service& svc = service();
    svc.reset();
    value_map values;
    std::string_view rest(reinterpret_cast<const char*>(data), size);
    const std::string_view input = rest;
    http::request<http::string_body> req;
    std::vector<sigv4::header> headers;
    while (!rest.empty() && parse_request(rest, req)) {
        const std::string target = substitute(req.target(), values, true);
        const std::string body = substitute(req.body(), values, false);
        headers.clear();
        bool has_authorization = false;
        for (const auto& field : req) {
            headers.push_back({field.name_string(), field.value()});
            has_authorization = has_authorization || field.name() == http::field::authorization;
        }
        if (!has_authorization) sign(req.method_string(), target, body, headers);

        const emu::detail::request_view view{
            .method = req.method_string(), .target = target, .headers = headers, .body = body};
        emu::detail::reply r;
        const bool control = view.target.starts_with(control_prefix);
        if (control) {
            svc.handle_control(view, r);
        } else {
            (void)svc.operation_of(view.method, view.target);
            svc.handle_api(view, r);
        }

        static const bool verbose = std::getenv("IVSRT_FUZZ_VERBOSE") != nullptr;
        if (verbose) {
            std::fprintf(stderr, "%.*s %s -> %u %s\n", static_cast<int>(view.method.size()),
                         view.method.data(), target.c_str(), r.status, r.error_code.c_str());
        }
        if (r.status < 200 || r.status > 599) fail("status out of range", input, r);
        if (r.status == 500) fail("500: an exception escaped a handler", input, r);
        boost::system::error_code ec;
        const json::value reply_json = r.body.empty() ? json::value() : json::parse(r.body, ec);
        if (ec) fail("reply body is not JSON", input, r);
        if (!control && r.status / 100 == 2) {
            const decode_fn decode = client_decoder(r.operation);
            std::string error;
            if (decode == nullptr) fail("successful reply without an operation", input, r);
            if (!decode(r.body, error)) fail("the client cannot decode the reply", input, r);
        }
        record(reply_json, values);
    }
    return 0;
}
