#!/usr/bin/env bash
# Quick start: install what is missing, build ivsrt (CMake, Release), start the local emulator and
# run the demo against it (examples/demo.cpp): tokens through the API (paced) and minted locally,
# simulated participants, ListParticipants streamed, a summary, clean-up.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
out=${IVSRT_BUILD_ROOT:-$src/build}
bash "$src/tools/install-deps.sh"
cmake -S "$src" -B "$out/release" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$out/release" -j "$(nproc)" --target ivsrt-emulator demo
exec "$src/tools/with_emulator.sh" "$out/release/tools/emulator/ivsrt-emulator" -- \
    "$out/release/examples/demo"
