// The demo's round trip: the largest file streamed through encryptDocumentStream into a ciphertext
// file on disk, and that file streamed back through decryptDocumentStream into a hashing sink;
// the SHA-256 of the result must equal the original's.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { document } from "../../index";
import { formatBytes } from "../format";
import { sha256File, since } from "./checks";
import type { CorpusFile } from "./corpus";
import type { PhaseStats, StepPrinter } from "./report";

/**
 * Round-trips `file` and prints the step; returns the encrypt and decrypt measurements. Throws if
 * the decrypted bytes differ from the original or the ciphertext equals the plaintext.
 *
 * @example
 * ```ts
 * const { encrypt, decrypt } = await roundTrip(token, largest, workDir, out);
 * ```
 */
export async function roundTrip(
  token: string,
  file: CorpusFile,
  workDir: string,
  out: StepPrinter,
): Promise<{ encrypt: PhaseStats; decrypt: PhaseStats }> {
  const cipherPath = join(workDir, "largest.ciphertext");
  const cipherOut = createWriteStream(cipherPath);
  const encStart = performance.now();
  const docId = await document.encryptDocumentStream(token, file.name, createReadStream(file.path), cipherOut);
  cipherOut.end();
  await finished(cipherOut);
  const encSeconds = since(encStart);

  const hash = createHash("sha256");
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback();
    },
  });
  const decStart = performance.now();
  await document.decryptDocumentStream(token, docId, createReadStream(cipherPath), sink);
  const decSeconds = since(decStart);

  const [plainHash, cipherHash] = await Promise.all([sha256File(file.path), sha256File(cipherPath)]);
  if (hash.digest("hex") !== plainHash) throw new Error(`the decrypted ${file.name} does not match the original (SHA-256)`);
  if (cipherHash === plainHash) throw new Error("the ciphertext equals the plaintext");
  const cipherSize = (await stat(cipherPath)).size;
  out.step("round-trip", `${file.name} (${formatBytes(file.size)}) through encryptDocumentStream/decryptDocumentStream`);
  out.detail(`encrypt ${encSeconds.toFixed(3)} s -> ${formatBytes(cipherSize)} ciphertext (docId ${docId}); decrypt ${decSeconds.toFixed(3)} s`);
  out.detail(`SHA-256 verified: ${plainHash.slice(0, 16)}… (ciphertext ${cipherHash.slice(0, 16)}…)`);
  return {
    encrypt: { docs: 1, bytes: file.size, seconds: encSeconds },
    decrypt: { docs: 1, bytes: file.size, seconds: decSeconds },
  };
}
