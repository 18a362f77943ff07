// Conversions from the generated layer's types to the facade's: 64-bit Long → number (RangeError
// rather than silent rounding above 2^53) and optional Timestamps → Date.
import type Long from "long";

/**
 * A 64-bit integer as a JS number.
 * @throws RangeError when the value is outside ±(2^53 − 1) and would lose precision.
 */
export function toSafeNumber(value: Long | number, field: string): number {
  const n = typeof value === "number" ? value : value.toNumber();
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(`${field} = ${value.toString()} does not fit a JavaScript number exactly (above 2^53)`);
  }
  return n;
}

/** A Timestamp that the server may leave unset; unset becomes the epoch, as in the Python SDK. */
export function toDate(value: Date | undefined): Date {
  return value ?? new Date(0);
}
