#!/usr/bin/env bash
# Installs the Debian 12 packages ivsrt needs to build, test and benchmark. Idempotent: it only
# runs apt-get when something is missing. Run as root (or with sudo available).
set -euo pipefail

packages=(
    # toolchains and build systems
    g++ clang libclang-rt-14-dev clang-format cmake meson ninja-build pkg-config git
    # libraries (Boost 1.81 headers + the compiled parts we use, OpenSSL 3)
    libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-test1.81-dev libssl-dev
    # benchmarks
    libbenchmark-dev
    # tests: the CLI test creates a stage with curl --aws-sigv4 (a signer that is not ours); the
    # Redis pacing tests run a real redis-server
    curl redis-server
    # the API reference (tools/docs.sh)
    doxygen
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

# The JS SDK compatibility tests need Node.js and npm; a machine may already have them from
# another source (e.g. NodeSource's nodejs, which bundles npm), so check the commands.
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#packages[@]} packages present"
    exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo); else
        echo "install-deps: missing ${missing[*]}; run this script as root" >&2
        exit 1
    fi
fi
echo "install-deps: installing ${missing[*]}"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
