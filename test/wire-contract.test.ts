// Contract test: our compiled protos must match the historical StrongDoc descriptors exactly —
// every message, field (name, number, type, label, type name, oneof), enum value and RPC
// (types and streaming flags) of package `proto`, with nothing missing and nothing extra.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildOurDescriptorSet, contractPath, hasContract, readDescriptorSet, wireShape } from "./wire/descriptors";

const reason = hasContract ? false : `historical contract not found at ${contractPath} (set STRONGDOC_CONTRACT)`;
if (reason) console.log(`# SKIP wire contract: ${reason}`);

test("our protos are wire-identical to the historical StrongDoc contract", { skip: reason }, () => {
  const theirs = wireShape(readDescriptorSet(contractPath));
  const ours = wireShape(buildOurDescriptorSet());

  for (const kind of ["messages", "enums", "rpcs"] as const) {
    const a = [...theirs[kind].keys()].sort();
    const b = [...ours[kind].keys()].sort();
    assert.deepEqual(b, a, `${kind}: names differ`);
    for (const name of a) {
      assert.deepEqual(ours[kind].get(name), theirs[kind].get(name), `${kind} ${name} differs`);
    }
  }
  const counts = { rpcs: ours.rpcs.size, messages: ours.messages.size, enums: ours.enums.size };
  console.log(`# wire contract matched: ${counts.rpcs} RPCs, ${counts.messages} messages, ${counts.enums} enum`);
  assert.deepEqual(counts, { rpcs: 39, messages: 89, enums: 1 });
});
