#!/usr/bin/env bash
# Consumption tests: build and run a tiny consumer of ivsrt (tests/consumption/main.cpp) via
#   1. find_package(ivsrt CONFIG) on a tree installed with CMake, headers only (also checks the
#      pkg-config file),
#   2. FetchContent (GIT_REPOSITORY, which adds ivsrt with add_subdirectory),
#   3. a Meson subproject from a wrap-git file, with the library compiled once
#      (dependency('ivsrt-compiled')).
# 2 and 3 fetch the repository's HEAD commit: what is committed, not the work tree.
#   4. with a build tree that has the tools (the second argument): its install, the library
#      compiled once (ivsrt::compiled, pkg-config ivsrt-compiled) and the embeddable emulator
#      (ivsrt::emulator) from it.
# Usage: run.sh [work dir] [built tree with the tools]   Exits non-zero on the first failure.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-$(mktemp -d)}
built=${2:-}
mkdir -p "$work"
here=$src/tests/consumption
# No optimization: these builds check how ivsrt is consumed, not the code it generates.
gen=(-G Ninja -DCMAKE_BUILD_TYPE=)

echo "== consumption 1/3: find_package on an installed tree"
cmake -S "$src" -B "$work/ivsrt-build" "${gen[@]}" -DIVSRT_BUILD_TESTS=OFF -DIVSRT_BUILD_EXAMPLES=OFF \
    -DIVSRT_BUILD_BENCHMARKS=OFF -DIVSRT_BUILD_TOOLS=OFF -DIVSRT_BUILD_COMPILED=OFF \
    -DCMAKE_INSTALL_PREFIX="$work/prefix" >/dev/null
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

commit=$(git -C "$src" rev-parse HEAD)
echo "== consumption 2/3: FetchContent"
cmake -S "$here/fetch_content" -B "$work/fc" "${gen[@]}" -DIVSRT_GIT_REPOSITORY="$src" \
    -DIVSRT_GIT_TAG="$commit" >/dev/null
cmake --build "$work/fc" >/dev/null
"$work/fc/consumer"

echo "== consumption 3/3: Meson subproject from a wrap file"
rm -rf "$work/meson-src"
mkdir -p "$work/meson-src/subprojects"
cp "$here/meson_wrap/meson.build" "$work/meson-src/"
cp "$here/main.cpp" "$work/"
cat >"$work/meson-src/subprojects/ivsrt.wrap" <<WRAP
[wrap-git]
url = $src
revision = $commit

[provide]
ivsrt = ivsrt_dep
ivsrt-compiled = ivsrt_compiled_dep
WRAP
meson setup --buildtype=plain "$work/ms" "$work/meson-src" >/dev/null
meson compile -C "$work/ms" >/dev/null
"$work/ms/consumer"
if [ -z "$built" ]; then
    echo "consumption tests: 3 passed (no built tree given: the installed emulator not tested)"
    exit 0
fi
echo "== consumption 4/4: the installed tools and the embeddable emulator"
cmake --install "$built" --prefix "$work/tools-prefix" >/dev/null
for f in bin/ivsrt bin/ivsrt-emulator bin/ivsrt-with-emulator include/ivsrt_emulator.hpp; do
    test -f "$work/tools-prefix/$f" || { echo "not installed: $f"; exit 1; }
done
cmake -S "$here/emulator" -B "$work/em" "${gen[@]}" -DCMAKE_PREFIX_PATH="$work/tools-prefix" >/dev/null
cmake --build "$work/em" >/dev/null
"$work/em/consumer"
# The installed helper starts the installed emulator for a command.
# Separate compilation from the installed ivsrt::compiled: find_package and pkg-config.
cmake -S "$here/find_package" -B "$work/fp-compiled" "${gen[@]}" \
    -DCMAKE_PREFIX_PATH="$work/tools-prefix" >/dev/null
cmake --build "$work/fp-compiled" --target consumer_compiled >/dev/null
"$work/fp-compiled/consumer_compiled"
pcdir=$(dirname "$(find "$work/tools-prefix" -name ivsrt-compiled.pc | head -n1)")
c++ -o "$work/pc-consumer-compiled" "$here/main.cpp" \
    $(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs ivsrt-compiled)
"$work/pc-consumer-compiled"
"$work/tools-prefix/bin/ivsrt-with-emulator" "$work/tools-prefix/bin/ivsrt-emulator" -- \
    sh -c 'test -n "$AWS_ENDPOINT_URL_IVS_REALTIME"'
echo "consumption tests: 4 passed"
