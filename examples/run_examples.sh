#!/usr/bin/env bash
# Runs the examples against a local ivsrt-emulator (started here, stopped at the end).
#   examples/run_examples.sh BUILD_DIR     (a CMake or Meson build directory)
set -uo pipefail
build=${1:?usage: run_examples.sh BUILD_DIR}
emulator=$(find "$build" -type f -name ivsrt-emulator -perm -u+x | head -1)
[ -n "$emulator" ] || { echo "run_examples.sh: no ivsrt-emulator under $build" >&2; exit 1; }

out=$(mktemp)
"$emulator" --port 0 >"$out" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 50); do grep -q '^listening on ' "$out" && break; sleep 0.1; done
port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$out" | head -1)
[ -n "$port" ] || { echo "run_examples.sh: the emulator did not start" >&2; cat "$out" >&2; exit 1; }

# The emulator's default credentials (see tools/emulator/README.md); an empty home directory
# keeps the user's ~/.aws out of it.
export AWS_ENDPOINT_URL_IVS_REALTIME=http://127.0.0.1:$port AWS_REGION=us-east-1 \
    AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE \
    AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY \
    AWS_EC2_METADATA_DISABLED=true HOME=$(mktemp -d)
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_CA_BUNDLE

passed=0 failed=0
for name in 1_create_stage_and_token 2_error_handling 3_pagination 4_timeouts_and_cancellation \
    5_concurrent_tokens; do
    exe=$(find "$build" -type f -name "$name" -perm -u+x | head -1)
    echo "=== $name"
    if [ -n "$exe" ] && timeout 60 "$exe"; then
        passed=$((passed + 1))
    else
        echo "FAILED: $name"
        failed=$((failed + 1))
    fi
done
echo "examples: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
