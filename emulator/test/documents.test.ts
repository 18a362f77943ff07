// Document RPCs other than the stream framing: listing and visibility, removal rights, the unary
// string-field RPCs, sharing within and across organizations (sharable list, multi-level
// sharing, unshare counts, immediate loss of access), and the same-name upload policy.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import { call, connect, decrypt, download, encrypt, expectCode, newOrg, newUser, start, upload, useEmulator } from "./helpers";

const S = grpc.status;
const fx = useEmulator();

const ids = async (md: grpc.Metadata) => (await call(fx.client, "listDocuments", {}, md)).documents.map((d: any) => d.docID).sort();

describe("listing and removal", () => {
  test("admins see every org document, users their own plus what is shared with them", async () => {
    const org = await newOrg(fx.client);
    const a = await newUser(fx.client, org.md, org.orgId);
    const b = await newUser(fx.client, org.md, org.orgId);
    const da = (await upload(fx.client, a.md, "a.txt", Buffer.from("from a"))).docID;
    const db = (await upload(fx.client, b.md, "b.txt", Buffer.from("from b"))).docID;
    const dadmin = (await encrypt(fx.client, org.md, "admin.bin", Buffer.from("admin"), 1024, "lockstep")).docID;
    assert.deepEqual(await ids(org.md), [da, db, dadmin].sort());
    assert.deepEqual(await ids(a.md), [da]);
    assert.deepEqual(await ids(b.md), [db]);
    await expectCode(download(fx.client, a.md, db), S.NOT_FOUND);
  });

  test("RemoveDocument: owner and admin may, a sharee may not, a stranger sees nothing", async () => {
    const org = await newOrg(fx.client);
    const a = await newUser(fx.client, org.md, org.orgId);
    const b = await newUser(fx.client, org.md, org.orgId);
    const d1 = (await upload(fx.client, a.md, "1", Buffer.from("one"))).docID;
    const d2 = (await upload(fx.client, a.md, "2", Buffer.from("two"))).docID;
    await expectCode(call(fx.client, "removeDocument", { docID: d1 }, b.md), S.NOT_FOUND, "docID");
    await call(fx.client, "shareDocument", { docID: d1, userID: b.userId }, a.md);
    await expectCode(call(fx.client, "removeDocument", { docID: d1 }, b.md), S.PERMISSION_DENIED, "docID");
    assert.deepEqual(await call(fx.client, "removeDocument", { docID: d1 }, a.md), { status: true });
    assert.deepEqual(await call(fx.client, "removeDocument", { docID: d2 }, org.md), { status: true });
    // Removed for everyone, the sharee included; a second removal is NOT_FOUND.
    await expectCode(download(fx.client, b.md, d1), S.NOT_FOUND);
    assert.deepEqual(await ids(b.md), []);
    await expectCode(call(fx.client, "removeDocument", { docID: d1 }, a.md), S.NOT_FOUND, "docID");
    await expectCode(call(fx.client, "removeDocument", { docID: "" }, a.md), S.INVALID_ARGUMENT, "docID");
  });
});

