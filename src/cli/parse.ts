// Argument parsers for commander options: each turns a string into a value or raises commander's
// InvalidArgumentError, which the CLI reports as a usage error (exit code 2).
import { InvalidArgumentError } from "commander";

/**
 * Parses a non-negative integer option value.
 *
 * @example
 * ```ts
 * .option("-l, --limit <n>", "at most n", parseCount, 20)
 * ```
 */
export function parseCount(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError("expected a non-negative integer");
  }
  return Number(value);
}

/**
 * Parses a byte size: a number with an optional unit (`k`, `m`, `g`; binary multiples).
 *
 * @example
 * ```ts
 * parseByteSize("64m"); // 67108864
 * ```
 */
export function parseByteSize(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?$/i.exec(value.trim());
  if (!match) throw new InvalidArgumentError("expected a size such as 500000, 512k or 64m");
  const scale = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2].toLowerCase() as "" | "k" | "m" | "g"];
  return Math.round(Number(match[1]) * scale);
}

/**
 * Parses a date/time (ISO 8601 or anything `Date` understands).
 *
 * @example
 * ```ts
 * parseDate("2026-11-01T00:00:00Z");
 * ```
 */
export function parseDate(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError("expected a date such as 2026-11-01 or 2026-11-01T12:00:00Z");
  return date;
}

/**
 * Parses a TCP port number (0–65535).
 *
 * @example
 * ```ts
 * .option("-p, --port <port>", "port", parsePort, 9090)
 * ```
 */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError("expected a port number 0-65535");
  return port;
}
