#!/bin/sh
# Compile time of a TU using ivsrt (separate compilation) against one including only Asio, Asio
# SSL, Beast and Boost.JSON, same flags, alternating, 3 runs each; prints the medians and ratio.
#   benchmarks/compile_time/run.sh [CXX]
set -eu
cxx=${1:-g++}
here=$(cd "$(dirname "$0")" && pwd)
flags="-std=c++20 -O2 -c -o /dev/null -I$here/../../include -DIVSRT_SEPARATE_COMPILATION"
time_one() {
    start=$(date +%s.%N)
    $cxx $flags "$1"
    end=$(date +%s.%N)
    echo "$end - $start" | bc
}
base=""; ivs=""
for _ in 1 2 3; do
    base="$base $(time_one "$here/baseline.cpp")"
    ivs="$ivs $(time_one "$here/with_ivsrt.cpp")"
done
median() { echo "$@" | tr ' ' '\n' | grep . | sort -n | sed -n 2p; }
b=$(median $base); i=$(median $ivs)
echo "baseline (Asio+SSL+Beast+JSON): ${b}s  with ivsrt: ${i}s  ratio: $(echo "scale=2; $i / $b" | bc)"
