#!/bin/sh
# Runs the AWS SDK for JavaScript v3 compatibility test against an ivsrt-emulator binary.
# Usage: tests/compat/run.sh [--no-install] <path to ivsrt-emulator>
#   --no-install: the packages are already installed (tools/test.sh runs `npm ci` as a step of
#   its own, so that a registry outage reads as such and not as a compatibility failure).
set -eu
install=1
if [ "${1:-}" = "--no-install" ]; then
    install=0
    shift
fi
if [ $# -ne 1 ]; then
    echo "usage: $0 [--no-install] <path to ivsrt-emulator>" >&2
    exit 2
fi
for tool in node npm; do
    if ! command -v "$tool" >/dev/null; then
        echo "$0: $tool is not installed: the compatibility test cannot run" >&2
        exit 1
    fi
done
emulator=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$(dirname "$0")"
if [ $install -eq 1 ]; then
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
if [ ! -d node_modules ]; then
    echo "$0: tests/compat/node_modules is missing: run npm ci there first" >&2
    exit 1
fi
exec node --no-warnings ivs_compat.mjs "$emulator"
