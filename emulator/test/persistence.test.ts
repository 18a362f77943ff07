// Durability and encryption at rest: a restart with the same data dir keeps orgs, users, tokens,
// revocations, documents and the CA; a grep of the data dir finds no distinctive word; a wrong
// master key is refused; uploads left pending by a crash are cleaned up at start.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { X509Certificate } from "node:crypto";
import { join } from "node:path";
import { auth, call, connect, decrypt, download, encrypt, expectCode, inspectDb, newOrg, start, upload } from "./helpers";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "sd-persist-"));
}

/** Every byte of every file under `dir`. */
function allFiles(dir: string): { path: string; bytes: Buffer }[] {
  const out: { path: string; bytes: Buffer }[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...allFiles(p));
    else out.push({ path: p, bytes: readFileSync(p) });
  }
  return out;
}

function grep(dir: string, words: string[]): string[] {
  const hits: string[] = [];
  for (const { path, bytes } of allFiles(dir)) {
    for (const w of words) {
      for (const needle of [Buffer.from(w, "utf8"), Buffer.from(w, "utf16le"), Buffer.from(w.toLowerCase(), "utf8")]) {
        if (bytes.includes(needle)) hits.push(`${w} in ${path}`);
      }
    }
  }
  return hits;
}

test("a restart with the same data dir keeps everything", async () => {
  const dir = tempDir();
  try {
    let emu = await start({ dataDir: dir });
    let client = connect(emu);
    const caPem = emu.caPem;
    const org = await newOrg(client);
    const data = Buffer.from("persisted document body");
    const { docID } = await upload(client, org.md, "p.txt", data);
    const enc = await encrypt(client, org.md, "e.bin", data, 5, "pipelined");
    const { token: revoked } = await call(client, "login", { userID: org.adminId, password: org.password, orgID: org.orgId });
    await call(client, "logout", {}, auth(revoked));
    await call(client, "addSharableOrg", { newOrgID: (await newOrg(client)).orgId }, org.md);
    client.close();
    await emu.stop();

    emu = await start({ dataDir: dir });
    client = connect(emu);
    try {
      assert.equal(emu.caPem, caPem, "the CA is reused");
      // The old token is still valid (same signing secret), the revoked one is still revoked.
      const docs = (await call(client, "listDocuments", {}, org.md)).documents;
      assert.deepEqual(docs.map((d: any) => [d.docID, d.docName, d.size.toNumber()]).sort(), [
        [docID, "p.txt", data.length],
        [enc.docID, "e.bin", data.length],
      ].sort());
      await expectCode(call(client, "listDocuments", {}, auth(revoked)), grpc.status.UNAUTHENTICATED, "revoked");
      assert.ok((await download(client, org.md, docID)).data.equals(data));
      assert.ok((await decrypt(client, org.md, enc.docID, enc.ciphertext, 9, "lockstep")).plaintext.equals(data));
      await call(client, "login", { userID: org.adminId, password: org.password, orgID: org.orgId });
      assert.equal((await call(client, "getAccountInfo", {}, org.md)).sharableOrgs.length, 1);
    } finally {
      client.close();
      await emu.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a grep of the data dir finds no distinctive word (while running and after stop)", async () => {
  const dir = tempDir();
  try {
    const emu = await start({ dataDir: dir });
    const client = connect(emu);
    const words = ["Xylophonically", "Quetzalcoatlus", "Zanzibarian"];
    const org = await newOrg(client, { orgAddr: "Zanzibarian Avenue 7" });
    const body = Buffer.from(`Top secret: ${words[0]} plans. `.repeat(50_000));
    await upload(client, org.md, "plans.txt", body);
    await encrypt(client, org.md, "notes.txt", Buffer.from(`${words[1]} field notes`), 1024, "lockstep");
    await call(client, "uploadDocument", { docName: "small.txt", plaintext: `${words[1]} again` }, org.md);
    assert.deepEqual(grep(dir, [...words, org.adminId, org.orgId]), []);
    client.close();
    await emu.stop();
    assert.deepEqual(grep(dir, [...words, org.adminId, org.orgId]), []);
    // Sanity check of the grep itself: the CA file is found by its own content.
    assert.equal(grep(dir, ["BEGIN CERTIFICATE"]).length > 0, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a master key from the environment/option is used and never written; a wrong key is refused", async () => {
  const dir = tempDir();
  try {
    const key = "11".repeat(32);
    const emu = await start({ dataDir: dir, masterKey: key });
    const client = connect(emu);
    const org = await newOrg(client);
    client.close();
    await emu.stop();
    assert.equal(existsSync(join(dir, "master.key")), false);
    await assert.rejects(start({ dataDir: dir, masterKey: "22".repeat(32) }), /master key does not match/);
    const again = await start({ dataDir: dir, masterKey: key });
    const c2 = connect(again);
    await call(c2, "login", { userID: org.adminId, password: org.password, orgID: org.orgId });
    c2.close();
    await again.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("uploads left pending by a crash (rows and body files) are removed at start", async () => {
  const dir = tempDir();
  try {
    let emu = await start({ dataDir: dir });
    let client = connect(emu);
    const org = await newOrg(client);
    const { docID } = await upload(client, org.md, "kept", Buffer.from("kept"));
    client.close();
    await emu.stop();
    // Simulate a crash mid-upload: a pending row with chunks.
    await inspectDb(dir, (db) => {
      db.prepare(
        `INSERT INTO documents(doc_id, org_id, owner_id, name, size, stored, created_at, state, wrapped_key)
         VALUES ('crashed', ?, ?, 'half', 0, 1, 0, 'pending', x'00')`,
      ).run(org.orgId, org.adminId);
      db.prepare("INSERT INTO doc_chunks(doc_id, seq, data) VALUES ('crashed', 0, x'0102')").run();
    });
    // ... and the half-written body file of another upload whose row never got written.
    const orphan = join(dir, "blobs", "00000000-0000-0000-0000-000000000000.blob");
    writeFileSync(orphan, Buffer.alloc(100));
    emu = await start({ dataDir: dir });
    client = connect(emu);
    assert.deepEqual((await call(client, "listDocuments", {}, org.md)).documents.map((d: any) => d.docID), [docID]);
    client.close();
    await emu.stop();
    const left = await inspectDb(dir, (db) => ({
      docs: db.prepare("SELECT doc_id FROM documents").all().map((r: any) => r.doc_id),
      chunks: (db.prepare("SELECT count(*) n FROM doc_chunks WHERE doc_id = 'crashed'").get() as any).n,
    }));
    assert.deepEqual(left, { docs: [docID], chunks: 0 });
    assert.deepEqual(readdirSync(join(dir, "blobs")), [`${docID}.blob`]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("without a data dir, a temporary one is used and removed on stop", async () => {
  const emu = await start();
  assert.equal(emu.temporary, true);
  assert.ok(existsSync(join(emu.dataDir, "ca.pem")));
  assert.equal(readFileSync(emu.caFile, "utf8"), emu.caPem);
  await emu.stop();
  assert.equal(existsSync(emu.dataDir), false);
});

test("insecure mode serves plaintext HTTP/2", async () => {
  const emu = await start({ insecure: true });
  const client = connect(emu);
  try {
    assert.equal(emu.caPem, "");
    await newOrg(client);
  } finally {
    client.close();
    await emu.stop();
  }
});

test("a supplied certificate/key pair is served, and its file is the CA file clients get", async () => {
  const dir = tempDir();
  try {
    const { generate } = await import("selfsigned");
    const pems = await generate([{ name: "commonName", value: "localhost" }], {
      keyType: "ec",
      algorithm: "sha256",
      extensions: [
        { name: "basicConstraints", cA: true },
        { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }, { type: 7, ip: "127.0.0.1" }] },
      ],
    });
    const certFile = join(dir, "my.pem");
    const keyFile = join(dir, "my-key.pem");
    writeFileSync(certFile, pems.cert);
    writeFileSync(keyFile, pems.private);
    const emu = await start({ tlsCert: certFile, tlsKey: keyFile });
    const client = connect(emu);
    try {
      assert.equal(emu.caFile, certFile);
      assert.equal(emu.caPem, pems.cert);
      await newOrg(client);
      assert.equal(existsSync(join(emu.dataDir, "ca.pem")), false, "no CA is minted when a certificate is given");
    } finally {
      client.close();
      await emu.stop();
    }
    await assert.rejects(start({ tlsCert: certFile }), /tlsCert and tlsKey/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("listens on IPv6 loopback too (the certificate has IP ::1)", async (t) => {
  let emu;
  try {
    emu = await start({ host: "::1" });
  } catch (e) {
    t.skip(`no IPv6 loopback here: ${(e as Error).message}`);
    return;
  }
  const client = connect(emu);
  try {
    assert.match(emu.address, /^\[::1\]:\d+$/);
    await newOrg(client);
  } finally {
    client.close();
    await emu.stop();
  }
});

test("the minted server certificate is issued by ca.pem with SANs localhost, 127.0.0.1 and ::1", async () => {
  const emu = await start();
  try {
    const server = new X509Certificate(readFileSync(join(emu.dataDir, "server.pem")));
    const ca = new X509Certificate(emu.caPem);
    assert.ok(server.checkIssued(ca) && server.verify(ca.publicKey), "signed by the CA");
    assert.equal(ca.ca, true);
    assert.equal(server.ca, false);
    assert.ok(server.checkHost("localhost"));
    assert.ok(server.checkIP("127.0.0.1"));
    assert.ok(server.checkIP("::1"));
    // A client that verifies the host name for real (no override) connects via "localhost".
    const C = grpc.makeGenericClientConstructor({}, "S");
    const c = new C(`localhost:${emu.port}`, grpc.credentials.createSsl(Buffer.from(emu.caPem)));
    await new Promise<void>((resolve, reject) => c.waitForReady(Date.now() + 10_000, (e) => (e ? reject(e) : resolve())));
    c.close();
  } finally {
    await emu.stop();
  }
});

test("a body file altered on disk is refused with DATA_LOSS, never returned", async () => {
  const dir = tempDir();
  try {
    const emu = await start({ dataDir: dir });
    const client = connect(emu);
    try {
      const org = await newOrg(client);
      const { docID } = await upload(client, org.md, "x", Buffer.from("intact body ".repeat(1000)));
      const file = join(dir, "blobs", `${docID}.blob`);
      const bytes = readFileSync(file);
      bytes[100]! ^= 0x01;
      writeFileSync(file, bytes);
      await expectCode(download(client, org.md, docID), grpc.status.DATA_LOSS, "failed authentication");
      writeFileSync(file, bytes.subarray(0, 50));
      await expectCode(download(client, org.md, docID), grpc.status.DATA_LOSS, "truncated");
    } finally {
      client.close();
      await emu.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("one emulator per data dir: a second one is refused; the lock goes with stop() or a dead owner", async () => {
  const dir = tempDir();
  try {
    const first = await start({ dataDir: dir });
    await assert.rejects(start({ dataDir: dir }), /already in use/);
    await first.stop();
    // A lock left by a process that no longer exists is taken over.
    writeFileSync(join(dir, "emulator.lock"), "999999999\n");
    const second = await start({ dataDir: dir });
    await second.stop();
    assert.equal(existsSync(join(dir, "emulator.lock")), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
