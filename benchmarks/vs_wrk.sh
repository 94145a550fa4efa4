#!/bin/bash
# Usage: benchmarks/vs_wrk.sh PORT [ROUNDS [SECONDS [CONCURRENCIES [THREADS [CPUS]]]]]
# The load benchmark as ratios to wrk: for each concurrency C (default "1 64 256"), ROUNDS
# (default 3) interleaved rounds of wrk (one pre-signed CreateParticipantToken request, C
# connections, THREADS threads; wrk_baseline.sh) and of ivsrt-token-bench (api mode, pacing
# $PACING: off by default, "unlimited" for turns taken at a pace that never waits; C concurrent
# calls over THREADS threads), each for SECONDS (default 5), pinned to CPUS (default
# 1), against the server on 127.0.0.1:PORT (benchmarks/canned/start.sh). Prints each run, then per
# C the medians and ivsrt's ratios to wrk: requests per second, CPU per request, p99 (and the
# median and range of the same ratios taken round by round, each against the wrk run before it,
# which shares the machine's state of the moment). Then a
# latency check: each client's mean latency by Little's law (C / req/s) next to its p50. wrk starts
# a request's clock when it writes it, so its latencies leave out the wait between a response and
# the next write (its p50 can be half its mean); ivsrt-token-bench's start when the call is made.
# BARE=1 adds rounds of the floor under the client, a bare Beast + Asio coroutine loop replaying
# one request signed once (ivsrt-token-bench --mode bare, one thread), and its ratios.
# TLS_CA=FILE: PORT answers over TLS (the canned server's TLS_PORT) with a certificate FILE
# vouches for; both clients use https (ivsrt verifies the certificate against FILE, wrk does not
# verify it). The bare loop is plain TCP only.
# IVSRT_TOKEN_BENCH / IVSRT_PRESIGN: the binaries (default: build/release/benchmarks/...).
# Example (the README's setup: nginx on core 0, the clients on core 1):
#   dir=$(benchmarks/canned/start.sh 8089 0 | tail -1)
#   benchmarks/vs_wrk.sh 8089 3 5 "1 64 256"
#   benchmarks/canned/stop.sh "$dir"
set -euo pipefail
port=${1:?usage: vs_wrk.sh PORT [ROUNDS [SECONDS [CONCURRENCIES [THREADS [CPUS]]]]]}
rounds=${2:-3}
seconds=${3:-5}
concurrencies=${4:-1 64 256}
threads=${5:-1}
cpus=${6:-1}
here=$(cd "$(dirname "$0")" && pwd)
bench=${IVSRT_TOKEN_BENCH:-$here/../build/release/benchmarks/ivsrt-token-bench}
export IVSRT_PRESIGN=${IVSRT_PRESIGN:-$here/../build/release/benchmarks/ivsrt-presign}
for b in "$bench" "$IVSRT_PRESIGN"; do
    [ -x "$b" ] || { echo "vs_wrk.sh: $b not found; build it or set IVSRT_TOKEN_BENCH/IVSRT_PRESIGN" >&2; exit 1; }
done
if [ -n "${TLS_CA:-}" ]; then
    [ -z "${BARE:-}" ] || { echo "vs_wrk.sh: the bare loop is plain TCP only: unset BARE or TLS_CA" >&2; exit 1; }
    [ -r "$TLS_CA" ] || { echo "vs_wrk.sh: TLS_CA=$TLS_CA is not a readable file" >&2; exit 1; }
    export TLS=1 AWS_CA_BUNDLE=$TLS_CA
    url=https://127.0.0.1:$port
else
    unset TLS
    url=http://127.0.0.1:$port
