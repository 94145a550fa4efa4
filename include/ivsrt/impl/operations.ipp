// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// With IVSRT_SEPARATE_COMPILATION: the client's named operations and the streams' async_next,
// called without a completion token, compiled once here (client.hpp and paginator.hpp declare
// them extern). Not included header-only, where each TU instantiates what it calls.

#include <ivsrt/client.hpp>
#include <ivsrt/paginator.hpp>

namespace ivsrt {

template class detail::operation_methods<client>;

#define IVSRT_NEXT_OPERATIONS(Name, snake)                                      \
    template class detail::next_operations<page_stream<model::snake##_request>, \
                                           model::snake##_result>;              \
    template class detail::next_operations<                                     \
        item_stream<model::snake##_request>,                                    \
        model::paginator_traits<model::snake##_request>::item_type>;
IVSRT_MODEL_PAGINATED_OPERATIONS(IVSRT_NEXT_OPERATIONS)
#undef IVSRT_NEXT_OPERATIONS

}  // namespace ivsrt
