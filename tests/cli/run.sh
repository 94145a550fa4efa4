#!/usr/bin/env bash
# The ivsrt command-line tool (tools/cli), end to end:
#   keygen, mint and verify offline (signature, expiry, stage, tampering, usage errors that name
#   the flag), then against an emulator: import-public-key, mint with the stage's URLs from
#   GetStage, and the emulator's own token check (POST /_emulator/join) accepting the tokens.
# The stage is created with curl --aws-sigv4, a SigV4 signer that is not ours.
# Usage: run.sh IVSRT_CLI EMULATOR
set -uo pipefail
cli=$(realpath "${1:?usage: run.sh IVSRT_CLI EMULATOR}")
emulator=$(realpath "${2:?usage: run.sh IVSRT_CLI EMULATOR}")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
failed=0
fail() { echo "FAILED: $*"; failed=$((failed + 1)); }
ok() { echo "ok: $*"; }
# expect_usage_error NEEDLE ARGS...: exit status 2 and a message on stderr that holds NEEDLE.
expect_usage_error() {
    local needle=$1
    shift
    "$cli" "$@" >/dev/null 2>err.txt
    local status=$?
    if [ $status -eq 2 ] && grep -qF -- "$needle" err.txt; then ok "usage error: $(cat err.txt)"; else
        fail "'$*': status $status, stderr: $(cat err.txt) (wanted 2 and '$needle')"
    fi
}
json_field() { python3 -c 'import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$@"; }

stage=arn:aws:ivs:us-east-1:123456789012:stage/abcdEFGH1234
key_arn=arn:aws:ivs:us-east-1:123456789012:public-key/k1
urls=(--events-url wss://events.example --whip-url https://whip.example)

# --- keygen
"$cli" keygen --private-key priv.pem --public-key pub.pem 2>/dev/null &&
    [ "$(stat -c %a priv.pem)" = 600 ] && grep -q 'BEGIN PUBLIC KEY' pub.pem &&
    ok "keygen: a key pair, the private key mode 600" || fail "keygen"
expect_usage_error "--private-key: cannot create 'priv.pem'" keygen --private-key priv.pem \
    --public-key other.pem
"$cli" keygen --private-key other-priv.pem --public-key other.pem 2>/dev/null

# --- mint offline, verify
"$cli" mint --private-key priv.pem --public-key-arn "$key_arn" --stage-arn "$stage" "${urls[@]}" \
    --user-id u1 --attribute role=host --attribute seat=3 --capability SUBSCRIBE --duration 30 \
    --count 3 >tokens.jsonl 2>progress.txt || fail "mint --count 3"
[ "$(wc -l <tokens.jsonl)" = 3 ] && [ "$(cut -d, -f1 tokens.jsonl | sort -u | wc -l)" = 3 ] &&
    ok "mint: 3 lines, 3 participant ids" || fail "mint: $(cat tokens.jsonl)"
grep -q 'minted 3 of 3' progress.txt && ok "mint: progress line" || fail "progress: $(cat progress.txt)"
line=$(head -1 tokens.jsonl)
[ "$(json_field "$line" userId)" = u1 ] && [ "$(json_field "$line" capabilities)" = "['SUBSCRIBE']" ] &&
    [ "$(json_field "$line" attributes)" = "{'role': 'host', 'seat': '3'}" ] &&
    [ "$(json_field "$line" duration)" = 30 ] && ok "mint: the line's members" || fail "mint line: $line"

"$cli" verify --public-key pub.pem --stage-arn "$stage" <tokens.jsonl >verified.jsonl &&
    [ "$(grep -c '^{"valid":true' verified.jsonl)" = 3 ] && ok "verify: 3 valid" ||
    fail "verify: $(cat verified.jsonl)"
python3 - "$(head -1 verified.jsonl)" <<'PY' && ok "verify: the claims" || fail "verify claims"
import json, sys
v = json.loads(sys.argv[1])
h, c = v["header"], v["claims"]
assert h == {"alg": "ES384", "typ": "JWT", "kid": "arn:aws:ivs:us-east-1:123456789012:public-key/k1"}, h
assert c["resource"] == "arn:aws:ivs:us-east-1:123456789012:stage/abcdEFGH1234" and c["topic"] == "abcdEFGH1234"
assert c["exp"] - c["iat"] == 30 * 60, c
assert c["user_id"] == "u1" and c["attributes"] == {"role": "host", "seat": "3"}, c
assert c["capabilities"] == {"allow_publish": False, "allow_subscribe": True}, c["capabilities"]
assert c["events_url"] == "wss://events.example" and c["whip_url"] == "https://whip.example"
PY
token=$(json_field "$line" token)
exp=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["claims"]["exp"])' "$(head -1 verified.jsonl)")
check_invalid() {  # check_invalid REASON ARGS...: verify says not valid, with REASON, status 1
    local reason=$1
    shift
    "$cli" verify "$@" >out.json
    local status=$?
    if [ $status -eq 1 ] && grep -qF "\"reason\":\"$reason" out.json; then ok "verify rejects: $reason"; else
        fail "verify $*: status $status, $(cut -c1-200 out.json) (wanted: $reason)"
    fi
}
check_invalid "the signature does not match" --public-key other.pem --token "$token"
check_invalid "expired at" --public-key pub.pem --token "$token" --at "$exp"
"$cli" verify --public-key pub.pem --token "$token" --at $((exp - 1)) >/dev/null &&
    ok "verify: valid one second before exp" || fail "verify just before exp"
check_invalid "issued for another stage" --public-key pub.pem --token "$token" \
    --stage-arn arn:aws:ivs:us-east-1:123456789012:stage/other
# The claims of another token with this token's signature.
other=$(sed -n 2p tokens.jsonl)
other_token=$(json_field "$other" token)
IFS=. read -r h1 _ s1 <<<"$token"
IFS=. read -r _ c2 _ <<<"$other_token"
check_invalid "the signature does not match" --public-key pub.pem --token "$h1.$c2.$s1"
check_invalid "not a compact JWT" --public-key pub.pem --token "abc.def"

# --- usage errors name the flag
mint=(mint --private-key priv.pem --public-key-arn "$key_arn" --stage-arn "$stage" "${urls[@]}")
expect_usage_error "--capability must be PUBLISH or SUBSCRIBE" "${mint[@]}" --capability ADMIN
expect_usage_error "--duration must be an integer from 1 to 20160" "${mint[@]}" --duration 0
expect_usage_error "--attribute must be KEY=VALUE" "${mint[@]}" --attribute novalue
expect_usage_error "--count must be an integer" "${mint[@]}" --count many
expect_usage_error "--user-id must be at most 128" "${mint[@]}" --user-id "$(printf 'u%.0s' {1..129})"
expect_usage_error "--stage-arn must be a stage ARN" mint --private-key priv.pem \
    --public-key-arn "$key_arn" --stage-arn not-an-arn "${urls[@]}"
expect_usage_error "--public-key-arn must be a public key ARN" mint --private-key priv.pem \
    --public-key-arn "$stage" --stage-arn "$stage" "${urls[@]}"
expect_usage_error "--private-key: " mint --private-key pub.pem --public-key-arn "$key_arn" \
    --stage-arn "$stage" "${urls[@]}"
expect_usage_error "--stage-arn is required" mint --private-key priv.pem --public-key-arn "$key_arn"
expect_usage_error "--events-url and --whip-url go together" mint --private-key priv.pem \
    --public-key-arn "$key_arn" --stage-arn "$stage" --events-url wss://e
expect_usage_error "unknown option '--stage'" mint --stage "$stage"
expect_usage_error "--public-key: cannot read 'missing.pem'" verify --public-key missing.pem
# No output holds the private key (its first line of base64).
secret=$(sed -n 2p priv.pem)
grep -rlF --exclude=priv.pem -- "$secret" . && fail "an output holds private key material"

# --- against the emulator: import the key, mint with GetStage's URLs, join with the tokens
# shellcheck disable=SC2016
"$here/../../tools/with_emulator.sh" "$emulator" -- bash -c '
    set -u
    cli=$1
    base=$AWS_ENDPOINT_URL_IVS_REALTIME
    arn=$("$cli" import-public-key --public-key pub.pem --name cli-test) || exit 1
    case $arn in arn:aws:ivs:us-east-1:123456789012:public-key/*) ;; *) echo "ARN: $arn"; exit 1 ;; esac
    stage=$(curl -sf --aws-sigv4 aws:amz:us-east-1:ivs \
        --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" -H "Content-Type: application/json" \
        -d "{\"name\":\"cli\"}" "$base/CreateStage" |
        python3 -c "import json, sys; print(json.load(sys.stdin)[\"stage\"][\"arn\"])") || exit 1
    "$cli" mint --private-key priv.pem --public-key-arn "$arn" --stage-arn "$stage" --count 2 \
        --user-id joiner >joined.jsonl 2>/dev/null || exit 1
    while read -r line; do
        token=$(python3 -c "import json, sys; print(json.loads(sys.argv[1])[\"token\"])" "$line")
        curl -sf -d "{\"token\":\"$token\"}" "$base/_emulator/join" | grep -q "\"userId\":\"joiner\"" ||
            { echo "join refused: $line"; exit 1; }
    done <joined.jsonl
    [ "$(wc -l <joined.jsonl)" = 2 ]
' _ "$cli" && ok "emulator: import-public-key, mint from GetStage, 2 tokens joined" ||
    fail "against the emulator"

echo "cli: $failed failed"
[ $failed -eq 0 ]
