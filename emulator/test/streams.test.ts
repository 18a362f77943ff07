// The four streaming RPCs over a real TLS emulator: framing (#1 reply carries only the docID, one
// reply per data message, docID on every reply), lock-step and pipelined clients, arbitrary
// re-chunking, 0-byte and multi-MiB documents, refusal of tampered/truncated/foreign ciphertext,
// and uploads that are cancelled, fail, or whose client vanishes leaving nothing behind.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import {
  BidiReader,
  LogTap,
  call,
  connect,
  decrypt,
  download,
  encrypt,
  expectCode,
  inspectDb,
  newOrg,
  start,
  upload,
  type Client,
} from "./helpers";
import type { RunningEmulator } from "../src/index";

const MiB = 1024 * 1024;
let emu: RunningEmulator;
let client: Client;
let dataDir: string;
const tap = new LogTap();

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "sd-streams-"));
  emu = await start({ dataDir, quiet: false, log: tap.log });
  client = connect(emu);
});
after(async () => {
  client.close();
  await emu.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function dbCounts(): Promise<{ docs: number; pending: number; chunks: number; bodies: number }> {
  // The database is shared with the running server; a second connection reads committed rows.
  return inspectDb(dataDir, (db) => ({
    docs: (db.prepare("SELECT count(*) n FROM documents").get() as any).n,
    pending: (db.prepare("SELECT count(*) n FROM documents WHERE state = 'pending'").get() as any).n,
    chunks: (db.prepare("SELECT count(*) n FROM doc_chunks").get() as any).n,
    bodies: readdirSync(join(dataDir, "blobs")).length,
  }));
}

for (const size of [0, 1, 5 * MiB + 123]) {
  test(`upload + download round trip, ${size} bytes, every reply echoes the docID`, async () => {
    const org = await newOrg(client);
    const data = randomBytes(size);
    const up = await upload(client, org.md, `doc-${size}`, data, 1 * MiB);
    assert.equal(up.bytes.toNumber(), size);
    const dl = await download(client, org.md, up.docID);
    assert.ok(dl.data.equals(data));
    assert.ok(dl.ids.every((id) => id === up.docID));
    assert.ok(dl.messages <= Math.ceil(size / MiB), "download chunks are at most 1 MiB");
    const list = await call(client, "listDocuments", {}, org.md);
    assert.deepEqual(
      list.documents.map((d: any) => [d.docID, d.docName, d.size.toNumber()]),
      [[up.docID, `doc-${size}`, size]],
    );
  });
}

test("upload in odd chunk sizes (10,000 B and 64 KiB) and with empty chunks stores the exact bytes", async () => {
  const org = await newOrg(client);
  const data = randomBytes(300_001);
  for (const chunk of [10_000, 65_536]) {
    const up = await upload(client, org.md, "odd", data, chunk);
    assert.ok((await download(client, org.md, up.docID)).data.equals(data));
  }
  const withEmpty = await new Promise<any>((resolve, reject) => {
    const s = client.uploadDocumentStream(org.md, (e: any, r: any) => (e ? reject(e) : resolve(r)));
    s.write({ NameOrData: { $case: "docName", docName: "empties" } });
    s.write({ NameOrData: { $case: "plaintext", plaintext: Buffer.alloc(0) } });
    s.write({ NameOrData: { $case: "plaintext", plaintext: Buffer.from("abc") } });
    s.write({ NameOrData: { $case: "plaintext", plaintext: Buffer.alloc(0) } });
    s.end();
  });
  assert.equal((await download(client, org.md, withEmpty.docID)).data.toString(), "abc");
});

test("upload with a slow (lock-step) writer: each chunk waits for the previous write to flush", async () => {
  const org = await newOrg(client);
  const data = randomBytes(3 * MiB + 5);
  const res = await new Promise<any>((resolve, reject) => {
    const s = client.uploadDocumentStream(org.md, (e: any, r: any) => (e ? reject(e) : resolve(r)));
    (async () => {
      await new Promise<void>((r) => s.write({ NameOrData: { $case: "docName", docName: "slow" } }, () => r()));
      for (let off = 0; off < data.length; off += 256 * 1024) {
        await new Promise<void>((r) => s.write({ NameOrData: { $case: "plaintext", plaintext: data.subarray(off, off + 256 * 1024) } }, () => r()));
      }
      s.end();
    })().catch(reject);
  });
  assert.ok((await download(client, org.md, res.docID)).data.equals(data));
});

test("download with a lock-step reader (paused after every message) gets everything", async () => {
  const org = await newOrg(client);
  const data = randomBytes(4 * MiB + 7);
  const { docID } = await upload(client, org.md, "big", data);
  const got = await new Promise<Buffer>((resolve, reject) => {
    const parts: Buffer[] = [];
    const s = client.downloadDocumentStream({ docID }, org.md);
    s.on("data", (m: any) => {
      assert.equal(m.docID, docID);
      parts.push(m.plaintext);
      s.pause();
      setImmediate(() => s.resume());
    });
    s.on("error", reject);
    s.on("end", () => resolve(Buffer.concat(parts)));
  });
  assert.ok(got.equals(data));
});

for (const mode of ["lockstep", "pipelined"] as const) {
  test(`encrypt + decrypt, ${mode} client: #1 carries only the docID, then one reply per message`, async () => {
    const org = await newOrg(client);
    const data = randomBytes(3 * MiB + 999);
    const e = await encrypt(client, org.md, "enc.bin", data, MiB, mode);
    assert.equal(e.first.ciphertext.length, 0, "reply #1 carries no ciphertext");
    assert.ok(e.first.docID.length > 0);
    assert.equal(e.responses, Math.ceil(data.length / MiB), "exactly one reply per data message");
    assert.ok(!e.ciphertext.includes(data.subarray(0, 32)), "ciphertext does not contain the plaintext");
    for (const [split, decMode] of [
      [MiB, mode],
      [10_000, mode],
      [65_536, mode === "lockstep" ? "pipelined" : "lockstep"],
      [777_777, mode],
    ] as const) {
      const d = await decrypt(client, org.md, e.docID, e.ciphertext, split, decMode);
      assert.equal(d.first.docID, e.docID, "reply #1 echoes the docID");
      assert.equal(d.first.plaintext.length, 0);
      assert.equal(d.responses, Math.ceil(e.ciphertext.length / split), `one reply per ciphertext message (split ${split})`);
      assert.ok(d.ids.every((id) => id === e.docID));
      assert.ok(d.plaintext.equals(data), `round trip with split ${split}`);
    }
    // Encrypt-only documents are listed (size = plaintext bytes) and removable.
    const list = await call(client, "listDocuments", {}, org.md);
    assert.deepEqual(list.documents.map((d: any) => [d.docID, d.size.toNumber()]), [[e.docID, data.length]]);
    await expectCode(download(client, org.md, e.docID), grpc.status.FAILED_PRECONDITION, "not stored");
    await call(client, "removeDocument", { docID: e.docID }, org.md);
    await expectCode(decrypt(client, org.md, e.docID, e.ciphertext, MiB, mode), grpc.status.NOT_FOUND);
  });
}

test("lock-step decrypt gets the plaintext of each message in that message's reply (nothing deferred to EOF)", async () => {
  const org = await newOrg(client);
  const data = Buffer.from("0123456789".repeat(20_000));
  const e = await encrypt(client, org.md, "t", data, 50_000, "lockstep");
  // Feed the ciphertext exactly as encrypt produced it: every reply must hold that message's plaintext.
  const s = client.decryptDocumentStream(org.md);
  const r = new BidiReader<any>(s);
  s.write({ IdOrData: { $case: "docID", docID: e.docID } });
  await r.next();
  const perMessage = 50_000 + Math.ceil(50_000 / 65_536) * 20;
  for (let off = 0, i = 0; off < e.ciphertext.length; off += perMessage, i++) {
    s.write({ IdOrData: { $case: "ciphertext", ciphertext: e.ciphertext.subarray(off, off + perMessage) } });
    const m = await r.next();
    assert.deepEqual(m.plaintext, data.subarray(i * 50_000, (i + 1) * 50_000));
  }
  s.end();
  await r.finished();
});

test("empty encrypt: name only → listed with size 0; decrypt of empty ciphertext gives nothing", async () => {
  const org = await newOrg(client);
  const e = await encrypt(client, org.md, "empty", Buffer.alloc(0), MiB, "pipelined");
  assert.equal(e.responses, 0);
  const d = await decrypt(client, org.md, e.docID, Buffer.alloc(0), MiB, "pipelined");
  assert.equal(d.plaintext.length, 0);
  // A Go-style trailing empty chunk gets exactly one (empty) reply.
  const e2 = await encrypt(client, org.md, "empty2", Buffer.alloc(0), MiB, "lockstep");
  const s = client.encryptDocumentStream(org.md);
  const r = new BidiReader<any>(s);
  s.write({ NameOrData: { $case: "docName", docName: "go-style" } });
  const first = await r.next();
  s.write({ NameOrData: { $case: "plaintext", plaintext: Buffer.from("hi") } });
  assert.ok((await r.next()).ciphertext.length > 2);
  s.write({ NameOrData: { $case: "plaintext", plaintext: Buffer.alloc(0) } });
  assert.equal((await r.next()).ciphertext.length, 0);
  s.end();
  await r.finished();
  assert.equal(r.all.length, 3);
  assert.ok(first.docID && e2.docID);
});

test("tampered, truncated, extended and foreign ciphertext is refused with INVALID_ARGUMENT", async () => {
  const org = await newOrg(client);
  const data = randomBytes(200_000);
  const a = await encrypt(client, org.md, "a", data, 100_000, "pipelined");
  const b = await encrypt(client, org.md, "b", data, 100_000, "pipelined");
  const flipped = Buffer.from(a.ciphertext);
  flipped[150_000]! ^= 0x40;
  await expectCode(decrypt(client, org.md, a.docID, flipped, 65_536, "pipelined"), grpc.status.INVALID_ARGUMENT, "failed authentication");
  await expectCode(decrypt(client, org.md, a.docID, b.ciphertext, 65_536, "pipelined"), grpc.status.INVALID_ARGUMENT, "failed authentication");
  await expectCode(decrypt(client, org.md, a.docID, a.ciphertext.subarray(0, a.ciphertext.length - 100), 65_536, "pipelined"), grpc.status.INVALID_ARGUMENT, "truncated");
  // Cut exactly at a frame boundary: still detected (frame count is recorded server-side).
  const oneFrame = 4 + 65_536 + 16;
  await expectCode(decrypt(client, org.md, a.docID, a.ciphertext.subarray(0, oneFrame), 65_536, "lockstep"), grpc.status.INVALID_ARGUMENT, "truncated");
  await expectCode(decrypt(client, org.md, a.docID, Buffer.concat([a.ciphertext, a.ciphertext.subarray(0, oneFrame)]), 65_536, "pipelined"), grpc.status.INVALID_ARGUMENT, "extra data");
  // A lock-step client sees no wrong plaintext before the error: it gets the good prefix only.
  const s = client.decryptDocumentStream(org.md);
  const r = new BidiReader<any>(s);
  s.write({ IdOrData: { $case: "docID", docID: a.docID } });
  await r.next();
  s.write({ IdOrData: { $case: "ciphertext", ciphertext: flipped.subarray(0, oneFrame) } });
  assert.ok((await r.next()).plaintext.equals(data.subarray(0, 65_536)));
  s.write({ IdOrData: { $case: "ciphertext", ciphertext: flipped.subarray(oneFrame) } });
  await expectCode(r.finished(), grpc.status.INVALID_ARGUMENT);
  assert.equal(r.all.length, 2, "no reply carries plaintext from the tampered frame");
});

test("stream protocol errors: data before the name/ID, the name twice, an uploaded doc given to decrypt", async () => {
  const org = await newOrg(client);
  await expectCode(
    new Promise((resolve, reject) => {
      const s = client.uploadDocumentStream(org.md, (e: any, r: any) => (e ? reject(e) : resolve(r)));
      s.write({ NameOrData: { $case: "plaintext", plaintext: Buffer.from("x") } });
      s.end();
    }),
    grpc.status.INVALID_ARGUMENT,
    "docName",
  );
  await expectCode(
    new Promise((resolve, reject) => {
      const s = client.uploadDocumentStream(org.md, (e: any, r: any) => (e ? reject(e) : resolve(r)));
      s.end();
    }),
    grpc.status.INVALID_ARGUMENT,
    "docName",
  );
  await expectCode(
    new Promise((resolve, reject) => {
      const s = client.uploadDocumentStream(org.md, (e: any, r: any) => (e ? reject(e) : resolve(r)));
      s.write({ NameOrData: { $case: "docName", docName: "   " } });
      s.end();
    }),
    grpc.status.INVALID_ARGUMENT,
    "docName: must not be empty",
  );
  const enc = client.encryptDocumentStream(org.md);
  const er = new BidiReader<any>(enc);
  enc.write({ NameOrData: { $case: "plaintext", plaintext: Buffer.from("x") } });
  await expectCode(er.finished(), grpc.status.INVALID_ARGUMENT, "docName");
  const enc2 = client.encryptDocumentStream(org.md);
  const er2 = new BidiReader<any>(enc2);
  enc2.write({ NameOrData: { $case: "docName", docName: "a" } });
  await er2.next();
  enc2.write({ NameOrData: { $case: "docName", docName: "b" } });
  await expectCode(er2.finished(), grpc.status.INVALID_ARGUMENT, "sent again");
  const dec = client.decryptDocumentStream(org.md);
  const dr = new BidiReader<any>(dec);
  dec.write({ IdOrData: { $case: "ciphertext", ciphertext: Buffer.from("x") } });
  await expectCode(dr.finished(), grpc.status.INVALID_ARGUMENT, "docID");
  const { docID } = await upload(client, org.md, "stored", Buffer.from("stored"));
  await expectCode(decrypt(client, org.md, docID, Buffer.alloc(0), 10, "pipelined"), grpc.status.FAILED_PRECONDITION, "uploaded");
  await expectCode(decrypt(client, org.md, "no-such-doc", Buffer.alloc(0), 10, "pipelined"), grpc.status.NOT_FOUND, "docID");
  await expectCode(download(client, org.md, "no-such-doc"), grpc.status.NOT_FOUND, "docID");
  await expectCode(download(client, org.md, ""), grpc.status.INVALID_ARGUMENT, "docID");
  // A failed encrypt leaves no document behind.
  assert.deepEqual((await call(client, "listDocuments", {}, org.md)).documents.map((d: any) => d.docID), [docID]);
});

test("a cancelled upload and a failed upload leave no document, no chunks and no body file", async () => {
  const org = await newOrg(client);
  const before = await dbCounts();
  const s = client.uploadDocumentStream(org.md, () => {});
  await new Promise<void>((r) => s.write({ NameOrData: { $case: "docName", docName: "cancelled" } }, () => r()));
  for (let i = 0; i < 3; i++) {
    await new Promise<void>((r) => s.write({ NameOrData: { $case: "plaintext", plaintext: randomBytes(MiB) } }, () => r()));
  }
  s.cancel();
  await tap.waitFor(new RegExp(`UploadDocumentStream org=${org.orgId} .*status=CANCELLED`));
  assert.deepEqual((await call(client, "listDocuments", {}, org.md)).documents, []);
  assert.deepEqual(await dbCounts(), before);

  // Fails mid-way (name sent twice after 2 MiB of data): INVALID_ARGUMENT, and nothing is kept.
  await expectCode(
    new Promise((resolve, reject) => {
      const f = client.uploadDocumentStream(org.md, (e: any, r: any) => (e ? reject(e) : resolve(r)));
      f.write({ NameOrData: { $case: "docName", docName: "fails" } });
      f.write({ NameOrData: { $case: "plaintext", plaintext: randomBytes(2 * MiB) } });
      f.write({ NameOrData: { $case: "docName", docName: "again" } });
      f.end();
    }),
    grpc.status.INVALID_ARGUMENT,
  );
  assert.deepEqual(await dbCounts(), before);
});

test("an upload whose client process dies (SIGKILL) leaves nothing", async () => {
  const org = await newOrg(client);
  const before = await dbCounts();
  const { child, line } = childClient(
    org,
    `const s = c.uploadDocumentStream(md, () => {});
     s.write({ NameOrData: { $case: "docName", docName: "vanishing" } });
     let n = 0;
     const more = () => s.write({ NameOrData: { $case: "plaintext", plaintext: Buffer.alloc(1 << 20, 7) } }, () => {
       if (++n === 3) process.stdout.write("sent\\n");
       if (n < 1000) more();
     });
     more();`,
  );
  await line(/sent/);
  child.kill("SIGKILL");
  await tap.waitFor(new RegExp(`UploadDocumentStream org=${org.orgId} .*status=CANCELLED`));
  assert.deepEqual((await call(client, "listDocuments", {}, org.md)).documents, []);
  assert.deepEqual(await dbCounts(), before);
});

/**
 * Runs `body` in a child process with a connected generic client `c` (upload and encrypt streams
 * take partial messages) and metadata `md`.
 */
function childClient(org: { token: string }, body: string) {
  const script = `
    const grpc = require("@grpc/grpc-js");
    const { StrongDocServiceService: S } = require(${JSON.stringify(join(__dirname, "../../generated/strongdoc"))});
    const { UploadDocStreamReq } = require(${JSON.stringify(join(__dirname, "../../generated/document"))});
    const { EncryptDocStreamReq } = require(${JSON.stringify(join(__dirname, "../../generated/documentNoStore"))});
    const partial = (T) => (v) => Buffer.from(T.encode(T.fromPartial(v)).finish());
    const def = { ...S,
      uploadDocumentStream: { ...S.uploadDocumentStream, requestSerialize: partial(UploadDocStreamReq) },
      encryptDocumentStream: { ...S.encryptDocumentStream, requestSerialize: partial(EncryptDocStreamReq) } };
    const C = grpc.makeGenericClientConstructor(def, "S");
    const c = new C(${JSON.stringify(emu.address)}, grpc.credentials.createSsl(Buffer.from(${JSON.stringify(emu.caPem)})),
      { "grpc.ssl_target_name_override": "localhost" });
    const md = new grpc.Metadata(); md.set("authorization", "Bearer " + ${JSON.stringify(org.token)});
    ${body}`;
  const child = spawn(process.execPath, ["--import", "tsx", "-e", script], { stdio: ["ignore", "pipe", "inherit"], cwd: join(__dirname, "../..") });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d));
  const line = (re: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const m = re.exec(out);
        if (m) resolve(m[0]);
      };
      child.stdout.on("data", check);
      child.on("exit", () => (re.exec(out) ? check() : reject(new Error(`child exited without ${re}: ${out}`))));
      check();
    });
  return { child, line };
}

