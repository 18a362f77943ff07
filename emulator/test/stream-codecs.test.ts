// The emulator's fewer-copies paths for the four document streams give the same results as the
// generated codecs and the earlier one-buffer code: request decoding through instrument() (data as
// views, strict UTF-8, the MALFORMED/INVALID_UTF8/WIRE_SIZE markers) against the generic path;
// reply encoding (also from parts) against the generated encoders, with byte counting; over real
// gRPC with raw bytes, odd messages to the stream RPCs; and the stream ciphertext and stored body
// formats against independent reference implementations (so data written before still decrypts).
import assert from "node:assert/strict";
import { createCipheriv, hkdfSync, randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it, test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { BinaryWriter } from "@bufbuild/protobuf/wire";
import { StrongDocServiceService as svc } from "../../generated/strongdoc";
import { DecryptDocStreamResp, EncryptDocStreamResp } from "../../generated/documentNoStore";
import { INVALID_UTF8, MALFORMED, SINK, WIRE_SIZE, instrument, type MethodDefinition } from "../src/stream-io";
import { FRAME_PLAINTEXT_MAX, StreamDecryptor, StreamEncryptor } from "../src/crypto/stream-cipher";
import { BlobStore, CHUNK_BYTES } from "../src/store/blobs";
import type { Db } from "../src/store/db";
import type { CallInfo } from "../src/context";
import { LogTap, connect, newOrg, rawClient, start, type Client } from "./helpers";
import type { RunningEmulator } from "../src/index";

const MiB = 1024 * 1024;

/** A protobuf field: tag (field `no`, wire type `wire`) then `body` as is. */
function f(no: number, wire: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(varint((no << 3) | wire)), body]);
}
/** A length-delimited field. */
function ld(no: number, body: Buffer): Buffer {
  return f(no, 2, Buffer.concat([Buffer.from(varint(body.length)), body]));
}
/** Varint bytes of `n`, from @bufbuild/protobuf's writer (independent of the code under test). */
function varint(n: number): Uint8Array {
  return new BinaryWriter().uint32(n).finish();
}

/** Splits `data` at random points (pieces of 1 byte to `max` bytes). */
function randomSplit(data: Buffer, max: number): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0; off < data.length; ) {
    const n = Math.min(data.length - off, 1 + Math.floor(Math.random() * max));
    out.push(data.subarray(off, off + n));
    off += n;
  }
  return out;
}

const asDef = (d: unknown) => d as MethodDefinition;
/** instrument() as it treats every other method: the generated decoder with the strict reader. */
const generic = (d: unknown) => instrument({ ...asDef(d), path: `${asDef(d).path}#generic` });

