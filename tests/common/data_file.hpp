// Test helper: the whole contents of a data file, failing the test with the path when the file
// cannot be opened or read (instead of handing an empty string to a parser). Include after
// Boost.Test.
#pragma once

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

namespace ivsrt::test {

inline std::string read_data_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    BOOST_TEST_REQUIRE(in.is_open(), "cannot open " << path.string());
    std::ostringstream text;
    text << in.rdbuf();
    BOOST_TEST_REQUIRE(!in.bad(), "cannot read " << path.string());
    return text.str();
}

#ifdef IVSRT_TEST_DATA_DIR
// A file under tests/data: test_data("model/stage.json").
inline std::string test_data(std::string_view relative) {
    return read_data_file(std::filesystem::path(IVSRT_TEST_DATA_DIR) / relative);
}
#endif

}  // namespace ivsrt::test
