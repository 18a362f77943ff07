// Test helper streams: a generated random source that hashes what it hands out, a hashing sink,
// and a gated sink that holds its first write until released (to stall a pipeline on purpose).
import { createHash, randomBytes } from "node:crypto";
import { Readable, Writable } from "node:stream";

/** A Readable of `total` random bytes in `pieceSize` pieces; counts and hashes what it produced. */
export function randomSource(total: number, pieceSize = 100_003) {
  const hash = createHash("sha256");
  let produced = 0;
  const stream = new Readable({
    read() {
      if (produced >= total) {
        this.push(null);
        return;
      }
      const piece = randomBytes(Math.min(pieceSize, total - produced));
      hash.update(piece);
      produced += piece.length;
      this.push(piece);
    },
  });
  return {
    stream,
    /** Bytes handed to the stream's buffer so far. */
    produced: () => produced,
    /** Hex SHA-256 of everything produced (call after the stream ended). */
    digest: () => hash.copy().digest("hex"),
  };
}

/** A Writable that hashes and counts what it receives. */
export function hashSink(highWaterMark?: number) {
  const hash = createHash("sha256");
  let received = 0;
  const stream = new Writable({
    highWaterMark,
    write(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      received += chunk.length;
      cb();
    },
  });
  return { stream, received: () => received, digest: () => hash.copy().digest("hex") };
}

/**
 * A Writable that accepts nothing until `release()`: its first write stays pending, so writes
 * pile up in its buffer and `write()` returns false once `highWaterMark` is reached. Records the
 * most bytes ever buffered in it.
 */
export function gatedSink(highWaterMark = 64 * 1024) {
  const hash = createHash("sha256");
  let received = 0;
  let maxBuffered = 0;
  let pending: (() => void) | undefined;
  let open = false;
  const stream = new Writable({
    highWaterMark,
    write(chunk: Buffer, _enc, cb) {
      maxBuffered = Math.max(maxBuffered, stream.writableLength);
      hash.update(chunk);
      received += chunk.length;
      if (open) cb();
      else pending = cb;
    },
  });
  const write = stream.write.bind(stream);
  stream.write = ((...args: Parameters<Writable["write"]>) => {
    const ok = write(...args);
    maxBuffered = Math.max(maxBuffered, stream.writableLength);
    return ok;
  }) as Writable["write"];
  return {
    stream,
    received: () => received,
    maxBuffered: () => maxBuffered,
    digest: () => hash.copy().digest("hex"),
    release() {
      open = true;
      const cb = pending;
      pending = undefined;
      cb?.();
    },
  };
}

/** Resolves once `value()` has not changed for `quietMs` (the pipeline has stalled). */
export async function settled(value: () => number, quietMs = 400, stepMs = 50): Promise<number> {
  let last = value();
  let since = Date.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, stepMs));
    const now = value();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) {
      return now;
    }
  }
}
