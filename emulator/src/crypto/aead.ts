// AES-256-GCM sealing helpers shared by key wrapping, stored document chunks and the
// encrypt/decrypt stream format, plus HKDF key derivation. Pure functions over Buffers, and
// incremental sealers/openers for data that arrives in pieces (GCM's output does not depend on how
// the input is split, so piecewise and one-shot sealing give the same bytes).
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, type CipherGCM, type DecipherGCM } from "node:crypto";

/** Length in bytes of an AES-256 key. */
export const KEY_BYTES = 32;
/** Length in bytes of a GCM nonce. */
export const NONCE_BYTES = 12;
/** Length in bytes of a GCM authentication tag. */
export const TAG_BYTES = 16;

/** Thrown when a ciphertext fails authentication (wrong key, wrong binding data, or tampering). */
export class AuthenticationError extends Error {
  constructor(message = "ciphertext failed authentication") {
    super(message);
    this.name = "AuthenticationError";
  }
}

/** Derives a 32-byte subkey from `key` for the purpose named by `info` (HKDF-SHA256). */
export function deriveKey(key: Buffer, info: string, salt: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.from(hkdfSync("sha256", key, salt, Buffer.from(info, "utf8"), KEY_BYTES));
}

/**
 * An AES-256-GCM cipher with `aad` set, for sealing a plaintext fed in pieces: `update()` each
 * piece (its ciphertext comes back at once, same length), then `final()` (empty for GCM) and
 * `getAuthTag()`. The result is the bytes {@link sealWithNonce} gives for the whole plaintext.
 */
export function sealer(key: Buffer, nonce: Buffer, aad: Buffer): CipherGCM {
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(aad);
  return cipher;
}

/**
 * An AES-256-GCM decipher with `aad` set, for opening a ciphertext fed in pieces: `update()` each
 * piece, `setAuthTag(tag)` once the tag is known, then `final()`, which throws if anything was
 * altered. Plaintext from `update()` must not be used before `final()` succeeded.
 */
export function opener(key: Buffer, nonce: Buffer, aad: Buffer): DecipherGCM {
  const decipher = createDecipheriv("aes-256-gcm", key, nonce);
  decipher.setAAD(aad);
  return decipher;
}

/**
 * Encrypts `plaintext` with a caller-chosen nonce; returns the ciphertext and the tag as two
 * buffers (the parts of {@link sealWithNonce}'s result), for callers that can write them apart.
 */
export function sealPartsWithNonce(key: Buffer, nonce: Buffer, plaintext: Uint8Array, aad: Buffer): [body: Buffer, tag: Buffer] {
  const cipher = sealer(key, nonce, aad);
  const body = cipher.update(plaintext);
  const final = cipher.final(); // always empty for GCM
  return [final.length === 0 ? body : Buffer.concat([body, final]), cipher.getAuthTag()];
}

/** Encrypts `plaintext` with a caller-chosen nonce; returns `ciphertext || tag`. */
export function sealWithNonce(key: Buffer, nonce: Buffer, plaintext: Uint8Array, aad: Buffer): Buffer {
  const [body, tag] = sealPartsWithNonce(key, nonce, plaintext, aad);
  return Buffer.concat([body, tag], body.length + tag.length);
}

/** Reverses {@link sealWithNonce}; throws {@link AuthenticationError} if anything was altered. */
export function openWithNonce(key: Buffer, nonce: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < TAG_BYTES) throw new AuthenticationError("ciphertext shorter than its tag");
  const decipher = opener(key, nonce, aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  const body = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES));
  let final: Buffer;
  try {
    final = decipher.final(); // always empty for GCM: the body is all the plaintext
  } catch {
    throw new AuthenticationError();
  }
  return final.length === 0 ? body : Buffer.concat([body, final]);
}

/** Encrypts with a random nonce; returns `nonce || ciphertext || tag` (used to wrap keys). */
export function seal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  return Buffer.concat([nonce, ...sealPartsWithNonce(key, nonce, plaintext, aad)]);
}

/** Reverses {@link seal}. */
export function open(key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < NONCE_BYTES + TAG_BYTES) throw new AuthenticationError("sealed value too short");
  return openWithNonce(key, sealed.subarray(0, NONCE_BYTES), sealed.subarray(NONCE_BYTES), aad);
}

/** A 12-byte nonce holding a 64-bit counter in its last 8 bytes (big-endian). */
export function counterNonce(counter: number): Buffer {
  const nonce = Buffer.alloc(NONCE_BYTES);
  nonce.writeBigUInt64BE(BigInt(counter), 4);
  return nonce;
}
