// The stream protocol rules the client enforces, against a small, deliberately unusual (and in
// places misbehaving) real gRPC server on 127.0.0.1:0: data only after response #1, data in
// response #1 kept, any number of responses per request, draining until the server closes, and
// the docID echo checks.
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import Long from "long";
import { StrongDocServiceService, type StrongDocServiceServer } from "../generated/strongdoc";
import type { DecryptDocStreamReq, EncryptDocStreamReq } from "../generated/documentNoStore";
import { createClient, StrongDocError, type StrongDocClient } from "../src/index";
import { randomSource } from "./helpers/streams";

let server: grpc.Server;
let sd: StrongDocClient;
/** What the encrypt handler observed about message order. */
const seen = { dataBeforeFirstResponse: false };
/** How many times the unary handlers were called. */
const attempts = { listDocuments: 0, removeDocument: 0 };

const handlers: Partial<StrongDocServiceServer> = {
  // Delays response #1, checks no data arrives before it, puts data in #1, answers each chunk with
  // two responses, and sends a trailing response after the client half-closes.
  encryptDocumentStream(call) {
    let firstSent = false;
    call.on("data", (req: EncryptDocStreamReq) => {
      const m = req.NameOrData;
      if (m?.$case === "docName") {
        setTimeout(() => {
          firstSent = true;
          call.write({ docID: "enc-1", ciphertext: Buffer.from("HEAD|") });
        }, 200);
      } else if (m?.$case === "plaintext") {
        if (!firstSent) seen.dataBeforeFirstResponse = true;
        const upper = Buffer.from(m.plaintext.toString("latin1").toUpperCase(), "latin1");
        const half = Math.floor(upper.length / 2);
        call.write({ docID: "enc-1", ciphertext: upper.subarray(0, half) });
        call.write({ docID: "", ciphertext: upper.subarray(half) });
      }
    });
    call.on("end", () => {
      setTimeout(() => {
        call.write({ docID: "enc-1", ciphertext: Buffer.from("|TAIL") });
        call.end();
      }, 100);
    });
  },
  // Echoes a docID other than the one asked for when it starts with "wrong", else keeps data in
  // response #1 and echoes correctly.
  decryptDocumentStream(call) {
    call.on("data", (req: DecryptDocStreamReq) => {
      const m = req.IdOrData;
      if (m?.$case === "docID") {
        const echo = m.docID.startsWith("wrong") ? "someone-else" : m.docID;
        call.write({ docID: echo, plaintext: Buffer.from("first|") });
      } else if (m?.$case === "ciphertext") {
        call.write({ docID: "", plaintext: m.ciphertext });
      }
    });
    call.on("end", () => call.end());
  },
  // Sends one good chunk, then one for another document when asked for "switch".
  downloadDocumentStream(call) {
    const docID = call.request.docID;
    call.write({ docID, plaintext: Buffer.from("good chunk") });
    if (docID === "switch") call.write({ docID: "other", plaintext: Buffer.from("bad chunk") });
    call.end();
  },
  // Fails twice with UNAVAILABLE, then answers; with token "huge", a size above 2^53.
  listDocuments(call, callback) {
    attempts.listDocuments++;
    if (attempts.listDocuments <= 2) return callback({ code: grpc.status.UNAVAILABLE, details: "warming up" });
    const huge = call.metadata.get("authorization")[0] === "Bearer huge";
    const size = huge ? Long.fromString("9007199254740993", true) : Long.fromNumber(5, true);
    callback(null, { documents: [{ docID: "d1", docName: "n", size }] });
  },
  // Always UNAVAILABLE: a write, so the client must not retry it.
  removeDocument(_call, callback) {
    attempts.removeDocument++;
    callback({ code: grpc.status.UNAVAILABLE, details: "down" });
  },
  // Answers as soon as the name arrives, before the content.
  uploadDocumentStream(call, callback) {
    call.once("data", () => callback(null, { docID: "early", bytes: 0 as never }));
  },
};

before(async () => {
  server = new grpc.Server();
  server.addService(StrongDocServiceService, handlers as StrongDocServiceServer);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  sd = createClient({ host: "127.0.0.1", port, insecure: true });
});
after(() => {
  sd.close();
  server.forceShutdown();
});

function collector() {
  const chunks: Buffer[] = [];
  let calls = 0;
  const stream = new Writable({
    write(chunk: Buffer, _e, cb) {
      chunks.push(chunk);
      cb();
    },
  });
  const write = stream.write.bind(stream);
  stream.write = ((...args: Parameters<Writable["write"]>) => (calls++, write(...args))) as Writable["write"];
  return { stream, text: () => Buffer.concat(chunks).toString("latin1"), calls: () => calls };
}

const isInternal = (err: unknown) => err instanceof StrongDocError && err.codeName === "INTERNAL";

describe("stream protocol", () => {
  test("encrypt: waits for response #1, keeps its data, takes any number of responses, drains to the end", async () => {
    const { docId, ciphertext } = await sd.document.encryptDocument("t", "n", Buffer.from("hello world"));
    assert.equal(docId, "enc-1");
    assert.equal(ciphertext.toString("latin1"), "HEAD|HELLO WORLD|TAIL");
    assert.equal(seen.dataBeforeFirstResponse, false, "no data was sent before response #1");
  });

  test("decrypt: data in response #1 is kept", async () => {
    assert.equal((await sd.document.decryptDocument("t", "doc-9", Buffer.from("abc"))).toString(), "first|abc");
  });

  test("decrypt: a wrong docID echo rejects (INTERNAL) and nothing reaches the output", async () => {
    const out = collector();
    await assert.rejects(sd.document.decryptDocumentStream("t", "wrong-doc", Buffer.from("abc"), out.stream), isInternal);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(out.calls(), 0);
  });

  test("download: a response for another document rejects after the good data, nothing after", async () => {
    const out = collector();
    await assert.rejects(sd.document.downloadDocumentStream("t", "switch", out.stream), isInternal);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(out.text(), "good chunk");
    assert.equal((await sd.document.downloadDocument("t", "plain")).toString(), "good chunk");
  });

  test("upload: a server that answers before the content is sent is a protocol error", async () => {
    await assert.rejects(sd.document.uploadDocument("t", "n", randomSource(64 * 1024 * 1024).stream), isInternal);
  });
});

describe("unary policy", () => {
  test("idempotent reads are retried on UNAVAILABLE; writes are not", async () => {
    const docs = await sd.document.listDocuments("t");
    assert.deepEqual(docs, [{ docId: "d1", docName: "n", size: 5 }]);
    assert.equal(attempts.listDocuments, 3);
    await assert.rejects(sd.document.removeDocument("t", "d1"), (e) => e instanceof StrongDocError && e.codeName === "UNAVAILABLE");
    assert.equal(attempts.removeDocument, 1);
  });

  test("a 64-bit size above 2^53 is a RangeError, not a rounded number", async () => {
    await assert.rejects(sd.document.listDocuments("huge"), RangeError);
  });
});
