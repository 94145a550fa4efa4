#!/bin/sh
# Runs the AWS SDK for JavaScript v3 compatibility test against an ivsrt-emulator binary.
# Usage: tests/compat/run.sh <path to ivsrt-emulator>
set -eu
if [ $# -ne 1 ]; then
    echo "usage: $0 <path to ivsrt-emulator>" >&2
    exit 2
fi
emulator=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error >/dev/null
exec node --no-warnings ivs_compat.mjs "$emulator"