describe("instrument(): stream requests decode as on the generic path", () => {
  const streams = [
    { name: "upload", def: svc.uploadDocumentStream, text: "docName" },
    { name: "encrypt", def: svc.encryptDocumentStream, text: "docName" },
    { name: "decrypt", def: svc.decryptDocumentStream, text: "docID" },
  ];
  const BAD = Buffer.from([0x6e, 0xff, 0x6d]);
  const name = ld(1, Buffer.from("ünï.txt"));
  const data = ld(2, randomBytes(1000));
  const corpus: Buffer[] = [
    Buffer.alloc(0),
    name,
    data,
    ld(2, Buffer.alloc(0)),
    Buffer.concat([name, data]),
    Buffer.concat([data, name]),
    Buffer.concat([f(7, 0, Buffer.from([0x96, 0x01])), ld(9, Buffer.from("x")), f(5, 1, Buffer.alloc(8)), f(6, 5, Buffer.alloc(4)), data, ld(15, Buffer.alloc(3))]),
    Buffer.concat([f(2, 0, Buffer.from([5])), name]),
    Buffer.concat([data, Buffer.from([0x00]), ld(1, BAD)]), // decoding stops at tag 0: the bad string is never read
    ld(1, BAD),
    Buffer.concat([ld(1, BAD), data]), // invalid, then overwritten by data: still refused ("request")
    Buffer.concat([data, ld(1, Buffer.from([0xed, 0xa0, 0x80]))]), // an encoded surrogate
    ld(1, Buffer.from([0xc0, 0xaf])), // an overlong form
    Buffer.concat([name, ld(1, Buffer.from([0x61, 0xe2, 0x82]))]), // a truncated sequence
    ld(1, Buffer.from("n\uFFFDm")), // a real U+FFFD is fine
    data.subarray(0, data.length - 1),
    name.subarray(0, 4),
    Buffer.from([0x12, 0xff, 0xff, 0xff, 0xff, 0x0f]),
    Buffer.from([0x0f]),
  ];
  for (let i = 0; i < 500; i++) {
    const m = Buffer.concat([name, data.subarray(0, 40), ld(1, Buffer.from("ok"))]);
    m[Math.floor(Math.random() * m.length)] = Math.floor(Math.random() * 256);
    corpus.push(m.subarray(0, Math.random() < 0.2 ? Math.floor(Math.random() * m.length) : m.length));
  }
  for (let i = 0; i < 200; i++) corpus.push(randomBytes(Math.floor(Math.random() * 30)));

  for (const s of streams) {
    it(`${s.name}: same objects and markers for ${corpus.length} valid, odd and broken messages`, () => {
      const fast = instrument(asDef(s.def));
      const slow = generic(s.def);
      for (const bytes of corpus) {
        // deepStrictEqual compares the symbol-keyed markers too.
        assert.deepStrictEqual(fast.requestDeserialize(bytes), slow.requestDeserialize(bytes), bytes.toString("hex").slice(0, 80));
      }
      assert.deepStrictEqual(fast.requestDeserialize(ld(1, BAD)), { [INVALID_UTF8]: s.text, [WIRE_SIZE]: 5 });
      assert.deepStrictEqual(fast.requestDeserialize(Buffer.concat([ld(1, BAD), data])), { [INVALID_UTF8]: "request", [WIRE_SIZE]: 5 + data.length });
      const truncated = fast.requestDeserialize(data.subarray(0, 10));
      assert.match(truncated[MALFORMED], /premature EOF|out of range/i);
      assert.equal(truncated[WIRE_SIZE], 10);
    });
  }

  it("hands out the data as a view of the received message", () => {
    const msg = Buffer.concat([name, data]);
    const req = instrument(asDef(svc.decryptDocumentStream)).requestDeserialize(msg);
    assert.equal(req.IdOrData.$case, "ciphertext");
    assert.equal(req.IdOrData.ciphertext.buffer, msg.buffer);
    assert.deepEqual(req.IdOrData.ciphertext, data.subarray(3));
  });
});

test("instrument(): stream replies encode to the generated bytes, from parts too, and are counted", () => {
  const replies = [
    { def: svc.downloadDocumentStream, field: "plaintext" },
    { def: svc.encryptDocumentStream, field: "ciphertext" },
    { def: svc.decryptDocumentStream, field: "plaintext" },
  ];
  for (const { def, field } of replies) {
    const fast = instrument(asDef(def));
    for (const docID of ["", randomUUID(), "ü".repeat(100)]) {
      for (const size of [0, 1, 200, 70_000, MiB + 5]) {
        const data = randomBytes(size);
        const expected = asDef(def).responseSerialize({ docID, [field]: data });
        assert.deepEqual(fast.responseSerialize({ docID, [field]: data }), expected, `${def.path} ${size} B`);
        const parts = [data.subarray(0, size >> 2), Buffer.alloc(0), data.subarray(size >> 2, size >> 1), data.subarray(size >> 1)];
        const info = { bytesOut: 0 } as CallInfo;
        assert.deepEqual(fast.responseSerialize({ docID, [field]: parts, [SINK]: info }), expected, `${def.path} ${size} B in parts`);
        assert.equal(info.bytesOut, expected.length);
      }
    }
  }
});

// --- Over real gRPC, with a raw client sending and receiving bytes ---

