// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
// Fuzz target: the RESP2 reply parser of the Redis pacing backend (detail/resp.hpp) on raw bytes
// from a peer. Whatever arrives, parsing stays within the input and the limits; a complete reply
// takes at least one byte and parses the same from exactly the bytes it took; any shorter prefix
// of it is incomplete; an incomplete input consumes nothing.
#include <ivsrt/detail/resp.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace resp = ivsrt::detail::resp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    const resp::limits lim{.max_bulk = 64, .max_items = 8, .max_depth = 3, .max_line = 32};
    resp::reply r;
    std::size_t used = 0;
    const resp::status s = resp::parse(in, r, used, lim);
    if (s != resp::status::complete) {
        if (used != 0) std::abort();
        return 0;
    }
    if (used == 0 || used > size) std::abort();
    resp::reply again;
    std::size_t used_again = 0;
    if (resp::parse(in.substr(0, used), again, used_again, lim) != resp::status::complete ||
        used_again != used || again.kind != r.kind || again.text != r.text ||
        again.integer != r.integer || again.items.size() != r.items.size()) {
        std::abort();
    }
    resp::reply part;
    std::size_t used_part = 0;
    if (resp::parse(in.substr(0, used - 1), part, used_part, lim) != resp::status::incomplete) {
        std::abort();
    }
    return 0;
}
