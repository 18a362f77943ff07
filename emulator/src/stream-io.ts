// Message plumbing shared by the server wrapper and the streaming handlers: byte counting through
// the (de)serializers, malformed-request detection (including strings that are not valid UTF-8),
// the fewer-copies codecs of the four document streams (request data handed out as a view of the
// received message, reply data copied once), cancellation-aware reading, and writing with
// back-pressure.
import { status } from "@grpc/grpc-js";
import { BinaryReader } from "@bufbuild/protobuf/wire";
import type { Readable, Writable } from "node:stream";
import { StrongDocServiceService } from "../../generated/strongdoc";
import { idAndPayloadMessage, stringOrBytes, type Payload } from "../../src/stream-codec";
import { ApiError, invalidArgument } from "./errors";
import type { CallInfo } from "./context";

/** Symbol under which a decoded request carries its serialized size. */
export const WIRE_SIZE = Symbol("wireSize");
/** Symbol marking a request that failed to decode (value: the decoder's message). */
export const MALFORMED = Symbol("malformed");
/** Symbol marking a request with a string field that is not valid UTF-8 (value: the field). */
export const INVALID_UTF8 = Symbol("invalidUtf8");
/** Symbol under which a response carries the CallInfo its serialized size is added to. */
export const SINK = Symbol("sink");

/** A gRPC method definition as found in `StrongDocServiceService`. */
export interface MethodDefinition {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  requestSerialize(value: any): Buffer;
  requestDeserialize(bytes: Buffer): any;
  responseSerialize(value: any): Buffer;
  responseDeserialize(bytes: Buffer): any;
}

/**
 * Stands in for a string field whose bytes are not valid UTF-8: a lone surrogate, which no UTF-8
 * decoding produces, so it cannot be confused with a real value.
 */
const INVALID_STRING = "\uD800<invalid UTF-8>";

/**
 * The generated decoders' reader, except that `string` fields are decoded strictly: invalid UTF-8
 * is not replaced with U+FFFD (which would silently alter the value) but noted, and the field gets
 * {@link INVALID_STRING}. `bytes` fields (the data chunks of the streams) are read as before.
 */
class StrictUtf8Reader extends BinaryReader {
  /** Whether some string field was not valid UTF-8. */
  invalidUtf8 = false;

  override string(): string {
    try {
      return super.string(true);
    } catch (e) {
      // The strict TextDecoder throws a TypeError; anything else (a RangeError for a truncated
      // message) is a malformed message, not a UTF-8 problem.
      if (!(e instanceof TypeError)) throw e;
      this.invalidUtf8 = true;
      return INVALID_STRING;
    }
  }
}

