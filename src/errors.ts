// StrongDocError: the one error type a failed StrongDoc call rejects with, and the single place where
// gRPC statuses (and the facade's own protocol checks) are turned into it.
import type { Metadata, ServiceError } from "@grpc/grpc-js";

/** The gRPC status code names, indexed by their numeric code. */
const CODE_NAMES = [
  "OK",
  "CANCELLED",
  "UNKNOWN",
  "INVALID_ARGUMENT",
  "DEADLINE_EXCEEDED",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "PERMISSION_DENIED",
  "RESOURCE_EXHAUSTED",
  "FAILED_PRECONDITION",
  "ABORTED",
  "OUT_OF_RANGE",
  "UNIMPLEMENTED",
  "INTERNAL",
  "UNAVAILABLE",
  "DATA_LOSS",
  "UNAUTHENTICATED",
] as const;

/** The name of a gRPC status code, e.g. `"NOT_FOUND"` or `"UNAUTHENTICATED"`. */
export type CodeName = (typeof CODE_NAMES)[number];

/** Options of the {@link StrongDocError} constructor. */
export interface StrongDocErrorInit {
  /** Trailing metadata the server sent with the status. */
  metadata?: Metadata;
  /** The underlying error (usually the grpc-js `ServiceError`). */
  cause?: unknown;
}

/**
 * A StrongDoc call failed: the server answered with a non-OK gRPC status, the connection failed
 * (`UNAVAILABLE`), the deadline passed (`DEADLINE_EXCEEDED`), or the server broke the protocol
 * (`INTERNAL`, e.g. a stream echoed the wrong document ID). The TypeScript counterpart of the
 * Python SDK's `grpc.RpcError`.
 *
 * @example
 * ```ts
 * import { document, StrongDocError } from "strongdoc";
 * try {
 *   await document.downloadDocument(token, "no-such-doc");
 * } catch (err) {
 *   if (err instanceof StrongDocError && err.codeName === "NOT_FOUND") console.log("gone");
 *   else throw err;
 * }
 * ```
 */
export class StrongDocError extends Error {
  /** The numeric gRPC status code (5 for NOT_FOUND, 16 for UNAUTHENTICATED, …). */
  readonly code: number;
  /** The status code's name, e.g. `"NOT_FOUND"`. */
  readonly codeName: CodeName;
  /** The server's status message (or the facade's, for client-side protocol checks). */
  readonly details: string;
  /** Trailing metadata sent with the status; undefined for errors the client raised itself. */
  readonly metadata: Metadata | undefined;

  /**
   * @param code - the gRPC status code (0–16).
   * @param details - a human-readable explanation.
   * @param init - optional metadata and cause.
   */
  constructor(code: number, details: string, init: StrongDocErrorInit = {}) {
    const codeName: CodeName = CODE_NAMES[code] ?? "UNKNOWN";
    super(`${codeName}: ${details}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "StrongDocError";
    this.code = CODE_NAMES[code] === undefined ? 2 : code;
    this.codeName = codeName;
    this.details = details;
    this.metadata = init.metadata;
  }
}

/** True for the error objects grpc-js rejects calls with. */
function isServiceError(err: unknown): err is ServiceError {
  const e = err as Partial<ServiceError>;
  return err instanceof Error && typeof e.code === "number" && typeof e.details === "string" && e.metadata !== undefined;
}

/**
 * Turns anything a gRPC call failed with into a {@link StrongDocError}; other errors (TypeError,
 * AbortError, a failing input stream) pass through unchanged.
 */
export function toStrongDocError(err: unknown): unknown {
  if (err instanceof StrongDocError || !isServiceError(err)) return err;
  return new StrongDocError(err.code, err.details ?? err.message, { metadata: err.metadata, cause: err });
}

/** A client-side protocol violation by the server (e.g. a wrong docID echo), as INTERNAL. */
export function protocolError(details: string): StrongDocError {
  return new StrongDocError(13, details);
}