describe("unary string-field RPCs", () => {
  test("UploadDocument / DownloadDocument carry UTF-8 text", async () => {
    const org = await newOrg(fx.client);
    const text = "Grüße, 世界 — emoji 🎉";
    const { docID } = await call(fx.client, "uploadDocument", { docName: "t.txt", plaintext: text }, org.md);
    assert.deepEqual(await call(fx.client, "downloadDocument", { docID }, org.md), { docID, plaintext: text });
    assert.ok((await download(fx.client, org.md, docID)).data.equals(Buffer.from(text)));
    await expectCode(call(fx.client, "uploadDocument", { docName: "", plaintext: "x" }, org.md), S.INVALID_ARGUMENT, "docName");
    await expectCode(call(fx.client, "downloadDocument", { docID: "missing" }, org.md), S.NOT_FOUND, "docID");
    // Binary content cannot travel in a string field.
    const bin = (await upload(fx.client, org.md, "b", Buffer.from([0xff, 0xfe, 0x00, 0x80]))).docID;
    await expectCode(call(fx.client, "downloadDocument", { docID: bin }, org.md), S.FAILED_PRECONDITION, "UTF-8");
  });

  test("EncryptDocument / DecryptDocument: base64 ciphertext, same format as the stream", async () => {
    const org = await newOrg(fx.client);
    const text = "a secret note";
    const enc = await call(fx.client, "encryptDocument", { docName: "n", plaintext: text }, org.md);
    assert.match(enc.ciphertext, /^[A-Za-z0-9+/]+=*$/);
    assert.ok(!Buffer.from(enc.ciphertext, "base64").includes(Buffer.from(text)));
    assert.deepEqual(await call(fx.client, "decryptDocument", { docID: enc.docID, ciphertext: enc.ciphertext }, org.md), { docID: enc.docID, plaintext: text });
    const viaStream = await decrypt(fx.client, org.md, enc.docID, Buffer.from(enc.ciphertext, "base64"), 5, "lockstep");
    assert.equal(viaStream.plaintext.toString(), text);
    await expectCode(call(fx.client, "decryptDocument", { docID: enc.docID, ciphertext: "!!not base64!!" }, org.md), S.INVALID_ARGUMENT, "ciphertext");
    const tampered = Buffer.from(enc.ciphertext, "base64");
    tampered[tampered.length - 1]! ^= 1;
    await expectCode(call(fx.client, "decryptDocument", { docID: enc.docID, ciphertext: tampered.toString("base64") }, org.md), S.INVALID_ARGUMENT, "authentication");
    const other = await call(fx.client, "encryptDocument", { docName: "m", plaintext: text }, org.md);
    await expectCode(call(fx.client, "decryptDocument", { docID: other.docID, ciphertext: enc.ciphertext }, org.md), S.INVALID_ARGUMENT, "authentication");
    await expectCode(call(fx.client, "downloadDocument", { docID: enc.docID }, org.md), S.FAILED_PRECONDITION, "not stored");
  });
});

