// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// The thin, per-operation part of a client call: validate and serialize the request, hand it to
// the one type-erased core (impl/client.ipp), and parse the response body into the result.

#include <ivsrt/detail/config.hpp>
#include <ivsrt/detail/handler_wrapper.hpp>
#include <ivsrt/detail/uuid.hpp>
#include <ivsrt/diagnostics.hpp>
#include <ivsrt/error.hpp>
#include <ivsrt/pool_stats.hpp>
#include <ivsrt/model_support/http.hpp>
#include <ivsrt/model/json.hpp>
#include <ivsrt/model/operations.hpp>
#include <ivsrt/model/validate.hpp>
#include <ivsrt/with_diagnostics.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

namespace ivsrt {
struct endpoint;
}

namespace ivsrt::detail {

inline constexpr std::string_view operation_names[] = {
#define IVSRT_OPERATION_NAME(Name, snake) #Name,
    IVSRT_MODEL_OPERATIONS(IVSRT_OPERATION_NAME)
#undef IVSRT_OPERATION_NAME
};

inline constexpr std::size_t operation_count = std::size(operation_names);

// What the core needs to know about an operation.
struct operation_info {
    std::string_view name;  // "CreateStage"
    model::http_method method;
    bool has_body;
    bool idempotent;     // safe to resend after its response started arriving
    std::uint8_t index;  // into operation_names
};

template <model::operation_request Request>
consteval operation_info info_of() {
    using traits = model::operation_traits<Request>;
    std::uint8_t index = 0;
    while (operation_names[index] != traits::name) ++index;
    // An operation with an idempotency token is safe to resend too: the token is the same on
    // every attempt of a call, so the service acts on it once.
    return {traits::name, traits::method, traits::has_body,
            traits::idempotent || traits::idempotency_token != nullptr, index};
}

template <model::operation_request Request>
inline constexpr operation_info operation_info_v = info_of<Request>();

// A request ready for the wire, or the reason it must not be sent.
struct prepared_request {
    const operation_info* op = nullptr;
    std::string_view fixed_path;  // the path of an operation without labels ("/CreateStage")
    std::string expanded_path;    // else the path with its labels encoded once
    model::query_params query;
    std::string body;     // JSON; empty when the operation sends no body
    std::string invalid;  // the validation failure; nothing is sent when set

    // The wire path, without the endpoint's base path.
    std::string_view path() const noexcept {
        return expanded_path.empty() ? fixed_path : expanded_path;
    }
};

// Writes the path, query and body of a valid request.
template <model::operation_request Request>
void write_prepared(const Request& request, prepared_request& p) {
    using traits = model::operation_traits<Request>;
    if constexpr (traits::path_bindings.empty() && traits::query_bindings.empty()) {
        p.fixed_path = traits::uri;
    } else {
        model::write_target(request, p.expanded_path, p.query);
    }
    if constexpr (traits::has_body) {
        p.body.reserve(256);  // most bodies fit: one allocation instead of a string's doublings
        model::to_json(request, p.body);
    }
}

// Validates and serializes a request once per call; its attempts all send the result. An unset
// idempotency token (a member the model marks so) is filled here with a new random UUID, in a
// copy of the request, so that every attempt of the call sends the same token and no two calls
// share one.
template <model::operation_request Request>
prepared_request prepare_request(const Request& request) {
    using traits = model::operation_traits<Request>;
    prepared_request p;
    p.op = &operation_info_v<Request>;
    if (!model::validate(request, p.invalid)) return p;
    p.invalid.clear();
    if constexpr (traits::idempotency_token != nullptr) {
        if (!(request.*traits::idempotency_token)) {
            Request filled = request;
            filled.*traits::idempotency_token = random_uuid_v4();
            write_prepared(filled, p);
            return p;
        }
    }
    write_prepared(request, p);
    return p;
}

// The core's completion: the response body of a successful call.
using call_signature = void(boost::system::error_code, std::string);
using call_handler = boost::asio::any_completion_handler<call_signature>;

// Decodes the body of a successful call into its result; errc::invalid_response (the reason in
// `diag`, if any) when it does not fit.
template <class Result>
boost::system::error_code parse_result(std::string_view body, Result& result, diagnostics* diag) {
    std::string error;
    if (model::from_json(body.empty() ? std::string_view("{}") : body, result, error)) return {};
    if (diag) diag->assign_client_error("unexpected response body: " + error);
    return errc::invalid_response;
}

// Parses the body into the operation's result, then completes the user's handler.
template <class Result, class Handler>
struct parse_result_handler {
    using inner_handler_type = Handler;
    Handler handler;
    diagnostics* diag;

    void operator()(boost::system::error_code ec, std::string body) && {
        Result result{};
        if (!ec) ec = parse_result(body, result, diag);
        std::move(handler)(ec, std::move(result));
    }
};

// What a call ends with: its error, else the body of the successful response.
struct call_outcome {
    boost::system::error_code ec;
    std::string body;
};

// What calls need of a client's shared state. The client_impl behind it (impl/client.ipp) binds
// the call path when a client is constructed: header-only, a TU that makes calls on a client it is
// given (ivsrt/calls.hpp) compiles the thin per-operation part alone, and only a TU that
// constructs a client compiles the call path (pacing, retries, credentials, signing, the pool).
class client_core {
  public:
    // Runs a call (`self` is this client): pacing, retries, credentials, signing, the exchange
    // through the pool, error mapping. `diag` may be null. Completes on the handler's associated
    // executor. A request that failed validation completes at once (queued on that executor)
    // with errc::invalid_request.
    using launch_fn = void (*)(const std::shared_ptr<client_core>& self, prepared_request request,
                               diagnostics* diag, call_handler handler);
    // A call awaited by the caller's coroutine: see await_body.
    using run_awaited_fn = boost::asio::awaitable<call_outcome> (*)(
        std::shared_ptr<client_core> self, prepared_request request, diagnostics* diag);

