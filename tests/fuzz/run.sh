#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz/ with clang++ in BUILD_ROOT/build (the library and
# the emulator instrumented too; no tests, examples or benchmarks), then runs each for SECONDS
# over a copy of its seed corpus (tests/fuzz/corpus/<target>/). Fails if the build fails or a
# fuzzer finds a crash, leak, UB, timeout or out-of-memory; the input that did it is written to
# BUILD_ROOT/artifacts/<target>/ and the fuzzer's log to BUILD_ROOT/<target>.log.
# Usage: tests/fuzz/run.sh BUILD_ROOT [SECONDS]   (default 20; IVSRT_JOBS: build jobs)
# Reproduce a finding: BUILD_ROOT/build/tests/fuzz/<target> <artifact file>
set -uo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: tests/fuzz/run.sh BUILD_ROOT [SECONDS]}
seconds=${2:-20}
jobs=${IVSRT_JOBS:-$(nproc)}
mkdir -p "$out"
out=$(cd "$out" && pwd)

fuzzers=(
    fuzz_result_decode
    fuzz_sigv4_verify
    fuzz_emulator_request
    fuzz_response_reader
    fuzz_resp
)

# -fno-sanitize=function: clang 14's UBSan function check breaks on coroutines (see tools/test.sh).
flags="-O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined"
flags+=" -fno-sanitize=function -fno-sanitize-recover=all"
CXX=clang++ cmake -S "$src" -B "$out/build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS="$flags" -DIVSRT_BUILD_FUZZERS=ON -DIVSRT_BUILD_TESTS=OFF \
    -DIVSRT_BUILD_EXAMPLES=OFF -DIVSRT_BUILD_BENCHMARKS=OFF -DIVSRT_BUILD_TOOLS=OFF \
    -DIVSRT_INSTALL=OFF >/dev/null || exit 1
cmake --build "$out/build" -j "$jobs" --target "${fuzzers[@]}" || exit 1

failed=()
for name in "${fuzzers[@]}"; do
    corpus=$out/corpus/$name  # a copy: what the fuzzer adds stays out of the source tree
    rm -rf "$corpus"
    mkdir -p "$corpus" "$out/artifacts/$name"
    cp "$src/tests/fuzz/corpus/$name"/* "$corpus/"
    log=$out/$name.log
    if "$out/build/tests/fuzz/$name" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 -artifact_prefix="$out/artifacts/$name/" "$corpus" >"$log" 2>&1; then
        result=ok
    else
        result=FAILED
        failed+=("$name")
        grep -av '^#' "$log" | tail -n 40
    fi
    runs=$(grep -a '^stat::number_of_executed_units:' "$log" | grep -o '[0-9]*$')
    speed=$(grep -a '^stat::average_exec_per_sec:' "$log" | grep -o '[0-9]*$')
    cov=$(grep -ao 'cov: [0-9]*' "$log" | tail -n 1)
    echo "$name: $result, ${runs:-?} runs in ${seconds} s (${speed:-?} exec/s), ${cov:-cov: ?}," \
        "corpus $(ls "$corpus" | wc -l) files"
done
if [ ${#failed[@]} -ne 0 ]; then
    echo "fuzzers that failed: ${failed[*]} (inputs in $out/artifacts/)"
    exit 1
fi
