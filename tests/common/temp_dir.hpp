// A temporary directory for tests, removed with everything in it.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

namespace ivsrt_test {

struct temp_dir {
    std::filesystem::path path;

    temp_dir() {
        char name[] = "/tmp/ivsrt-test-XXXXXX";
        path = ::mkdtemp(name);
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    // Writes `contents` to `name` (relative, parent directories created); returns the full path.
    std::string write(const std::string& name, std::string_view contents) const {
        const auto file = path / name;
        std::filesystem::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary | std::ios::trunc) << contents;
        return file.string();
    }
};

}  // namespace ivsrt_test
