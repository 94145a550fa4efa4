#!/bin/sh
# Usage: benchmarks/wrk_baseline.sh PORT [SECONDS [CONNECTIONS [CPU [THREADS]]]]
# The baseline of the load benchmark: wrk, THREADS threads (default 1), replaying one pre-signed
# CreateParticipantToken request (from ivsrt-presign) over CONNECTIONS (default 64) keep-alive
# connections to http://127.0.0.1:PORT for SECONDS (default 10), pinned to CPU (default 1; a
# taskset list).
# TLS=1: https://127.0.0.1:PORT instead (wrk does not verify the server's certificate).
# IVSRT_PRESIGN: the ivsrt-presign binary (default: build/benchmarks/ivsrt-presign, then PATH).
# Credentials for the signature: AWS_ACCESS_KEY_ID etc., else the emulator's defaults.
# Example, against the canned nginx server:
#   dir=$(benchmarks/canned/start.sh 8089 0 | tail -1)
#   benchmarks/wrk_baseline.sh 8089 10 64 1
#   benchmarks/canned/stop.sh "$dir"
set -eu
port=${1:?usage: wrk_baseline.sh PORT [SECONDS [CONNECTIONS [CPU [THREADS]]]]}
seconds=${2:-10}
connections=${3:-64}
cpu=${4:-1}
threads=${5:-1}
here=$(cd "$(dirname "$0")" && pwd)
presign=${IVSRT_PRESIGN:-}
if [ -z "$presign" ]; then
    if [ -x "$here/../build/benchmarks/ivsrt-presign" ]; then
        presign="$here/../build/benchmarks/ivsrt-presign"
    else
        presign=$(command -v ivsrt-presign || true)
    fi
fi
if [ -z "$presign" ] || [ ! -x "$presign" ]; then
    echo "wrk_baseline.sh: ivsrt-presign not found; build it or set IVSRT_PRESIGN" >&2
    exit 1
fi
command -v wrk >/dev/null || { echo "wrk_baseline.sh: wrk not found (apt-get install -y wrk)" >&2; exit 1; }
script=$(mktemp /tmp/ivsrt-wrk-XXXXXX.lua)
trap 'rm -f "$script"' EXIT
"$presign" --port "$port" > "$script"
taskset -c "$cpu" wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -s "$script" \
    "$([ -n "${TLS:-}" ] && echo https || echo http)://127.0.0.1:$port"
