// A tiny consumer of ivsrt, built by tests/consumption/run.sh: header-only with find_package (and
// pkg-config) on an installed tree, FetchContent and a Meson wrap; with separate compilation
// against the installed ivsrt::compiled (find_package and pkg-config ivsrt-compiled).
#include <ivsrt.hpp>

#include <cstdio>
#include <cstring>

int main() {
    boost::system::error_code ec = ivsrt::errc::throttling;
    if (ec.message() != "throttling") return 1;
    std::printf("ivsrt %s consumed: %s\n", ivsrt::version_string, ec.message().c_str());
    return std::strcmp(ivsrt::version_string, IVSRT_VERSION_STRING) == 0 ? 0 : 1;
}
