#!/usr/bin/env bash
# Pacing, live: a burst of 1,000 CreateParticipantToken calls (all started at once) through one
# client against the emulator enforcing IVS's quotas (50 TPS for CreateParticipantToken), with the
# client's pacing on, then off. Each run prints its throttled attempts, retries and JSON line.
#   benchmarks/pacing_live.sh BUILD_DIR
set -euo pipefail
build=${1:?usage: pacing_live.sh BUILD_DIR}
if [ "${2:-}" != "--inside" ]; then
    emulator=$(find "$build" -type f -name ivsrt-emulator -perm -u+x | head -1)
    [ -n "$emulator" ] || { echo "pacing_live.sh: no ivsrt-emulator under $build" >&2; exit 1; }
    exec "$(dirname "$0")/../tools/with_emulator.sh" "$emulator" --enforce-quotas -- \
        "$0" "$build" --inside
fi
bench=$(find "$build" -type f -name ivsrt-token-bench -perm -u+x | head -1)
for pacing in on off; do
    echo "--- pacing $pacing"
    "$bench" --port "$IVSRT_EMULATOR_PORT" --concurrency 1000 --requests 1000 --warmup 0 \
        --pacing "$pacing" 2> >(tr '\r' '\n' | grep -v 'requests measured' >&2)
    sleep 2  # let the emulator's one-second quota window pass
done