describe("document streams with raw protobuf bytes", () => {
  const SERVICE = "/proto.StrongDocService/";
  const id = (b: Buffer) => b;
  const tap = new LogTap();
  let emu: RunningEmulator;
  let client: Client;
  let raw: grpc.Client;
  let org: Awaited<ReturnType<typeof newOrg>>;

  before(async () => {
    emu = await start({ quiet: false, log: tap.log });
    client = connect(emu);
    raw = rawClient(emu);
    org = await newOrg(client);
  });
  after(async () => {
    raw.close();
    client.close();
    await emu.stop();
  });

  /** Sends `messages` on a bidi stream; returns the replies (raw) and the final status. */
  const bidi = (method: string, messages: Buffer[]) =>
    new Promise<{ code: grpc.status; details: string; replies: Buffer[] }>((resolve) => {
      const replies: Buffer[] = [];
      const s = raw.makeBidiStreamRequest(SERVICE + method, id, id, org.md);
      s.on("data", (b: Buffer) => replies.push(b));
      s.on("error", (e: grpc.ServiceError) => resolve({ code: e.code, details: e.details, replies }));
      s.on("status", (st: grpc.StatusObject) => {
        if (st.code === grpc.status.OK) resolve({ code: st.code, details: st.details, replies });
      });
      for (const m of messages) s.write(m);
      s.end();
    });
  /** The log line of the first call of `method` (written when the call has ended). */
  const logLine = (method: string) => tap.waitFor(new RegExp(` ${method} org=`));

  it("encrypt and decrypt with unknown fields and frames split across messages; bytes counted as sent", async () => {
    const plain = randomBytes(3 * FRAME_PLAINTEXT_MAX + 999);
    const junk = Buffer.concat([f(7, 0, Buffer.from([1])), ld(9, Buffer.from("junk"))]);
    const encMsgs = [Buffer.concat([junk, ld(1, Buffer.from("raw.bin"))]), ...randomSplit(plain, 100_000).map((p) => Buffer.concat([ld(2, p), junk]))];
    const enc = await bidi("EncryptDocumentStream", encMsgs);
    assert.equal(enc.code, grpc.status.OK, enc.details);
    assert.equal(enc.replies.length, encMsgs.length);
    const decoded = enc.replies.map((b) => EncryptDocStreamResp.decode(b));
    const docID = decoded[0]!.docID;
    assert.ok(decoded.every((r) => r.docID === docID));
    const ct = Buffer.concat(decoded.map((r) => r.ciphertext));
    const line = await logLine("EncryptDocumentStream");
    const sum = (bs: Buffer[]) => bs.reduce((n, b) => n + b.length, 0);
    assert.match(line, new RegExp(`status=OK .* in=${sum(encMsgs)}B out=${sum(enc.replies)}B`));

    const decMsgs = [ld(1, Buffer.from(docID)), ...randomSplit(ct, 70_000).map((p) => Buffer.concat([junk, ld(2, p)]))];
    const dec = await bidi("DecryptDocumentStream", decMsgs);
    assert.equal(dec.code, grpc.status.OK, dec.details);
    assert.deepEqual(Buffer.concat(dec.replies.map((b) => DecryptDocStreamResp.decode(b).plaintext)), plain);
    assert.match(await logLine("DecryptDocumentStream"), new RegExp(`status=OK .* in=${sum(decMsgs)}B out=${sum(dec.replies)}B`));
  });

  it("refuses invalid UTF-8 in the name or docID, and a truncated data message, naming them", async () => {
    const bad = Buffer.from([0x6e, 0xff, 0x6d]);
    const e1 = await bidi("EncryptDocumentStream", [ld(1, bad)]);
    assert.equal(e1.code, grpc.status.INVALID_ARGUMENT);
    assert.match(e1.details, /^docName: .*UTF-8/);
    const e2 = await bidi("DecryptDocumentStream", [ld(1, bad)]);
    assert.equal(e2.code, grpc.status.INVALID_ARGUMENT);
    assert.match(e2.details, /^docID: .*UTF-8/);
    const e3 = await bidi("EncryptDocumentStream", [ld(1, Buffer.from("t.bin")), ld(2, randomBytes(100)).subarray(0, 50)]);
    assert.equal(e3.code, grpc.status.INVALID_ARGUMENT);
    assert.match(e3.details, /malformed protobuf message/);
  });
});

