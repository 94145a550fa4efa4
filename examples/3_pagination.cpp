// Example 3: list operations as lazy async streams, by item or by page.
#include <ivsrt.hpp>

#include "common/run.hpp"

#include <iostream>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace model = ivsrt::model;

asio::awaitable<void> run(ivsrt::client& ivs) {
    std::vector<std::string> arns;
    for (int i = 0; i < 5; ++i) {
        const model::create_stage_request create{.name = "example-3-" + std::to_string(i)};
        arns.push_back((co_await ivs.async_create_stage(create)).stage->arn);
    }

    // Item by item; pages of 2 are fetched as the loop needs them (nothing is sent before the
    // first async_next).
    auto stages = ivs.list_stages_items({.max_results = 2});
    int count = 0;
    while (auto s = co_await stages.async_next()) {
        std::cout << "stage " << s->arn << " " << s->name.value_or("") << "\n";
        ++count;
    }
    std::cout << count << " stages\n";

    // Page by page.
    auto pages = ivs.list_stages_pages({.max_results = 2});
    while (auto page = co_await pages.async_next()) {
        std::cout << "page of " << page->stages.size() << "\n";
    }

    for (const std::string& arn : arns) {
        const model::delete_stage_request remove{.arn = arn};
        co_await ivs.async_delete_stage(remove);
    }
}

int main() {
    return example::run_main(run);
}
