#!/usr/bin/env bash
# The whole ivsrt test suite, as CI runs it (.ci/run calls this after installing the packages):
#   format and generated-code checks, CMake Release build (g++) + all tests, the AWS JS SDK v3
#   (npm ci as a step of its own) against the emulator, the examples, the demo and the README's
#   program against the emulator, Meson build (clang++) + the tests under AddressSanitizer +
#   UndefinedBehaviorSanitizer, the threaded client and pool tests under ThreadSanitizer
#   (clang++), the libFuzzer targets (clang++, 10 s each from their seed corpora), each public
#   header compiled on its own with the layering rules (tools/check_headers.sh), the API
#   reference (Doxygen, no warnings), and the consumption tests (find_package and pkg-config,
#   FetchContent, a Meson wrap, the installed tools and embeddable emulator).
# Usage: tools/test.sh [--quick]   (--quick: CMake Release build and its tests only)
# Build trees go to build/ (override with IVSRT_BUILD_ROOT). Exits non-zero if any step failed.
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
out=${IVSRT_BUILD_ROOT:-$src/build}
jobs=${IVSRT_JOBS:-$(nproc)}
quick=0
[ "${1:-}" = "--quick" ] && quick=1
mkdir -p "$out"
# The checks that need node (the JWT check of test_participant_token, the JS SDK steps) fail
# without it here instead of being skipped.
export IVSRT_REQUIRE_NODE=1

passed=0
failed=0
failed_steps=()
step() {  # step NAME COMMAND...: runs a step, records the result, never exits
    local name=$1
    shift
    local t0=$SECONDS
    echo "::: $name"
    if "$@"; then
        passed=$((passed + 1))
        echo "::: $name: ok ($((SECONDS - t0)) s)"
    else
        failed=$((failed + 1))
        failed_steps+=("$name")
        echo "::: $name: FAILED ($((SECONDS - t0)) s)"
    fi
}

