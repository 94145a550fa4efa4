#!/usr/bin/env bash
# Every public header compiles on its own, and the layers hold:
#   - the signer (sigv4.hpp, credentials_value.hpp) needs only OpenSSL and the standard library:
#     no Asio, no Beast, even header-only;
#   - the model (model/, model_support/) includes no client, transport or credentials header,
#     nor Asio or Beast;
#   - include/ includes nothing from tools/, tests/, benchmarks/, src/ or examples/;
#   - the optional Redis pacing backend (redis_pacing.hpp, detail/redis_pacing.hpp,
#     detail/resp.hpp) is compiled only by code that includes it: nothing else includes it, in
#     separate or header-only compilation (the .ipp files, src/);
#   - header-only, a TU that makes calls on a client it is given includes only <ivsrt/calls.hpp>:
#     that header pulls neither the client's construction (configuration, credentials, endpoint
#     rules) nor its call path (pacing, retries, signing, the pool, the transport), and such a TU
#     compiles none of the call path (checked at -O2 on benchmarks/compile_time/with_ivsrt.cpp
#     without its main).
# Each header is compiled alone (-fsyntax-only) with IVSRT_SEPARATE_COMPILATION, so that the
# header itself is what is checked (src/*.cpp compiles the out-of-line code); the signer's headers
# also header-only. The dependency list the compiler writes on the way is what the layering rules
# are checked on.
# The per-shape headers of model/ come from three emitters of tools/codegen/generate.py: by
# default one header of each kind is compiled alone (model/all.hpp includes all of them); --all
# compiles every one (about 1 s each).
# Usage: tools/check_headers.sh [--all] [compiler]   (default compiler: $CXX, else g++)
set -uo pipefail
cd "$(dirname "$0")/.."
all=0
[ "${1:-}" = "--all" ] && { all=1; shift; }
cxx=${1:-${CXX:-g++}}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mapfile -t headers < <(cd include && ls ivsrt.hpp ivsrt/*.hpp ivsrt/model_support/*.hpp \
    ivsrt/model/{all,operations,errors,json,to_string,validate}.hpp)
if [ $all -eq 1 ]; then
    mapfile -t shapes < <(cd include && ls ivsrt/model/*.hpp | grep -v -E \
        '/(all|operations|errors|json|to_string|validate)\.hpp$')
else
    # A structure, an enumeration and an operation.
    shapes=(ivsrt/model/stage.hpp ivsrt/model/participant_token_capability.hpp
        ivsrt/model/create_participant_token.hpp)
fi
headers+=("${shapes[@]}")
# key:header — key "h" compiles header-only, "s" with IVSRT_SEPARATE_COMPILATION.
units=()
for h in "${headers[@]}"; do units+=("s:$h"); done
# Header-only as well: the signer, and the whole model with its out-of-line code.
units+=("h:ivsrt/sigv4.hpp" "h:ivsrt/credentials_value.hpp" "h:ivsrt/model/all.hpp"
    "h:ivsrt/calls.hpp")

# compile KEY:HEADER: one TU that includes only HEADER; its dependencies go to $tmp/<unit>.d.
compile() {
    local mode=${1%%:*} h=${1#*:} n=${1//[\/:]/_}
    local defs=()
    [ "$mode" = s ] && defs=(-DIVSRT_SEPARATE_COMPILATION)
    printf '#include <%s>\n' "$h" >"$tmp/$n.cpp"
    if ! "$cxx" -std=c++20 -Iinclude "${defs[@]}" -fsyntax-only -MD -MF "$tmp/$n.d" \
        "$tmp/$n.cpp" 2>"$tmp/$n.err"; then
        echo "does not compile on its own ($([ "$mode" = s ] && echo separate || echo header-only) compilation): include/$h"
        head -20 "$tmp/$n.err"
        return 1
    fi
}
export -f compile
export cxx tmp
failed=0
printf '%s\n' "${units[@]}" | xargs -P "$(nproc)" -I{} bash -c 'compile "$@"' _ {} || failed=1

# deps UNIT: the files UNIT's TU read, one per line.
deps() { sed -e 's/\\$//' -e 's/^[^:]*://' "$tmp/${1//[\/:]/_}.d" | tr ' ' '\n' | sed '/^$/d'; }

# forbid KEY:HEADER PATTERN WHY: fails when a dependency of the unit matches PATTERN (an
# extended regex).
forbid() {
    local hits
    [ -f "$tmp/${1//[\/:]/_}.d" ] || return 0  # did not compile: already reported
    hits=$(deps "$1" | grep -E "$2" | head -3)
    if [ -n "$hits" ]; then
        echo "layering: include/${1#*:} $3, through:"
        printf '    %s\n' $hits
        failed=1
    fi
}

for u in "${units[@]}"; do
    # Everything of ours comes from include/ (the TU itself is in $tmp).
    forbid "$u" '^(tools|tests|benchmarks|src|examples)/' "includes files outside include/"
done
for h in ivsrt/sigv4.hpp ivsrt/credentials_value.hpp; do
    forbid "h:$h" 'boost/(asio|beast)[/.]' "pulls Asio or Beast (the signer needs OpenSSL + std)"
done
transport='ivsrt/(client|client_config|connection_pool|credentials|paginator|pacing|retry)\.hpp|ivsrt/detail/(call|http_connection|http_fetch|tls|dns)\.hpp|boost/(asio|beast)[/.]'
for h in "${headers[@]}"; do
    case $h in
        ivsrt/model/* | ivsrt/model_support/*)
            forbid "s:$h" "$transport" "pulls the client, transport, credentials, Asio or Beast" ;;
    esac
done
forbid h:ivsrt/model/all.hpp "$transport" "pulls (header-only) the client, transport, credentials, Asio or Beast"
construction='ivsrt/(client|client_config|aws_config|credentials|endpoint|pacing|retry|sigv4|connection_pool)\.hpp|ivsrt/detail/(http_connection|http_fetch|tls|dns|proxy|wire_request)\.hpp|ivsrt/impl/client\.ipp|boost/beast/'
forbid h:ivsrt/calls.hpp "$construction" "pulls (header-only) the client's construction or its call path"
optional='ivsrt/(redis_pacing|detail/redis_pacing|detail/resp)\.hpp'
forbid s:ivsrt.hpp "$optional" "pulls the optional Redis pacing backend"
if hits=$(grep -lE "#include <$optional>" include/ivsrt/impl/*.ipp src/*.cpp); then
    echo "layering: the optional Redis pacing backend is included by the library's own code:"
    printf '    %s\n' $hits
    failed=1
fi

# Header-only, a TU that calls operations on a client it is given (the compile-time probe without
# its main) compiles none of the call path: it reaches it through the client_core that the client's
# constructor made (client_core::launch, client_core::run_awaited).
probe=benchmarks/compile_time/with_ivsrt.cpp
if ! "$cxx" -std=c++20 -O2 -c -DPROBE_USES_A_CLIENT -I include "$probe" -o "$tmp/probe.o" \
    2>"$tmp/probe.log"; then
    echo "weight: $probe does not compile header-only:"
    cat "$tmp/probe.log"
    failed=1
elif nm -C "$tmp/probe.o" | grep -E ' [TW] .*(launch_call|run_call|run_awaited|detail::call::run|http_connection)' \
    >"$tmp/probe.hits"; then
    echo "weight: a TU that only uses a client compiles the call path, header-only, e.g.:"
    head -3 "$tmp/probe.hits" | cut -c1-200
    failed=1
fi

if [ $failed -eq 0 ]; then
    echo "headers: ${#headers[@]} public headers compile on their own; layering holds"
    [ $all -eq 1 ] || echo "(per-shape model headers: one of each kind alone; --all for every one)"
fi
exit $failed