test("Go/Node-style encrypt: half-close and exit at once without reading on — the document is kept", async () => {
  const org = await newOrg(client);
  const plain = Buffer.from("kept after the client left ".repeat(3000));
  const { line } = childClient(
    org,
    `const plain = Buffer.from("kept after the client left ".repeat(3000));
     const s = c.encryptDocumentStream(md);
     const replies = [];
     s.on("data", (m) => {
       replies.push(m);
       if (replies.length === 1) s.write({ NameOrData: { $case: "plaintext", plaintext: plain.subarray(0, 40000) } });
       else if (replies.length === 2) s.write({ NameOrData: { $case: "plaintext", plaintext: plain.subarray(40000) } });
       else {
         s.end();
         process.stdout.write("DOC " + replies[0].docID + " " + Buffer.concat(replies.slice(1).map((r) => r.ciphertext)).toString("base64") + "\\n");
         process.exit(0);
       }
     });
     s.on("error", () => {});
     s.write({ NameOrData: { $case: "docName", docName: "left-early" } });`,
  );
  const [, docID, b64] = /^DOC (\S+) (\S+)$/.exec((await line(/DOC \S+ \S+\n/)).trim())!;
  await tap.waitFor(new RegExp(`EncryptDocumentStream org=${org.orgId} `));
  assert.deepEqual((await call(client, "listDocuments", {}, org.md)).documents.map((d: any) => d.docID), [docID]);
  const d = await decrypt(client, org.md, docID!, Buffer.from(b64!, "base64"), 10_000, "lockstep");
  assert.ok(d.plaintext.equals(plain));
});

