// Node-stream <-> gRPC-stream adapters for the four document streams (upload, download, encrypt,
// decrypt): input chunking, a bounded number of requests in flight, responses read concurrently
// with writing, back-pressure from a slow `output`, docID echo checks, abort, and one failure path
// after which nothing more is written to `output`.
import type { Writable } from "node:stream";
import type { ClientDuplexStream, ClientWritableStream } from "@grpc/grpc-js";
import { checkCallOptions, deadlineOf, type CallOptions } from "./call-options";
import { prepareCall, type Endpoint, type PreparedCall } from "./client";
import { protocolError, StrongDocError } from "./errors";
import { runOperation, type StreamOperation } from "./stream-operation";
import { unaryCall } from "./unary";
import { describe, type BinaryInput } from "./validate";
import type { UploadDocStreamReq, UploadDocStreamResp } from "../generated/document";
import type {
  DecryptDocStreamReq,
  DecryptDocStreamResp,
  EncryptDocStreamReq,
  EncryptDocStreamResp,
} from "../generated/documentNoStore";

/**
 * Size of the data chunks sent on upload, encrypt and decrypt: 256 KiB was as fast as 1 MiB and
 * faster than 64 KiB through the emulator, with a quarter of 1 MiB's memory in flight (numbers
 * in docs/api.md, "Chunk size").
 */
export const DEFAULT_CHUNK_SIZE = 256 * 1024;

/**
 * Request messages handed to grpc-js but not yet flushed to the connection. With the chunk size
 * this bounds the memory a stream holds on the sending side, whatever the document size.
 */
export const MAX_MESSAGES_IN_FLIGHT = 4;

/** Where a stream's output bytes go. */
export interface Sink {
  /** Accepts one chunk; resolves when more may be written (back-pressure). */
  write(chunk: Buffer): Promise<void> | void;
  /** Resolves once everything written has been accepted downstream. */
  flush(): Promise<void> | void;
}

/** Builds the sink of one operation (it may register cleanup on the operation). */
export type SinkFactory = (op: StreamOperation) => Sink;

/**
 * A sink writing to a caller's Writable: waits for 'drain' when `write()` returns false, fails the
 * operation on the Writable's 'error' or premature 'close', and never writes after a failure.
 * The Writable is not ended: the caller owns it.
 *
 * A write that fails makes the operation reject with that error, and Node then emits it as the
 * Writable's 'error' event on a later tick, after the operation has settled and dropped its
 * listeners. So a failed write also attaches a no-op 'error' listener, kept until the Writable
 * closes: the error is reported by the promise and cannot crash the process as an unhandled
 * 'error' event. Errors the Writable raises after a successful transfer stay the caller's.
 */
export function writableSink(output: Writable): SinkFactory {
  return (op) => {
    let pending = 0;
    let idle: (() => void) | undefined;
    let observing = false;
    const onError = (err: Error) => op.fail(err);
    const onClose = () => op.fail(new Error("output was closed before the transfer ended"));
    output.on("error", onError);
    output.on("close", onClose);
    op.whenSettled(() => {
      output.off("error", onError);
      output.off("close", onClose);
    });
    /** Keeps the 'error' that follows a failed write from being unhandled (until 'close'). */
    const observeWriteError = () => {
      if (observing) return;
      observing = true;
      const ignore = () => {};
      output.on("error", ignore);
      output.once("close", () => output.off("error", ignore));
    };
    const written = (err?: Error | null) => {
      pending--;
      if (err) {
        observeWriteError();
        op.fail(err);
      } else if (pending === 0) idle?.();
    };
    return {
      async write(chunk) {
        if (op.error !== undefined) throw op.error;
        if (chunk.length === 0) return;
        pending++;
        if (!output.write(chunk, written)) await op.nextEvent(output, "drain");
      },
      async flush() {
        while (pending > 0) await op.guard(new Promise<void>((resolve) => (idle = resolve)));
      },
    };
  };
}

/** A sink collecting everything in memory, for the functions that return a Buffer. */
export function memorySink(): { factory: SinkFactory; result: () => Buffer } {
  const chunks: Buffer[] = [];
  let length = 0;
  return {
    factory: () => ({
      write(chunk) {
        chunks.push(chunk);
        length += chunk.length;
      },
      flush() {},
    }),
    result: () => Buffer.concat(chunks, length),
  };
}

/**
 * The input as chunks of exactly `size` bytes (the last may be shorter; none is empty).
 * Buffers are sliced without copying; stream pieces are coalesced or split.
 */
