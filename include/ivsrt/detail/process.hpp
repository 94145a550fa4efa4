// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
#pragma once

// Runs a shell command and collects its standard output without blocking the executor:
// posix_spawn of /bin/sh -c, the output pipe read through a stream_descriptor, the exit status
// polled. Standard input is /dev/null; standard error is inherited (helpers print prompts and
// diagnostics there). Included by impl/credentials.ipp only.

#include <ivsrt/detail/config.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <string>
#include <system_error>
#include <variant>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace ivsrt::detail {

struct process_result {
    std::string error;  // set when the command could not run to completion
    int exit_status = -1;
    std::string output;
};

// Runs `command`; kills it when it outlives `timeout` or writes more than `output_limit` bytes.
inline boost::asio::awaitable<process_result> run_shell_command(const std::string& command,
                                                                std::chrono::milliseconds timeout,
                                                                std::size_t output_limit) {
    namespace asio = boost::asio;
    using namespace asio::experimental::awaitable_operators;
    constexpr auto tuple = asio::as_tuple(asio::use_awaitable);
    process_result result;
    auto ex = co_await asio::this_coro::executor;

    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        result.error = "cannot create a pipe: " + std::generic_category().message(errno);
        co_return result;
    }
    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);  // clears FD_CLOEXEC
    ::posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    char sh[] = "sh";
    char dash_c[] = "-c";
    std::string command_copy = command;
    char* argv[] = {sh, dash_c, command_copy.data(), nullptr};
    pid_t pid = -1;
    const int spawn_error = ::posix_spawn(&pid, "/bin/sh", &actions, nullptr, argv, environ);
    ::posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    if (spawn_error != 0) {
        ::close(fds[0]);
        result.error = "cannot start /bin/sh: " + std::generic_category().message(spawn_error);
        co_return result;
    }

    const auto deadline = std::chrono::steady_clock::now() + timeout;
    asio::posix::stream_descriptor out(ex, fds[0]);
    asio::steady_timer timer(ex, deadline);
    std::string output;
    // Reads to the end of the output: the child exited or closed it.
    auto read_all = [&]() -> asio::awaitable<boost::system::error_code> {
        auto [ec, n] =
            co_await asio::async_read(out, asio::dynamic_buffer(output, output_limit), tuple);
        (void)n;
        co_return ec;
    };
    auto read = co_await (read_all() || timer.async_wait(asio::use_awaitable));
    bool killed = false;
    if (read.index() == 1) {
        result.error = "timed out after " + std::to_string(timeout.count()) + " ms";
        killed = true;
    } else if (const auto ec = std::get<0>(read); ec != asio::error::eof) {
        // Without an error, the read stopped because the buffer is full.
        result.error = ec ? "cannot read the output: " + ec.message()
                          : "output is larger than " + std::to_string(output_limit) + " bytes";
        killed = true;
    }
    out.close();
    if (killed) ::kill(pid, SIGKILL);

    // Reap without blocking: the child normally exits as its output ends.
    int status = 0;
    for (;;) {
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) break;
        if (r < 0) {  // ECHILD: someone else reaped it (SIGCHLD ignored)
            status = 0;
            break;
        }
        if (!killed && std::chrono::steady_clock::now() >= deadline) {
            result.error = "timed out after " + std::to_string(timeout.count()) + " ms";
            ::kill(pid, SIGKILL);
            killed = true;
        }
        timer.expires_after(std::chrono::milliseconds(5));
        co_await timer.async_wait(tuple);
    }
    if (!result.error.empty()) co_return result;
    if (WIFEXITED(status)) {
        result.exit_status = WEXITSTATUS(status);
    } else {
        result.error = "killed by signal " + std::to_string(WTERMSIG(status));
        co_return result;
    }
    result.output = std::move(output);
    co_return result;
}

}  // namespace ivsrt::detail
