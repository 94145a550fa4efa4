// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
// test_header_only's second TU (calls.cpp): calls made, header-only, by a TU that includes only
// <ivsrt/calls.hpp>, on a client that test_header_only.cpp constructs.
#pragma once

#include <ivsrt/calls.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <functional>
#include <string>
#include <vector>

namespace ivsrt::test::calls {

// CreateStage with the default token: the new stage's ARN (throws on failure).
boost::asio::awaitable<std::string> create_stage(client& ivs, std::string name);

// GetStage with as_tuple(use_awaitable) and diagnostics: the error, else the stage's name.
boost::asio::awaitable<boost::system::error_code> get_stage(client& ivs, std::string arn,
                                                            diagnostics& diag, std::string& name);

// ListStages through the item stream: every stage's ARN, over all pages.
boost::asio::awaitable<std::vector<std::string>> list_stage_arns(client& ivs);

// GetStage with a callback (the spawned form of a call): `done` gets the error and the name.
void get_stage_then(client& ivs, std::string arn,
                    std::function<void(boost::system::error_code, std::string)> done);

// The pool's connects, read through the client.
std::uint64_t connects(const client& ivs);

}  // namespace ivsrt::test::calls