export async function* chunksOf(input: BinaryInput, size: number, name: string): AsyncGenerator<Buffer> {
  if (input instanceof Uint8Array) {
    for (let offset = 0; offset < input.byteLength; offset += size) {
      yield Buffer.from(input.buffer, input.byteOffset + offset, Math.min(size, input.byteLength - offset));
    }
    return;
  }
  if (!input.readableObjectMode) {
    // Byte streams: read(size) hands out exactly-sized chunks, slicing Node's buffer instead of
    // the whole-buffer concat that async iteration (read() without a size) does on every pull.
    let wake: (() => void) | undefined;
    const onEvent = () => wake?.();
    input.on("readable", onEvent);
    input.on("end", onEvent);
    input.on("close", onEvent);
    input.on("error", onEvent); // the error is rethrown below from input.errored
    try {
      for (;;) {
        const chunk = input.read(size) as Buffer | string | null;
        if (typeof chunk === "string") {
          throw new TypeError(`${name} stream must yield Buffer or Uint8Array chunks, got a string (is an encoding set?)`);
        }
        if (chunk !== null) {
          yield chunk;
          continue;
        }
        if (input.errored) throw input.errored;
        if (input.readableEnded) return;
        if (input.destroyed) {
          throw Object.assign(new Error(`${name} stream was destroyed before it ended`), { code: "ERR_STREAM_PREMATURE_CLOSE" });
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      input.off("readable", onEvent);
      input.off("end", onEvent);
      input.off("close", onEvent);
      input.off("error", onEvent);
      // A destroy(err) during read() emits 'error' on a later tick; it is already being rethrown.
      if (input.errored) input.once("error", () => {});
    }
  }
  let parts: Buffer[] = [];
  let have = 0;
  for await (const piece of input as AsyncIterable<unknown>) {
    if (!(piece instanceof Uint8Array)) {
      throw new TypeError(`${name} stream must yield Buffer or Uint8Array chunks, got ${describe(piece)}`);
    }
    let rest = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    while (have + rest.length >= size) {
      const take = size - have;
      parts.push(rest.subarray(0, take));
      yield parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
      parts = [];
      have = 0;
      rest = rest.subarray(take);
    }
    if (rest.length > 0) {
      parts.push(rest);
      have += rest.length;
    }
  }
  if (have > 0) yield Buffer.concat(parts, have);
}

/** Writes requests with at most {@link MAX_MESSAGES_IN_FLIGHT} not yet flushed by grpc-js. */
class RequestSender<T> {
  private inFlight = 0;
  private wake: (() => void) | undefined;
  /** Set once every request has been written and the call half-closed. */
  finished = false;

  constructor(
    private readonly call: ClientWritableStream<T> | ClientDuplexStream<T, unknown>,
    private readonly op: StreamOperation,
  ) {}

  async send(message: T): Promise<void> {
    while (this.inFlight >= MAX_MESSAGES_IN_FLIGHT) {
      await this.op.guard(new Promise<void>((resolve) => (this.wake = resolve)));
    }
    if (this.op.error !== undefined) throw this.op.error;
    this.inFlight++;
    this.call.write(message, () => {
      this.inFlight--;
      const wake = this.wake;
      this.wake = undefined;
      wake?.();
    });
  }

  /** Sends one request per chunk, then half-closes the call (end of input). */
  async sendAll(chunks: AsyncIterable<Buffer>, toMessage: (chunk: Buffer) => T): Promise<void> {
    for await (const chunk of chunks) await this.send(toMessage(chunk));
    if (this.op.error !== undefined) throw this.op.error;
    this.call.end();
    this.finished = true;
  }
}

/** Stops a caller's input stream when the operation fails (so a pending read returns). */
function stopInputOnFailure(op: StreamOperation, input: BinaryInput): void {
  if (!(input instanceof Uint8Array)) op.whenFailed(() => input.destroy());
}

/** Prepares a streaming call: options check, optional deadline, connection, auth metadata. */
async function prepareStream(endpoint: Endpoint, token: string, options: CallOptions | undefined): Promise<PreparedCall> {
  checkCallOptions(options);
  return prepareCall(endpoint, token, options, deadlineOf(options));
}

/**
 * How long a failed upload or encrypt may spend removing the document it left behind, before its
 * promise rejects anyway (the whole clean-up, retries included).
 */
export const CLEANUP_BUDGET_MS = 2_000;

/** Pauses before the retries of a clean-up answered NOT_FOUND (the server may still be committing). */
const CLEANUP_RETRY_DELAYS_MS = [50, 200, 500];

/**
 * Best effort: removes `docId`, a document whose stream failed after the server named it, so an
 * interrupted upload or encrypt leaves no half-written document listed. Bounded by
 * {@link CLEANUP_BUDGET_MS}, never throws, and ignores the caller's signal (it runs because the
 * call failed, possibly by that very signal). With `retry`, NOT_FOUND is retried briefly: the
 * server commits a cancelled encrypt whose input had ended (a grpc-js cancel half-closes first)
 * moments after the cancellation, and the removal can arrive before that.
 */
export async function removeLeftover(endpoint: Endpoint, token: string, docId: string, retry: boolean): Promise<void> {
  const until = Date.now() + CLEANUP_BUDGET_MS;
  for (let attempt = 0; ; attempt++) {
    const timeoutMs = until - Date.now();
    if (timeoutMs <= 0) return;
    try {
      await unaryCall(endpoint, "removeDocument", token, { docID: docId }, { timeoutMs });
      return;
    } catch (err) {
      const delay = retry ? CLEANUP_RETRY_DELAYS_MS[attempt] : undefined;
      const notYet = err instanceof StrongDocError && err.codeName === "NOT_FOUND";
      if (!notYet || delay === undefined || Date.now() + delay >= until) return;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/**
 * Whether a stream's failure is a status the server chose (a handler error): the server then
 * discarded the unfinished document itself, so a NOT_FOUND clean-up is final. Cancellation,
 * deadlines and lost connections are not (grpc-js reports them with statuses of its own).
 */
function refusedByServer(err: unknown): boolean {
  return err instanceof StrongDocError && err.metadata !== undefined && ![1, 4, 14].includes(err.code);
}

/**
 * Runs a document-producing stream (`run` reports the docID as soon as the server gives it); if the
 * call then fails, removes that document (see {@link removeLeftover}) before rejecting.
 */
async function removingOnFailure<T>(
  endpoint: Endpoint,
  token: string,
  run: (known: (docId: string) => void) => Promise<T>,
): Promise<T> {
  let docId: string | undefined;
  try {
    return await run((id) => (docId = id));
  } catch (err) {
    if (docId) await removeLeftover(endpoint, token, docId, !refusedByServer(err));
    throw err;
  }
}

/**
 * UploadDocumentStream: `{docName}`, then the chunks, then half-close; resolves with the docID.
 * If the call fails after the server answered with a docID, that document is removed.
 */
export async function uploadStream(
  endpoint: Endpoint,
  token: string,
  docName: string,
  input: BinaryInput,
  options: CallOptions | undefined,
): Promise<string> {
  const prepared = await prepareStream(endpoint, token, options);
  const { service, metadata, grpcOptions } = prepared;
  return removingOnFailure(endpoint, token, (known) =>
    runOperation(options?.signal, prepared, async (op) => {
      let call!: ClientWritableStream<UploadDocStreamReq>;
      const response = new Promise<UploadDocStreamResp>((resolve, reject) => {
        call = service.uploadDocumentStream(metadata, grpcOptions, (err, resp) => (err ? reject(err) : resolve(resp!)));
      });
      op.whenFailed(() => call.cancel());
      stopInputOnFailure(op, input);
      const sender = new RequestSender(call, op);
      response.then(
        (resp) => {
          known(resp.docID);
          if (!sender.finished) op.fail(protocolError("upload: the server answered before the whole document was sent"));
        },
        (err) => op.fail(err),
      );
      await sender.send({ NameOrData: { $case: "docName", docName } });
      await sender.sendAll(chunksOf(input, DEFAULT_CHUNK_SIZE, "plaintext"), (plaintext) => ({
        NameOrData: { $case: "plaintext", plaintext },
      }));
      const { docID } = await op.guard(response);
      if (!docID) throw protocolError("upload: the server answered without a document ID");
      return docID;
    }),
  );
}

/** DownloadDocumentStream: every response must echo `docId`; its plaintext goes to the sink. */
export async function downloadStream(
  endpoint: Endpoint,
  token: string,
  docId: string,
  sink: SinkFactory,
  options: CallOptions | undefined,
): Promise<void> {
  const prepared = await prepareStream(endpoint, token, options);
  const { service, metadata, grpcOptions } = prepared;
  return runOperation(options?.signal, prepared, async (op) => {
    const call = service.downloadDocumentStream({ docID: docId }, metadata, grpcOptions);
    op.whenFailed(() => call.cancel());
    // A failure status must end the operation even while a slow output holds the read loop.
    call.on("error", (err) => op.fail(err));
    const out = sink(op);
    const responses = call[Symbol.asyncIterator]();
    for (;;) {
      const next = await op.guard(responses.next());
      if (next.done) break;
      checkEcho("download", next.value.docID, docId, true);
      await out.write(next.value.plaintext);
    }
    await out.flush();
  });
}

/** A response's docID must be `expected` (or empty when `allowEmpty`, for later messages). */
function checkEcho(rpc: string, got: string, expected: string, allowEmpty: boolean): void {
  if (got === expected || (allowEmpty && got === "")) return;
  throw protocolError(`${rpc}: the server answered for document "${got}", expected "${expected}"`);
}

/** What differs between EncryptDocumentStream and DecryptDocumentStream. */
interface BidiSpec<Req, Resp> {
  readonly rpc: "encrypt" | "decrypt";
  /** The first request (name or docID). */
  readonly first: Req;
  /** A data request. */
  readonly data: (chunk: Buffer) => Req;
  /** The data of a response. */
  readonly payload: (resp: Resp) => Buffer;
  /** The docID a response carries. */
  readonly docId: (resp: Resp) => string;
  /** The docID response #1 must echo; undefined for encrypt (any non-empty ID is the new doc's). */
  readonly expectedId: string | undefined;
  /** Told the docID as soon as response #1 has given it. */
  readonly known?: (docId: string) => void;
}

/**
 * A bidi document stream: send the name/docID, wait for response #1 (keeping any data in it),
 * then send the chunks while reading responses concurrently, until the server closes the stream.
 * Resolves with the docID.
 */
async function bidiStream<Req, Resp>(
  call: ClientDuplexStream<Req, Resp>,
  op: StreamOperation,
  input: BinaryInput,
  sink: SinkFactory,
  spec: BidiSpec<Req, Resp>,
): Promise<string> {
  op.whenFailed(() => call.cancel());
  call.on("error", (err) => op.fail(err));
  stopInputOnFailure(op, input);
  const out = sink(op);
  const sender = new RequestSender(call, op);
  const responses = call[Symbol.asyncIterator]() as AsyncIterator<Resp>;
  await sender.send(spec.first);
  const first = await op.guard(responses.next());
  if (first.done) throw protocolError(`${spec.rpc}: the server closed the stream without answering`);
  const docId = spec.docId(first.value);
  if (spec.expectedId !== undefined) checkEcho(spec.rpc, docId, spec.expectedId, false);
  else if (!docId) throw protocolError(`${spec.rpc}: the server's first answer has no document ID`);
  spec.known?.(docId);
  await out.write(spec.payload(first.value));

  const writing = sender.sendAll(chunksOf(input, DEFAULT_CHUNK_SIZE, spec.rpc === "encrypt" ? "plaintext" : "ciphertext"), spec.data);
  writing.catch((err) => op.fail(err));
  const reading = (async () => {
    for (;;) {
      const next = await op.guard(responses.next());
      if (next.done) break;
      checkEcho(spec.rpc, spec.docId(next.value), docId, true);
      await out.write(spec.payload(next.value));
    }
    if (!sender.finished) throw protocolError(`${spec.rpc}: the server closed the stream before all input was sent`);
  })();
  await Promise.all([writing, reading]);
  await out.flush();
  return docId;
}

/**
 * EncryptDocumentStream: resolves with the new docID; the ciphertext goes to the sink. If the call
 * fails (or is aborted) after response #1 named the document, the document is removed: the server
 * keeps an encrypt-only document whose input it saw end, and a grpc-js cancel half-closes first,
 * so without this an interrupted encrypt would leave a listed document whose ciphertext the caller
 * never fully received.
 */
export async function encryptStream(
  endpoint: Endpoint,
  token: string,
  docName: string,
  plaintext: BinaryInput,
  sink: SinkFactory,
  options: CallOptions | undefined,
): Promise<string> {
  const prepared = await prepareStream(endpoint, token, options);
  const { service, metadata, grpcOptions } = prepared;
  return removingOnFailure(endpoint, token, (known) =>
    runOperation(options?.signal, prepared, (op) =>
      bidiStream<EncryptDocStreamReq, EncryptDocStreamResp>(service.encryptDocumentStream(metadata, grpcOptions), op, plaintext, sink, {
        rpc: "encrypt",
        first: { NameOrData: { $case: "docName", docName } },
        data: (chunk) => ({ NameOrData: { $case: "plaintext", plaintext: chunk } }),
        payload: (resp) => resp.ciphertext,
        docId: (resp) => resp.docID,
        expectedId: undefined,
        known,
      }),
    ),
  );
}

/** DecryptDocumentStream: every response must echo `docId`; the plaintext goes to the sink. */
export async function decryptStream(
  endpoint: Endpoint,
  token: string,
  docId: string,
  ciphertext: BinaryInput,
  sink: SinkFactory,
  options: CallOptions | undefined,
): Promise<void> {
  const prepared = await prepareStream(endpoint, token, options);
  const { service, metadata, grpcOptions } = prepared;
  await runOperation(options?.signal, prepared, (op) =>
    bidiStream<DecryptDocStreamReq, DecryptDocStreamResp>(service.decryptDocumentStream(metadata, grpcOptions), op, ciphertext, sink, {
      rpc: "decrypt",
      first: { IdOrData: { $case: "docID", docID: docId } },
      data: (chunk) => ({ IdOrData: { $case: "ciphertext", ciphertext: chunk } }),
      payload: (resp) => resp.plaintext,
      docId: (resp) => resp.docID,
      expectedId: docId,
    }),
  );
}
