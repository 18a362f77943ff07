// The two streaming baselines the facade is compared with, written straight against grpc-js:
// `raw` (pipelined, back-pressured, nothing but sending and receiving: the transport ceiling) and
// `lockstep` (the historical Go/Node protocol: one chunk, then wait for its reply).
import { once } from "node:events";
import type { Readable, Writable } from "node:stream";
import type * as grpc from "@grpc/grpc-js";
import { bearer, type RawClient } from "./grpc";

/** Bytes moved by one streaming call, and the document it made or read. */
export interface StreamOutcome {
  docId: string;
  bytesIn: number;
  bytesOut: number;
}

/** Resolves with `value` once `cb`-style write completes; rejects on a write error. */
function writeAwaited<T>(call: grpc.ClientWritableStream<T>, msg: T): Promise<void> {
  return new Promise((resolve, reject) => call.write(msg, (err?: Error | null) => (err ? reject(err) : resolve())));
}

/** Writes `msg`; if the call's buffer is full, waits for 'drain' (back-pressure). */
async function writeBackpressured<T>(call: grpc.ClientWritableStream<T>, msg: T): Promise<void> {
  if (!call.write(msg)) await once(call, "drain");
}

/**
 * Client-streaming upload. `lockstep` awaits each message's write callback before the next one
 * (the upload has a single reply, so this is the closest thing to lock-step; see bench/README.md).
 */
export function uploadRaw(client: RawClient, token: string, name: string, src: Readable, lockstep: boolean): Promise<StreamOutcome> {
  return new Promise((resolve, reject) => {
    let bytesOut = 0;
    const call = client.uploadDocumentStream(bearer(token), (err, resp) =>
      err ? reject(err) : resolve({ docId: resp!.docID, bytesIn: 0, bytesOut }),
    );
    const send = lockstep ? writeAwaited : writeBackpressured;
    (async () => {
      await send(call, { NameOrData: { $case: "docName", docName: name } });
      for await (const chunk of src as AsyncIterable<Buffer>) {
        bytesOut += chunk.length;
        await send(call, { NameOrData: { $case: "plaintext", plaintext: chunk } });
      }
      call.end();
    })().catch((e) => {
      call.cancel();
      reject(e);
    });
  });
}

/**
 * Server-streaming download into `sink` (or just counted). `serial` pauses after every message
 * until the sink's write callback fires, i.e. a consumer that never overlaps receive and write.
 */
export function downloadRaw(client: RawClient, token: string, docId: string, serial: boolean, sink?: Writable): Promise<StreamOutcome> {
  return new Promise((resolve, reject) => {
    let bytesIn = 0;
    const call = client.downloadDocumentStream({ docID: docId }, bearer(token));
    call.on("data", (m: { plaintext: Buffer }) => {
      bytesIn += m.plaintext.length;
      if (serial && sink) {
        call.pause();
        sink.write(m.plaintext, () => call.resume());
      } else if (sink) sink.write(m.plaintext);
    });
    call.on("error", reject);
    call.on("end", () => resolve({ docId, bytesIn, bytesOut: 0 }));
  });
}

/** What differs between the encrypt and decrypt bidi streams. */
interface BidiKind<Req, Resp> {
  open(client: RawClient, md: grpc.Metadata): grpc.ClientDuplexStream<Req, Resp>;
  first(key: string): Req;
  data(chunk: Buffer): Req;
  docIdOf(resp: Resp): string;
  payloadOf(resp: Resp): Buffer;
}

type EncReq = { NameOrData: { $case: "docName"; docName: string } | { $case: "plaintext"; plaintext: Buffer } };
type EncResp = { docID: string; ciphertext: Buffer };
type DecReq = { IdOrData: { $case: "docID"; docID: string } | { $case: "ciphertext"; ciphertext: Buffer } };
type DecResp = { docID: string; plaintext: Buffer };

/** EncryptDocumentStream: name first, responses carry ciphertext. */
export const ENCRYPT: BidiKind<EncReq, EncResp> = {
  open: (c, md) => c.encryptDocumentStream(md),
  first: (docName) => ({ NameOrData: { $case: "docName", docName } }),
  data: (plaintext) => ({ NameOrData: { $case: "plaintext", plaintext } }),
  docIdOf: (r) => r.docID,
  payloadOf: (r) => r.ciphertext,
};

/** DecryptDocumentStream: docID first, responses carry plaintext. */
export const DECRYPT: BidiKind<DecReq, DecResp> = {
  open: (c, md) => c.decryptDocumentStream(md),
  first: (docID) => ({ IdOrData: { $case: "docID", docID } }),
  data: (ciphertext) => ({ IdOrData: { $case: "ciphertext", ciphertext } }),
  docIdOf: (r) => r.docID,
  payloadOf: (r) => r.plaintext,
};

/**
 * A bidi encrypt/decrypt stream: send the name/docID, wait for response #1, then send `src`.
 * Pipelined (`lockstep: false`): write with back-pressure while responses are read concurrently.
 * Lock-step: after each chunk, wait for its one response before sending the next.
 * Payload bytes go to `sink` when given (with back-pressure on the call), else are only counted.
 */
export function bidiRaw<Req, Resp>(
  kind: BidiKind<Req, Resp>,
  client: RawClient,
  token: string,
  key: string,
  src: Readable,
  lockstep: boolean,
  sink?: Writable,
): Promise<StreamOutcome> {
  return new Promise((resolve, reject) => {
    let bytesIn = 0;
    let bytesOut = 0;
    let docId = "";
    let responses = 0;
    let waiter: { n: number; resolve: () => void } | undefined;
    const call = kind.open(client, bearer(token));
    const waitResponse = (n: number) =>
      new Promise<void>((resolve) => (responses >= n ? resolve() : (waiter = { n, resolve })));
    call.on("data", (m: Resp) => {
      if (responses === 0) docId = kind.docIdOf(m);
      responses++;
      const payload = kind.payloadOf(m);
      bytesIn += payload.length;
      if (sink && payload.length > 0 && !sink.write(payload)) {
        call.pause();
        sink.once("drain", () => call.resume());
      }
      if (waiter && responses >= waiter.n) {
        const w = waiter;
        waiter = undefined;
        w.resolve();
      }
    });
    call.on("error", reject);
    call.on("end", () => resolve({ docId, bytesIn, bytesOut }));
    (async () => {
      call.write(kind.first(key));
      await waitResponse(1);
      let sent = 0;
      for await (const chunk of src as AsyncIterable<Buffer>) {
        bytesOut += chunk.length;
        sent++;
        if (lockstep) {
          call.write(kind.data(chunk));
          await waitResponse(1 + sent);
        } else if (!call.write(kind.data(chunk))) {
          await once(call, "drain");
        }
      }
      call.end();
    })().catch((e) => {
      call.cancel();
      reject(e);
    });
  });
}
