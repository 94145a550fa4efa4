#!/usr/bin/env bash
# Pacing, fleet-wide: four processes (ivsrt-token-bench) each issue 250 CreateParticipantToken
# calls at once against the emulator enforcing IVS's quotas (50 TPS for CreateParticipantToken,
# for the whole account): first sharing the quota through Redis (a redis-server started here on a
# Unix socket), then each pacing locally at the full quota. Prints one JSON line per process:
# backend, calls (succeeded), throttled (attempts answered 429), seconds, rate.
#   benchmarks/pacing_fleet.sh BUILD_DIR
set -euo pipefail
build=${1:?usage: pacing_fleet.sh BUILD_DIR}
if [ "${2:-}" != "--inside" ]; then
    emulator=$(find "$build" -type f -name ivsrt-emulator -perm -u+x | head -1)
    [ -n "$emulator" ] || { echo "pacing_fleet.sh: no ivsrt-emulator under $build" >&2; exit 1; }
    command -v redis-server >/dev/null ||
        { echo "pacing_fleet.sh: redis-server is missing (tools/install-deps.sh)" >&2; exit 1; }
    exec "$(dirname "$0")/../tools/with_emulator.sh" "$emulator" --enforce-quotas -- \
        "$0" "$build" --inside
fi
bench=$(find "$build" -type f -name ivsrt-token-bench -perm -u+x | head -1)
dir=$(mktemp -d)
redis-server --port 0 --unixsocket "$dir/redis.sock" --save "" --appendonly no --dir "$dir" \
    --daemonize no --loglevel warning --logfile "$dir/log" &
redis_pid=$!
trap 'kill $redis_pid 2>/dev/null; wait $redis_pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 100); do [ -S "$dir/redis.sock" ] && break; sleep 0.05; done
export IVSRT_PACING_REDIS_URL="unix://$dir/redis.sock" IVSRT_PACING_REPLICAS=4

for pacing in redis on; do
    pids=()
    for i in 1 2 3 4; do
        "$bench" --port "$IVSRT_EMULATOR_PORT" --concurrency 250 --requests 250 --warmup 0 \
            --pacing "$pacing" > "$dir/out.$i" 2> /dev/null &
        pids+=($!)
    done
    wait "${pids[@]}" || true
    for i in 1 2 3 4; do
        python3 -c '
import json, sys
r = json.loads(sys.stdin.read())
ok = r["requests"] - r["errors"]
print(json.dumps({"backend": "redis" if r["pacing"] == "redis" else "local", "calls": ok,
                  "throttled": r["throttled"], "seconds": r["seconds"],
                  "rate": round(ok / r["seconds"], 1) if r["seconds"] else 0}))' < "$dir/out.$i"
    done
    sleep 2  # let the emulator's one-second quota window pass
done
