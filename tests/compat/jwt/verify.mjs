// Checks ES384 participant tokens with node's own crypto and JSON, independently of ivsrt.
// Usage: node verify.mjs cases.json, where cases.json is
//   {"kid": ARN, "claims": {...}, "cases": [{"token", "valid", "publicKey"}, ...]}
// written by tests/test_participant_token.cpp. For every case the signature must verify exactly
// when `valid` is true; a valid token must have the ES384 header with `kid` and well-formed
// participant-token claims; the last valid token's claims must equal `claims`.
// Prints one line per failure; exits 1 on any, 0 otherwise.
import { createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { deepStrictEqual } from 'node:assert';

const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const failures = [];
const fail = (index, what) => failures.push(`case ${index}: ${what}`);

const decodePart = (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

function checkClaims(index, claims) {
  const isInt = (v) => Number.isInteger(v);
  if (!isInt(claims.iat) || !isInt(claims.exp) || claims.exp <= claims.iat) {
    fail(index, 'iat/exp are not integers with exp > iat');
  }
  if (typeof claims.jti !== 'string' || !/^[A-Za-z0-9-]{1,64}$/.test(claims.jti)) {
    fail(index, 'jti is not a participant id');
  }
  const match = /^arn:[^:]+:ivs:[^:]+:[0-9]+:stage\/([A-Za-z0-9-]+)$/.exec(claims.resource);
  if (!match || claims.topic !== match[1]) fail(index, 'resource/topic are not a stage ARN and id');
  for (const key of ['events_url', 'whip_url']) {
    if (typeof claims[key] !== 'string' || claims[key] === '') fail(index, `${key} is missing`);
  }
  const caps = claims.capabilities ?? {};
  if (typeof caps.allow_publish !== 'boolean' || typeof caps.allow_subscribe !== 'boolean') {
    fail(index, 'capabilities are not two booleans');
  }
  if (claims.version !== '1.0') fail(index, 'version is not "1.0"');
}

let lastValidClaims;
input.cases.forEach(({ token, valid, publicKey }, index) => {
  const parts = token.split('.');
  if (parts.length !== 3) return fail(index, 'not three parts');
  const signature = Buffer.from(parts[2], 'base64url');
  let ok = false;
  try {
    ok = verify('sha384', Buffer.from(`${parts[0]}.${parts[1]}`),
                { key: createPublicKey(publicKey), dsaEncoding: 'ieee-p1363' }, signature);
  } catch (e) {
    ok = false;  // a corrupted part may not even decode
  }
  if (ok !== valid) return fail(index, `signature verified: ${ok}, expected ${valid}`);
  if (!valid) return;
  if (signature.length !== 96) fail(index, `signature is ${signature.length} bytes, not 96`);
  const header = decodePart(parts[0]);
  try {
    deepStrictEqual(header, { alg: 'ES384', typ: 'JWT', kid: input.kid });
  } catch (e) {
    fail(index, `unexpected header ${JSON.stringify(header)}`);
  }
  lastValidClaims = decodePart(parts[1]);
  checkClaims(index, lastValidClaims);
});

if (input.cases.length === 0) failures.push('no cases');
try {
  deepStrictEqual(lastValidClaims, input.claims);
} catch (e) {
  failures.push(`claims differ: ${JSON.stringify(lastValidClaims)}`);
}
for (const line of failures) console.error(`verify.mjs: ${line}`);
console.log(`verify.mjs: ${input.cases.length} cases, ${failures.length} failures`);
process.exit(failures.length === 0 ? 0 : 1);
