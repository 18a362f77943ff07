// AES-256-GCM sealing helpers shared by key wrapping, stored document chunks and the
// encrypt/decrypt stream format, plus HKDF key derivation. Pure functions over Buffers.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

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

/** Encrypts `plaintext` with a caller-chosen nonce; returns `ciphertext || tag`. */
export function sealWithNonce(key: Buffer, nonce: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(aad);
  const body = cipher.update(plaintext);
  const final = cipher.final();
  return Buffer.concat([body, final, cipher.getAuthTag()]);
}

/** Reverses {@link sealWithNonce}; throws {@link AuthenticationError} if anything was altered. */
export function openWithNonce(key: Buffer, nonce: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < TAG_BYTES) throw new AuthenticationError("ciphertext shorter than its tag");
  const decipher = createDecipheriv("aes-256-gcm", key, nonce);
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  const body = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([body, decipher.final()]);
  } catch {
    throw new AuthenticationError();
  }
}

/** Encrypts with a random nonce; returns `nonce || ciphertext || tag` (used to wrap keys). */
export function seal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  return Buffer.concat([nonce, sealWithNonce(key, nonce, plaintext, aad)]);
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
