// The gRPC server: registers all 39 RPCs of proto.StrongDocService, each behind one wrapper that
// authenticates, maps errors to statuses (ApiError → its code; anything else → INTERNAL, logged),
// writes one log line per call, and reports the call to the meter.
import * as grpc from "@grpc/grpc-js";
import { status } from "@grpc/grpc-js";
import { performance } from "node:perf_hooks";
import { StrongDocServiceService } from "../../generated/strongdoc";
import { ApiError } from "./errors";
import type { Caller } from "./auth";
import { bearerToken } from "./auth";
import type { CallInfo, Emu, Handler } from "./context";
import { handlers } from "./handlers";
import { INVALID_UTF8, instrument, outgoing, received, statusSent, streamAborted, type MethodDefinition } from "./stream-io";

/** Largest request message the server accepts: 32 MiB. */
export const MAX_RECEIVE_MESSAGE_BYTES = 32 * 1024 * 1024;

/** Logs one line per finished call; `undefined` silences the log. */
export type CallLogger = ((line: string) => void) | undefined;

const STREAMING = new Set(["UploadDocumentStream", "DownloadDocumentStream", "EncryptDocumentStream", "DecryptDocumentStream"]);

/**
 * Counts calls whose wrapper has not finished (answered, logged, metered), so that stopping the
 * emulator can wait for them before closing the database.
 */
export class InFlightCalls {
  private count = 0;
  private waiters: (() => void)[] = [];

  /** A call started. */
  enter(): void {
    this.count++;
  }

  /** A call finished. */
  leave(): void {
    if (--this.count === 0) for (const resolve of this.waiters.splice(0)) resolve();
  }

