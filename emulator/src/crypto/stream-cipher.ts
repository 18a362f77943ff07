// The ciphertext format of EncryptDocumentStream / DecryptDocumentStream (and, base64-encoded, of
// the unary EncryptDocument / DecryptDocument).
//
// A ciphertext is a sequence of frames:  u32be L || AES-256-GCM(body) || 16-byte tag
// where L (1..FRAME_PLAINTEXT_MAX) is the frame's plaintext length. Frame i is sealed with a key
// derived from the document key, nonce = counter i, and AAD = "SDE1" || docID || i || L, so frames
// cannot be altered, reordered, or moved to another document. The number of frames is recorded
// server-side when the encrypt stream ends; decrypt refuses extra frames and reports truncation
// when the client half-closes early. Each plaintext message becomes whole frames at once (so every
// encrypt request gets all its ciphertext in its one response); decrypt holds at most one
// partial frame, so ciphertext may arrive split at any byte boundary. Both hand out their output
// as a list of parts (one per frame piece, no joining copy) or, for one-buffer callers, joined.
//
// Stored document chunks (sealChunk/openChunk, or chunkSealer piece by piece) use the same AEAD
// with their own key and AAD: AES-256-GCM(chunk) || tag, nonce = chunk number.
import type { CipherGCM, DecipherGCM } from "node:crypto";
import { AuthenticationError, TAG_BYTES, counterNonce, deriveKey, openWithNonce, opener, sealPartsWithNonce, sealWithNonce, sealer } from "./aead";

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

  /**
   * Encrypts one plaintext message completely; returns its ciphertext as parts (header, body and
   * tag of each frame) whose concatenation is what {@link push} returns. Empty for an empty message.
   */
  pushParts(plaintext: Uint8Array): Buffer[] {
    const out: Buffer[] = [];
    for (let off = 0; off < plaintext.length; off += FRAME_PLAINTEXT_MAX) {
      const piece = plaintext.subarray(off, off + FRAME_PLAINTEXT_MAX);
      const header = Buffer.allocUnsafe(HEADER_BYTES);
      header.writeUInt32BE(piece.length);
      const i = this.frames++;
      out.push(header, ...sealPartsWithNonce(this.key, counterNonce(i), piece, frameAad(this.docId, i, piece.length)));
    }
    this.bytes += plaintext.length;
    return out;
  }

  /** Encrypts one plaintext message completely; an empty message yields empty ciphertext. */
  push(plaintext: Uint8Array): Buffer {
    return join(this.pushParts(plaintext));
  }
}

/**
 * Turns an arbitrarily re-chunked ciphertext back into plaintext, frame by frame. A frame that
 * lies within one input is opened in one go; one split across inputs is decrypted piece by piece
 * as it arrives (its plaintext held back until its tag has been checked), so no input is copied.
 */
export class StreamDecryptor {
  private readonly key: Buffer;
  private index = 0;
  /** The frame in progress (split across inputs): its header bytes so far… */
  private readonly header = Buffer.alloc(HEADER_BYTES);
  private headerGot = 0;
  /** …then (once the header is complete and valid) its length, decipher and plaintext so far… */
  private length = 0;
  private decipher: DecipherGCM | undefined;
  private bodyGot = 0;
  private plain: Buffer[] = [];
  /** …then its tag bytes so far. */
  private readonly tag = Buffer.alloc(TAG_BYTES);
  private tagGot = 0;

  /**
   * @param expectedFrames - the frame count recorded when the document was encrypted.
   */
  constructor(docKey: Buffer, private readonly docId: string, private readonly expectedFrames: number) {
    this.key = streamKey(docKey);
  }

  /** Bytes of the incomplete frame received so far. */
  private get pendingBytes(): number {
    return this.headerGot + this.bodyGot + this.tagGot;
  }

  /** Checks a frame header as soon as it is complete (before the frame's body arrives). */
  private checkHeader(length: number): void {
    if (length === 0 || length > FRAME_PLAINTEXT_MAX) {
      throw new CiphertextError(`ciphertext: malformed frame header at frame ${this.index} (not a StrongDoc emulator ciphertext, or corrupted)`);
    }
    if (this.index >= this.expectedFrames) {
      throw new CiphertextError(`ciphertext: extra data after the last of ${this.expectedFrames} frames of document ${this.docId}`);
    }
  }

  private authenticationFailed(): CiphertextError {
    return new CiphertextError(`ciphertext: frame ${this.index} failed authentication (tampered, reordered, or not made for document ${this.docId})`);
  }

