#!/bin/sh
# Usage: benchmarks/canned/start.sh [PORT [CPUS [WORKERS]]]
# Starts nginx answering POST /CreateParticipantToken with a fixed JSON answer on
# 127.0.0.1:PORT (default 8089), with keep-alive and WORKERS worker processes (default 1), pinned
# to CPUS (a taskset list, default 0). Its files live in a new temporary directory, printed on
# the last line: stop it with stop.sh DIR.
# TLS_PORT=P also answers over TLS on 127.0.0.1:P, with a self-signed certificate for 127.0.0.1
# made at start: DIR/cert.pem (trust it with AWS_CA_BUNDLE, or TLS_CA for vs_wrk.sh).
# Needs nginx (Debian: apt-get install -y nginx-light), and for TLS the openssl command.
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
tls=""
if [ -n "${TLS_PORT:-}" ]; then
    if ! command -v openssl >/dev/null; then
        echo "start.sh: openssl not found (apt-get install -y openssl)" >&2
        rm -rf "$dir"
        exit 1
    fi
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
        -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
        -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
    tls="listen 127.0.0.1:$TLS_PORT ssl backlog=4096; ssl_certificate $dir/cert.pem;"
    tls="$tls ssl_certificate_key $dir/key.pem;"
fi
sed -e "s|@PREFIX@|$dir|g" -e "s|@PORT@|$port|g" -e "s|@USER@|$user|" -e "s|@WORKERS@|$workers|" \
    -e "s|@TLS@|$tls|" "$here/nginx.conf.in" > "$dir/nginx.conf"
# With `daemon on`, nginx returns once it listens (or fails, e.g. port in use).
if ! taskset -c "$cpu" "$nginx" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log"; then
    cat "$dir/error.log" >&2 2>/dev/null || true
    rm -rf "$dir"
    exit 1
fi
echo "canned CreateParticipantToken server on 127.0.0.1:$port (cpu $cpu, $workers worker(s)), pid $(cat "$dir/nginx.pid")"
if [ -n "$tls" ]; then echo "and over TLS on 127.0.0.1:$TLS_PORT, certificate $dir/cert.pem"; fi
echo "$dir"
