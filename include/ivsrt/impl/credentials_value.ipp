// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <ivsrt/credentials_value.hpp>
#include <ivsrt/detail/iso8601.hpp>

#include <ostream>

namespace ivsrt {

IVSRT_DECL std::ostream& operator<<(std::ostream& os, const credentials& c) {
    os << "credentials{access_key_id=" << c.access_key_id << ", secret_access_key=<redacted>";
    if (c.session_token) os << ", session_token=<redacted>";
    if (c.expiration) os << ", expiration=" << detail::format_iso8601(*c.expiration);
    if (c.account_id) os << ", account_id=" << *c.account_id;
    return os << ", provider=" << c.provider << "}";
}

}  // namespace ivsrt