  /**
   * Returns the plaintext of every frame completed by `data`, as parts (possibly none) whose
   * concatenation is what {@link push} returns. Parts do not share memory with `data`.
   */
  pushParts(data: Uint8Array): Buffer[] {
    const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length);
    const out: Buffer[] = [];
    let off = 0;
    while (off < buf.length) {
      if (this.headerGot === 0 && buf.length - off >= HEADER_BYTES) {
        // A frame starts here: open it at once if it is all here, else start it.
        const length = buf.readUInt32BE(off);
        this.checkHeader(length);
        const total = HEADER_BYTES + length + TAG_BYTES;
        if (buf.length - off >= total) {
          try {
            out.push(openWithNonce(this.key, counterNonce(this.index), buf.subarray(off + HEADER_BYTES, off + total), frameAad(this.docId, this.index, length)));
          } catch (e) {
            if (e instanceof AuthenticationError) throw this.authenticationFailed();
            throw e;
          }
          off += total;
          this.index++;
          continue;
        }
        buf.copy(this.header, 0, off, off + HEADER_BYTES);
        this.headerGot = HEADER_BYTES;
        off += HEADER_BYTES;
        this.startFrame(length);
      } else if (this.headerGot < HEADER_BYTES) {
        const take = Math.min(HEADER_BYTES - this.headerGot, buf.length - off);
        buf.copy(this.header, this.headerGot, off, off + take);
        this.headerGot += take;
        off += take;
        if (this.headerGot < HEADER_BYTES) break;
        const length = this.header.readUInt32BE(0);
        this.checkHeader(length);
        this.startFrame(length);
      } else if (this.bodyGot < this.length) {
        const take = Math.min(this.length - this.bodyGot, buf.length - off);
        this.plain.push(this.decipher!.update(buf.subarray(off, off + take)));
        this.bodyGot += take;
        off += take;
      } else {
        const take = Math.min(TAG_BYTES - this.tagGot, buf.length - off);
        buf.copy(this.tag, this.tagGot, off, off + take);
        this.tagGot += take;
        off += take;
        if (this.tagGot === TAG_BYTES) out.push(...this.endFrame());
      }
    }
    return out;
  }

  /** Returns the plaintext of every frame completed by `data` (possibly empty). */
  push(data: Uint8Array): Buffer {
    return join(this.pushParts(data));
  }

  private startFrame(length: number): void {
    this.length = length;
    this.decipher = opener(this.key, counterNonce(this.index), frameAad(this.docId, this.index, length));
  }

  /** Checks the tag of the frame in progress; returns its plaintext and resets for the next. */
  private endFrame(): Buffer[] {
    const decipher = this.decipher!;
    decipher.setAuthTag(this.tag);
    let final: Buffer;
    try {
      final = decipher.final(); // empty for GCM
    } catch {
      throw this.authenticationFailed();
    }
    const plain = this.plain;
    if (final.length > 0) plain.push(final);
    this.index++;
    this.headerGot = this.bodyGot = this.tagGot = this.length = 0;
    this.decipher = undefined;
    this.plain = [];
    return plain;
  }

  /** Call at end of input: throws if the ciphertext was cut short. */
  finish(): void {
    const pending = this.pendingBytes;
    if (pending > 0 || this.index < this.expectedFrames) {
      throw new CiphertextError(
        `ciphertext: truncated — ended after ${this.index} of ${this.expectedFrames} frames` +
          (pending > 0 ? ` plus ${pending} bytes of an incomplete frame` : ""),
      );
    }
  }
}

/** One buffer holding `parts` (the part itself when there is one). */
function join(parts: Buffer[]): Buffer {
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/** Seals one stored-document chunk at rest (key derived from the document key, AAD = docID + seq). */
export function sealChunk(bodyKey: Buffer, docId: string, seq: number, plaintext: Buffer): Buffer {
  return sealWithNonce(bodyKey, counterNonce(seq), plaintext, chunkAad(docId, seq));
}

/**
 * A cipher sealing stored-document chunk `seq` piece by piece: `update()` each piece of its
 * plaintext, then `final()` and `getAuthTag()`; the bytes are those of {@link sealChunk}.
 */
export function chunkSealer(bodyKey: Buffer, docId: string, seq: number): CipherGCM {
  return sealer(bodyKey, counterNonce(seq), chunkAad(docId, seq));
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
