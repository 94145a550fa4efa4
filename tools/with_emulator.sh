#!/usr/bin/env bash
# Starts an ivsrt-emulator on a free port, runs a command with the environment pointing at it
# (AWS_ENDPOINT_URL_IVS_REALTIME, AWS_REGION and the emulator's default credentials; an empty home
# directory keeps ~/.aws out of it), stops the emulator, and exits with the command's status.
#   tools/with_emulator.sh EMULATOR [EMULATOR OPTIONS...] -- COMMAND [ARGS...]
set -uo pipefail
emulator=${1:?usage: with_emulator.sh EMULATOR [OPTIONS...] -- COMMAND [ARGS...]}
shift
options=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do options+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
[ $# -gt 0 ] || { echo "with_emulator.sh: no command" >&2; exit 2; }

log=$(mktemp)
home=$(mktemp -d)
"$emulator" --port 0 "${options[@]}" >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$log" "$home"' EXIT
for _ in $(seq 100); do grep -q '^listening on ' "$log" && break; sleep 0.1; done
port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$log" | head -1)
[ -n "$port" ] || { echo "with_emulator.sh: the emulator did not start" >&2; cat "$log" >&2; exit 1; }

export AWS_ENDPOINT_URL_IVS_REALTIME=http://127.0.0.1:$port AWS_REGION=us-east-1 \
    AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE \
    AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY \
    AWS_EC2_METADATA_DISABLED=true HOME=$home IVSRT_EMULATOR_PORT=$port
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_CA_BUNDLE AWS_ENDPOINT_URL
"$@"
