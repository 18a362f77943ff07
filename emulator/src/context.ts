// What every request handler receives: the shared emulator state (database, keys, tokens,
// services, settings) and the per-call bookkeeping used for the log line and metering.
import type * as grpc from "@grpc/grpc-js";
import type { Db } from "./store/db";
import type { KeyRing } from "./crypto/keys";
import type { TokenService, Caller } from "./auth";
import type { Services } from "./services";
import type { ScryptParams } from "./passwords";
import type { BlobStore } from "./store/blobs";

/** How same-name uploads behave (BEHAVIOUR §5.2). */
export type SameNamePolicy = "new" | "replace";

/** Settings the handlers need, resolved from the start options. */
export interface Settings {
  /** scrypt cost for new password hashes. */
  scrypt: ScryptParams;
  /** "new" (default): every upload makes a new document; "replace": an upload replaces the
   *  caller's earlier stored documents of the same name in the same organization. */
  sameName: SameNamePolicy;
  /** Largest document the unary (string-field) RPCs return, in bytes. */
  unaryDocumentLimit: number;
}

/** Shared state of one running emulator. */
export interface Emu {
  db: Db;
  /** Encrypted document bodies (files in the data dir). */
  blobs: BlobStore;
  keys: KeyRing;
  tokens: TokenService;
  services: Services;
  settings: Settings;
  /** The emulator clock in ms since epoch. */
  now(): number;
  /** Logs an operational message (not the per-call line). */
  warn(message: string): void;
}

/** Per-call facts gathered while a call runs; logged and metered when it ends. */
export interface CallInfo {
  /** RPC name, e.g. "ListDocuments". */
  rpc: string;
  /** Organization the call is for ("" until known). */
  orgId: string;
  /** Calling user ("" until known). */
  userId: string;
  /** Serialized request bytes received. */
  bytesIn: number;
  /** Serialized response bytes sent. */
  bytesOut: number;
  /** Set by a streaming handler after it committed something: undoes it if the client turns out
   *  to have reset the stream before the call completed (see `streamAborted`). Returns `false`
   *  when it decided to keep what was committed. */
  onAbort?: () => void | boolean | Promise<void | boolean>;
}

/** Access level an RPC requires. */
export type Access = "none" | "user" | "admin";

/** A unary RPC implementation. `caller` is undefined only for `access: "none"`. */
export interface UnaryHandler<Req = any, Res = any> {
  kind: "unary";
  access: Access;
  handle(emu: Emu, caller: Caller, req: Req, info: CallInfo): Res | Promise<Res>;
}

/** A client-streaming RPC implementation: reads the call, returns the one response. */
export interface ClientStreamHandler<Req = any, Res = any> {
  kind: "clientStream";
  access: Access;
  handle(emu: Emu, caller: Caller, call: grpc.ServerReadableStream<Req, Res>, info: CallInfo): Promise<Res>;
}

/** A server-streaming RPC implementation: writes responses; the wrapper ends the call. */
export interface ServerStreamHandler<Req = any, Res = any> {
  kind: "serverStream";
  access: Access;
  handle(emu: Emu, caller: Caller, call: grpc.ServerWritableStream<Req, Res>, info: CallInfo): Promise<void>;
}

/** A bidi-streaming RPC implementation: reads and writes; the wrapper ends the call. */
export interface BidiStreamHandler<Req = any, Res = any> {
  kind: "bidiStream";
  access: Access;
  handle(emu: Emu, caller: Caller, call: grpc.ServerDuplexStream<Req, Res>, info: CallInfo): Promise<void>;
}

/** Any RPC implementation. */
export type Handler = UnaryHandler | ClientStreamHandler | ServerStreamHandler | BidiStreamHandler;