/** The path (e.g. `docName`, `sharableOrgs[1]`) of the first string holding {@link INVALID_STRING}. */
function invalidStringPath(value: unknown, path: string): string | undefined {
  if (typeof value === "string") return value === INVALID_STRING ? path : undefined;
  if (value === null || typeof value !== "object" || value instanceof Uint8Array) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = invalidStringPath(value[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  const isOneof = "$case" in value; // ts-proto's oneof wrapper: name the member, not the wrapper
  for (const [key, v] of Object.entries(value)) {
    if (key === "$case") continue;
    const found = invalidStringPath(v, isOneof ? key : path ? `${path}.${key}` : key);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * A decoder of a stream request `{ oneof <oneof> { string <text> = 1; bytes <data> = 2; } }` that
 * gives the generated decoder's object, except that the data is a view of the received message
 * rather than a copy (grpc-js hands each message over in a buffer of its own, never reused).
 */
function oneofRequest(oneof: string, text: string, data: string): (reader: BinaryReader) => object {
  return (reader) => {
    const f = stringOrBytes(reader);
    return { [oneof]: f === undefined ? undefined : f.field === 1 ? { $case: text, [text]: f.text } : { $case: data, [data]: f.data } };
  };
}

/**
 * A reply of a document stream as the handlers build it: the generated `{ docID, <data> }`, where
 * the data may also be a list of parts, joined only into the serialized message.
 */
export type StreamReply<K extends string> = { docID: string } & { [P in K]: Payload };

/** An encoder of a document-stream reply `{ docID = 1; <data> = 2 }` with one copy of the data. */
function replyEncoder(data: string): (value: any) => Buffer {
  return (value) => idAndPayloadMessage(value.docID, value[data]);
}

const svc = StrongDocServiceService;
/** The fewer-copies codecs, by method path; each gives the bytes or object of the generated one. */
const STREAM_CODECS: Record<string, { decode?: (reader: BinaryReader) => object; encode?: (value: any) => Buffer }> = {
  [svc.uploadDocumentStream.path]: { decode: oneofRequest("NameOrData", "docName", "plaintext") },
  [svc.downloadDocumentStream.path]: { encode: replyEncoder("plaintext") },
  [svc.encryptDocumentStream.path]: { decode: oneofRequest("NameOrData", "docName", "plaintext"), encode: replyEncoder("ciphertext") },
  [svc.decryptDocumentStream.path]: { decode: oneofRequest("IdOrData", "docID", "ciphertext"), encode: replyEncoder("plaintext") },
};

/**
 * Returns a copy of a method definition whose deserializer never throws (a bad message becomes a
 * MALFORMED marker, a string field that is not valid UTF-8 an INVALID_UTF8 marker, both answered
 * with INVALID_ARGUMENT) and whose (de)serializers count bytes. The four document streams get the
 * fewer-copies codecs (same objects and bytes as the generated ones; the replies' data may be a
 * list of parts, see {@link StreamReply}).
 */
export function instrument(def: MethodDefinition): MethodDefinition {
  const fast = STREAM_CODECS[def.path];
  // The generated decode(input) uses `input` itself when it is a BinaryReader.
  const decode = fast?.decode ?? ((reader: BinaryReader) => def.requestDeserialize(reader as unknown as Buffer));
  const encode = fast?.encode ?? def.responseSerialize;
  return {
    ...def,
    requestDeserialize(bytes: Buffer) {
      let msg: any;
      try {
        const reader = new StrictUtf8Reader(bytes);
        msg = decode(reader);
        if (reader.invalidUtf8) msg = { [INVALID_UTF8]: invalidStringPath(msg, "") ?? "request" };
      } catch (e) {
        msg = { [MALFORMED]: (e as Error).message ?? String(e) };
      }
      msg[WIRE_SIZE] = bytes.length;
      return msg;
    },
    responseSerialize(value: any) {
      const bytes = encode(value);
      const sink = value?.[SINK] as CallInfo | undefined;
      if (sink) sink.bytesOut += bytes.length;
      return bytes;
    },
  };
}

/** Counts a received message and rejects it if it did not decode. */
export function received<T>(info: CallInfo, msg: T): T {
  const m = msg as any;
  info.bytesIn += m?.[WIRE_SIZE] ?? 0;
  if (m?.[MALFORMED] !== undefined) throw invalidArgument("request", `malformed protobuf message (${m[MALFORMED]})`);
  if (m?.[INVALID_UTF8] !== undefined) throw invalidArgument(m[INVALID_UTF8], "is not valid UTF-8 (a protobuf string must be)");
  return msg;
}

/** Marks a response so its serialized size is counted into `info`. */
export function outgoing<T extends object>(info: CallInfo, msg: T): T {
  (msg as any)[SINK] = info;
  return msg;
}

/** The error used when the client cancels or disconnects mid-call. */
export function cancelledError(): ApiError {
  return new ApiError(status.CANCELLED, "call cancelled by the client");
}

type CancellableReadable = Readable & { cancelled: boolean };
type CancellableWritable = Writable & { cancelled: boolean };

/**
 * Iterates the request messages of a streaming call with back-pressure (one message is pulled at
 * a time), counting and validating each. Throws CANCELLED if the client goes away.
 */
export async function* requests<T>(call: CancellableReadable, info: CallInfo): AsyncGenerator<T> {
  const it = call.iterator({ destroyOnReturn: false });
  try {
    for await (const msg of it) {
      if (call.cancelled) throw cancelledError();
      yield received(info, msg as T);
    }
  } catch (e) {
    if (call.cancelled || (e as { code?: unknown }).code === "ERR_STREAM_PREMATURE_CLOSE") throw cancelledError();
    throw e;
  }
}

/**
 * Writes one response; waits while more than a couple of messages are queued, so a slow reader
 * slows the producer (HTTP/2 flow control reaches back to us through the write callbacks).
 */
export async function send<T extends object>(call: CancellableWritable, info: CallInfo, msg: T): Promise<void> {
  if (call.cancelled || call.destroyed) throw cancelledError();
  const written = new Promise<void>((resolve, reject) => {
    call.write(outgoing(info, msg), (err?: Error | null) => (err ? reject(err) : resolve()));
  });
  written.catch(() => {});
  if (call.writableLength <= 2 && !call.writableNeedDrain) return;
  await new Promise<void>((resolve, reject) => {
    const onCancel = () => reject(cancelledError());
    call.once("cancelled", onCancel);
    call.once("close", onCancel);
    written.then(
      () => {
        call.off("cancelled", onCancel);
        call.off("close", onCancel);
        resolve();
      },
      () => reject(cancelledError()),
    );
  });
}

/** How long a stream whose input just ended waits for a RST_STREAM that may follow it, in ms. */
export const CANCEL_GRACE_MS = 5;

/**
 * Call when a client stream's input has ended, before committing anything. A client that cancels
 * (grpc-js `cancel()`) sends END_STREAM and then RST_STREAM in separate writes; the half-close is
 * delivered first, and the reset may come in a later socket read. Waiting one event-loop turn
 * and then {@link CANCEL_GRACE_MS} lets that reset arrive, so a cancelled stream is not taken for
 * a complete one. Throws CANCELLED if the call was cancelled.
 */
export async function confirmInputComplete(call: { cancelled: boolean }): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (!call.cancelled && CANCEL_GRACE_MS > 0) await new Promise<void>((resolve) => setTimeout(resolve, CANCEL_GRACE_MS));
  if (call.cancelled) throw cancelledError();
}

/** The subset of node:http2's ServerHttp2Stream used to tell a completed call from an aborted one. */
interface H2StreamLike {
  closed: boolean;
  destroyed: boolean;
  rstCode: number | undefined;
  sentTrailers?: unknown;
  once(event: "close", listener: () => void): unknown;
}

/**
 * The HTTP/2 stream under a grpc-js server call, reached through grpc-js internals (guarded:
 * undefined if they change). Used only to learn whether the client reset the stream.
 */
function http2StreamOf(call: object): H2StreamLike | undefined {
  const s = (call as { call?: { stream?: unknown } }).call?.stream as Partial<H2StreamLike> | undefined;
  return s && typeof s.once === "function" && "rstCode" in s ? (s as H2StreamLike) : undefined;
}

/**
 * The gRPC status grpc-js itself already sent on the call's HTTP/2 stream, if any — e.g.
 * RESOURCE_EXHAUSTED for a request over the receive limit, after which the call looks cancelled
 * to the handler. Undefined when no status was sent (a client cancel) or it cannot be observed.
 */
export function statusSent(call: object): status | undefined {
  const h2 = http2StreamOf(call) as unknown as
    | { sentHeaders?: Record<string, unknown>; sentTrailers?: Record<string, unknown> }
    | undefined;
  const value = h2?.sentTrailers?.["grpc-status"] ?? h2?.sentHeaders?.["grpc-status"];
  const code = Number(value);
  return value !== undefined && Number.isInteger(code) && code >= 0 && code <= 16 ? (code as status) : undefined;
}

/**
 * Whether the client half-closed (END_STREAM reached the HTTP/2 stream), even if the call was
 * torn down before grpc-js delivered the half-close: a client that ends its input and exits at
 * once looks cancelled, but its input is complete. False if it cannot be observed.
 */
export function inputEnded(call: object): boolean {
  const h2 = http2StreamOf(call) as unknown as { readableEnded?: boolean; _readableState?: { ended?: boolean } } | undefined;
  return h2?.readableEnded === true || h2?._readableState?.ended === true;
}

/**
 * Watches the HTTP/2 connection under a call. Call it when the call starts (a closed stream
 * forgets its session); the returned function then tells whether the connection has gone (the
 * client process exited, the network dropped, the server is shutting down), as opposed to the
 * client resetting only this stream (RST_STREAM, e.g. grpc-js `cancel()`) on a connection that is
 * still up. Undefined if the connection cannot be observed (grpc-js internals changed).
 */
export function connectionGone(call: object): (() => boolean) | undefined {
  const session = (http2StreamOf(call) as { session?: { destroyed?: unknown; closed?: unknown } } | undefined)?.session;
  if (!session || typeof session.destroyed !== "boolean" || typeof session.closed !== "boolean") return undefined;
  return () => session.destroyed === true || session.closed === true;
}

/**
 * Resolves when the call's HTTP/2 stream has closed: `true` if the client reset it (cancelled or
 * vanished) rather than letting it end normally. A grpc-js client's `cancel()` sends END_STREAM and
 * then RST_STREAM, so a client stream can look complete just before it turns out cancelled.
 * Returns undefined if the stream cannot be observed.
 */
export function streamAborted(call: object): Promise<boolean> | undefined {
  const h2 = http2StreamOf(call);
  if (!h2) return undefined;
  const aborted = () => (h2.rstCode ?? 0) !== 0;
  if (h2.closed || h2.destroyed) return Promise.resolve(aborted());
  return new Promise((resolve) => h2.once("close", () => resolve(aborted())));
}
