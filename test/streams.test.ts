// The four document streams against a real emulator: round trips at the chunk boundaries and at
// 64 MiB (by SHA-256), back-pressure from a stalled output, abort, deadlines, and stream errors.
import assert from "node:assert/strict";
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { after, before, describe, test } from "node:test";
import { StrongDocError } from "../src/index";
import { DEFAULT_CHUNK_SIZE } from "../src/streams";
import { sha256, startTestEnv, type TestEnv, type TestOrg } from "./helpers/emulator";
import { gatedSink, hashSink, randomSource, settled } from "./helpers/streams";

const CHUNK = DEFAULT_CHUNK_SIZE;
const MiB = 1024 * 1024;

let env: TestEnv;
let org: TestOrg;
let tmp: string;

before(async () => {
  env = await startTestEnv();
  org = await env.newOrg("streams");
  tmp = mkdtempSync(join(tmpdir(), "strongdoc-streams-test-"));
});
after(async () => {
  await env.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** Random bytes of a given size (deterministic size, random content). */
function bytes(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i += 65536) b.fill((i / 65536) % 251, i, Math.min(size, i + 65536));
  if (size > 0) b[size - 1] = 0x5a;
  return b;
}

/** Rejects with a StrongDocError of the given code name. */
async function rejectsWith(promise: Promise<unknown>, codeName: string): Promise<StrongDocError> {
  let caught: unknown;
  await assert.rejects(promise, (err) => {
    caught = err;
    return err instanceof StrongDocError && err.codeName === codeName;
  });
  return caught as StrongDocError;
}

function isAbortError(err: unknown): boolean {
  return err instanceof Error && err.name === "AbortError";
}

describe("round trips at the chunk boundaries", () => {
  for (const size of [0, 1, CHUNK, CHUNK + 1]) {
    test(`upload + download, ${size} B`, async () => {
      const data = bytes(size);
      const docId = await env.sd.document.uploadDocument(org.token, `rt-${size}.bin`, data);
      assert.equal(sha256(await env.sd.document.downloadDocument(org.token, docId)), sha256(data));
      const sink = hashSink();
      await env.sd.document.downloadDocumentStream(org.token, docId, sink.stream);
      assert.equal(sink.digest(), sha256(data));
      assert.equal(sink.stream.writableEnded, false, "output is left open for the caller");
      const listed = (await env.sd.document.listDocuments(org.token)).find((d) => d.docId === docId);
      assert.deepEqual(listed, { docId, docName: `rt-${size}.bin`, size });
    });

    test(`encrypt + decrypt, ${size} B`, async () => {
      const data = bytes(size);
      const { docId, ciphertext } = await env.sd.document.encryptDocument(org.token, `enc-${size}.bin`, data);
      assert.ok(docId.length > 0);
      if (size > 0) assert.notEqual(sha256(ciphertext), sha256(data));
      assert.equal(sha256(await env.sd.document.decryptDocument(org.token, docId, ciphertext)), sha256(data));
      const out = hashSink();
      await env.sd.document.decryptDocumentStream(org.token, docId, Readable.from([ciphertext]), out.stream);
      assert.equal(out.digest(), sha256(data));
    });
  }

  test("Readable input in odd piece sizes, Uint8Array input, re-chunked ciphertext", async () => {
    const data = bytes(3 * CHUNK + 12_345);
    const src = randomSource(3 * CHUNK + 12_345, 7_777);
    const docId = await env.sd.document.uploadDocument(org.token, "odd.bin", src.stream);
    assert.equal(sha256(await env.sd.document.downloadDocument(org.token, docId)), src.digest());

    const u8 = new Uint8Array(data.buffer.slice(0), 0, data.length);
    const enc = await env.sd.document.encryptDocument(org.token, "u8.bin", u8);
    // Decrypt with the ciphertext cut into 10 000-byte pieces (as the Node SDK sent it).
    const pieces: Buffer[] = [];
    for (let i = 0; i < enc.ciphertext.length; i += 10_000) pieces.push(enc.ciphertext.subarray(i, i + 10_000));
    const plain = await env.sd.document.decryptDocument(org.token, enc.docId, Readable.from(pieces));
    assert.equal(sha256(plain), sha256(data));
  });
});

describe("64 MiB", () => {
  test("uploadDocument from a stream, downloadDocumentStream to a hashing Writable", async () => {
    const src = randomSource(64 * MiB);
    const docId = await env.sd.document.uploadDocument(org.token, "big.bin", src.stream);
    const out = hashSink();
    await env.sd.document.downloadDocumentStream(org.token, docId, out.stream);
    assert.equal(out.received(), 64 * MiB);
    assert.equal(out.digest(), src.digest());
  });

  test("encryptDocumentStream to a file, decryptDocumentStream from it", async () => {
    const src = randomSource(64 * MiB);
    const encPath = join(tmp, "big.enc");
    const encOut = createWriteStream(encPath);
    const docId = await env.sd.document.encryptDocumentStream(org.token, "big.enc", src.stream, encOut);
    encOut.end();
    await finished(encOut);
    const out = hashSink();
    await env.sd.document.decryptDocumentStream(org.token, docId, createReadStream(encPath), out.stream);
    assert.equal(out.received(), 64 * MiB);
    assert.equal(out.digest(), src.digest());
  });
});

describe("back-pressure", () => {
  test("a stalled output stops encrypt end to end: bytes in flight stay bounded", async () => {
    const total = 64 * MiB;
    const src = randomSource(total, 64 * 1024);
    const out = gatedSink(64 * 1024);
    const done = env.sd.document.encryptDocumentStream(org.token, "stalled.bin", src.stream, out.stream);
    done.catch(() => {}); // awaited below; a failure must not surface as an unhandled rejection first
    // Wait until the pipeline has stalled against the closed gate, then measure.
    const producedAtStall = await settled(src.produced);
    const inFlight = producedAtStall - out.received();
    if (process.env.STRONGDOC_TEST_VERBOSE) console.log(`in flight at stall: ${inFlight} B; output buffered at most ${out.maxBuffered()} B`);
    assert.ok(inFlight < 24 * MiB, `in flight at stall: ${(inFlight / MiB).toFixed(1)} MiB of ${total / MiB} MiB`);
    assert.ok(out.maxBuffered() <= 64 * 1024 + 4 * MiB, `output buffered ${out.maxBuffered()} B`);
    out.release();
    await done;
    assert.ok(out.received() >= total);
  });

  test("a stalled output stops download: the Writable never holds more than one message over its mark", async () => {
    const src = randomSource(32 * MiB);
    const docId = await env.sd.document.uploadDocument(org.token, "stall-dl.bin", src.stream);
    const out = gatedSink(64 * 1024);
    const done = env.sd.document.downloadDocumentStream(org.token, docId, out.stream);
    done.catch(() => {}); // awaited below
    await settled(() => out.stream.writableLength);
    assert.ok(out.maxBuffered() <= 64 * 1024 + 4 * MiB, `output buffered ${out.maxBuffered()} B`);
    out.release();
    await done;
    assert.equal(out.digest(), src.digest());
  });
});

describe("abort, deadline, errors", () => {
  test("abort mid-upload rejects with an AbortError and leaves no document", async () => {
    const src = randomSource(1024 * MiB, 64 * 1024);
    const ac = new AbortController();
    const upload = env.sd.document.uploadDocument(org.token, "aborted.bin", src.stream, { signal: ac.signal });
    while (src.produced() < 4 * MiB) await new Promise((r) => setTimeout(r, 10));
    ac.abort();
    await assert.rejects(upload, isAbortError);
    assert.ok(src.stream.destroyed, "the input stream is stopped");
    assert.ok(src.produced() < 1024 * MiB);
    await new Promise((r) => setTimeout(r, 200));
    const docs = await env.sd.document.listDocuments(org.token);
    assert.ok(!docs.some((d) => d.docName === "aborted.bin"));
  });

  test("abort mid-download: rejects with an AbortError, nothing written afterwards", async () => {
    const docId = await env.sd.document.uploadDocument(org.token, "dl-abort.bin", randomSource(16 * MiB).stream);
    const ac = new AbortController();
    let written = 0;
    let afterAbort = 0;
    let aborted = false;
    const out = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _e, cb) {
        written += chunk.length;
        if (aborted) afterAbort += chunk.length;
        if (written > 2 * MiB && !aborted) {
          aborted = true;
          ac.abort();
        }
        setImmediate(cb);
      },
    });
    let writesAtRejection = -1;
    const origWrite = out.write.bind(out);
    let calls = 0;
    out.write = ((...args: Parameters<Writable["write"]>) => {
      calls++;
      return origWrite(...args);
    }) as Writable["write"];
    await assert.rejects(
      env.sd.document.downloadDocumentStream(org.token, docId, out, { signal: ac.signal }).finally(() => {
        writesAtRejection = calls;
      }),
      isAbortError,
    );
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(calls, writesAtRejection, "no write() after the rejection");
    assert.ok(written < 16 * MiB);
    assert.ok(afterAbort <= 2 * MiB);
  });

  test("abort mid-encrypt and an already-aborted signal", async () => {
    const ac = new AbortController();
    const src = randomSource(1024 * MiB, 64 * 1024);
    const sink = hashSink();
    const p = env.sd.document.encryptDocumentStream(org.token, "enc-abort", src.stream, sink.stream, { signal: ac.signal });
    while (src.produced() < 2 * MiB) await new Promise((r) => setTimeout(r, 10));
    ac.abort(new Error("user gave up"));
    await assert.rejects(p, (err: Error) => isAbortError(err) && (err.cause as Error).message === "user gave up");

    const before = (await env.sd.document.listDocuments(org.token)).length;
    await assert.rejects(
      env.sd.document.uploadDocument(org.token, "never.bin", Buffer.from("x"), { signal: AbortSignal.abort() }),
      isAbortError,
    );
    await assert.rejects(env.sd.document.listDocuments(org.token, { signal: AbortSignal.abort() }), isAbortError);
    assert.equal((await env.sd.document.listDocuments(org.token)).length, before);
  });

  test("an interrupted encrypt leaves no document: abort, deadline, in memory or to a Writable", async () => {
    // The emulator keeps an encrypt-only document whose input it saw end, and a grpc-js cancel
    // half-closes just before resetting: before the fix each of these left a listed document.
    const listedNames = async () => new Set((await env.sd.document.listDocuments(org.token)).map((d) => d.docName));
    const ac = new AbortController();
    const src = randomSource(1024 * MiB, 64 * 1024);
    const p = env.sd.document.encryptDocumentStream(org.token, "interrupted-1", src.stream, hashSink().stream, { signal: ac.signal });
    while (src.produced() < 2 * MiB) await new Promise((r) => setTimeout(r, 10));
    ac.abort();
    await assert.rejects(p, isAbortError);
    assert.ok(!(await listedNames()).has("interrupted-1"), "aborted encryptDocumentStream left its document");

    const ac2 = new AbortController();
    const src2 = randomSource(1024 * MiB, 64 * 1024);
    const p2 = env.sd.document.encryptDocument(org.token, "interrupted-2", src2.stream, { signal: ac2.signal });
    while (src2.produced() < 2 * MiB) await new Promise((r) => setTimeout(r, 10));
    ac2.abort();
    await assert.rejects(p2, isAbortError);
    assert.ok(!(await listedNames()).has("interrupted-2"), "aborted encryptDocument left its document");

    // A stalled output and a deadline: the call fails after response #1 gave the docID.
    const stalled = gatedSink();
    const p3 = env.sd.document.encryptDocumentStream(org.token, "interrupted-3", randomSource(64 * MiB).stream, stalled.stream, {
      timeoutMs: 300,
    });
    await rejectsWith(p3, "DEADLINE_EXCEEDED");
    assert.ok(!(await listedNames()).has("interrupted-3"), "encrypt past its deadline left its document");

    // The output fails: the ciphertext never reached the caller, so neither may the document stay.
    const broken = new Writable({ write: (_c, _e, cb) => cb(new Error("disk full")) });
    await assert.rejects(env.sd.document.encryptDocumentStream(org.token, "interrupted-4", bytes(3 * CHUNK), broken), /disk full/);
    assert.ok(!(await listedNames()).has("interrupted-4"), "encrypt to a failing output left its document");

    // A completed encrypt is of course kept.
    const { docId } = await env.sd.document.encryptDocument(org.token, "completed", bytes(CHUNK));
    assert.ok((await env.sd.document.listDocuments(org.token)).some((d) => d.docId === docId));
  });

  test("an upload aborted after its input ended leaves no document", async () => {
    // The input's end lets the upload half-close; the abort follows a tick later, usually before the
    // server has answered (then the emulator rolls back the upload cancelled after END_STREAM). If
    // the server answered first the upload succeeds, and then the document must be listed.
    for (let i = 0; i < 5; i++) {
      const name = `late-abort-${i}.bin`;
      const ac = new AbortController();
      const src = randomSource(2 * CHUNK + 1);
      src.stream.once("end", () => setImmediate(() => ac.abort()));
      const outcome = await env.sd.document.uploadDocument(org.token, name, src.stream, { signal: ac.signal }).then(
        (docId) => ({ docId }),
        (err: unknown) => ({ err }),
      );
      const listed = (await env.sd.document.listDocuments(org.token)).filter((d) => d.docName === name);
      if ("err" in outcome) {
        assert.ok(isAbortError(outcome.err), String(outcome.err));
        assert.deepEqual(listed, [], "an aborted upload left its document");
      } else {
        assert.deepEqual(listed.map((d) => d.docId), [outcome.docId]);
      }
    }
  });

  test("timeoutMs on a stream rejects with DEADLINE_EXCEEDED", async () => {
    const out = gatedSink();
    const docId = await env.sd.document.uploadDocument(org.token, "deadline.bin", randomSource(8 * MiB).stream);
    await rejectsWith(env.sd.document.downloadDocumentStream(org.token, docId, out.stream, { timeoutMs: 300 }), "DEADLINE_EXCEEDED");
  });

  test("the largest timeoutMs (24 days) works on unary calls and streams; larger is a TypeError", async () => {
    const max = 24 * 24 * 60 * 60 * 1000;
    const docId = await env.sd.document.uploadDocument(org.token, "max-deadline.bin", bytes(CHUNK + 1), { timeoutMs: max });
    assert.equal((await env.sd.document.downloadDocument(org.token, docId, { timeoutMs: max })).length, CHUNK + 1);
    assert.ok((await env.sd.document.listDocuments(org.token, { timeoutMs: max })).some((d) => d.docId === docId));
    // 1e15 ms used to kill the process (grpc-js "Deadline is too far in the future", thrown outside
    // any promise); 2^31 ms made streams fail at once with DEADLINE_EXCEEDED (timer overflow).
    await assert.rejects(env.sd.document.listDocuments(org.token, { timeoutMs: 1e15 }), /^TypeError: options\.timeoutMs/);
    await assert.rejects(env.sd.document.downloadDocument(org.token, docId, { timeoutMs: 2 ** 31 }), /^TypeError: options\.timeoutMs/);
  });

  test("unknown docId: download and decrypt reject with NOT_FOUND, nothing written", async () => {
    const out = hashSink();
    await rejectsWith(env.sd.document.downloadDocumentStream(org.token, "no-such-doc", out.stream), "NOT_FOUND");
    await rejectsWith(env.sd.document.downloadDocument(org.token, "no-such-doc"), "NOT_FOUND");
    await rejectsWith(env.sd.document.decryptDocumentStream(org.token, "no-such-doc", Buffer.alloc(100), out.stream), "NOT_FOUND");
    assert.equal(out.received(), 0);
  });

  test("decrypt with a foreign docId fails and writes nothing after the rejection", async () => {
    const data = bytes(2 * CHUNK + 99);
    const a = await env.sd.document.encryptDocument(org.token, "a.bin", data);
    const b = await env.sd.document.encryptDocument(org.token, "b.bin", data);
    await assert.rejects(env.sd.document.decryptDocument(org.token, b.docId, a.ciphertext), StrongDocError);
    let calls = 0;
    const out = new Writable({ write: (_c, _e, cb) => (calls++, cb()) });
    let atRejection = -1;
    await assert.rejects(
      env.sd.document.decryptDocumentStream(org.token, b.docId, a.ciphertext, out).finally(() => (atRejection = calls)),
      StrongDocError,
    );
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(calls, atRejection);
  });

  test("a wrong or revoked token fails every stream with UNAUTHENTICATED", async () => {
    const out = hashSink();
    await rejectsWith(env.sd.document.uploadDocument("not-a-token", "x", Buffer.from("x")), "UNAUTHENTICATED");
    await rejectsWith(env.sd.document.encryptDocument("not-a-token", "x", Buffer.from("x")), "UNAUTHENTICATED");
    await rejectsWith(env.sd.document.decryptDocument("not-a-token", "x", Buffer.from("x")), "UNAUTHENTICATED");
    await rejectsWith(env.sd.document.downloadDocumentStream("not-a-token", "x", out.stream), "UNAUTHENTICATED");
    const user = await env.newUser(org);
    await env.sd.login.logout(user.token);
    await rejectsWith(env.sd.document.uploadDocument(user.token, "x", Buffer.from("x")), "UNAUTHENTICATED");
  });

  test("a failing input stream rejects with its error; a failing output rejects with its error", async () => {
    const boom = new Error("disk on fire");
    const bad = new Readable({
      read() {
        this.destroy(boom);
      },
    });
    await assert.rejects(env.sd.document.uploadDocument(org.token, "bad-in.bin", bad), (err) => err === boom);

    const textStream = Readable.from(["not", "bytes"]);
    await assert.rejects(env.sd.document.encryptDocument(org.token, "text.bin", textStream), TypeError);

    const docId = await env.sd.document.uploadDocument(org.token, "bad-out.bin", bytes(CHUNK * 2));
    const broken = new Writable({ write: (_c, _e, cb) => cb(new Error("EPIPE-ish")) });
    await assert.rejects(env.sd.document.downloadDocumentStream(org.token, docId, broken), /EPIPE-ish/);
  });

  test("an output whose write fails, with no 'error' listener of its own, rejects and does not crash the process", async () => {
    // Node emits the failed write's error as an 'error' event a tick after the callback; before the
    // fix the operation had already removed its listener, so the process died ("Unhandled 'error'").
    const diskFull = () => new Writable({ write: (_c, _e, cb) => cb(new Error("disk full")) });
    const closed = (w: Writable) => (w.closed ? Promise.resolve() : new Promise((r) => w.once("close", r)));
    const data = bytes(2 * CHUNK + 7);
    const docId = await env.sd.document.uploadDocument(org.token, "disk-full.bin", data);
    const enc = await env.sd.document.encryptDocument(org.token, "disk-full.enc", data);
    const calls: [string, (out: Writable) => Promise<unknown>][] = [
      ["download", (out) => env.sd.document.downloadDocumentStream(org.token, docId, out)],
      ["decrypt", (out) => env.sd.document.decryptDocumentStream(org.token, enc.docId, enc.ciphertext, out)],
      ["encrypt", (out) => env.sd.document.encryptDocumentStream(org.token, "disk-full-2.enc", data, out)],
    ];
    for (const [label, call] of calls) {
      const out = diskFull();
      assert.equal(out.listenerCount("error"), 0);
      await assert.rejects(call(out), /disk full/, label);
      await closed(out); // the 'error' event has been emitted by now
      assert.equal(out.listenerCount("error"), 0, `${label}: no listener left behind once the output closed`);
    }
  });
});
