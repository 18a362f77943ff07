// Small helpers the demo's steps share: timing, SHA-256 of buffers and files, and expecting a
// call to be refused by the service.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { StrongDocError } from "../../index";

/**
 * Seconds elapsed since `start`, a `performance.now()` value.
 *
 * @example
 * ```ts
 * const t0 = performance.now(); await work(); console.log(since(t0));
 * ```
 */
export function since(start: number): number {
  return (performance.now() - start) / 1000;
}

/**
 * SHA-256 (hex) of a buffer.
 *
 * @example
 * ```ts
 * sha256(Buffer.from("abc")); // "ba7816bf…"
 * ```
 */
export function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * SHA-256 (hex) of a file, streamed.
 *
 * @example
 * ```ts
 * const digest = await sha256File("README.md");
 * ```
 */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * Expects `call` to be refused by the service and returns the status name; throws if it succeeds
 * or fails otherwise.
 *
 * @example
 * ```ts
 * const code = await expectRefusal("download after unshare", () => document.downloadDocument(token, id));
 * ```
 */
export async function expectRefusal(what: string, call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
  } catch (err) {
    if (err instanceof StrongDocError) return err.codeName;
    throw err;
  }
  throw new Error(`${what} unexpectedly succeeded`);
}
