// Per-call options ({ signal, timeoutMs }): their validation, the deadline they give a gRPC call,
// and the AbortError an aborted call rejects with.
import { describe } from "./validate";

/**
 * Options every StrongDoc function accepts as its optional last argument.
 *
 * @example
 * ```ts
 * const docs = await document.listDocuments(token, { timeoutMs: 5_000 });
 * const ac = new AbortController();
 * const upload = document.uploadDocument(token, "big.bin", fs.createReadStream("big.bin"), { signal: ac.signal });
 * ac.abort(); // upload rejects with an AbortError
 * ```
 */
export interface CallOptions {
  /** Aborts the call; the returned promise then rejects with an error named `"AbortError"`. */
  readonly signal?: AbortSignal;
  /**
   * Deadline in milliseconds from the start of the call; past it the call rejects with a
   * StrongDocError `DEADLINE_EXCEEDED`. Unary calls default to 60 000 (the Python SDK's
   * `GRPC_TIMEOUT`); streaming calls have no deadline unless given one. At most
   * {@link MAX_TIMEOUT_MS} (24 days); larger values are refused with a TypeError.
   */
  readonly timeoutMs?: number;
}

/**
 * The largest `timeoutMs` (and `connectTimeoutMs`) accepted: 24 days (2 073 600 000 ms). Node
 * timers cannot wait longer than 2^31 − 1 ms (about 24.8 days; beyond it they fire at once), and a
 * deadline that long travels in whole seconds rounded up (`grpc-timeout: 2147484S`), which a
 * grpc-js server's timer would overflow; from about 3.6e14 ms grpc-js throws "Deadline is too far
 * in the future" outside any promise. 24 days stays clear of all three.
 */
export const MAX_TIMEOUT_MS = 24 * 24 * 60 * 60 * 1000;

/**
 * True for a valid timeout: a finite number of milliseconds above 0 and at most
 * {@link MAX_TIMEOUT_MS}.
 */
export function isValidTimeout(value: unknown): value is number {
  return typeof value === "number" && value > 0 && value <= MAX_TIMEOUT_MS;
}

/** The message of the TypeError for a bad timeout option named `name`. */
export function badTimeoutMessage(name: string, value: unknown): string {
  const shown = typeof value === "number" ? `${describe(value)} ${String(value)}` : describe(value);
  return `${name} must be a number of milliseconds above 0 and at most ${MAX_TIMEOUT_MS} (24 days), got ${shown}`;
}

/** The default deadline of unary calls, as in the Python SDK (`GRPC_TIMEOUT = 60`). */
export const DEFAULT_UNARY_TIMEOUT_MS = 60_000;

/** Throws a TypeError unless `options` is undefined or a valid {@link CallOptions}. */
export function checkCallOptions(options: unknown): asserts options is CallOptions | undefined {
  if (options === undefined) return;
  if (options === null || typeof options !== "object") {
    throw new TypeError(`options must be an object like { signal, timeoutMs }, got ${describe(options)}`);
  }
  const { signal, timeoutMs } = options as Record<string, unknown>;
  if (signal !== undefined && !isAbortSignal(signal)) {
    throw new TypeError(`options.signal must be an AbortSignal, got ${describe(signal)}`);
  }
  if (timeoutMs !== undefined && !isValidTimeout(timeoutMs)) {
    throw new TypeError(badTimeoutMessage("options.timeoutMs", timeoutMs));
  }
}

/** The absolute deadline for a call, or undefined for none. */
export function deadlineOf(options: CallOptions | undefined, defaultMs?: number): Date | undefined {
  const ms = options?.timeoutMs ?? defaultMs;
  return ms === undefined ? undefined : new Date(Date.now() + ms);
}

/**
 * The error an aborted call rejects with: the signal's reason when it already is an AbortError
 * (the default reason of `AbortController.abort()`), otherwise an Error named "AbortError" whose
 * `cause` is the reason (e.g. the TimeoutError of `AbortSignal.timeout()`).
 */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === "AbortError") return reason;
  const err = new Error("The operation was aborted", { cause: reason });
  err.name = "AbortError";
  return err;
}

/**
 * Calls `onAbort` once when `signal` aborts; returns a function that stops listening.
 * If the signal is already aborted, `onAbort` runs synchronously.
 */
export function onAbort(signal: AbortSignal | undefined, onAbort: (err: Error) => void): () => void {
  if (!signal) return () => {};
  if (signal.aborted) {
    onAbort(abortError(signal));
    return () => {};
  }
  const listener = () => onAbort(abortError(signal));
  signal.addEventListener("abort", listener, { once: true });
  return () => signal.removeEventListener("abort", listener);
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    value instanceof AbortSignal ||
    (typeof value === "object" &&
      value !== null &&
      typeof (value as AbortSignal).aborted === "boolean" &&
      typeof (value as AbortSignal).addEventListener === "function")
  );
}
