#!/usr/bin/env bash
# Compile-fail test of the g++ 12 guard (IVSRT_REJECT_TEMPORARY_REQUESTS, detail/config.hpp):
# named requests compile; temporary ones fail with the message that says to name them, when the
# guard is forced on (any compiler) and by default on g++ 12, where the defect was seen.
# Usage: run.sh <include dir> <compiler command...>
set -uo pipefail
include=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0

compile() {  # compile LOG FLAGS...: -fsyntax-only, in separate mode (nothing but the API)
    local log=$1
    shift
    "${compiler[@]}" -std=c++20 -fsyntax-only -DIVSRT_SEPARATE_COMPILATION -I "$include" "$@" \
        "$here/temporary_request.cpp" >"$log" 2>&1
}
expect_ok() {
    if compile "$out/log" "$@"; then echo "ok: compiles: $*"; else
        echo "FAILED: does not compile: $*"; cat "$out/log"; status=1
    fi
}
expect_rejected() {  # the three calls of TEMPORARIES, each with the message
    local n
    if compile "$out/log" -DTEMPORARIES "$@"; then
        echo "FAILED: compiles, should be rejected: $*"; status=1
        return
    fi
    n=$(grep -c "name the request first" "$out/log")
    if [ "$n" -eq 3 ]; then echo "ok: 3 calls rejected with the message: $*"; else
        echo "FAILED: $n of 3 calls rejected with the message: $*"; cat "$out/log"; status=1
    fi
}

compiler=("$@")
expect_ok -DIVSRT_REJECT_TEMPORARY_REQUESTS=1  # named requests still compile with the guard on
expect_rejected -DIVSRT_REJECT_TEMPORARY_REQUESTS=1
macros=$("${compiler[@]}" -std=c++20 -dM -E -x c++ /dev/null)
if ! grep -q __clang__ <<<"$macros" && grep -q '#define __GNUC__ 12$' <<<"$macros"; then
    expect_rejected  # the default on g++ 12
fi
exit $status