// --- Formats, against independent reference implementations (the documented layouts) ---

function hkdf(key: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync("sha256", key, Buffer.alloc(0), Buffer.from(info), 32));
}
function nonce(n: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeBigUInt64BE(BigInt(n), 4);
  return b;
}
function aad(magic: string, docId: string, index: number, length: number): Buffer {
  const id = Buffer.from(docId);
  const b = Buffer.alloc(20 + id.length);
  b.write(magic, 0, "latin1");
  b.writeUInt32BE(id.length, 4);
  id.copy(b, 8);
  b.writeBigUInt64BE(BigInt(index), 8 + id.length);
  b.writeUInt32BE(length, 16 + id.length);
  return b;
}
function gcm(key: Buffer, iv: Buffer, ad: Buffer, plain: Buffer): Buffer {
  const c = createCipheriv("aes-256-gcm", key, iv);
  c.setAAD(ad);
  return Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
}
/** The stream ciphertext of each message: frames u32be L || GCM(body) || tag, ≤ 64 KiB each. */
function referenceCiphertext(docKey: Buffer, docId: string, messages: Buffer[]): Buffer[] {
  const key = hkdf(docKey, "strongdoc-emulator/stream/v1");
  let i = 0;
  return messages.map((m) => {
    const out: Buffer[] = [];
    for (let off = 0; off < m.length; off += FRAME_PLAINTEXT_MAX, i++) {
      const piece = m.subarray(off, off + FRAME_PLAINTEXT_MAX);
      const header = Buffer.alloc(4);
      header.writeUInt32BE(piece.length);
      out.push(header, gcm(key, nonce(i), aad("SDE1", docId, i, piece.length), piece));
    }
    return Buffer.concat(out);
  });
}

test("StreamEncryptor: the ciphertext format is unchanged, as one buffer or as parts", () => {
  const docKey = randomBytes(32);
  const docId = randomUUID();
  const messages = [Buffer.from("a"), Buffer.alloc(0), randomBytes(FRAME_PLAINTEXT_MAX), randomBytes(3 * FRAME_PLAINTEXT_MAX + 17), randomBytes(256 * 1024)];
  const expected = referenceCiphertext(docKey, docId, messages);
  const whole = new StreamEncryptor(docKey, docId);
  const parts = new StreamEncryptor(docKey, docId);
  messages.forEach((m, i) => {
    assert.deepEqual(whole.push(m), expected[i], `message ${i} (push)`);
    assert.deepEqual(Buffer.concat(parts.pushParts(m)), expected[i], `message ${i} (pushParts)`);
  });
  assert.equal(parts.frames, 1 + 0 + 1 + 4 + 4);
  assert.equal(parts.bytes, messages.reduce((n, m) => n + m.length, 0));
});

