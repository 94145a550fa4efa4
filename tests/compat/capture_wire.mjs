// Records the HTTP request the AWS SDK for JavaScript v3 builds for each operation's input in
// tests/data/client/wire_inputs.json, without sending anything, and writes them as the
// reference that test_client_wire compares ivsrt's requests against:
//   node capture_wire.mjs ../data/client/wire_inputs.json ../data/client/js_sdk_wire.json
// With --check instead of an output path, exits 1 when the stored reference differs.
// An input is named after its operation, optionally followed by "#" and a variant
// ("StartComposition#noIdempotencyToken"). An idempotency token the input leaves out is made by
// the SDK at random: it must be a UUID v4 and is stored as GENERATED_UUID, for the test to
// check the form of ivsrt's token rather than its value.
import * as ivs from "@aws-sdk/client-ivs-realtime";
import { readFileSync, writeFileSync } from "node:fs";

const [inputPath, outputPath] = process.argv.slice(2);
const inputs = JSON.parse(readFileSync(inputPath, "utf8"));
const model = JSON.parse(
  readFileSync(
    new URL("../../tools/codegen/ivs-realtime-2020-07-14.service-2.json", import.meta.url),
    "utf8",
  ),
);
const GENERATED_UUID = "<generated UUID v4>";
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// The input members of `op` the model marks as idempotency tokens.
function idempotencyTokens(op) {
  const members = model.shapes[model.operations[op].input.shape].members;
  return Object.keys(members).filter((name) => members[name].idempotencyToken);
}

let last;
const client = new ivs.IVSRealTimeClient({
  region: "us-west-2",
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "not-a-secret" },
  requestHandler: {
    handle: async (request) => {
      last = request;
      return {
        response: {
          statusCode: 200,
          headers: { "content-type": "application/json" },
          body: new TextEncoder().encode("{}"),
        },
      };
    },
  },
});

const reference = {};
for (const name of Object.keys(inputs).sort()) {
  const op = name.split("#")[0];
  const Command = ivs[`${op}Command`];
  if (!Command) throw new Error(`no command for ${op}`);
  await client.send(new Command(structuredClone(inputs[name])));
  const query = {};
  for (const key of Object.keys(last.query ?? {}).sort()) {
    const value = last.query[key];
    query[key] = Array.isArray(value) ? value : [value];
  }
  const body = last.body === undefined ? null : JSON.parse(last.body);
  for (const token of idempotencyTokens(op)) {
    if (token in inputs[name]) continue;
    if (!UUID_V4.test(body?.[token])) {
      throw new Error(`${name}: the SDK sent ${token} ${JSON.stringify(body?.[token])}`);
    }
    body[token] = GENERATED_UUID;
  }
  reference[name] = {
    method: last.method,
    path: last.path,
    query,
    contentType: last.headers["content-type"] ?? "",
    body,
  };
}

const text = JSON.stringify(reference, null, 1) + "\n";
if (outputPath === "--check") {
  const stored = readFileSync(new URL("../data/client/js_sdk_wire.json", import.meta.url), "utf8");
  if (stored !== text) {
    console.error("js_sdk_wire.json differs from what the SDK builds now");
    process.exit(1);
  }
  console.log(`js_sdk_wire.json matches the SDK for ${Object.keys(reference).length} inputs`);
} else {
  writeFileSync(outputPath, text);
  console.log(`wrote ${Object.keys(reference).length} inputs to ${outputPath}`);
}
