// The ciphertext format of EncryptDocumentStream / DecryptDocumentStream (and, base64-encoded, of
// the unary EncryptDocument / DecryptDocument).
//
// A ciphertext is a sequence of frames:  u32be L || AES-256-GCM(body) || 16-byte tag
// where L (1..FRAME_PLAINTEXT_MAX) is the frame's plaintext length. Frame i is sealed with a key
// derived from the document key, nonce = counter i, and AAD = "SDE1" || docID || i || L, so frames
// cannot be altered, reordered, or moved to another document. The number of frames is recorded
// server-side when the encrypt stream ends; decrypt refuses extra frames and reports truncation
// when the client half-closes early. Each plaintext message becomes whole frames at once (so every
// encrypt request gets all its ciphertext in its one response); decrypt buffers at most one
// partial frame, so ciphertext may arrive split at any byte boundary.
import { AuthenticationError, TAG_BYTES, counterNonce, deriveKey, openWithNonce, sealWithNonce } from "./aead";

/** Largest plaintext carried by one frame (64 KiB). */
export const FRAME_PLAINTEXT_MAX = 64 * 1024;
const HEADER_BYTES = 4;

/** A ciphertext that is malformed, tampered with, truncated, or made for another document. */
export class CiphertextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CiphertextError";
  }
}

function streamKey(docKey: Buffer): Buffer {
  return deriveKey(docKey, "strongdoc-emulator/stream/v1");
}

function frameAad(docId: string, index: number, length: number): Buffer {
  const id = Buffer.from(docId, "utf8");
  const aad = Buffer.alloc(4 + 4 + id.length + 8 + 4);
  aad.write("SDE1", 0, "latin1");
  aad.writeUInt32BE(id.length, 4);
  id.copy(aad, 8);
  aad.writeBigUInt64BE(BigInt(index), 8 + id.length);
  aad.writeUInt32BE(length, 16 + id.length);
  return aad;
}

/** Size in bytes of the ciphertext for `plaintextLength` bytes sent as one message. */
export function ciphertextLength(plaintextLength: number): number {
  const frames = Math.ceil(plaintextLength / FRAME_PLAINTEXT_MAX);
  return plaintextLength + frames * (HEADER_BYTES + TAG_BYTES);
}

/** Turns plaintext messages into frames, one call per message. */
export class StreamEncryptor {
  private readonly key: Buffer;
  /** Frames produced so far (recorded in `documents.frames` when the stream ends). */
  frames = 0;
  /** Plaintext bytes consumed so far. */
  bytes = 0;

  constructor(docKey: Buffer, private readonly docId: string) {
    this.key = streamKey(docKey);
  }

  /** Encrypts one plaintext message completely; an empty message yields empty ciphertext. */
  push(plaintext: Uint8Array): Buffer {
    const out: Buffer[] = [];
    for (let off = 0; off < plaintext.length; off += FRAME_PLAINTEXT_MAX) {
      const piece = Buffer.from(plaintext.buffer, plaintext.byteOffset + off, Math.min(FRAME_PLAINTEXT_MAX, plaintext.length - off));
      const header = Buffer.alloc(HEADER_BYTES);
      header.writeUInt32BE(piece.length);
      const i = this.frames++;
      out.push(header, sealWithNonce(this.key, counterNonce(i), piece, frameAad(this.docId, i, piece.length)));
    }
    this.bytes += plaintext.length;
    return Buffer.concat(out);
  }
}

/** Turns an arbitrarily re-chunked ciphertext back into plaintext, frame by frame. */
export class StreamDecryptor {
  private readonly key: Buffer;
  private pending: Buffer = Buffer.alloc(0);
  private index = 0;

  /**
   * @param expectedFrames - the frame count recorded when the document was encrypted.
   */
  constructor(docKey: Buffer, private readonly docId: string, private readonly expectedFrames: number) {
    this.key = streamKey(docKey);
  }

  /** Returns the plaintext of every frame completed by `data` (possibly empty). */
  push(data: Uint8Array): Buffer {
    const buf = this.pending.length > 0 ? Buffer.concat([this.pending, data]) : Buffer.from(data.buffer, data.byteOffset, data.length);
    const out: Buffer[] = [];
    let off = 0;
    while (buf.length - off >= HEADER_BYTES) {
      const length = buf.readUInt32BE(off);
      if (length === 0 || length > FRAME_PLAINTEXT_MAX) {
        throw new CiphertextError(`ciphertext: malformed frame header at frame ${this.index} (not a StrongDoc emulator ciphertext, or corrupted)`);
      }
      if (this.index >= this.expectedFrames) {
        throw new CiphertextError(`ciphertext: extra data after the last of ${this.expectedFrames} frames of document ${this.docId}`);
      }
      const total = HEADER_BYTES + length + TAG_BYTES;
      if (buf.length - off < total) break;
      try {
        out.push(openWithNonce(this.key, counterNonce(this.index), buf.subarray(off + HEADER_BYTES, off + total), frameAad(this.docId, this.index, length)));
      } catch (e) {
        if (e instanceof AuthenticationError) {
          throw new CiphertextError(`ciphertext: frame ${this.index} failed authentication (tampered, reordered, or not made for document ${this.docId})`);
        }
        throw e;
      }
      off += total;
      this.index++;
    }
    this.pending = Buffer.from(buf.subarray(off));
    return out.length === 1 ? out[0]! : Buffer.concat(out);
  }

  /** Call at end of input: throws if the ciphertext was cut short. */
  finish(): void {
    if (this.pending.length > 0 || this.index < this.expectedFrames) {
      throw new CiphertextError(
        `ciphertext: truncated — ended after ${this.index} of ${this.expectedFrames} frames` +
          (this.pending.length > 0 ? ` plus ${this.pending.length} bytes of an incomplete frame` : ""),
      );
    }
  }
}

/** Seals one stored-document chunk at rest (key derived from the document key, AAD = docID + seq). */
export function sealChunk(bodyKey: Buffer, docId: string, seq: number, plaintext: Buffer): Buffer {
  return sealWithNonce(bodyKey, counterNonce(seq), plaintext, chunkAad(docId, seq));
}

/** Opens one stored-document chunk; throws if it was altered or belongs elsewhere. */
export function openChunk(bodyKey: Buffer, docId: string, seq: number, sealed: Buffer): Buffer {
  return openWithNonce(bodyKey, counterNonce(seq), sealed, chunkAad(docId, seq));
}

/** The key that encrypts a stored document's chunks, derived from its document key. */
export function bodyKey(docKey: Buffer): Buffer {
  return deriveKey(docKey, "strongdoc-emulator/body/v1");
}

function chunkAad(docId: string, seq: number): Buffer {
  const a = frameAad(docId, seq, 0);
  a.write("SDB1", 0, "latin1");
  return a;
}
