#!/usr/bin/env bash
# Consumption tests: build and run a tiny consumer of ivsrt (tests/consumption/main.cpp) via
#   1. find_package(ivsrt CONFIG) on a tree installed with CMake (also checks the pkg-config file),
#   2. add_subdirectory(ivsrt),
#   3. a Meson subproject (dependency('ivsrt') with the override).
# Usage: run.sh [work dir]   Exits non-zero on the first failure.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-$(mktemp -d)}
mkdir -p "$work"
here=$src/tests/consumption
# No optimization: these builds check how ivsrt is consumed, not the code it generates.
gen=(-G Ninja -DCMAKE_BUILD_TYPE=)

echo "== consumption 1/3: find_package on an installed tree"
cmake -S "$src" -B "$work/ivsrt-build" "${gen[@]}" -DIVSRT_BUILD_TESTS=OFF -DIVSRT_BUILD_EXAMPLES=OFF \
    -DIVSRT_BUILD_BENCHMARKS=OFF -DIVSRT_BUILD_TOOLS=OFF -DCMAKE_INSTALL_PREFIX="$work/prefix" >/dev/null
cmake --build "$work/ivsrt-build" >/dev/null
cmake --install "$work/ivsrt-build" >/dev/null
test -f "$work/prefix/include/ivsrt.hpp"
test -f "$work/prefix/lib/pkgconfig/ivsrt.pc" || test -f "$work/prefix/lib/x86_64-linux-gnu/pkgconfig/ivsrt.pc"
cmake -S "$here/find_package" -B "$work/fp" "${gen[@]}" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/fp" >/dev/null
"$work/fp/consumer"
pcdir=$(dirname "$(find "$work/prefix" -name ivsrt.pc | head -n1)")
# shellcheck disable=SC2046
c++ -o "$work/pc-consumer" "$here/main.cpp" $(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs ivsrt)
"$work/pc-consumer"

echo "== consumption 2/3: add_subdirectory"
cmake -S "$here/add_subdirectory" -B "$work/as" "${gen[@]}" -DIVSRT_SOURCE_DIR="$src" >/dev/null
cmake --build "$work/as" >/dev/null
"$work/as/consumer"

echo "== consumption 3/3: Meson subproject"
rm -rf "$work/meson-src"
mkdir -p "$work/meson-src/subprojects"
cp "$here/meson_subproject/meson.build" "$work/meson-src/"
cp "$here/main.cpp" "$work/"
ln -s "$src" "$work/meson-src/subprojects/ivsrt"
meson setup "$work/ms" "$work/meson-src" >/dev/null
meson compile -C "$work/ms" >/dev/null
"$work/ms/consumer"
echo "consumption tests: 3 passed"
