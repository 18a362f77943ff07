// Argument checks shared by the API modules: every bad argument becomes a TypeError naming it,
// thrown before any network I/O.
import { Readable, Writable } from "node:stream";

/** Document content accepted by upload, encrypt and decrypt: bytes in memory or a byte stream. */
export type BinaryInput = Buffer | Uint8Array | Readable;

/** A short description of a value's type for error messages ("a string", "null", "a Date"…). */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") {
    const name = (value as object).constructor?.name;
    return name && name !== "Object" ? `a ${name}` : "an object";
  }
  return `${/^[aeiou]/.test(typeof value) ? "an" : "a"} ${typeof value}`;
}

/** A UTF-16 surrogate without its partner: cannot be encoded as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * `value` must be a string (possibly empty: the server judges content) of well-formed Unicode. A
 * lone surrogate has no UTF-8 form: the protobuf encoder would send U+FFFD in its place, so the
 * service would store or match another value than the one given.
 */
export function checkString(name: string, value: unknown): asserts value is string {
  if (typeof value !== "string") throw new TypeError(`${name} must be a string, got ${describe(value)}`);
  const lone = LONE_SURROGATE.exec(value);
  if (lone) {
    const code = lone[0].charCodeAt(0).toString(16).toUpperCase();
    throw new TypeError(`${name} must be well-formed Unicode (it is sent as UTF-8), got a lone surrogate U+${code} at index ${lone.index}`);
  }
}

/** `value` must be a non-empty string: tokens and IDs are never empty. */
export function checkId(name: string, value: unknown): asserts value is string {
  checkString(name, value);
  if (value.length === 0) throw new TypeError(`${name} must be a non-empty string`);
}

/** The longest session token accepted, in characters (StrongDoc's JWTs are a few hundred). */
export const MAX_TOKEN_LENGTH = 8192;

/**
 * `value` must be a session token that can travel as `authorization: Bearer <token>`: a non-empty
 * string of at most {@link MAX_TOKEN_LENGTH} visible ASCII characters (`!` to `~`, which covers
 * JWTs and RFC 6750 bearer tokens; no spaces, control characters or non-ASCII). Anything else
 * would fail inside grpc-js with a generic error (illegal metadata characters) or be reset by the
 * server (oversized headers). The message never includes the token itself.
 */
export function checkToken(value: unknown): asserts value is string {
  checkId("token", value);
  if (value.length > MAX_TOKEN_LENGTH) {
    throw new TypeError(`token must be at most ${MAX_TOKEN_LENGTH} characters, got ${value.length}`);
  }
  const bad = /[^\x21-\x7e]/.exec(value);
  if (bad) {
    const code = bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
    throw new TypeError(
      `token must contain only visible ASCII characters (a JWT or bearer token), got U+${code} at index ${bad.index}`,
    );
  }
}

/** `value` must be a boolean (no truthiness: `"false"` is refused). */
export function checkBoolean(name: string, value: unknown): asserts value is boolean {
  if (typeof value !== "boolean") throw new TypeError(`${name} must be a boolean, got ${describe(value)}`);
}

/** `value` must be undefined or a valid Date. */
export function checkOptionalDate(name: string, value: unknown): asserts value is Date | undefined {
  if (value === undefined) return;
  if (!(value instanceof Date)) throw new TypeError(`${name} must be a Date, got ${describe(value)}`);
  if (Number.isNaN(value.getTime())) throw new TypeError(`${name} must be a valid Date, got an Invalid Date`);
}

/** `value` must be a Buffer, a Uint8Array or a readable, not yet consumed, Readable. */
export function checkBinaryInput(name: string, value: unknown): asserts value is BinaryInput {
  if (value instanceof Uint8Array) return;
  if (isReadable(value)) {
    if (value.readable === false || value.destroyed || value.readableEnded) {
      throw new TypeError(`${name} must be a Readable that is not ended or destroyed`);
    }
    return;
  }
  throw new TypeError(`${name} must be a Buffer, a Uint8Array or a Readable stream, got ${describe(value)}`);
}

/** `value` must be a Writable (or Duplex) that is still writable. */
export function checkOutput(name: string, value: unknown): asserts value is Writable {
  const looksWritable =
    value instanceof Writable ||
    (typeof value === "object" &&
      value !== null &&
      typeof (value as Writable).write === "function" &&
      typeof (value as Writable).once === "function" &&
      typeof (value as Writable).writable === "boolean");
  if (!looksWritable) throw new TypeError(`${name} must be a Writable stream, got ${describe(value)}`);
  const w = value as Writable;
  if (!w.writable || w.writableEnded || w.destroyed) {
    throw new TypeError(`${name} must be a Writable that is not ended or destroyed`);
  }
}

function isReadable(value: unknown): value is Readable {
  return (
    value instanceof Readable ||
    (typeof value === "object" &&
      value !== null &&
      typeof (value as Readable).read === "function" &&
      typeof (value as Readable).on === "function" &&
      typeof (value as Readable)[Symbol.asyncIterator] === "function")
  );
}
