// Document bodies on disk: one file per stored document in <dataDir>/blobs, holding its 1 MiB
// plaintext chunks each sealed with AES-256-GCM (see crypto/stream-cipher.ts sealChunk), so the
// file holds ciphertext only. Chunk i sits at offset i × (1 MiB + 16), so no index is needed.
// A chunk is sealed piece by piece as the plaintext arrives (same bytes as sealing it whole), so
// the writer holds no plaintext; the reader reads every chunk into one reused buffer.
// The database row is the source of truth: a file without a ready row is an orphan (an upload
// that failed or a crash) and is removed at start; rows are deleted before their files.
import type { CipherGCM } from "node:crypto";
import { closeSync, fsync, mkdirSync, openSync, readSync, readdirSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { status } from "@grpc/grpc-js";
import type { Db } from "./db";
import { ApiError } from "../errors";
import { AuthenticationError, TAG_BYTES } from "../crypto/aead";
import { bodyKey, chunkSealer, openChunk } from "../crypto/stream-cipher";

/** Plaintext bytes per stored chunk (and per DownloadDocumentStream message). */
export const CHUNK_BYTES = 1024 * 1024;
/** How much of a document's plaintext is handed to the search index. */
export const INDEX_PREFIX_BYTES = 8 * 1024 * 1024;
/** Name of the blob directory inside the data dir. */
export const BLOB_DIR = "blobs";

const SUFFIX = ".blob";

/** The files holding stored document bodies. */
export class BlobStore {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /** The file of `docId` (document IDs are UUIDs, safe as file names). */
  path(docId: string): string {
    if (!/^[0-9a-f-]{36}$/.test(docId)) throw new Error(`not a document ID: ${docId}`);
    return join(this.dir, docId + SUFFIX);
  }

  /** Starts the body of a new (pending) document. */
  writer(docId: string, docKey: Buffer): ChunkWriter {
    return new ChunkWriter(this.path(docId), docId, docKey);
  }

  /** Opens a stored document's body for reading; `chunkCount` chunks of `size` bytes in all. */
  reader(db: Db, doc: { doc_id: string; size: number }, docKey: Buffer): ChunkReader {
    return new ChunkReader(db, this, doc, docKey);
  }

  /** Deletes a body file (no error if it is already gone). Call after the row is deleted. */
  remove(docId: string): void {
    try {
      unlinkSync(this.path(docId));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  }

  /** Deletes every body file whose document is not in `keep`; returns how many. */
  sweep(keep: Set<string>): number {
    let n = 0;
    for (const name of readdirSync(this.dir)) {
      const docId = name.endsWith(SUFFIX) ? name.slice(0, -SUFFIX.length) : "";
      if (!keep.has(docId)) {
        unlinkSync(join(this.dir, name));
        n++;
      }
    }
    return n;
  }
}

/**
 * Streams plaintext into the encrypted body file of a pending document: each piece is encrypted
 * and written as it arrives (a chunk's tag after its last piece), so it holds no plaintext in
 * memory but the search prefix.
 */
export class ChunkWriter {
  private readonly key: Buffer;
  private fd: number | undefined;
  /** The cipher of the chunk in progress, and how much plaintext it has had. */
  private cipher: CipherGCM | undefined;
  private chunkBytes = 0;
  private prefixParts: Buffer[] = [];
  private prefixBytes = 0;
  /** Chunks written so far. */
  chunks = 0;
  /** Plaintext bytes received so far. */
  bytes = 0;

  constructor(private readonly file: string, private readonly docId: string, docKey: Buffer) {
    this.key = bodyKey(docKey);
    this.fd = openSync(file, "wx", 0o600);
  }

  /** Adds plaintext; encrypts and writes it at once, and the tag of every completed chunk. */
  write(data: Buffer): void {
    if (data.length === 0) return;
    if (this.fd === undefined) throw new Error("body file already closed");
    this.bytes += data.length;
    if (this.prefixBytes < INDEX_PREFIX_BYTES) {
      // A copy: the caller may reuse `data` once this returns.
      const take = data.subarray(0, INDEX_PREFIX_BYTES - this.prefixBytes);
      this.prefixParts.push(Buffer.from(take));
      this.prefixBytes += take.length;
    }
    let off = 0;
    while (off < data.length) {
      this.cipher ??= chunkSealer(this.key, this.docId, this.chunks);
      const take = Math.min(CHUNK_BYTES - this.chunkBytes, data.length - off);
      this.writeAll(this.cipher.update(data.subarray(off, off + take)));
      this.chunkBytes += take;
      off += take;
      if (this.chunkBytes === CHUNK_BYTES) this.endChunk();
    }
  }

  /** Writes the tag of the chunk in progress, if any. */
  private endChunk(): void {
    const cipher = this.cipher;
    if (cipher === undefined) return;
    const final = cipher.final(); // empty for GCM
    if (final.length > 0) this.writeAll(final);
    this.writeAll(cipher.getAuthTag());
    this.chunks++;
    this.cipher = undefined;
    this.chunkBytes = 0;
  }

  private writeAll(buf: Buffer): void {
    if (this.fd === undefined) throw new Error("body file already closed");
    for (let off = 0; off < buf.length; ) off += writeSync(this.fd, buf, off, buf.length - off);
  }

  /**
   * Ends the last partial chunk (writes its tag) and makes the file durable (fsync on the thread
   * pool, so a large flush does not stall other calls). Call before committing the row.
   */
  async finish(): Promise<void> {
    this.endChunk();
    const fd = this.fd;
    if (fd === undefined) return;
    await new Promise<void>((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())));
    if (this.fd === fd) {
      closeSync(fd);
      this.fd = undefined;
    }
  }

  /** Closes the file without finishing it (the caller then removes it). */
  close(): void {
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }

  /** The first (up to) 8 MiB of plaintext, for the search index. */
  prefix(): Buffer {
    return Buffer.concat(this.prefixParts);
  }
}

/** Reads and decrypts a stored document's chunks one at a time. */
export class ChunkReader {
  private readonly key: Buffer;
  private fd: number | undefined;
  /** Every chunk is read into this buffer (its plaintext is a new buffer, so it can be reused). */
  private sealedBuffer: Buffer | undefined;
  /** Number of chunks in the document. */
  readonly chunkCount: number;

  constructor(
    private readonly db: Db,
    store: BlobStore,
    private readonly doc: { doc_id: string; size: number },
    docKey: Buffer,
  ) {
    this.key = bodyKey(docKey);
    this.chunkCount = Math.ceil(doc.size / CHUNK_BYTES);
    try {
      this.fd = openSync(store.path(doc.doc_id), "r");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      this.fd = undefined; // a data dir from before body files: chunks are rows of doc_chunks
    }
  }

  /** Plaintext of chunk `seq`; throws if it is missing or was altered. */
  read(seq: number): Buffer {
    const plainLength = Math.min(CHUNK_BYTES, this.doc.size - seq * CHUNK_BYTES);
    let sealed: Buffer;
    if (this.fd !== undefined) {
      this.sealedBuffer ??= Buffer.allocUnsafe(Math.min(CHUNK_BYTES, this.doc.size) + TAG_BYTES);
      sealed = this.sealedBuffer.subarray(0, plainLength + TAG_BYTES);
      let got = 0;
      while (got < sealed.length) {
        const n = readSync(this.fd, sealed, got, sealed.length - got, seq * (CHUNK_BYTES + TAG_BYTES) + got);
        if (n === 0) throw new ApiError(status.DATA_LOSS, `docID: the stored body of document ${this.doc.doc_id} is truncated`);
        got += n;
      }
    } else {
      const row = this.db.prepare("SELECT data FROM doc_chunks WHERE doc_id = ? AND seq = ?").get(this.doc.doc_id, seq) as
        | { data: Buffer }
        | undefined;
      if (!row) throw new ApiError(status.NOT_FOUND, `docID: document ${this.doc.doc_id} was removed while it was being read`);
      sealed = row.data;
    }
    try {
      return openChunk(this.key, this.doc.doc_id, seq, sealed);
    } catch (e) {
      if (e instanceof AuthenticationError) {
        throw new ApiError(status.DATA_LOSS, `docID: chunk ${seq} of document ${this.doc.doc_id} failed authentication (the stored body was altered or damaged)`);
      }
      throw e;
    }
  }

  /** Releases the file. */
  close(): void {
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }
}
