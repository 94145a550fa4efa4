#!/usr/bin/env bash
# Formats ivsrt's C++ sources with the repository's .clang-format.
# Usage: tools/format.sh          reformat in place
#        tools/format.sh --check  list badly formatted files and exit non-zero (changes nothing)
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files --cached --others --exclude-standard -- '*.hpp' '*.ipp' '*.cpp' | grep -v '^build/')
[ ${#files[@]} -gt 0 ] || exit 0
if [ "${1:-}" = "--check" ]; then
    bad=()
    for f in "${files[@]}"; do
        [ -f "$f" ] || continue
        if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then bad+=("$f"); fi
    done
    if [ ${#bad[@]} -ne 0 ]; then
        printf 'not formatted (run tools/format.sh): %s\n' "${bad[@]}"
        exit 1
    fi
    echo "format: ${#files[@]} files ok"
else
    clang-format -i "${files[@]}"
fi
