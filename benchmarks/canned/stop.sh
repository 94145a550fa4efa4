#!/bin/sh
# Usage: benchmarks/canned/stop.sh DIR   (DIR: the directory start.sh printed)
# Stops that nginx and removes its directory.
set -eu
dir=${1:?usage: stop.sh DIR}
case "$dir" in /tmp/ivsrt-canned-*) ;; *) echo "stop.sh: not a start.sh directory: $dir" >&2; exit 2 ;; esac
if [ -f "$dir/nginx.pid" ]; then
    pid=$(cat "$dir/nginx.pid")
    kill "$pid"
    # The master removes its pid file when it has exited.
    i=0
    while [ -f "$dir/nginx.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
fi
rm -rf "$dir"
