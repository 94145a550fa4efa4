// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// One page of a list operation, for the handlers.

#include "service.hpp"

#include <vector>

namespace ivsrt::emulator::detail {

// Sets `out` to the page of `items` that `request` asks for (converted by `convert`) and returns
// the next page's token. `kind` names the list in the token; `default_size` is the model's
// default maxResults.
template <class Request, class Items, class Item, class Convert>
std::optional<std::string> fill_page(const service& s, std::string_view kind,
                                     const Request& request, std::int32_t default_size,
                                     const Items& items, std::vector<Item>& out, Convert convert) {
    const auto page =
        s.paginate(kind, request.next_token, request.max_results, default_size, items.size());
    out.clear();
    out.reserve(page.end - page.begin);
    for (std::size_t i = page.begin; i < page.end; ++i) out.push_back(convert(*items[i]));
    return page.next_token;
}

}  // namespace ivsrt::emulator::detail
