// Example 4: timeouts (per attempt, per call) and cancelling a call.
#include <ivsrt.hpp>

#include "common/run.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/post.hpp>

#include <chrono>
#include <iostream>
#include <stdexcept>

namespace asio = boost::asio;
namespace model = ivsrt::model;
using namespace std::chrono_literals;

asio::awaitable<void> run(ivsrt::client& ivs) {
    const model::list_stages_request list{};

    // Any call can be cancelled through its completion token's cancellation slot. Here the
    // signal fires right after the call started; the call completes with errc::cancelled and
    // the connection it used is closed, never reused.
    asio::cancellation_signal cancel;
    asio::post(co_await asio::this_coro::executor,
               [&] { cancel.emit(asio::cancellation_type::terminal); });
    auto [ec, stages] = co_await ivs.async_list_stages(
        list, asio::bind_cancellation_slot(cancel.slot(), asio::as_tuple(asio::use_awaitable)));
    std::cout << "cancelled call: " << (ec ? ec.message() : "completed before the cancel") << "\n";
    // The cancel runs before the call's first step completes: the call always ends cancelled.
    if (ec != ivsrt::errc::cancelled) throw std::runtime_error("expected errc::cancelled");

    // The next call works as usual.
    auto listed = co_await ivs.async_list_stages(list);
    std::cout << "then listed " << listed.stages.size() << " stages\n";
}

int main() {
    ivsrt::client_config config;
    config.attempt_timeout = 2s;  // one attempt: connect, send, receive
    config.call_timeout = 10s;    // the whole call: pacing, retries and their waits
    return example::run_main(run, std::move(config));
}
