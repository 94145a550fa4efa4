// Example 1: create a stage, issue a participant token for it, delete the stage.
//
// Region, endpoint and credentials come from the environment and the shared config files, as
// with the AWS CLI: AWS_REGION, AWS_ENDPOINT_URL_IVS_REALTIME (e.g. the local emulator),
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ...
#include <ivsrt.hpp>

#include "common/run.hpp"

#include <iostream>

namespace asio = boost::asio;
namespace model = ivsrt::model;

asio::awaitable<void> run(ivsrt::client& ivs) {
    // Name each request before co_await: g++ 12 destroys a temporary inside a co_await
    // expression twice, so there a temporary request does not compile (see the README).
    const model::create_stage_request create{.name = "example-1", .tags = {{"example", "1"}}};
    const auto created = co_await ivs.async_create_stage(create);
    const model::stage& stage = created.stage.value();
    std::cout << "created " << stage.arn << "\n";

    const model::create_participant_token_request token_request{
        .stage_arn = stage.arn,
        .duration = 60,  // minutes
        .user_id = "alice",
        .capabilities = {model::participant_token_capability::publish,
                         model::participant_token_capability::subscribe}};
    const auto issued = co_await ivs.async_create_participant_token(token_request);
    const model::participant_token& token = issued.participant_token.value();
    // The token itself is a secret: hand it to the participant, don't log it.
    std::cout << "token for " << token.user_id.value_or("?") << ": participant "
              << token.participant_id.value_or("?") << ", " << token.token->size()
              << " characters\n";

    const model::delete_stage_request remove{.arn = stage.arn};
    co_await ivs.async_delete_stage(remove);
    std::cout << "deleted the stage\n";
}

int main() {
    return example::run_main(run);
}
