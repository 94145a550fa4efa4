#!/usr/bin/env bash
# Runs the examples and the quick-start demo against a local ivsrt-emulator.
#   examples/run_examples.sh BUILD_DIR     (a CMake or Meson build directory)
set -uo pipefail
build=${1:?usage: run_examples.sh BUILD_DIR}
if [ "${2:-}" != "--inside" ]; then
    emulator=$(find "$build" -type f -name ivsrt-emulator -perm -u+x | head -1)
    [ -n "$emulator" ] || { echo "run_examples.sh: no ivsrt-emulator under $build" >&2; exit 1; }
    exec "$(dirname "$0")/../tools/with_emulator.sh" "$emulator" -- "$0" "$build" --inside
fi

passed=0 failed=0
for name in 1_create_stage_and_token 2_error_handling 3_pagination 4_timeouts_and_cancellation \
    5_concurrent_tokens 6_token_service demo readme_program; do
    exe=$(find "$build" -type f -name "$name" -perm -u+x | head -1)
    echo "=== $name"
    if [ -n "$exe" ] && timeout 60 "$exe"; then
        passed=$((passed + 1))
    else
        echo "FAILED: $name"
        failed=$((failed + 1))
    fi
done
# The README's program with a wrong secret key: a clear error and a non-zero exit.
echo "=== readme_program, wrong secret key"
exe=$(find "$build" -type f -name readme_program -perm -u+x | head -1)
if [ -n "$exe" ] && ! AWS_SECRET_ACCESS_KEY=wrong timeout 60 "$exe" 2>"$build/readme_wrong_key.err" &&
    grep -q '^error: .*signature' "$build/readme_wrong_key.err"; then
    cat "$build/readme_wrong_key.err"
    passed=$((passed + 1))
else
    echo "FAILED: readme_program with a wrong secret key (stderr: $(cat "$build/readme_wrong_key.err" 2>/dev/null))"
    failed=$((failed + 1))
fi
echo "examples: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
