#!/usr/bin/env bash
# Builds the HTML API reference of the public headers with Doxygen (docs/Doxyfile); any warning
# fails it. Usage: tools/docs.sh [OUT_DIR]   (default build/docs; the pages go to OUT_DIR/html)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:-$src/build/docs}")
command -v doxygen >/dev/null || { echo "docs.sh: doxygen is missing (apt-get install doxygen)" >&2; exit 1; }
rm -rf "$out/html"
mkdir -p "$out"
cd "$src"
IVSRT_VERSION=$(cat VERSION) IVSRT_DOCS_OUT=$out doxygen docs/Doxyfile
echo "docs: $out/html/index.html"
