// Sources and sinks for the transfer commands (docs upload/download, encrypt, decrypt): a file or
// stdin/stdout, seen through a byte-counting Transform that drives an optional progress bar.
// Data always streams; nothing is buffered whole. A file output is written to a temporary file
// next to it and renamed into place only on success, so a failure never destroys an existing file.
import { SingleBar } from "cli-progress";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { constants, createReadStream, createWriteStream, unlinkSync, type Stats } from "node:fs";
import { access, open, realpath, rename, rm, stat, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
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
  /**
   * Ends the output (if the writer has not) and waits until the bytes have reached the sink. For a
   * regular file this is when the temporary file, flushed to disk, is renamed over the target.
   */
  complete(): Promise<void>;
  /**
   * Abandons the output: the temporary file (if any) is removed; an existing target file is left
   * exactly as it was. Bytes already written to stdout or to a device/FIFO cannot be taken back.
   */
  abandon(): Promise<void>;
}

/** Where a file output's bytes go while the transfer runs, and how it is finished. */
interface FileSink {
  /** The stream the bytes are piped into. */
  readonly stream: Writable;
  /** Makes the written bytes the target's content (the rename, for a temporary file). */
  commit(): Promise<void>;
  /** Undoes what can be undone (removes the temporary file, if any). */
  discard(): Promise<void>;
}

/** The signals on which a transfer in progress removes its temporary file before dying. */
const CLEANUP_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * Opens the sink for `-o <path>`. A regular file (or a path that does not exist yet) is written
 * through a temporary file in the same directory, renamed over the target only once every byte is
 * on disk: a failed transfer never truncates or removes what was there. Anything else that is not
 * a directory (a character device such as /dev/null, a FIFO) is written directly and never removed.
 */
async function openFileSink(path: string): Promise<FileSink> {
  let info: Stats | undefined;
  try {
    info = await stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  if (info?.isDirectory()) throw new CliError(`${path}: is a directory`, ExitCode.LocalIo);
  if (info && !info.isFile()) {
    const stream = createWriteStream(path);
    await once(stream, "open");
    return { stream, commit: async () => undefined, discard: async () => undefined };
  }
  // Replace the file a symlink points to, not the link itself, as writing through it would.
  const target = info ? await realpath(path) : path;
  // A file we may not write to stays protected, as it would be without the temporary file.
  if (info) await access(target, constants.W_OK);
  const dir = dirname(target);
  const tmp = join(dir, `.${basename(target)}.${randomBytes(6).toString("hex")}.strongdoc-tmp`);
  let handle: FileHandle;
  try {
    handle = await open(tmp, "wx", 0o666);
  } catch (err) {
    // Report the path the user gave, not the temporary name.
    throw Object.assign(err as NodeJS.ErrnoException, { path });
  }
  const removeTmpNow = () => {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
  };
  const onSignal = (signal: NodeJS.Signals) => {
    removeTmpNow();
    unwatch();
    process.kill(process.pid, signal);
  };
  const unwatch = () => {
    for (const s of CLEANUP_SIGNALS) process.off(s, onSignal);
  };
  for (const s of CLEANUP_SIGNALS) process.on(s, onSignal);
  try {
    // The replaced file keeps its permission bits, as it would if it were overwritten in place.
    if (info) await handle.chmod(info.mode & 0o777);
  } catch (err) {
    await handle.close().catch(() => undefined);
    removeTmpNow();
    unwatch();
    throw err;
  }
  const stream = handle.createWriteStream({ flush: true });
  return {
    stream,
    async commit() {
      try {
        await rename(tmp, target);
      } finally {
        unwatch();
      }
    },
    async discard() {
      unwatch();
      if (!stream.closed) {
        stream.destroy();
        await once(stream, "close").catch(() => undefined);
      }
      await rm(tmp, { force: true });
    },
  };
}

/**
 * Opens a file (or stdout for `-`/undefined) as a streaming sink, with an optional progress bar.
 * A regular file is replaced only on {@link Output.complete}; until then the bytes go to a
 * temporary file next to it, and {@link Output.abandon} leaves the existing file untouched.
 * Fails early (exit code 5) when `path` is a directory or its directory is not writable.
 *
 * @example
 * ```ts
 * const out = await openOutput("copy.pdf", "download", true);
 * try { await document.downloadDocumentStream(token, docId, out.stream); await out.complete(); }
 * catch (err) { await out.abandon(); throw err; }
 * ```
 */
export async function openOutput(path: string | undefined, label: string, progress: boolean, total?: number): Promise<Output> {
  const toStdout = path === undefined || path === "-";
  const sink = toStdout ? undefined : await openFileSink(path);
  const meter = createMeter(`${label}${toStdout ? "" : ` ${path}`}`, total, progress);
  const counter = countingStream(meter);
  let done: Promise<void>;
  if (!sink) {
    // A reader that goes away (`… | head`) fails the transfer with EPIPE instead of hanging it.
    const onError = (err: Error) => counter.destroy(err);
    process.stdout.on("error", onError);
    counter.pipe(process.stdout, { end: false });
    done = finished(counter);
    done.finally(() => process.stdout.off("error", onError)).catch(() => undefined);
  } else {
    done = pipeline(counter, sink.stream);
  }
  done.catch(() => undefined);
  return {
    stream: counter,
    meter,
    async complete() {
      if (!counter.writableEnded) counter.end();
      try {
        await done;
        await sink?.commit();
      } finally {
        meter.stop();
      }
    },
    async abandon() {
      meter.stop();
      counter.destroy();
      await done.catch(() => undefined);
      await sink?.discard();
    },
  };
}
