#!/bin/sh
# Measures the emulator's CreateParticipantToken rate: starts EMULATOR pinned to CPU 0, creates a
# stage, and has wrk (pinned to CPU 1, one thread, 64 keep-alive connections) replay one pre-signed
# CreateParticipantToken request for that stage for SECONDS (default 10).
# Usage: tools/emulator/wrk_token.sh EMULATOR PRESIGN [SECONDS [EMULATOR OPTIONS...]]
#   e.g. tools/emulator/wrk_token.sh build/tools/emulator/ivsrt-emulator \
#            build/benchmarks/ivsrt-presign 10 --token-signing HS256
# Needs wrk, curl (for its SigV4 signing) and python3.
set -eu
emulator=${1:?usage: wrk_token.sh EMULATOR PRESIGN [SECONDS [EMULATOR OPTIONS...]]}
presign=${2:?usage: wrk_token.sh EMULATOR PRESIGN [SECONDS [EMULATOR OPTIONS...]]}
seconds=${3:-10}
[ $# -ge 3 ] && shift 3 || shift $#
out=$(mktemp)
script=$(mktemp /tmp/ivsrt-wrk-XXXXXX.lua)
taskset -c 0 "$emulator" --port 0 "$@" > "$out" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$out" "$script"' EXIT
for _ in $(seq 50); do grep -q '^listening on ' "$out" && break; sleep 0.1; done
port=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$out")
[ -n "$port" ] || { echo "wrk_token.sh: the emulator did not start" >&2; exit 1; }
stage=$(curl -sf --aws-sigv4 "aws:amz:us-east-1:ivs" \
    --user "AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" \
    -H 'content-type: application/json' -d '{}' "http://127.0.0.1:$port/CreateStage" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["stage"]["arn"])')
"$presign" --port "$port" --stage-arn "$stage" > "$script"
taskset -c 1 wrk -t1 -c64 -d"${seconds}s" --latency -s "$script" "http://127.0.0.1:$port"
