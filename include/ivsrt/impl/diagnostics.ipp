// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

#include <ivsrt/diagnostics.hpp>

namespace ivsrt {

IVSRT_DECL std::string diagnostics::to_string() const {
    std::string out;
    if (!aws_code_.empty()) {
        out += aws_code_;
        if (!message_.empty()) out += ": ";
    }
    out += message_;
    if (http_status_ != 0 || !request_id_.empty()) {
        out += out.empty() ? "(" : " (";
        if (http_status_ != 0) {
            out += "HTTP ";
            out += std::to_string(http_status_);
            if (!request_id_.empty()) out += ", ";
        }
        if (!request_id_.empty()) {
            out += "request id ";
            out += request_id_;
        }
        out += ')';
    }
    return out;
}

IVSRT_DECL error_with_diagnostics::error_with_diagnostics(boost::system::error_code ec,
                                                          diagnostics diag)
    : ivsrt::exception(ec, diag.to_string().empty() ? ec.message() : diag.to_string()),
      diag_(std::move(diag)) {}

}  // namespace ivsrt