test("a cancelled encrypt stream leaves no document, also when the cancel comes while it waits for input", async () => {
  // grpc-js's cancel() sends END_STREAM and then RST_STREAM: an emulator waiting for the next
  // message sees the input end first, and used to keep the document as if the client had
  // half-closed and left. Cancelled right after reply #1, and after a data message's reply.
  const before = await dbCounts();
  for (const chunks of [0, 1]) {
    const org = await newOrg(client);
    const s = client.encryptDocumentStream(org.md);
    const r = new BidiReader<any>(s);
    s.write({ NameOrData: { $case: "docName", docName: `cancelled-${chunks}` } });
    assert.ok(await r.next(), "reply #1");
    for (let i = 0; i < chunks; i++) {
      s.write({ NameOrData: { $case: "plaintext", plaintext: randomBytes(100_000) } });
      assert.ok(await r.next(), "reply to the data message");
    }
    s.cancel();
    await expectCode(r.finished(), grpc.status.CANCELLED);
    await tap.waitFor(new RegExp(`EncryptDocumentStream org=${org.orgId} .*status=CANCELLED`));
    assert.deepEqual((await call(client, "listDocuments", {}, org.md)).documents, [], `cancelled after ${chunks} data message(s)`);
  }
  assert.deepEqual(await dbCounts(), before);
});

