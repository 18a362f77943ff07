// The main job (`npm start`): StrongDoc end to end on real documents. Starts an emulator
// in-process on a free port with a fresh CA in a temporary directory, then runs demo/scenario.ts
// through the public facade, prints a summary table and exits 0 — or prints one line
// (`strongdoc-demo: <reason>`) and exits non-zero on any failure. See docs/demo.md.
import { Command, CommanderError, Option } from "commander";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { close, configure } from "../index";
import { collectCorpus } from "./demo/corpus";
import { renderSummary, StepPrinter } from "./demo/report";
import { runScenario } from "./demo/scenario";
import { loadEmulator, type EmulatorHandle } from "./emulator-loader";
import { CliError, describeError, ExitCode } from "./exit-codes";
import { formatBytes } from "./format";
import { parseByteSize, parseCount } from "./parse";

/** The demo's options (see `npm start -- --help`). */
export interface DemoOptions {
  /** Upload every file under this directory instead of the node_modules documents. */
  readonly dir?: string;
  /** At most this many documents. */
  readonly maxDocs: number;
  /** At most this many bytes in total. */
  readonly maxBytes: number;
  /** Uploads in flight at once. */
  readonly concurrency: number;
  /** Search queries to run. */
  readonly queries: readonly string[];
  /** Keep the temporary directory (emulator data, CA, ciphertext). */
  readonly keep: boolean;
  /** Give up after this many seconds. */
  readonly timeoutSeconds: number;
}

/** The default search queries, chosen to match the node_modules documents. */
export const DEFAULT_QUERIES = ["license", "permission is hereby granted", "typescript compiler", "protocol buffers", "stream"];

const STEPS = 10;

/** Rejects when the timeout passes or on SIGINT/SIGTERM; `dispose()` removes the timer and handlers. */
function interruption(timeoutSeconds: number): { promise: Promise<never>; dispose(): void } {
  let dispose = () => undefined as void;
  const promise = new Promise<never>((_, reject) => {
    const timer = setTimeout(
      () => reject(new CliError(`timed out after ${timeoutSeconds} s`, ExitCode.Unavailable)),
      timeoutSeconds * 1000,
    );
    const onSignal = (signal: NodeJS.Signals) => reject(new CliError(`interrupted (${signal})`, ExitCode.Interrupted));
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    dispose = () => {
      clearTimeout(timer);
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    };
  });
  promise.catch(() => undefined);
  return { promise, dispose: () => dispose() };
}

/**
 * Runs the whole demo and resolves when done; rejects on the first failure (after cleaning up).
 *
 * @example
 * ```ts
 * await runDemo({ maxDocs: 20, maxBytes: 1 << 20, concurrency: 4, queries: DEFAULT_QUERIES, keep: false, timeoutSeconds: 120 });
 * ```
 */
export async function runDemo(options: DemoOptions): Promise<void> {
  const started = performance.now();
  const out = new StepPrinter(STEPS);
  const corpus = await collectCorpus(options);
  const startEmulator = await loadEmulator();
  const root = await mkdtemp(join(tmpdir(), "strongdoc-demo-"));
  const dataDir = join(root, "data");
  const workDir = join(root, "work");
  await mkdir(workDir);
  const largest = Math.max(...corpus.files.map((f) => f.size));
  const largeTrafficBytes = Math.max(1024, Math.min(64 * 1024, Math.floor(largest / 2)));
  const stop = interruption(options.timeoutSeconds);
  let emu: EmulatorHandle | undefined;
  try {
    process.stdout.write(`StrongDoc end-to-end demo: ${corpus.files.length} documents (${formatBytes(corpus.bytes)}) from ${corpus.root}\n`);
    emu = await Promise.race([startEmulator({ host: "127.0.0.1", port: 0, dataDir, quiet: true, largeTrafficBytes }), stop.promise]);
    // "localhost" (a SAN of the emulator's certificate) rather than the IP: TLS SNI takes no IPs.
    configure({ host: "localhost", port: emu.port, caPem: emu.caPem });
    out.step("emulator", `listening on ${emu.host}:${emu.port}, fresh CA ${emu.caFile}`);
    out.detail(`large-traffic threshold lowered to ${formatBytes(largeTrafficBytes)} per call for the demo`);
    const stats = await Promise.race([
      runScenario({ corpus, concurrency: options.concurrency, queries: options.queries, workDir, progress: process.stderr.isTTY === true, out }),
      stop.promise,
    ]);
    close();
    await emu.stop();
    emu = undefined;
    if (!options.keep) await rm(root, { recursive: true, force: true });
    out.step("cleanup", options.keep ? `emulator stopped; kept ${root}` : `emulator stopped; removed ${root}`);
    process.stdout.write(`\n${renderSummary(stats, (performance.now() - started) / 1000)}\n`);
  } finally {
    stop.dispose();
    if (emu) {
      close();
      await emu.stop().catch(() => undefined);
      if (!options.keep) await rm(root, { recursive: true, force: true }).catch(() => undefined);
    }
  }
}

/** Builds the demo's command line. */
function demoProgram(): Command {
  return new Command("npm start --")
    .description("StrongDoc end to end against an in-process emulator, on real documents")
    .argument("[dir]", "upload the files under this directory (default: the documents in node_modules)")
    .option("--max-docs <n>", "at most n documents", parseCount, 300)
    .addOption(new Option("--max-bytes <size>", "at most this many bytes in total").argParser(parseByteSize).default(64 * 1024 * 1024, "64m"))
    .option("-c, --concurrency <n>", "uploads in flight at once", parseCount, 4)
    .addOption(
      new Option("-q, --query <words>", "a search to run; repeat for several")
        .argParser((v: string, acc: string[]) => [...acc, v])
        .default([], "five queries suited to node_modules"),
    )
    .option("--keep", "keep the temporary directory (emulator data, CA, ciphertext)")
    .option("--timeout <seconds>", "give up after this many seconds", parseCount, 300)
    .exitOverride()
    .configureOutput({ outputError: () => undefined });
}

/**
 * Entry point: parses `argv`, runs the demo, returns the exit code (0, or non-zero after printing
 * one line `strongdoc-demo: <reason>` on stderr). Never throws.
 *
 * @example
 * ```ts
 * process.exitCode = await main(process.argv);
 * ```
 */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const program = demoProgram();
    program.parse([...argv]);
    const opts = program.opts<{ maxDocs: number; maxBytes: number; concurrency: number; query: string[]; keep?: boolean; timeout: number }>();
    if (opts.maxDocs < 1 || opts.concurrency < 1 || opts.timeout < 1) {
      throw new CliError("--max-docs, --concurrency and --timeout must be at least 1", ExitCode.Usage);
    }
    await runDemo({
      dir: program.args[0],
      maxDocs: opts.maxDocs,
      maxBytes: opts.maxBytes,
      concurrency: opts.concurrency,
      queries: opts.query.length > 0 ? opts.query : DEFAULT_QUERIES,
      keep: opts.keep === true,
      timeoutSeconds: opts.timeout,
    });
    return ExitCode.Ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return ExitCode.Ok;
      process.stderr.write(`strongdoc-demo: usage: ${err.message.replace(/^error:\s*/i, "")} (see npm start -- --help)\n`);
      return ExitCode.Usage;
    }
    const { line, exitCode } = describeError(err);
    process.stderr.write(`strongdoc-demo: ${line}\n`);
    return exitCode;
  }
}

if (require.main === module) {
  void main(process.argv).then((code) => {
    // Exit explicitly: after a timeout or interruption, abandoned calls must not keep us alive.
    process.exit(code);
  });
}