fi
command -v wrk >/dev/null || { echo "vs_wrk.sh: wrk not found (apt-get install -y wrk)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "vs_wrk.sh: /usr/bin/time not found (apt-get install -y time)" >&2; exit 1; }
results=$(mktemp /tmp/ivsrt-vs-wrk-XXXXXX)
trap 'rm -f "$results"' EXIT

# One wrk run: "wrk C req_per_s cpu_us_per_req p99_ms".
run_wrk() {
    local c=$1 out
    out=$( { /usr/bin/time -f "cpu %U %S" "$here/wrk_baseline.sh" "$port" "$seconds" "$c" "$cpus" \
        "$threads"; } 2>&1 ) || true  # judged below, from its output
    echo "$out" | awk -v c="$c" '
        /requests in/ { n = $1 }
        /Requests\/sec/ { rps = $2 }
        function ms(v,   x) { x = v + 0; if (v ~ /us$/) x /= 1000; else if (v ~ /[0-9]s$/) x *= 1000; return x }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        /^cpu / { cpu = $2 + $3 }
        /Non-2xx|Socket errors/ { bad = bad $0 " " }
        { all = all $0 "\n" }
        END {
            if (bad != "" || n == 0) {  # failed requests are no measurement
                printf "vs_wrk.sh: wrk: %s\n", n == 0 ? "no requests:\n" all : bad > "/dev/stderr"
                exit 1
            }
            printf "wrk %s %.1f %.2f %.3f %.3f\n", c, rps, cpu * 1e6 / n, p99, p50
        }'
}

# One ivsrt-token-bench run, printed as NAME with the same fields: run_bench C MODE NAME, MODE
# api (the client) or bare (the bare Beast + Asio loop, on one thread).
run_bench() {
    local c=$1 mode=$2 name=$3 target=(--endpoint "$url")
    if [ "$mode" = bare ]; then target=(--port "$port"); fi
    taskset -c "$cpus" "$bench" --mode "$mode" "${target[@]}" --concurrency "$c" \
        --threads "$([ "$mode" = bare ] && echo 1 || echo "$threads")" \
        --seconds "$seconds" --warmup 1 --pacing "${PACING:-off}" \
        --stage-arn arn:aws:ivs:us-east-1:123456789012:stage/abcdABCDefgh 2>/dev/null |
        tail -1 | sed 's/[{}"]//g' | tr ',' '\n' | awk -F: -v c="$c" -v name="$name" '
            { v[$1] = $2 }
            END {
                # Failed calls are no measurement.
                if (!("requests" in v) || v["errors"] != 0) {
                    printf "vs_wrk.sh: %s: %s of %s calls failed (run ivsrt-token-bench by hand to see why)\n",
                           name, v["errors"] == "" ? "all" : v["errors"], v["requests"] == "" ? "the" : v["requests"] > "/dev/stderr"
                    exit 1
                }
                printf "%s %s %.1f %.2f %.3f %.3f rss_mb %s\n", name, c, v["req_per_s"],
                         v["cpu_ms_per_1000_req"], v["p99_ms"], v["p50_ms"], v["max_rss_mb"] }'
}

echo "# run C req_per_s cpu_us_per_req p99_ms p50_ms"
for c in $concurrencies; do
    for r in $(seq "$rounds"); do
        run_wrk "$c" | tee -a "$results"
        run_bench "$c" api ivsrt | tee -a "$results"
        if [ -n "${BARE:-}" ]; then run_bench "$c" bare bare | tee -a "$results"; fi
    done
done
echo "# medians over $rounds rounds; ivsrt/wrk ratios (goal: req/s high, CPU and p99 low)"
for c in $concurrencies; do
    awk -v c="$c" '
        function median(a, n,   i, j, t) {
            for (i = 1; i <= n; ++i) for (j = i + 1; j <= n; ++j) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
            return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
        }
        $2 == c { k = $1; n[k]++; rps[k, n[k]] = $3; cpu[k, n[k]] = $4; p99[k, n[k]] = $5; p50[k, n[k]] = $6 }
        END {
            for (k in n) {
                for (i = 1; i <= n[k]; ++i) { a[i] = rps[k, i]; b[i] = cpu[k, i]; d[i] = p99[k, i]; e[i] = p50[k, i] }
                R[k] = median(a, n[k]); U[k] = median(b, n[k]); P[k] = median(d, n[k]); M[k] = median(e, n[k])
            }
            printf "C=%s  wrk %.0f req/s %.1f us/req p99 %.2f ms | ivsrt %.0f req/s %.1f us/req p99 %.2f ms | ratios: req/s %.2f, cpu %.2f, p99 %.2f\n",
                c, R["wrk"], U["wrk"], P["wrk"], R["ivsrt"], U["ivsrt"], P["ivsrt"],
                R["ivsrt"] / R["wrk"], U["ivsrt"] / U["wrk"], P["ivsrt"] / P["wrk"]
            # With C requests always in flight, the mean latency is C / (req/s).
            printf "      latency check: mean by Little\047s law (C / req/s) wrk %.3f ms, ivsrt %.3f ms (%.2f); p50 wrk %.3f ms, ivsrt %.3f ms\n",
                c * 1000 / R["wrk"], c * 1000 / R["ivsrt"], R["wrk"] / R["ivsrt"], M["wrk"], M["ivsrt"]
            # Each round against the wrk run just before it: the machine is in the same state in
            # both, so these ratios move less than the medians above when its speed drifts.
            for (i = 1; i <= n["ivsrt"] && i <= n["wrk"]; ++i) {
                a[i] = rps["ivsrt", i] / rps["wrk", i]; b[i] = cpu["ivsrt", i] / cpu["wrk", i]
                d[i] = p99["ivsrt", i] / p99["wrk", i]
            }
            m = i - 1
            ra = median(a, m); rb = median(b, m); rd = median(d, m)  # sorted: [1] and [m] are the extremes
            printf "      per round (ivsrt / the wrk run before it): req/s %.2f (%.2f to %.2f), cpu %.2f (%.2f to %.2f), p99 %.2f (%.2f to %.2f)\n",
                ra, a[1], a[m], rb, b[1], b[m], rd, d[1], d[m]
            if ("bare" in R) {
                printf "      bare loop %.0f req/s %.1f us/req p99 %.2f ms | ratios to wrk: req/s %.2f, cpu %.2f, p99 %.2f | ivsrt/bare: req/s %.2f, cpu %.2f",
                    R["bare"], U["bare"], P["bare"], R["bare"] / R["wrk"], U["bare"] / U["wrk"],
                    P["bare"] / P["wrk"], R["ivsrt"] / R["bare"], U["ivsrt"] / U["bare"]
                for (i = 1; i <= n["ivsrt"] && i <= n["bare"]; ++i) a[i] = rps["ivsrt", i] / rps["bare", i]
                m = i - 1
                ra = median(a, m)
                printf " (per round: req/s %.2f, %.2f to %.2f)\n", ra, a[1], a[m]
            }
        }' "$results"
done
