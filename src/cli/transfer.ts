// Sources and sinks for the transfer commands (docs upload/download, encrypt, decrypt): a file or
// stdin/stdout, seen through a byte-counting Transform that drives an optional progress bar.
// Data always streams; nothing is buffered whole.
import { SingleBar } from "cli-progress";
import { createReadStream, createWriteStream } from "node:fs";
import { rm, stat } from "node:fs/promises";
import { Transform, type Readable, type Writable } from "node:stream";
import { finished, pipeline } from "node:stream/promises";
import { CliError, ExitCode } from "./exit-codes";
import { formatBytes } from "./format";

/** A byte counter that draws a progress bar on stderr when enabled. */
export interface Meter {
  /** Adds transferred bytes. */
  add(bytes: number): void;
  /** Total bytes counted so far. */
  readonly bytes: number;
  /** Removes the bar (if any). */
  stop(): void;
}

/**
 * Creates a {@link Meter}; with `enabled` it draws a cli-progress bar on stderr.
 *
 * @example
 * ```ts
 * const meter = createMeter("upload notes.txt", size, process.stderr.isTTY);
 * ```
 */
export function createMeter(label: string, total: number | undefined, enabled: boolean): Meter {
  let bytes = 0;
  const bar = enabled
    ? new SingleBar({
        stream: process.stderr,
        format: total !== undefined ? `${label} [{bar}] {percentage}% {done}/{size} ETA {eta}s` : `${label} {done}`,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 20,
      })
    : undefined;
  const payload = () => ({ done: formatBytes(bytes), size: formatBytes(total ?? 0) });
  bar?.start(Math.max(total ?? 0, 1), 0, payload());
  return {
    add(n: number) {
      bytes += n;
      bar?.update(total !== undefined ? Math.min(bytes, Math.max(total, 1)) : 0, payload());
    },
    get bytes() {
      return bytes;
    },
    stop() {
      bar?.stop();
    },
  };
}

/** A counting pass-through: every chunk through it is added to the meter. */
function countingStream(meter: Meter): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      meter.add(chunk.length);
      callback(null, chunk);
    },
  });
}

/** An input to stream from: a file, or stdin for `-` or no path. */
export interface Input {
  /** The bytes, counted into `meter`. */
  readonly stream: Readable;
  /** Size in bytes when known (files). */
  readonly size: number | undefined;
  /** The file's base name (`stdin` for stdin). */
  readonly name: string;
  /** The meter counting the bytes read. */
  readonly meter: Meter;
}

/**
 * Opens a file (or stdin for `-`/undefined) for streaming, with an optional progress bar.
 * Fails early with exit code 5 when the file is missing or not a regular file.
 *
 * @example
 * ```ts
 * const input = await openInput("report.pdf", "upload", true);
 * await document.uploadDocument(token, input.name, input.stream);
 * ```
 */
export async function openInput(path: string | undefined, label: string, progress: boolean): Promise<Input> {
  if (path === undefined || path === "-") {
    const meter = createMeter(`${label} stdin`, undefined, progress);
    const counter = countingStream(meter);
    void pipeline(process.stdin, counter).catch((err) => counter.destroy(err));
    return { stream: counter, size: undefined, name: "stdin", meter };
  }
  const info = await stat(path);
  if (!info.isFile()) throw new CliError(`${path}: not a regular file`, ExitCode.LocalIo);
  const name = path.split(/[\\/]/).pop() || path;
  const meter = createMeter(`${label} ${name}`, info.size, progress);
  const counter = countingStream(meter);
  void pipeline(createReadStream(path), counter).catch((err) => counter.destroy(err));
  return { stream: counter, size: info.size, name, meter };
}

/** An output to stream into: a file, or stdout for `-` or no path. */
export interface Output {
  /** Where the facade writes. */
  readonly stream: Writable;
  /** The meter counting the bytes written. */
  readonly meter: Meter;
  /** Ends the output (if the writer has not) and waits until the bytes have reached the sink. */
  complete(): Promise<void>;
  /** Abandons the output: a partially written file is removed. */
  abandon(): Promise<void>;
}

/**
 * Opens a file (or stdout for `-`/undefined) as a streaming sink, with an optional progress bar.
 *
 * @example
 * ```ts
 * const out = openOutput("copy.pdf", "download", true);
 * try { await document.downloadDocumentStream(token, docId, out.stream); await out.complete(); }
 * catch (err) { await out.abandon(); throw err; }
 * ```
 */
export function openOutput(path: string | undefined, label: string, progress: boolean, total?: number): Output {
  const toStdout = path === undefined || path === "-";
  const meter = createMeter(`${label}${toStdout ? "" : ` ${path}`}`, total, progress);
  const counter = countingStream(meter);
  let done: Promise<void>;
  if (toStdout) {
    // A reader that goes away (`… | head`) fails the transfer with EPIPE instead of hanging it.
    const onError = (err: Error) => counter.destroy(err);
    process.stdout.on("error", onError);
    counter.pipe(process.stdout, { end: false });
    done = finished(counter);
    done.finally(() => process.stdout.off("error", onError)).catch(() => undefined);
  } else {
    done = pipeline(counter, createWriteStream(path));
  }
  done.catch(() => undefined);
  return {
    stream: counter,
    meter,
    async complete() {
      if (!counter.writableEnded) counter.end();
      try {
        await done;
      } finally {
        meter.stop();
      }
    },
    async abandon() {
      meter.stop();
      counter.destroy();
      await done.catch(() => undefined);
      if (!toStdout) await rm(path, { force: true });
    },
  };
}
