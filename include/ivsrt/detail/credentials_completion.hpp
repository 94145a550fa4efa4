// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// How the credential providers complete: the outcome of a fetch, and the pending async_get that
// delivers it through the caller's executor and diagnostics. Shared by
// impl/credential_providers.ipp and impl/credentials_cache.ipp, its only users (like
// detail/ini.hpp, it is not meant to be the first ivsrt header of a header-only translation unit:
// include <ivsrt/credentials.hpp>).

#include <ivsrt/credentials.hpp>

#include <boost/asio/any_completion_executor.hpp>
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/system/error_code.hpp>

#include <string>
#include <utility>

namespace ivsrt::detail::credentials_impl {

namespace asio = boost::asio;
using handler_type = asio::any_completion_handler<credentials_signature>;

// The result of one fetch.
struct fetch_outcome {
    credentials creds;
    boost::system::error_code ec;  // errc::credentials or errc::cancelled, on failure
    std::string error;             // "<provider>: <cause>", on failure
    bool not_configured = false;

    static fetch_outcome success(credentials c) {
        fetch_outcome o;
        o.creds = std::move(c);
        return o;
    }
    static fetch_outcome failure(std::string message,
                                 boost::system::error_code code = errc::credentials) {
        fetch_outcome o;
        o.ec = code;
        o.error = std::move(message);
        return o;
    }
    // The provider's source is not configured; a chain moves on.
    static fetch_outcome absent(std::string message) {
        fetch_outcome o = failure(std::move(message));
        o.not_configured = true;
        return o;
    }
};

// An operation waiting for its completion: the handler, outstanding work on the handler's
// executor, and the caller's diagnostics.
class pending_get {
  public:
    pending_get(handler_type handler, credentials_diagnostics& diag,
                const asio::any_io_executor& fallback)
        : work_(asio::prefer(asio::get_associated_executor(handler, fallback),
                             asio::execution::outstanding_work.tracked)),
          handler_(std::move(handler)),
          diag_(&diag) {}

    asio::cancellation_slot cancellation_slot() const { return handler_.get_cancellation_slot(); }

    // Completes through the handler's executor. Never call it from the initiating function.
    void complete(fetch_outcome outcome) && {
        asio::any_completion_executor work = std::move(work_);
        asio::dispatch(work,
                       [h = std::move(handler_), d = diag_, o = std::move(outcome)]() mutable {
                           deliver(std::move(h), *d, std::move(o));
                       });
    }

    // Completes from inside the initiating function: by way of `io` first.
    void complete_later(const asio::any_io_executor& io, fetch_outcome outcome) && {
        asio::post(io, [self = std::move(*this), o = std::move(outcome)]() mutable {
            std::move(self).complete(std::move(o));
        });
    }

  private:
    static void deliver(handler_type h, credentials_diagnostics& diag, fetch_outcome o) {
        if (auto slot = h.get_cancellation_slot(); slot.is_connected()) slot.clear();
        if (!o.ec) {
            diag = {};
            std::move(h)(boost::system::error_code{}, std::move(o.creds));
        } else {
            diag.message = std::move(o.error);
            diag.not_configured = o.not_configured;
            std::move(h)(o.ec, credentials{});
        }
    }

    asio::any_completion_executor work_;
    handler_type handler_;
    credentials_diagnostics* diag_;
};

}  // namespace ivsrt::detail::credentials_impl