cmake_release() {
    # -O2, what services usually build with (CMake's Release default is -O3, slower to compile).
    CXX=g++ cmake -S "$src" -B "$out/release" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" &&
        cmake --build "$out/release" -j "$jobs" &&
        ctest --test-dir "$out/release" --output-on-failure -j "$jobs"
}
# Meson with clang++, every test under AddressSanitizer + UndefinedBehaviorSanitizer: one build
# serves both the second build system and the sanitizers. (The examples are built and run by the
# CMake step; here they would only add build time.)
meson_clang_sanitized() {
    if [ ! -d "$out/meson" ]; then
        # -fno-sanitize=function: clang 14's UBSan function check breaks on coroutines
        # ("Cannot represent a difference across sections", llvm-project issue 54153).
        # Line tables only (not full debug info): enough for the sanitizers' reports, and the
        # build is the longest of CI.
        CXX=clang++ meson setup "$out/meson" "$src" -Ddebug=false -Doptimization=0 \
            -Db_sanitize=address,undefined -Db_lundef=false -Dbenchmarks=false -Dexamples=false \
            -Dcpp_args="-fno-sanitize=function -fno-sanitize-recover=all -fno-omit-frame-pointer -gline-tables-only" ||
            return 1
    fi
    # Unoptimized: the sanitizers check as well at -O0, and the build takes less than half the
    # time of -O1 (measured on this suite: 405 s of CPU against 992 s).
    meson compile -C "$out/meson" -j "$jobs" &&
        ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
            meson test -C "$out/meson" --print-errorlogs --num-processes "$jobs" \
            --timeout-multiplier 2
}
# The tests that run the client and the pool from several threads, under ThreadSanitizer
# (unoptimized, as the ASan build: 103 s to build them against about 200 s at -O1).
tsan() {
    local tests=(test_client test_pool test_transport_integrity)
    CXX=clang++ cmake -S "$src" -B "$out/tsan" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
        -DCMAKE_CXX_FLAGS="-O0 -g -fsanitize=thread" -DIVSRT_BUILD_EXAMPLES=OFF \
        -DIVSRT_BUILD_BENCHMARKS=OFF -DIVSRT_BUILD_TOOLS=OFF &&
        cmake --build "$out/tsan" -j "$jobs" --target "${tests[@]}" &&
        TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$src/tools/tsan.supp" \
            ctest --test-dir "$out/tsan" --output-on-failure -j "$jobs" \
            -R "^($(IFS='|'; echo "${tests[*]}"))\$"
}
# The fuzz targets of tests/fuzz/ (libFuzzer), built in a tree of their own and run 10 s each.
fuzz_run() {
    if ! command -v clang++ >/dev/null; then
        echo "clang++ is missing: the fuzz targets need clang++ and libFuzzer (libclang-rt-14-dev)"
        return 1
    fi
    IVSRT_JOBS=$jobs bash "$src/tests/fuzz/run.sh" "$out/fuzz" 10
}
format_check() { bash "$src/tools/format.sh" --check; }
headers_check() { bash "$src/tools/check_headers.sh" g++; }
docs() { bash "$src/tools/docs.sh" "$out/docs"; }  # the API reference, without warnings
# The AWS SDK for JavaScript v3, pinned in tests/compat/package-lock.json, installed from the
# registry in a step of its own: an outage of the registry fails this step, not the next.
js_sdk_installed=0
js_sdk_install() {
    command -v npm >/dev/null || { echo "npm is not installed"; return 1; }
    (cd "$src/tests/compat" && npm ci --no-audit --no-fund --loglevel=error) || return 1
    js_sdk_installed=1
}
# The SDK against the emulator, and the client's wire reference (tests/data/client/
# js_sdk_wire.json) still what the SDK builds.
js_sdk() {
    if [ $js_sdk_installed -ne 1 ]; then
        echo "not run: the SDK could not be installed (step js-sdk-install)"
        return 1
    fi
    sh "$src/tests/compat/run.sh" --no-install "$out/release/tools/emulator/ivsrt-emulator" &&
        (cd "$src/tests/compat" &&
            node --no-warnings capture_wire.mjs ../data/client/wire_inputs.json --check)
}
# The examples and the quick-start demo against the emulator.
examples_run() { bash "$src/examples/run_examples.sh" "$out/release"; }
consumption() {  # also installs the release tree, for its tools and embeddable emulator
    rm -rf "$out/consumption" && bash "$src/tests/consumption/run.sh" "$out/consumption" "$out/release"
}

generated_check() {  # regenerating the committed generated code must change nothing
    python3 "$src/tools/codegen/embed_endpoints.py" --check || return 1
    # A missing generator fails the check: it would otherwise pass without checking anything.
    python3 "$src/tools/codegen/generate.py" --check || return 1
    # The version (VERSION, also read by CMake and Meson) has its section in the changelog.
    grep -q "^## \[$(cat "$src/VERSION")\]" "$src/CHANGELOG.md" ||
        { echo "CHANGELOG.md has no section for version $(cat "$src/VERSION")"; return 1; }
    # Our library TUs (src/*.cpp) include what <ivsrt/src.hpp> does.
    local ours theirs
    ours=$(grep -ho '^#include <ivsrt/.*impl/.*>' "$src"/src/*.cpp | sort)
    theirs=$(grep -ho '^#include <ivsrt/.*impl/.*>' "$src/include/ivsrt/src.hpp" | sort)
    [ "$ours" = "$theirs" ] || { echo "src/*.cpp and src.hpp differ"; return 1; }
}

step format format_check
step generated-code generated_check
step cmake-release-gcc cmake_release
if [ $quick -eq 0 ]; then
    step js-sdk-install js_sdk_install
    step js-sdk-compat js_sdk
    step examples examples_run
    step meson-clang-asan-ubsan meson_clang_sanitized
    step tsan-clang tsan
    step fuzz fuzz_run
    step headers headers_check
    step docs docs
    step consumption consumption
fi

echo
if [ $failed -ne 0 ]; then echo "failed steps: ${failed_steps[*]}"; fi
echo "${passed} passed, ${failed} failed"
[ $failed -eq 0 ]
