// Example 2: the two ways to handle errors.
//  - Exceptions: the default completion token throws ivsrt::error_with_diagnostics, carrying
//    the error code, the AWS error code, its message, the request id and the HTTP status.
//  - Error codes: pass an ivsrt::diagnostics and a token such as asio::as_tuple(...).
#include <ivsrt.hpp>

#include "common/run.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/deferred.hpp>

#include <iostream>

namespace asio = boost::asio;
namespace model = ivsrt::model;

asio::awaitable<void> run(ivsrt::client& ivs) {
    const model::get_stage_request missing{
        .arn = "arn:aws:ivs:us-east-1:123456789012:stage/nOsUcHsTaGe0"};

    // 1. Exceptions.
    try {
        co_await ivs.async_get_stage(missing);
    } catch (const ivsrt::error_with_diagnostics& e) {
        const ivsrt::diagnostics& d = e.get_diagnostics();
        std::cout << "exception: " << e.code().message() << " [" << d.aws_error_code() << ", HTTP "
                  << d.http_status() << ", request id " << d.request_id() << "]\n";
        if (e.code() != ivsrt::errc::resource_not_found) throw;
    }

    // 2. Error codes.
    ivsrt::diagnostics diag;
    auto [ec, result] = co_await ivs.async_get_stage(missing, diag, asio::as_tuple(asio::deferred));
    std::cout << "error code: " << ec.message() << ": " << diag.message() << "\n";

    // Invalid requests are rejected before anything is sent, naming the field and the rule.
    const model::create_participant_token_request invalid{.stage_arn = "not-an-arn"};
    auto [ec2, token] =
        co_await ivs.async_create_participant_token(invalid, diag, asio::as_tuple(asio::deferred));
    std::cout << "invalid request: " << ec2.message() << ": " << diag.message() << "\n";
    if (ec2 != ivsrt::errc::invalid_request) throw std::runtime_error("expected invalid_request");
}

int main() {
    return example::run_main(run);
}
