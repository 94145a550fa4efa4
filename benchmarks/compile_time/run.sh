#!/bin/sh
# Compile time and peak memory of a service TU using ivsrt (with_ivsrt.cpp), header-only and with
# IVSRT_SEPARATE_COMPILATION, and header-only without its main (a TU that uses a client it is
# given, as most TUs of a service do: it includes only <ivsrt/calls.hpp>), against two baselines
# compiled in the same run with the same flags:
#   includes: only <boost/asio.hpp>, Asio SSL, <boost/beast.hpp> and <boost/json.hpp>;
#   service:  the same work as with_ivsrt.cpp written with plain Asio, Beast and Boost.JSON.
# Also the library's own TUs (src/*.cpp), what a user of separate compilation builds once.
# Runs alternate; prints the median of each (time and peak RSS) and the ratios.
#   benchmarks/compile_time/run.sh [CXX] [RUNS]      (defaults: g++ 3; flags: -std=c++20 -O2)
set -eu
cxx=${1:-g++}
runs=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
root=$here/../..
flags="-std=c++20 -O2 -c -o /dev/null -I$root/include"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# measure NAME FLAGS... : one compile; appends "seconds kilobytes" to $tmp/NAME
measure() {
    name=$1
    shift
    /usr/bin/time -f "%e %M" -o "$tmp/one" $cxx $flags "$@"
    cat "$tmp/one" >>"$tmp/$name"
}
for _ in $(seq "$runs"); do
    measure includes "$here/baseline.cpp"
    measure service "$here/baseline_service.cpp"
    measure header_only "$here/with_ivsrt.cpp"
    measure separate -DIVSRT_SEPARATE_COMPILATION "$here/with_ivsrt.cpp"
    measure header_only_user -DPROBE_USES_A_CLIENT "$here/with_ivsrt.cpp"
done
for f in "$root"/src/*.cpp; do
    measure "src_$(basename "$f" .cpp)" -DIVSRT_SEPARATE_COMPILATION "$f"
done

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
seconds() { cut -d' ' -f1 <"$tmp/$1" | median; }
megabytes() { cut -d' ' -f2 <"$tmp/$1" | median | awk '{ printf "%.0f", $1 / 1024 }'; }
ratio() { echo "scale=2; $1 / $2" | bc; }
bt=$(seconds includes); bm=$(megabytes includes)
st=$(seconds service); sm=$(megabytes service)
echo "$cxx $flags, median of $runs"
printf '%-26s %8s %8s %14s %14s\n' TU seconds MB "x includes" "x service"
for name in includes service header_only separate header_only_user; do
    t=$(seconds $name); m=$(megabytes $name)
    printf '%-26s %8s %8s %6s %6s %7s %6s\n' "$name" "$t" "$m" \
        "$(ratio "$t" "$bt")" "$(ratio "$m" "$bm")" "$(ratio "$t" "$st")" "$(ratio "$m" "$sm")"
done
echo "(time ratio, memory ratio)"
echo "the library's own TUs (separate compilation, compiled once):"
for f in "$root"/src/*.cpp; do
    name=src_$(basename "$f" .cpp)
    printf '  %-24s %8s %8s\n' "src/$(basename "$f")" "$(seconds "$name")" "$(megabytes "$name")"
done
