// Constant memory for large documents: a multi-GiB encrypt and upload/download through the
// emulator while the process's memory is sampled. Slow (minutes), so it runs only when
// STRONGDOC_TEST_LARGE_GIB is set, e.g. `STRONGDOC_TEST_LARGE_GIB=2 node --import tsx --test test/large.test.ts`.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestEnv, type TestEnv, type TestOrg } from "./helpers/emulator";
import { hashSink, randomSource } from "./helpers/streams";

const GIB = Number(process.env.STRONGDOC_TEST_LARGE_GIB ?? 0);
const MiB = 1024 * 1024;
/** Growth of resident memory allowed over the whole transfer, whatever its size. */
const MAX_GROWTH = 200 * MiB;

let env: TestEnv;
let org: TestOrg;

before(async () => {
  if (!GIB) return;
  env = await startTestEnv();
  org = await env.newOrg("large");
});
after(() => env?.stop());

/** Runs `work` while sampling RSS every 100 ms; returns the largest growth over the start. */
async function peakGrowth(work: () => Promise<void>): Promise<number> {
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return peak - start;
}

test(`encryptDocumentStream of ${GIB} GiB keeps memory flat`, { skip: !GIB && "set STRONGDOC_TEST_LARGE_GIB" }, async () => {
  const total = GIB * 1024 * MiB;
  const src = randomSource(total, 64 * 1024);
  const out = hashSink();
  const growth = await peakGrowth(async () => {
    await env.sd.document.encryptDocumentStream(org.token, "large.bin", src.stream, out.stream);
  });
  console.log(`encrypt ${GIB} GiB: peak RSS growth ${(growth / MiB).toFixed(0)} MiB`);
  assert.ok(out.received() >= total);
  assert.ok(growth < MAX_GROWTH, `RSS grew by ${(growth / MiB).toFixed(0)} MiB`);
});

test(`upload + downloadDocumentStream of ${GIB} GiB keeps memory flat`, { skip: !GIB && "set STRONGDOC_TEST_LARGE_GIB" }, async () => {
  const total = GIB * 1024 * MiB;
  const src = randomSource(total, 64 * 1024);
  const out = hashSink();
  const growth = await peakGrowth(async () => {
    const docId = await env.sd.document.uploadDocument(org.token, "large-stored.bin", src.stream);
    await env.sd.document.downloadDocumentStream(org.token, docId, out.stream);
  });
  console.log(`upload+download ${GIB} GiB: peak RSS growth ${(growth / MiB).toFixed(0)} MiB`);
  assert.equal(out.digest(), src.digest());
  assert.ok(growth < MAX_GROWTH, `RSS grew by ${(growth / MiB).toFixed(0)} MiB`);
});