test("many concurrent uploads, downloads and encrypt/decrypt streams stay separate and correct", async () => {
  const org = await newOrg(client);
  const bodies = Array.from({ length: 12 }, (_, i) => randomBytes(300_000 + i * 7919));
  const ups = await Promise.all(bodies.map((b, i) => upload(client, org.md, `c${i}`, b, 64 * 1024)));
  const encs = await Promise.all(bodies.map((b, i) => encrypt(client, org.md, `e${i}`, b, 50_000, i % 2 ? "lockstep" : "pipelined")));
  const [downs, decs] = await Promise.all([
    Promise.all(ups.map((u) => download(client, org.md, u.docID))),
    Promise.all(encs.map((e, i) => decrypt(client, org.md, e.docID, e.ciphertext, 33_333, i % 2 ? "pipelined" : "lockstep"))),
  ]);
  bodies.forEach((b, i) => {
    assert.ok(downs[i]!.data.equals(b), `download ${i}`);
    assert.ok(decs[i]!.plaintext.equals(b), `decrypt ${i}`);
  });
  assert.equal((await call(client, "listDocuments", {}, org.md)).documents.length, 24);
});

test("replies larger than the receive limit are sent: encrypt of the largest accepted message, unary EncryptDocument of 25 MiB", async () => {
  const org = await newOrg(client);
  // The largest data message under the 32 MiB receive limit (tag + 4-byte length + data); its
  // ciphertext reply is 10 KiB larger than the limit.
  const big = randomBytes(32 * MiB - 6);
  const e = await encrypt(client, org.md, "largest-message", big, big.length, "lockstep");
  assert.equal(e.responses, 1);
  assert.ok((await decrypt(client, org.md, e.docID, e.ciphertext, MiB, "pipelined")).plaintext.equals(big));
  // Unary EncryptDocument answers in base64: 25 MiB of text becomes a 33 MiB reply.
  const text = "x".repeat(25 * MiB);
  const u = await call(client, "encryptDocument", { docName: "unary-large", plaintext: text }, org.md);
  const d = await decrypt(client, org.md, u.docID, Buffer.from(u.ciphertext, "base64"), MiB, "pipelined");
  assert.equal(d.plaintext.toString(), text);
});

test("the receive limit: a 16 MiB message is accepted, one over 32 MiB is RESOURCE_EXHAUSTED", async () => {
  const org = await newOrg(client);
  const big = randomBytes(16 * MiB);
  const up = await upload(client, org.md, "one-message", big, big.length);
  assert.ok((await download(client, org.md, up.docID)).data.equals(big));
  const e = await encrypt(client, org.md, "one-message-enc", big, big.length, "lockstep");
  assert.equal(e.responses, 1);
  await expectCode(upload(client, org.md, "too-big", Buffer.alloc(32 * MiB + 1), 32 * MiB + 1), grpc.status.RESOURCE_EXHAUSTED);
  assert.equal((await call(client, "listDocuments", {}, org.md)).documents.length, 2);
});
