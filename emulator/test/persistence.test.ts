// Durability and encryption at rest: a restart with the same data dir keeps orgs, users, tokens,
// revocations, documents and the CA; a grep of the data dir finds no distinctive word; a wrong
// master key is refused; uploads left pending by a crash are cleaned up at start.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
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

test("uploads left pending by a crash are removed at start", async () => {
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
