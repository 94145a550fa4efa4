#!/usr/bin/env bash
# Every public header compiles on its own, and the layers hold:
#   - the signer (sigv4.hpp) needs only OpenSSL and the standard library: no Asio, no Beast;
#   - the model (model/, model_support/) includes no client, transport or credentials header,
#     nor Asio or Beast;
#   - include/ includes nothing from tools/, tests/ or benchmarks/.
# Each header is compiled alone (-fsyntax-only, header-only mode, which users get by default);
# the dependency list the compiler writes on the way is what the layering rules are checked on.
# Usage: tools/check_headers.sh [compiler]   (default: $CXX, else g++)
set -uo pipefail
cd "$(dirname "$0")/.."
cxx=${1:-${CXX:-g++}}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mapfile -t headers < <(cd include && ls ivsrt.hpp ivsrt/*.hpp ivsrt/model/*.hpp ivsrt/model_support/*.hpp)

# compile HEADER: one TU that includes only HEADER; its dependencies go to $tmp/<n>.d.
compile() {
    local h=$1 n=${1//\//_}
    local defs=()
    # src.hpp is the separate-compilation entry: it is only ever compiled that way.
    [ "$h" = ivsrt/src.hpp ] && defs=(-DIVSRT_SEPARATE_COMPILATION)
    printf '#include <%s>\n' "$h" >"$tmp/$n.cpp"
    if ! "$cxx" -std=c++20 -Iinclude "${defs[@]}" -fsyntax-only -MD -MF "$tmp/$n.d" \
        "$tmp/$n.cpp" 2>"$tmp/$n.err"; then
        echo "does not compile on its own: include/$h"
        head -20 "$tmp/$n.err"
        return 1
    fi
}
export -f compile
export cxx tmp
failed=0
printf '%s\n' "${headers[@]}" | xargs -P "$(nproc)" -I{} bash -c 'compile "$@"' _ {} || failed=1

# deps HEADER: the files HEADER's TU read, one per line.
deps() { sed -e 's/\\$//' -e 's/^[^:]*://' "$tmp/${1//\//_}.d" | tr ' ' '\n' | sed '/^$/d'; }

# forbid HEADER PATTERN WHY: fails when a dependency of HEADER matches PATTERN (extended regex).
forbid() {
    local hits
    [ -f "$tmp/${1//\//_}.d" ] || return 0  # did not compile: already reported
    hits=$(deps "$1" | grep -E "$2" | head -3)
    if [ -n "$hits" ]; then
        echo "layering: include/$1 $3, through:"
        printf '    %s\n' $hits
        failed=1
    fi
}

for h in "${headers[@]}"; do
    # Everything of ours comes from include/ (the TU itself is in $tmp).
    forbid "$h" '^(tools|tests|benchmarks|src|examples)/' "includes files outside include/"
done
forbid ivsrt/sigv4.hpp 'boost/(asio|beast)[/.]' "pulls Asio or Beast (the signer needs OpenSSL + std)"
transport='ivsrt/(client|client_config|connection_pool|credentials|paginator|pacing|retry)\.hpp|ivsrt/detail/(call|http_connection|http_fetch|tls|dns)\.hpp|boost/(asio|beast)[/.]'
for h in "${headers[@]}"; do
    case $h in
        ivsrt/model/* | ivsrt/model_support/*)
            forbid "$h" "$transport" "pulls the client, transport, credentials, Asio or Beast" ;;
    esac
done

if [ $failed -eq 0 ]; then
    echo "headers: ${#headers[@]} public headers compile on their own; layering holds"
fi
exit $failed
