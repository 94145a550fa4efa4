// Compiled by run.sh, never linked. Named requests compile everywhere; with
// IVSRT_REJECT_TEMPORARY_REQUESTS on, each of the TEMPORARIES calls must be rejected.
#include <ivsrt/client.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace asio = boost::asio;
namespace model = ivsrt::model;

asio::awaitable<void> use(ivsrt::client& ivs) {
#if defined(TEMPORARIES)  // three calls, each must be rejected
    co_await ivs.async_create_stage({.name = "x"});
    ivsrt::diagnostics diag;
    co_await ivs.async_get_stage(model::get_stage_request{.arn = "a"}, diag,
                                 asio::as_tuple(asio::use_awaitable));
    co_await ivs.async_call(model::delete_stage_request{.arn = "a"});
#else
    model::create_stage_request create{.name = "x"};
    co_await ivs.async_create_stage(create);
    co_await ivs.async_call(create);
    const model::get_stage_request get{.arn = "a"};
    ivsrt::diagnostics diag;
    auto [ec, stage] = co_await ivs.async_get_stage(get, diag, asio::as_tuple(asio::use_awaitable));
    (void)ec;
    (void)stage;
#endif
}
