// Strict UTF-8 in protobuf string fields, over real gRPC with a client that sends raw bytes: a
// string field that is not valid UTF-8 is refused with INVALID_ARGUMENT naming the field (unary,
// streaming, repeated, unauthenticated RPCs) instead of being stored with U+FFFD substituted;
// valid text (a real U+FFFD included) and arbitrary bytes in `bytes` fields still pass.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { UploadDocReq, UploadDocStreamReq } from "../../generated/document";
import { RegisterOrganizationReq } from "../../generated/accounts";
import { call, connect, newOrg, rawClient, start, type Client } from "./helpers";
import type { RunningEmulator } from "../src/index";

const SERVICE = "/proto.StrongDocService/";
const id = (b: Buffer) => b;

/** A length-delimited protobuf field (field number `no`, wire type 2) holding `bytes` as is. */
function field(no: number, bytes: Buffer): Buffer {
  const len: number[] = [];
  for (let n = bytes.length; ; n >>>= 7) {
    if (n < 0x80) {
      len.push(n);
      break;
    }
    len.push((n & 0x7f) | 0x80);
  }
  return Buffer.concat([Buffer.from([(no << 3) | 2, ...len]), bytes]);
}

const BAD = Buffer.from([0x6e, 0xff, 0x6d]); // "n", an invalid byte, "m"

describe("strict UTF-8 in string fields (raw bytes over gRPC)", () => {
  let emu: RunningEmulator;
  let client: Client;
  let raw: grpc.Client;
  let org: Awaited<ReturnType<typeof newOrg>>;

  const unary = (method: string, bytes: Buffer, md = new grpc.Metadata()) =>
    new Promise<{ code: grpc.status; details: string; res?: Buffer }>((resolve) => {
      raw.makeUnaryRequest(SERVICE + method, id, id, bytes, md, (err, res) =>
        resolve(err ? { code: err.code, details: err.details } : { code: grpc.status.OK, details: "", res }),
      );
    });
  const uploadStream = (messages: Buffer[], md: grpc.Metadata) =>
    new Promise<{ code: grpc.status; details: string }>((resolve) => {
      const s = raw.makeClientStreamRequest(SERVICE + "UploadDocumentStream", id, id, md, (err) =>
        resolve(err ? { code: err.code, details: err.details } : { code: grpc.status.OK, details: "" }),
      );
      for (const m of messages) s.write(m);
      s.end();
    });
  const names = async () => ((await call(client, "listDocuments", {}, org.md)).documents as { docName: string }[]).map((d) => d.docName);

  before(async () => {
    emu = await start();
    client = connect(emu);
    raw = rawClient(emu);
    org = await newOrg(client);
  });
  after(async () => {
    raw.close();
    client.close();
    await emu.stop();
  });

  it("refuses an invalid-UTF-8 docName in UploadDocument, naming the field, and stores nothing", async () => {
    const bytes = Buffer.concat([field(1, BAD), field(2, Buffer.from("hello"))]);
    const r = await unary("UploadDocument", bytes, org.md);
    assert.equal(r.code, grpc.status.INVALID_ARGUMENT, r.details);
    assert.match(r.details, /^docName: .*UTF-8/);
    const body = await unary("UploadDocument", Buffer.concat([field(1, Buffer.from("ok.txt")), field(2, Buffer.from([0x61, 0xc3]))]), org.md);
    assert.equal(body.code, grpc.status.INVALID_ARGUMENT);
    assert.match(body.details, /^plaintext: /, "the unary plaintext is a proto string too");
    assert.deepEqual(await names(), []);
  });

  it("refuses an invalid-UTF-8 docName in UploadDocumentStream, and stores nothing", async () => {
    const data = Buffer.from(UploadDocStreamReq.encode({ NameOrData: { $case: "plaintext", plaintext: Buffer.from("data") } }).finish());
    const r = await uploadStream([field(1, BAD), data], org.md);
    assert.equal(r.code, grpc.status.INVALID_ARGUMENT, r.details);
    assert.match(r.details, /^docName: /);
    assert.deepEqual(await names(), []);
  });

  it("keeps valid text exactly (a real U+FFFD included) and any bytes in bytes fields", async () => {
    const name = "n\uFFFDm née ✓ 日本.txt";
    const ok = await unary("UploadDocument", Buffer.from(UploadDocReq.encode({ docName: name, plaintext: "text" }).finish()), org.md);
    assert.equal(ok.code, grpc.status.OK, ok.details);
    const binary = Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28, 0xed, 0xa0, 0x80]); // not UTF-8: fine in a bytes field
    const enc = (m: UploadDocStreamReq) => Buffer.from(UploadDocStreamReq.encode(m).finish());
    const s = await uploadStream(
      [enc({ NameOrData: { $case: "docName", docName: "bin.dat" } }), enc({ NameOrData: { $case: "plaintext", plaintext: binary } })],
      org.md,
    );
    assert.equal(s.code, grpc.status.OK, s.details);
    assert.deepEqual((await names()).sort(), ["bin.dat", name].sort());
  });

  it("names repeated fields and checks unauthenticated RPCs too", async () => {
    const valid = Buffer.from(
      RegisterOrganizationReq.encode(
        RegisterOrganizationReq.fromPartial({ orgName: "utf8-org", adminEmail: "a@utf8.example", password: "pw", userName: "A", sharableOrgs: [org.orgId] }),
      ).finish(),
    );
    const r = await unary("RegisterOrganization", Buffer.concat([valid, field(7, BAD)]));
    assert.equal(r.code, grpc.status.INVALID_ARGUMENT, r.details);
    assert.match(r.details, /^sharableOrgs\[1\]: /);
    const login = await unary("Login", Buffer.concat([field(1, Buffer.from([0x61, 0xe2, 0x82])), field(2, Buffer.from("pw"))]));
    assert.equal(login.code, grpc.status.INVALID_ARGUMENT, login.details);
    assert.match(login.details, /^userID: /);
    // Overlong encodings and encoded surrogates are invalid UTF-8 as well.
    for (const bad of [Buffer.from([0xc0, 0xaf]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80])]) {
      const x = await unary("UploadDocument", Buffer.concat([field(1, bad), field(2, Buffer.from("x"))]), org.md);
      assert.equal(x.code, grpc.status.INVALID_ARGUMENT, bad.toString("hex"));
    }
  });
});
