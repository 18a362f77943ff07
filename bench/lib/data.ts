// Deterministic, streaming test data for the benchmarks: a Readable that yields N bytes in
// fixed-size chunks cut from a small pre-generated pool (so 1 GiB never sits in memory), and a
// Writable sink that only counts what it receives.
import { Readable, Writable } from "node:stream";

const POOL_BYTES = 4 * 1024 * 1024;
let pool: Buffer | undefined;

/** 4 MiB of xorshift32 output from a fixed seed: the same bytes on every run and machine. */
function dataPool(): Buffer {
  if (pool) return pool;
  pool = Buffer.allocUnsafe(POOL_BYTES);
  let x = 0x9e3779b9;
  for (let i = 0; i < POOL_BYTES; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    pool.writeUInt32LE(x >>> 0, i);
  }
  return pool;
}

/**
 * The `index`-th chunk of a deterministic stream cut into `chunkBytes` pieces (the last one may be
 * shorter). Chunks are read-only views into a shared pool; callers must not modify them.
 */
export function chunkAt(index: number, chunkBytes: number, totalBytes: number): Buffer {
  const p = dataPool();
  const start = index * chunkBytes;
  const len = Math.min(chunkBytes, totalBytes - start);
  // Rotate through the pool so consecutive chunks differ; never cross the pool's end.
  const maxLen = Math.min(len, POOL_BYTES);
  const off = (index * 7919 * 64) % (POOL_BYTES - maxLen + 1);
  if (len <= POOL_BYTES) return p.subarray(off, off + len);
  const big = Buffer.allocUnsafe(len); // chunk larger than the pool: only for exotic sweeps
  for (let o = 0; o < len; o += POOL_BYTES) p.copy(big, o, 0, Math.min(POOL_BYTES, len - o));
  return big;
}

/** Number of chunks needed to carry `totalBytes` in `chunkBytes` pieces. */
export function chunkCount(totalBytes: number, chunkBytes: number): number {
  return Math.ceil(totalBytes / chunkBytes);
}

/** A Readable of `totalBytes` deterministic bytes, pushed in `chunkBytes` pieces on demand. */
export function sourceStream(totalBytes: number, chunkBytes: number): Readable {
  let i = 0;
  const n = chunkCount(totalBytes, chunkBytes);
  return new Readable({
    highWaterMark: chunkBytes,
    read() {
      this.push(i < n ? chunkAt(i++, chunkBytes, totalBytes) : null);
    },
  });
}

/** A Writable that discards everything and counts the bytes; `bytes` is read after `finish`. */
export class CountingSink extends Writable {
  /** Bytes written so far. */
  bytes = 0;
  constructor() {
    super({ highWaterMark: 1024 * 1024 });
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.bytes += chunk.length;
    cb();
  }
}
