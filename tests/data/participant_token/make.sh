#!/bin/sh
# Regenerates the participant-token test data with the openssl command line, independently of
# ivsrt: keys in each accepted and rejected form, the fingerprint of the P-384 public key, and an
# ES384 JWT signed by `openssl dgst` (DER signature turned into raw r||s by der_to_raw.py).
set -eu
cd "$(dirname "$0")"
openssl ecparam -name secp384r1 -genkey -noout -out p384_sec1.pem
openssl pkcs8 -topk8 -nocrypt -in p384_sec1.pem -out p384_pkcs8.pem
openssl ec -in p384_sec1.pem -pubout -out p384_public.pem 2>/dev/null
openssl pkcs8 -topk8 -v2 aes-256-cbc -passout pass:test -in p384_sec1.pem -out p384_encrypted.pem
openssl ecparam -name secp384r1 -genkey -noout | openssl ec -pubout -out p384_other_public.pem 2>/dev/null
openssl ecparam -name prime256v1 -genkey -noout -out p256_sec1.pem
openssl ec -in p256_sec1.pem -pubout -out p256_public.pem 2>/dev/null
openssl genpkey -algorithm ed25519 -out ed25519_private.pem
openssl pkey -in ed25519_private.pem -pubout -out ed25519_public.pem
openssl pkey -pubin -in p384_public.pem -outform DER | openssl dgst -sha256 -c |
    sed 's/.*= //' > p384_public.fingerprint
# JWT: header {"alg":"ES384","typ":"JWT","kid":"arn:aws:ivs:us-west-2:123456789012:public-key/abcdEFGH1234"}.
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
header=$(printf '%s' '{"alg":"ES384","typ":"JWT","kid":"arn:aws:ivs:us-west-2:123456789012:public-key/abcdEFGH1234"}' | b64url)
claims=$(printf '%s' '{"sub":"openssl","exp":1893456000}' | b64url)
printf '%s' "$header.$claims" | openssl dgst -sha384 -sign p384_sec1.pem -binary > sig.der
sig=$(python3 der_to_raw.py < sig.der | b64url)
rm sig.der
printf '%s\n' "$header.$claims.$sig" > openssl_signed.jwt
chmod 644 ./*.pem
