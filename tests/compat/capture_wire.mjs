// Records the HTTP request the AWS SDK for JavaScript v3 builds for each operation's input in
// tests/data/client/wire_inputs.json, without sending anything, and writes them as the
// reference that test_client_wire compares ivsrt's requests against:
//   node capture_wire.mjs ../data/client/wire_inputs.json ../data/client/js_sdk_wire.json
// With --check instead of an output path, exits 1 when the stored reference differs.
import * as ivs from "@aws-sdk/client-ivs-realtime";
import { readFileSync, writeFileSync } from "node:fs";

const [inputPath, outputPath] = process.argv.slice(2);
const inputs = JSON.parse(readFileSync(inputPath, "utf8"));

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
for (const op of Object.keys(inputs).sort()) {
  const Command = ivs[`${op}Command`];
  if (!Command) throw new Error(`no command for ${op}`);
  await client.send(new Command(structuredClone(inputs[op])));
  const query = {};
  for (const key of Object.keys(last.query ?? {}).sort()) {
    const value = last.query[key];
    query[key] = Array.isArray(value) ? value : [value];
  }
  reference[op] = {
    method: last.method,
    path: last.path,
    query,
    contentType: last.headers["content-type"] ?? "",
    body: last.body === undefined ? null : JSON.parse(last.body),
  };
}

const text = JSON.stringify(reference, null, 1) + "\n";
if (outputPath === "--check") {
  const stored = readFileSync(new URL("../data/client/js_sdk_wire.json", import.meta.url), "utf8");
  if (stored !== text) {
    console.error("js_sdk_wire.json differs from what the SDK builds now");
    process.exit(1);
  }
  console.log(`js_sdk_wire.json matches the SDK for ${Object.keys(reference).length} operations`);
} else {
  writeFileSync(outputPath, text);
  console.log(`wrote ${Object.keys(reference).length} operations to ${outputPath}`);
}
