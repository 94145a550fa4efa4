// Example 3: list operations as lazy async streams, by item or by page.
#include <ivsrt.hpp>

#include "common/run.hpp"

#include <algorithm>
#include <iostream>
#include <stdexcept>
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
    std::vector<std::string> listed;
    while (auto s = co_await stages.async_next()) {
        std::cout << "stage " << s->arn << " " << s->name.value_or("") << "\n";
        listed.push_back(s->arn);
    }
    std::cout << listed.size() << " stages\n";

    // Page by page.
    auto pages = ivs.list_stages_pages({.max_results = 2});
    std::vector<std::string> paged;
    while (auto page = co_await pages.async_next()) {
        std::cout << "page of " << page->stages.size() << "\n";
        if (page->stages.size() > 2) throw std::runtime_error("a page of more than 2 stages");
        for (const auto& s : page->stages) paged.push_back(s.arn);
    }

    // (The example checks what it listed, so that running it tests the streams: every stage
    // created above exactly once, and the same stages by page as by item.)
    for (const std::string& arn : arns) {
        if (std::count(listed.begin(), listed.end(), arn) != 1) {
            throw std::runtime_error("stage " + arn + " not listed exactly once");
        }
    }
    if (paged != listed) throw std::runtime_error("the pages list other stages than the items");

    for (const std::string& arn : arns) {
        const model::delete_stage_request remove{.arn = arn};
        co_await ivs.async_delete_stage(remove);
    }
}

int main() {
    return example::run_main(run);
}