test("StreamDecryptor: reference ciphertext split anywhere decrypts, output not tied to the input", () => {
  const docKey = randomBytes(32);
  const docId = randomUUID();
  const plain = randomBytes(5 * FRAME_PLAINTEXT_MAX + 12345);
  const ct = Buffer.concat(referenceCiphertext(docKey, docId, [plain.subarray(0, 100_000), plain.subarray(100_000)]));
  const frames = Math.ceil(100_000 / FRAME_PLAINTEXT_MAX) + Math.ceil((plain.length - 100_000) / FRAME_PLAINTEXT_MAX);
  assert.equal(frames, 6);
  for (const max of [1, 5, 17, 4096, 70_000, 300_000]) {
    const dec = new StreamDecryptor(docKey, docId, frames);
    const out: Buffer[] = [];
    for (const piece of randomSplit(ct, max)) {
      const input = Buffer.from(piece); // a buffer of its own, overwritten after the call
      const got = dec.pushParts(input);
      input.fill(0);
      out.push(...got);
    }
    dec.finish();
    assert.deepEqual(Buffer.concat(out), plain, `pieces up to ${max} B`);
  }
  // push() joins the same parts.
  const dec = new StreamDecryptor(docKey, docId, frames);
  assert.deepEqual(Buffer.concat([dec.push(ct.subarray(0, 100_000)), dec.push(ct.subarray(100_000))]), plain);
  dec.finish();
  // A frame split across inputs is checked before any of its plaintext comes out.
  const bad = Buffer.from(ct);
  bad[10] ^= 1;
  const d2 = new StreamDecryptor(docKey, docId, frames);
  assert.deepEqual(d2.pushParts(bad.subarray(0, 1000)), []);
  assert.throws(() => d2.pushParts(bad.subarray(1000)), /frame 0 failed authentication/);
  // So is a tag that arrives byte by byte.
  const d3 = new StreamDecryptor(docKey, docId, frames);
  const firstFrame = 4 + FRAME_PLAINTEXT_MAX + 16;
  assert.deepEqual(d3.pushParts(ct.subarray(0, firstFrame - 16)), []);
  for (let i = firstFrame - 16; i < firstFrame - 1; i++) assert.deepEqual(d3.pushParts(ct.subarray(i, i + 1)), []);
  assert.deepEqual(Buffer.concat(d3.pushParts(ct.subarray(firstFrame - 1, firstFrame))), plain.subarray(0, FRAME_PLAINTEXT_MAX));
  assert.throws(() => d3.finish(), /truncated — ended after 1 of 6 frames$/);
  d3.pushParts(ct.subarray(firstFrame, firstFrame + 3));
  assert.throws(() => d3.finish(), /plus 3 bytes of an incomplete frame/);
});

/** A stored body: 1 MiB chunks, each GCM(chunk) || tag, nonce = chunk number. */
function referenceBody(docKey: Buffer, docId: string, plain: Buffer): Buffer {
  const key = hkdf(docKey, "strongdoc-emulator/body/v1");
  const out: Buffer[] = [];
  for (let off = 0, seq = 0; off < plain.length; off += CHUNK_BYTES, seq++) {
    out.push(gcm(key, nonce(seq), aad("SDB1", docId, seq, 0), plain.subarray(off, off + CHUNK_BYTES)));
  }
  return Buffer.concat(out);
}

describe("stored bodies: same file bytes as before, piece by piece", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "sd-blobs-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const noDb = undefined as unknown as Db; // only read for bodies kept in the database (older data dirs)

  for (const size of [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 2 * CHUNK_BYTES + 777]) {
    it(`${size} B written in random pieces = the reference file, and reads back`, async () => {
      const store = new BlobStore(dir);
      const docKey = randomBytes(32);
      const docId = randomUUID();
      const plain = randomBytes(size);
      const writer = store.writer(docId, docKey);
      for (const piece of randomSplit(plain, 300_000)) {
        const own = Buffer.from(piece);
        writer.write(own);
        own.fill(0); // the writer keeps nothing of it (the search prefix is a copy)
      }
      await writer.finish();
      assert.equal(writer.bytes, size);
      assert.equal(writer.chunks, Math.ceil(size / CHUNK_BYTES));
      assert.deepEqual(writer.prefix(), plain);
      assert.deepEqual(readFileSync(store.path(docId)), referenceBody(docKey, docId, plain));
      const reader = store.reader(noDb, { doc_id: docId, size }, docKey);
      const back: Buffer[] = [];
      for (let seq = 0; seq < reader.chunkCount; seq++) back.push(reader.read(seq));
      reader.close();
      assert.deepEqual(Buffer.concat(back), plain);
      // Every chunk is its own buffer (the read buffer is reused, the plaintext is not).
      assert.equal(new Set(back.map((b) => b.buffer)).size, back.length);
    });
  }

  it("reads a body file written by the earlier code (one seal per chunk)", () => {
    const store = new BlobStore(dir);
    const docKey = randomBytes(32);
    const docId = randomUUID();
    const plain = randomBytes(2 * CHUNK_BYTES + 5);
    writeFileSync(store.path(docId), referenceBody(docKey, docId, plain));
    const reader = store.reader(noDb, { doc_id: docId, size: plain.length }, docKey);
    assert.deepEqual(Buffer.concat([reader.read(0), reader.read(1), reader.read(2)]), plain);
    reader.close();
  });
});