    client_core(boost::asio::any_io_executor ex, launch_fn launch, run_awaited_fn run_awaited)
        : executor(std::move(ex)), launch(launch), run_awaited(run_awaited) {}
    client_core(const client_core&) = delete;
    client_core& operator=(const client_core&) = delete;

    // The client's executor.
    const boost::asio::any_io_executor executor;
    // The call path. Pointers rather than virtual functions: where client_impl is seen, g++
    // would copy the call path into their callers (speculative devirtualization).
    const launch_fn launch;
    const run_awaited_fn run_awaited;

    virtual const ivsrt::endpoint& endpoint_in_use() const noexcept = 0;
    virtual pool_stats connection_stats() const = 0;
    virtual void shutdown() = 0;

  protected:
    ~client_core() = default;  // owned as the client_impl it is
};

// Runs a call: see client_core::launch.
IVSRT_DECL void start_call(const std::shared_ptr<client_core>& impl, prepared_request request,
                           diagnostics* diag, call_handler handler);

// A call awaited by the caller's coroutine (the default token, as_tuple(use_awaitable)). When
// the caller's executor keeps the call's steps in order (it is the executor of a client whose
// io_context runs on one thread, or a strand), the steps run inside the caller's coroutine:
// nothing is spawned and no handler is type-erased. Otherwise the call starts as with any other
// token. `diag` may be null. (Not a coroutine itself: it returns the client's run_awaited
// coroutine, so that a call awaited in a coroutine is one frame less.)
IVSRT_DECL boost::asio::awaitable<call_outcome> await_body(std::shared_ptr<client_core> impl,
                                                           prepared_request request,
                                                           diagnostics* diag);

// A call with the default completion token (with_diagnostics(use_awaitable)). `finish` gets the
// call's error and body and returns the final error, having decoded the body into `target` on
// success; a final error is thrown as error_with_diagnostics. `diag` may be null. Not a template,
// so the awaitable machinery is compiled once (with IVSRT_SEPARATE_COMPILATION, in the library)
// instead of per operation in every TU; what each operation adds is a small coroutine.
using call_finisher = boost::system::error_code (*)(boost::system::error_code ec,
                                                    std::string_view body, void* target,
                                                    diagnostics& diag);
IVSRT_DECL boost::asio::awaitable<void> await_call(std::shared_ptr<client_core> impl,
                                                   prepared_request request, diagnostics* diag,
                                                   call_finisher finish, void* target);

template <class Result>
boost::system::error_code finish_result(boost::system::error_code ec, std::string_view body,
                                        void* target, diagnostics& diag) {
    return ec ? ec : parse_result(body, *static_cast<Result*>(target), &diag);
}

// The default completion token's form of async_call: the same awaitable<Result>, throwing the
// same error_with_diagnostics, as async_initiate with default_token_t would give.
template <class Result>
boost::asio::awaitable<Result> await_result(std::shared_ptr<client_core> impl,
                                            prepared_request request, diagnostics* diag) {
    Result result{};
    co_await await_call(std::move(impl), std::move(request), diag, &finish_result<Result>, &result);
    co_return result;
}

// as_tuple(use_awaitable)'s form of async_call: the same awaitable<tuple<error_code, Result>>
// that async_initiate would give.
template <class Result>
boost::asio::awaitable<std::tuple<boost::system::error_code, Result>> await_tuple(
    std::shared_ptr<client_core> impl, prepared_request request, diagnostics* diag) {
    call_outcome outcome = co_await await_body(std::move(impl), std::move(request), diag);
    Result result{};
    if (!outcome.ec) outcome.ec = parse_result(outcome.body, result, diag);
    co_return std::tuple<boost::system::error_code, Result>(outcome.ec, std::move(result));
}

template <model::operation_request Request>
struct initiate_call {
    std::shared_ptr<client_core> impl;

    // The client's executor, as Asio's initiations expose theirs.
    using executor_type = boost::asio::any_io_executor;
    executor_type get_executor() const { return impl->executor; }

    template <class Handler>
    void operator()(Handler&& handler, diagnostics* diag, prepared_request request) const {
        using result_type = typename model::operation_traits<Request>::result_type;
        start_call(impl, std::move(request), diag,
                   call_handler(parse_result_handler<result_type, std::decay_t<Handler>>{
                       std::forward<Handler>(handler), diag}));
    }
};

// Validates and serializes at once (so `request` need not outlive this call), sends when the
// operation is initiated.
template <model::operation_request Request, class CompletionToken>
auto async_call(const std::shared_ptr<client_core>& impl, const Request& request, diagnostics* diag,
                CompletionToken&& token) {
    using result_type = typename model::operation_traits<Request>::result_type;
    using token_type = std::decay_t<CompletionToken>;
    if constexpr (std::is_same_v<token_type, default_token_t>) {
        return await_result<result_type>(impl, prepare_request(request), diag);
    } else if constexpr (std::is_same_v<token_type,
                                        boost::asio::as_tuple_t<boost::asio::use_awaitable_t<>>>) {
        return await_tuple<result_type>(impl, prepare_request(request), diag);
    } else {
        return boost::asio::async_initiate<CompletionToken,
                                           void(boost::system::error_code, result_type)>(
            initiate_call<Request>{impl}, token, diag, prepare_request(request));
    }
}

}  // namespace ivsrt::detail

#ifndef IVSRT_SEPARATE_COMPILATION
#include <ivsrt/impl/call.ipp>
#endif
