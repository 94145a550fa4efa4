// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

/// @file
/// Lazy async streams over the 10 list operations: page_stream yields each response page,
/// item_stream each element of the pages' item lists. Obtained from client::pages(request) /
/// client::items(request), or the named forms (client::list_stages_items(request)).
///
///     auto stages = ivs.list_stages_items({});
///     while (auto s = co_await stages.async_next()) use(*s);
///
/// Nothing is sent before the first async_next; each page is fetched when asked for. The stream
/// ends after a page with an absent or empty nextToken. A token the service already returned
/// ends it with errc::invalid_response (it would loop forever). Any other error ends the stream
/// too, except errc::cancelled and errc::timeout: after those, the next async_next asks for the
/// same page again. One async_next at a time per stream; the stream must outlive it.

#include <ivsrt/detail/call.hpp>
#include <ivsrt/diagnostics.hpp>
#include <ivsrt/with_diagnostics.hpp>

#include <boost/asio/append.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace ivsrt {

namespace detail {

/// The async_next overloads of page_stream and item_stream. `Stream` names its completion
/// `signature` and an `initiate` made from a `Stream*`.
template <class Stream>
class next_operations {
  public:
    /// The next element, or an empty optional once the stream has ended.
    template <class CompletionToken = default_token_t>
    auto async_next(CompletionToken&& token = {}) {
        return start(token, nullptr);
    }
    /// The same, with the diagnostics of a failure written to `diag`.
    template <class CompletionToken = default_token_t>
    auto async_next(diagnostics& diag, CompletionToken&& token = {}) {
        return start(token, &diag);
    }

  private:
    // The default token takes the stream's coroutine form (await_next), which builds on the
    // library's one non-template call (detail::await_call); other tokens take its initiation.
    template <class CompletionToken>
    auto start(CompletionToken& token, diagnostics* diag) {
        if constexpr (std::is_same_v<std::decay_t<CompletionToken>, default_token_t>) {
            return static_cast<Stream*>(this)->await_next(diag);
        } else {
            return boost::asio::async_initiate<CompletionToken, typename Stream::signature>(
                typename Stream::initiate{static_cast<Stream*>(this)}, token, diag);
        }
    }
};

}  // namespace detail

template <model::paginated_request Request>
class item_stream;

/// The pages of a paginated operation: async_next gives the next page.
template <model::paginated_request Request>
class page_stream : public detail::next_operations<page_stream<Request>> {
  public:
    using request_type = Request;
    using page_type = typename model::operation_traits<Request>::result_type;
    using signature = void(boost::system::error_code, std::optional<page_type>);

    page_stream(std::shared_ptr<detail::client_core> impl, Request first)
        : impl_(std::move(impl)), request_(std::move(first)) {}

    /// True once the last page was delivered or an error ended the stream.
    bool done() const noexcept { return done_; }

    /// The client's executor.
    boost::asio::any_io_executor get_executor() const { return impl_->executor; }

    /// The request of the next page (its token is the one the service last returned).
    const Request& next_request() const noexcept { return request_; }

  private:
    friend detail::next_operations<page_stream>;
    friend item_stream<Request>;
    using traits = model::paginator_traits<Request>;

    template <class Handler>
    struct page_handler {
        using inner_handler_type = Handler;
        Handler handler;
        page_stream* self;
        diagnostics* diag;

        void operator()(boost::system::error_code ec, page_type page) && {
            std::optional<page_type> out;
            ec = self->settle(ec, page, diag, out);
            std::move(handler)(ec, std::move(out));
        }
    };

    boost::asio::awaitable<std::optional<page_type>> await_next(diagnostics* diag) {
        std::optional<page_type> out;
        if (done_) co_return out;
        page_target target{this, &out};
        co_await detail::await_call(impl_, detail::prepare_request(request_), diag, &finish_page,
                                    &target);
        co_return out;
    }

    // await_next's target, and its detail::call_finisher.
    struct page_target {
        page_stream* self;
        std::optional<page_type>* out;
    };
    static boost::system::error_code finish_page(boost::system::error_code ec,
                                                 std::string_view body, void* target,
                                                 diagnostics& diag) {
        auto& [self, out] = *static_cast<page_target*>(target);
        page_type page{};
        if (!ec) ec = detail::parse_result(body, page, &diag);
        return self->settle(ec, page, &diag, *out);
    }

    // What a call for a page comes to: the page (or the call's error), and whether the stream
    // goes on.
    boost::system::error_code settle(boost::system::error_code ec, page_type& page,
                                     diagnostics* diag, std::optional<page_type>& out) {
        if (ec) {
            done_ = ec != errc::cancelled && ec != errc::timeout;
        } else if (accept(page, diag)) {
            out.emplace(std::move(page));
        } else {
            ec = errc::invalid_response;
        }
        return ec;
    }