describe("sharing", () => {
  test("same-org share: sharee lists, downloads and decrypts; unshare returns the count and cuts access at once", async () => {
    const org = await newOrg(fx.client);
    const a = await newUser(fx.client, org.md, org.orgId);
    const b = await newUser(fx.client, org.md, org.orgId);
    const data = Buffer.from("shared content");
    const up = (await upload(fx.client, a.md, "s.txt", data)).docID;
    const enc = await encrypt(fx.client, a.md, "e.bin", data, 4, "pipelined");
    for (const docID of [up, enc.docID]) {
      assert.deepEqual(await call(fx.client, "shareDocument", { docID, userID: b.userId }, a.md), { success: true });
      assert.deepEqual(await call(fx.client, "shareDocument", { docID, userID: b.userId }, a.md), { success: true });
    }
    assert.deepEqual(await ids(b.md), [up, enc.docID].sort());
    assert.ok((await download(fx.client, b.md, up)).data.equals(data));
    assert.ok((await decrypt(fx.client, b.md, enc.docID, enc.ciphertext, 7, "lockstep")).plaintext.equals(data));
    const un = await call(fx.client, "unshareDocument", { docID: up, userID: b.userId }, a.md);
    assert.equal(un.count.toNumber(), 1);
    await expectCode(download(fx.client, b.md, up), S.NOT_FOUND);
    assert.deepEqual(await ids(b.md), [enc.docID]);
    assert.equal((await call(fx.client, "unshareDocument", { docID: up, userID: b.userId }, a.md)).count.toNumber(), 0);
  });

  test("cross-org sharing needs the sharee's org on the sharable list", async () => {
    const a = await newOrg(fx.client);
    const b = await newOrg(fx.client);
    const { docID } = await upload(fx.client, a.md, "x", Buffer.from("cross"));
    await expectCode(call(fx.client, "shareDocument", { docID, userID: b.adminId }, a.md), S.PERMISSION_DENIED, "AddSharableOrg");
    await call(fx.client, "addSharableOrg", { newOrgID: b.orgId }, a.md);
    await call(fx.client, "shareDocument", { docID, userID: b.adminId }, a.md);
    assert.deepEqual(await ids(b.md), [docID]);
    assert.equal((await download(fx.client, b.md, docID)).data.toString(), "cross");
    // The sharee in the other org can neither remove nor re-share it (multi-level sharing is off).
    await expectCode(call(fx.client, "removeDocument", { docID }, b.md), S.PERMISSION_DENIED);
    const c = await newUser(fx.client, b.md, b.orgId);
    await expectCode(call(fx.client, "shareDocument", { docID, userID: c.userId }, b.md), S.PERMISSION_DENIED, "multi-level");
    assert.equal((await call(fx.client, "unshareDocument", { docID, userID: b.adminId }, a.md)).count.toNumber(), 1);
    assert.deepEqual(await ids(b.md), []);
  });

  test("multi-level sharing lets a sharee re-share; the owner's removal removes it for all", async () => {
    const org = await newOrg(fx.client);
    const a = await newUser(fx.client, org.md, org.orgId);
    const b = await newUser(fx.client, org.md, org.orgId);
    const c = await newUser(fx.client, org.md, org.orgId);
    const { docID } = await upload(fx.client, a.md, "ml", Buffer.from("multi"));
    await call(fx.client, "shareDocument", { docID, userID: b.userId }, a.md);
    await expectCode(call(fx.client, "shareDocument", { docID, userID: c.userId }, b.md), S.PERMISSION_DENIED, "multi-level");
    await call(fx.client, "setMultiLevelSharing", { enable: true }, org.md);
    await call(fx.client, "shareDocument", { docID, userID: c.userId }, b.md);
    assert.deepEqual(await ids(c.md), [docID]);
    await call(fx.client, "removeDocument", { docID }, a.md);
    assert.deepEqual(await ids(b.md), []);
    assert.deepEqual(await ids(c.md), []);
  });

  test("share errors: unknown document, unknown user, empty fields", async () => {
    const org = await newOrg(fx.client);
    const { docID } = await upload(fx.client, org.md, "d", Buffer.from("d"));
    await expectCode(call(fx.client, "shareDocument", { docID: "nope", userID: org.adminId }, org.md), S.NOT_FOUND, "docID");
    await expectCode(call(fx.client, "shareDocument", { docID, userID: "ghost@example.com" }, org.md), S.NOT_FOUND, "userID");
    await expectCode(call(fx.client, "shareDocument", { docID, userID: "" }, org.md), S.INVALID_ARGUMENT, "userID");
    await expectCode(call(fx.client, "unshareDocument", { docID: "", userID: org.adminId }, org.md), S.INVALID_ARGUMENT, "docID");
    await expectCode(call(fx.client, "unshareDocument", { docID, userID: "ghost@example.com" }, org.md), S.NOT_FOUND, "userID");
  });
});

describe("same-name uploads", () => {
  test('default "new": each upload is a new document', async () => {
    const org = await newOrg(fx.client);
    const first = (await upload(fx.client, org.md, "same.txt", Buffer.from("v1"))).docID;
    const second = (await upload(fx.client, org.md, "same.txt", Buffer.from("v2"))).docID;
    assert.notEqual(first, second);
    assert.deepEqual(await ids(org.md), [first, second].sort());
  });

  test('"replace": a new upload replaces the caller\'s earlier stored document of that name', async () => {
    const other = await start({ sameNameUpload: "replace" });
    const c = connect(other);
    try {
      const org = await newOrg(c);
      const first = (await upload(c, org.md, "same.txt", Buffer.from("v1"))).docID;
      const second = (await upload(c, org.md, "same.txt", Buffer.from("v2"))).docID;
      const docs = (await call(c, "listDocuments", {}, org.md)).documents;
      assert.deepEqual(docs.map((d: any) => [d.docID, d.docName]), [[second, "same.txt"]]);
      await expectCode(download(c, org.md, first), S.NOT_FOUND);
      assert.equal((await download(c, org.md, second)).data.toString(), "v2");
    } finally {
      c.close();
      await other.stop();
    }
  });
});
