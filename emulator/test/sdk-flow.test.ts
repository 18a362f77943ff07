// Compatibility smoke test with an independent client stack: @grpc/proto-loader + protobufjs
// loading our .proto files (as the historical Node SDK's dynamic stubs did), not the ts-proto
// code. It replays the historical SDK test flows: Java's "Bearer null" on Login, Node's lower-case
// "bearer", 1 MiB upload chunks, Go's lock-step encrypt with a trailing empty chunk and docID
// checks on every reply, Node's 10,000-byte decrypt chunks, Python's concatenation of every
// decrypt reply, share/unshare, removal, logout.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { start, TEST_SCRYPT } from "./helpers";
import type { RunningEmulator } from "../src/index";

let emu: RunningEmulator;
let client: any;

before(async () => {
  emu = await start({ scrypt: TEST_SCRYPT });
  const def = protoLoader.loadSync("strongdoc.proto", {
    includeDirs: [join(__dirname, "../../proto")],
    keepCase: true,
    longs: Number,
    defaults: true,
    oneofs: true,
  });
  const pkg = grpc.loadPackageDefinition(def) as any;
  client = new pkg.proto.StrongDocService(emu.address, grpc.credentials.createSsl(Buffer.from(emu.caPem)), {
    "grpc.ssl_target_name_override": "localhost",
  });
});
after(async () => {
  client.close();
  await emu.stop();
});

function md(value: string): grpc.Metadata {
  const m = new grpc.Metadata();
  m.set("authorization", value);
  return m;
}

function unary(method: string, req: object, meta = new grpc.Metadata()): Promise<any> {
  return new Promise((resolve, reject) => client[method](req, meta, (e: Error | null, r: any) => (e ? reject(e) : resolve(r))));
}

/** Go-style lock-step bidi: send one message, wait for exactly one reply. */
function lockstep(call: grpc.ClientDuplexStream<any, any>) {
  const replies: any[] = [];
  const waiting: ((m: any) => void)[] = [];
  let failure: Error | undefined;
  call.on("data", (m) => (waiting.length ? waiting.shift()!(m) : replies.push(m)));
  call.on("error", (e) => (failure = e));
  return {
    next: () => (replies.length ? Promise.resolve(replies.shift()) : new Promise<any>((r) => waiting.push(r))),
    done: () =>
      new Promise<void>((resolve, reject) => {
        if (failure) return reject(failure);
        call.on("status", (s: grpc.StatusObject) => (s.code === grpc.status.OK ? resolve() : reject(new Error(s.details))));
      }),
  };
}

test("historical SDK flows through an independent protobufjs-based client", async () => {
  const org = `Legacy ${Date.now()}`;
  const admin = `legacy-${Date.now()}@example.com`;
  // Java attaches its stored token even on no-auth calls: "Bearer null".
  const reg = await unary("RegisterOrganization", { orgName: org, orgEmail: admin, orgAddr: "x", userName: "Admin", password: "pw", adminEmail: admin, source: "Test Active", sourceData: "{}" }, md("Bearer null"));
  assert.deepEqual([reg.orgID, reg.userID], [org, admin]);
  const { token } = await unary("Login", { userID: admin, password: "pw", orgID: org }, md("Bearer null"));
  const auth = md(`bearer ${token}`); // Node SDK: lower-case scheme

  // Upload in 1 MiB chunks (Python/Go/Java); the single reply carries docID and byte count.
  const data = randomBytes(2.5 * 1024 * 1024);
  const up: any = await new Promise((resolve, reject) => {
    const s = client.UploadDocumentStream(auth, (e: Error | null, r: any) => (e ? reject(e) : resolve(r)));
    s.write({ docName: "legacy.bin" });
    for (let off = 0; off < data.length; off += 1 << 20) s.write({ plaintext: data.subarray(off, off + (1 << 20)) });
    s.end();
  });
  assert.equal(up.bytes, data.length);

  // Download: every reply echoes the docID (Go checks it).
  const parts: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    const s = client.DownloadDocumentStream({ docID: up.docID }, auth);
    s.on("data", (m: any) => {
      assert.equal(m.docID, up.docID);
      parts.push(m.plaintext);
    });
    s.on("error", reject);
    s.on("end", resolve);
  });
  assert.ok(Buffer.concat(parts).equals(data));

  // Go's stream encrypt: wait for #1, lock-step chunks, a final empty chunk, docID on every reply.
  const enc = client.EncryptDocumentStream(auth);
  const e = lockstep(enc);
  enc.write({ docName: "legacy-enc.txt" });
  const first = await e.next();
  assert.equal(first.ciphertext.length, 0);
  const text = Buffer.from("legacy plaintext ".repeat(5000));
  const ct: Buffer[] = [];
  for (const chunk of [text.subarray(0, 40_000), text.subarray(40_000), Buffer.alloc(0)]) {
    enc.write({ plaintext: chunk });
    const r = await e.next();
    assert.equal(r.docID, first.docID);
    ct.push(r.ciphertext);
  }
  enc.end();
  await e.done();

  // Node's decrypt: 10,000-byte chunks, lock-step, docID echo checked; Python concatenates all.
  const dec = client.DecryptDocumentStream(auth);
  const d = lockstep(dec);
  dec.write({ docID: first.docID });
  const echo = await d.next();
  assert.equal(echo.docID, first.docID);
  const out: Buffer[] = [echo.plaintext];
  const ciphertext = Buffer.concat(ct);
  for (let off = 0; off < ciphertext.length; off += 10_000) {
    dec.write({ ciphertext: ciphertext.subarray(off, off + 10_000) });
    out.push((await d.next()).plaintext);
  }
  dec.end();
  await d.done();
  assert.ok(Buffer.concat(out).equals(text));

  // Listing (both documents), sharing with a new user, unshare count, removal, logout.
  const docs = (await unary("ListDocuments", {}, auth)).documents;
  assert.deepEqual(docs.map((x: any) => x.docID).sort(), [up.docID, first.docID].sort());
  const user = `user-${Date.now()}@example.com`;
  await unary("RegisterUser", { userName: "U", password: "pw2", email: user, admin: false }, auth);
  assert.equal((await unary("ListUsers", {}, auth)).orgUsers[0].userID, admin);
  assert.equal((await unary("ShareDocument", { docID: up.docID, userID: user }, auth)).success, true);
  assert.equal((await unary("UnshareDocument", { docID: up.docID, userID: user }, auth)).count, 1);
  assert.equal((await unary("RemoveDocument", { docID: up.docID }, auth)).status, true);
  const out2 = await unary("Logout", {}, auth);
  assert.match(out2.status, /You have successfully logged out/);
  await assert.rejects(unary("ListDocuments", {}, auth), (err: grpc.ServiceError) => err.code === grpc.status.UNAUTHENTICATED);
});