  /** Resolves when no call is in flight. */
  idle(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}

/**
 * The status to log for a call that ended without our answer reaching the client: an error status
 * grpc-js itself sent (e.g. RESOURCE_EXHAUSTED for a message over the receive limit), else
 * CANCELLED (the client cancelled or vanished, possibly after our OK was sent).
 */
function endedStatus(call: object): status {
  const sent = statusSent(call);
  return sent !== undefined && sent !== status.OK ? sent : status.CANCELLED;
}

/** A `{ code, details }` status for any thrown value; unexpected errors are logged as bugs. */
function toStatus(emu: Emu, rpc: string, err: unknown): { code: status; details: string } {
  if (err instanceof ApiError) return { code: err.code, details: err.message };
  emu.warn(`internal error in ${rpc}: ${(err as Error)?.stack ?? String(err)}`);
  return { code: status.INTERNAL, details: `internal error in ${rpc}; see the emulator log` };
}

async function authenticate(emu: Emu, handler: Handler, metadata: grpc.Metadata, info: CallInfo): Promise<Caller> {
  if (handler.access === "none") return undefined as unknown as Caller; // no-auth RPCs ignore any header
  const values = metadata.get("authorization");
  const caller = await emu.tokens.verify(bearerToken(values.length > 0 ? String(values[0]) : undefined));
  info.orgId = caller.orgId;
  info.userId = caller.userId;
  if (handler.access === "admin" && !caller.isAdmin) {
    throw new ApiError(status.PERMISSION_DENIED, `${info.rpc} requires an administrator of organization ${caller.orgId}`);
  }
  return caller;
}

function rpcName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** Builds the per-call wrapper for one RPC. */
function wrap(emu: Emu, def: MethodDefinition, handler: Handler, log: CallLogger, inFlight: InFlightCalls): grpc.UntypedHandleCall {
  const rpc = rpcName(def.path);
  const finish = (info: CallInfo, started: number, code: status) => {
    const ms = performance.now() - started;
    if (log) {
      log(
        `${new Date(emu.now()).toISOString()} ${rpc} org=${info.orgId || "-"} user=${info.userId || "-"} ` +
          `status=${status[code]} ${ms.toFixed(1)}ms in=${info.bytesIn}B out=${info.bytesOut}B`,
      );
    }
    // After the database closed (a call that outlived stop()'s wait) there is nothing to meter into.
    if (info.orgId && emu.db.open) {
      try {
        emu.services.meter.recordCall({
          orgId: info.orgId,
          userId: info.userId,
          kind: STREAMING.has(rpc) ? "STREAM" : "UNARY",
          uri: def.path,
          bytesIn: info.bytesIn,
          bytesOut: info.bytesOut,
          at: new Date(emu.now()),
        });
      } catch (e) {
        emu.warn(`meter.recordCall failed for ${rpc}: ${(e as Error).message}`);
      }
    }
  };
  // The client reset the stream before the call completed: undo what the handler committed.
  const undoAndFinish = async (info: CallInfo, started: number, code: status = status.CANCELLED) => {
    if (info.onAbort) {
      try {
        if ((await info.onAbort()) !== false) emu.warn(`${rpc}: client cancelled before the call completed; its document was removed`);
      } catch (e) {
        emu.warn(`${rpc}: undo after cancellation failed: ${(e as Error)?.stack ?? String(e)}`);
      }
    }
    finish(info, started, code);
  };
  // Last resort: a failure while answering or logging must never become an unhandled rejection.
  const bug = (e: unknown) => emu.warn(`${rpc}: error after the call was answered: ${(e as Error)?.stack ?? String(e)}`);
  const newInfo = (): CallInfo => ({ rpc, orgId: "", userId: "", bytesIn: 0, bytesOut: 0 });

  switch (handler.kind) {
    case "unary":
      return ((call: grpc.ServerUnaryCall<any, any>, callback: grpc.sendUnaryData<any>) => {
        const started = performance.now();
        const info = newInfo();
        inFlight.enter();
        (async () => {
          const req = received(info, call.request);
          const caller = await authenticate(emu, handler, call.metadata, info);
          return handler.handle(emu, caller, req, info);
        })().then(
          (res) => {
            callback(null, outgoing(info, res));
            finish(info, started, status.OK);
          },
          (err) => {
            const st = toStatus(emu, rpc, err);
            callback(st);
            finish(info, started, st.code);
          },
        ).catch(bug).finally(() => inFlight.leave());
      }) as grpc.handleUnaryCall<any, any>;

    case "clientStream":
      return ((call: grpc.ServerReadableStream<any, any>, callback: grpc.sendUnaryData<any>) => {
        const started = performance.now();
        const info = newInfo();
        const abort = () => undoAndFinish(info, started, endedStatus(call));
        inFlight.enter();
        (async () => {
          const caller = await authenticate(emu, handler, call.metadata, info);
          return handler.handle(emu, caller, call, info);
        })().then(
          async (res) => {
            if (call.cancelled) return abort();
            callback(null, outgoing(info, res));
            if (await (streamAborted(call) ?? false)) return abort();
            finish(info, started, status.OK);
          },
          (err) => {
            const st = call.cancelled ? { code: endedStatus(call), details: "cancelled" } : toStatus(emu, rpc, err);
            if (!call.cancelled) callback(st);
            finish(info, started, st.code);
          },
        ).catch(bug).finally(() => inFlight.leave());
      }) as grpc.handleClientStreamingCall<any, any>;

    case "serverStream":
    case "bidiStream":
      return ((call: grpc.ServerDuplexStream<any, any> | grpc.ServerWritableStream<any, any>) => {
        const started = performance.now();
        const info = newInfo();
        const abort = () => undoAndFinish(info, started, endedStatus(call));
        inFlight.enter();
        // How the call ended, for when the HTTP/2 stream cannot be observed directly.
        const ended = new Promise<boolean>((resolve) => {
          call.once("finish", () => resolve(false));
          call.once("close", () => resolve(true));
        });
        (async () => {
          if (handler.kind === "serverStream") received(info, (call as grpc.ServerWritableStream<any, any>).request);
          const caller = await authenticate(emu, handler, call.metadata, info);
          await handler.handle(emu, caller, call as any, info);
        })().then(
          async () => {
            if (call.cancelled || call.destroyed) return abort();
            call.end();
            const aborted = await (streamAborted(call) ?? ended);
            if (aborted) return abort();
            finish(info, started, status.OK);
          },
          async (err) => {
            if (call.cancelled || call.destroyed) return finish(info, started, endedStatus(call));
            const st = toStatus(emu, rpc, err);
            call.emit("error", Object.assign(new Error(st.details), st));
            finish(info, started, st.code);
          },
        ).catch(bug).finally(() => inFlight.leave());
      }) as grpc.handleBidiStreamingCall<any, any>;
  }
}

/**
 * Creates a grpc.Server with every RPC registered (throws if a handler is missing). `inFlight`
 * counts the calls in progress (see {@link InFlightCalls}).
 */
export function createServer(emu: Emu, log: CallLogger, inFlight: InFlightCalls = new InFlightCalls()): grpc.Server {
  const server = new grpc.Server({
    "grpc.max_receive_message_length": MAX_RECEIVE_MESSAGE_BYTES,
    // No cap on what is sent: a reply can be larger than the request it answers (an encrypt reply
    // adds 20 bytes per 64 KiB frame, EncryptDocument's base64 a third), and a cap equal to the
    // receive limit refused the replies to requests it had accepted, after committing their
    // documents. The client's own receive limit is the one that applies.
    "grpc.max_send_message_length": -1,
  });
  const definition: Record<string, MethodDefinition> = {};
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const [name, def] of Object.entries(StrongDocServiceService)) {
    const handler = handlers[name as keyof typeof handlers] as Handler | undefined;
    if (!handler) throw new Error(`no handler for ${def.path}`);
    const kind = def.requestStream ? (def.responseStream ? "bidiStream" : "clientStream") : def.responseStream ? "serverStream" : "unary";
    if (handler.kind !== kind) throw new Error(`handler for ${def.path} is ${handler.kind}, expected ${kind}`);
    definition[name] = instrument(def as unknown as MethodDefinition);
    implementation[name] = wrap(emu, definition[name]!, handler, log, inFlight);
  }
  // Strict UTF-8 relies on the generated decoders accepting our reader; make sure they do.
  const probe = definition.uploadDocument!.requestDeserialize(Buffer.from([0x0a, 0x03, 0x6e, 0xff, 0x6d]));
  if (probe?.[INVALID_UTF8] !== "docName") throw new Error("strict UTF-8 checking of string fields is not in effect");
  server.addService(definition as unknown as grpc.ServiceDefinition, implementation);
  return server;
}
