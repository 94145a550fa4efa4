#!/usr/bin/env bash
# Quick start: install what is missing, build ivsrt (CMake, Release), and run the demo.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
out=${IVSRT_BUILD_ROOT:-$src/build}
bash "$src/tools/install-deps.sh"
cmake -S "$src" -B "$out/release" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$out/release" -j "$(nproc)" --target sign_request
"$out/release/examples/sign_request"
