// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// The part of a call that every TU making calls needs, compiled once with
// IVSRT_SEPARATE_COMPILATION. The call path itself is impl/client.ipp's.

#include <ivsrt/detail/call.hpp>

namespace ivsrt::detail {

IVSRT_DECL void start_call(const std::shared_ptr<client_core>& impl, prepared_request request,
                           diagnostics* diag, call_handler handler) {
    impl->launch(impl, std::move(request), diag, std::move(handler));
}

IVSRT_DECL boost::asio::awaitable<call_outcome> await_body(std::shared_ptr<client_core> impl,
                                                           prepared_request request,
                                                           diagnostics* diag) {
    const auto run = impl->run_awaited;
    return run(std::move(impl), std::move(request), diag);
}

IVSRT_DECL boost::asio::awaitable<void> await_call(std::shared_ptr<client_core> impl,
                                                   prepared_request request, diagnostics* diag,
                                                   call_finisher finish, void* target) {
    diagnostics own;
    diagnostics& d = diag ? *diag : own;
    call_outcome outcome = co_await await_body(std::move(impl), std::move(request), &d);
    if (auto failed = finish(outcome.ec, outcome.body, target, d)) {
        throw error_with_diagnostics(failed, d);
    }
}

}  // namespace ivsrt::detail
