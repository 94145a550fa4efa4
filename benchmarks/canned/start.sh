#!/bin/sh
# Usage: benchmarks/canned/start.sh [PORT [CPUS [WORKERS]]]
# Starts nginx answering POST /CreateParticipantToken with a fixed JSON answer on
# 127.0.0.1:PORT (default 8089), with keep-alive and WORKERS worker processes (default 1), pinned
# to CPUS (a taskset list, default 0). Its files live in a new temporary directory, printed on
# the last line: stop it with stop.sh DIR.
# Needs nginx (Debian: apt-get install -y nginx-light).
set -eu
port=${1:-8089}
cpu=${2:-0}
workers=${3:-1}
here=$(cd "$(dirname "$0")" && pwd)
nginx=$(command -v nginx || echo /usr/sbin/nginx)
if [ ! -x "$nginx" ]; then
    echo "start.sh: nginx not found (apt-get install -y nginx-light)" >&2
    exit 1
fi
dir=$(mktemp -d /tmp/ivsrt-canned-XXXXXX)
chmod 755 "$dir"
mkdir -p "$dir/tmp"
# As root, nginx would switch its worker to a user of its own choosing: name one that exists.
user=""
if [ "$(id -u)" = 0 ]; then user="user nobody nogroup;"; fi
sed -e "s|@PREFIX@|$dir|g" -e "s|@PORT@|$port|g" -e "s|@USER@|$user|" -e "s|@WORKERS@|$workers|" \
    "$here/nginx.conf.in" > "$dir/nginx.conf"
# With `daemon on`, nginx returns once it listens (or fails, e.g. port in use).
if ! taskset -c "$cpu" "$nginx" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log"; then
    cat "$dir/error.log" >&2 2>/dev/null || true
    rm -rf "$dir"
    exit 1
fi
echo "canned CreateParticipantToken server on 127.0.0.1:$port (cpu $cpu, $workers worker(s)), pid $(cat "$dir/nginx.pid")"
echo "$dir"