    // Exposes the client's executor, as Asio's initiations do.
    struct initiate {
        page_stream* self;
        using executor_type = boost::asio::any_io_executor;
        executor_type get_executor() const { return self->get_executor(); }

        template <class Handler>
        void operator()(Handler&& handler, diagnostics* diag) const {
            if (self->done_) {
                auto ex = boost::asio::get_associated_executor(handler, self->get_executor());
                boost::asio::post(ex, boost::asio::append(std::forward<Handler>(handler),
                                                          boost::system::error_code{},
                                                          std::optional<page_type>{}));
                return;
            }
            detail::async_call(
                self->impl_, self->request_, diag,
                page_handler<std::decay_t<Handler>>{std::forward<Handler>(handler), self, diag});
        }
    };

    /// Moves to the next page's token; false (and the stream ends) on a repeated token.
    bool accept(const page_type& page, diagnostics* diag) {
        const std::optional<std::string>& next = page.*(traits::output_token);
        if (!next || next->empty()) {
            done_ = true;
            return true;
        }
        if (!seen_.insert(*next).second) {
            done_ = true;
            if (diag) {
                diag->assign_client_error(std::string(model::operation_traits<Request>::name) +
                                          " returned a nextToken it had returned before");
            }
            return false;
        }
        request_.*(traits::input_token) = *next;
        return true;
    }

    std::shared_ptr<detail::client_core> impl_;
    Request request_;
    std::set<std::string, std::less<>> seen_;
    bool done_ = false;
};

/// The items of a paginated operation, across its pages: async_next gives the next item,
/// fetching a page when the current one is used up (skipping empty pages).
template <model::paginated_request Request>
class item_stream : public detail::next_operations<item_stream<Request>> {
  public:
    using request_type = Request;
    using item_type = typename model::paginator_traits<Request>::item_type;
    using signature = void(boost::system::error_code, std::optional<item_type>);

    item_stream(std::shared_ptr<detail::client_core> impl, Request first)
        : pages_(std::move(impl), std::move(first)) {}

    bool done() const noexcept { return pos_ == items_.size() && pages_.done(); }

    /// The client's executor.
    boost::asio::any_io_executor get_executor() const { return pages_.get_executor(); }

  private:
    friend detail::next_operations<item_stream>;
    using traits = model::paginator_traits<Request>;
    using page_type = typename page_stream<Request>::page_type;

    using error_code = boost::system::error_code;

    // The steps both forms of async_next share.
    bool needs_page() const noexcept { return pos_ == items_.size() && !pages_.done(); }
    void take_items(page_type& page) {
        items_ = std::move(page.*(traits::items));
        pos_ = 0;
    }
    std::optional<item_type> take_item() {
        if (pos_ == items_.size()) return std::nullopt;
        return std::move(items_[pos_++]);
    }

    boost::asio::awaitable<std::optional<item_type>> await_next(diagnostics* diag) {
        while (needs_page()) {
            std::optional<page_type> page = co_await pages_.await_next(diag);
            if (page) take_items(*page);
        }
        co_return take_item();
    }

    struct next_op {
        item_stream* self;
        diagnostics* diag;
        bool fetching = false;

        template <class Self>
        void operator()(Self& op) {
            if (!self->needs_page()) {
                /// Never complete inside the initiating call.
                auto ex = boost::asio::get_associated_executor(op, self->pages_.get_executor());
                return boost::asio::post(ex, boost::asio::append(std::move(op), error_code{},
                                                                 std::optional<page_type>{}));
            }
            fetching = true;
            if (diag) {
                self->pages_.async_next(*diag, std::move(op));
            } else {
                self->pages_.async_next(std::move(op));
            }
        }

        template <class Self>
        void operator()(Self& op, error_code ec, std::optional<page_type> page) {
            if (ec) return op.complete(ec, std::optional<item_type>{});
            if (fetching && page) {
                self->take_items(*page);
                if (self->needs_page()) return (*this)(op);
            }
            op.complete(error_code{}, self->take_item());
        }
    };

    struct initiate {
        item_stream* self;
        using executor_type = boost::asio::any_io_executor;
        executor_type get_executor() const { return self->get_executor(); }

        template <class Handler>
        void operator()(Handler&& handler, diagnostics* diag) const {
            boost::asio::async_compose<Handler, signature>(next_op{self, diag}, handler);
        }
    };

    page_stream<Request> pages_;
    std::vector<item_type> items_;
    std::size_t pos_ = 0;
};

}  // namespace ivsrt
