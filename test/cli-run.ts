// Test helper for the CLI tests: spawns `strongdoc` from its TypeScript sources through tsx
// (no build needed) with a clean, explicit environment, feeds stdin, and collects the outcome.
import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";

/** The repository root (tsx is resolved from here). */
export const ROOT = resolve(__dirname, "..");
/** The CLI entry point. */
export const CLI_MAIN = resolve(ROOT, "src/cli/main.ts");
/** The demo entry point. */
export const DEMO_MAIN = resolve(ROOT, "src/cli/demo.ts");

/** What a finished CLI process left behind. */
export interface CliResult {
  /** Exit code (null if killed by a signal). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout as raw bytes (for binary output). */
  readonly stdoutBytes: Buffer;
}

/** The parent's environment without any STRONGDOC_* variable, so tests set exactly what they mean. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("STRONGDOC_")) env[k] = v;
  return env;
}

/** Spawns `node --import tsx <script> …args` in the repository root. */
export function spawnScript(script: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: ROOT,
    env: { ...cleanEnv(), ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
}

/** Waits for a spawned script to exit, feeding `input` (or nothing) on stdin. */
export function collect(child: ChildProcess, input?: string | Buffer): Promise<CliResult> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on("data", (c: Buffer) => out.push(c));
  child.stderr!.on("data", (c: Buffer) => err.push(c));
  child.stdin!.on("error", () => undefined);
  child.stdin!.end(input ?? "");
  return new Promise((resolvePromise, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      const stdoutBytes = Buffer.concat(out);
      resolvePromise({ code, stdout: stdoutBytes.toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), stdoutBytes });
    });
  });
}

/**
 * Runs `strongdoc …args` to completion.
 *
 * @example
 * ```ts
 * const r = await strongdoc(["docs", "list", "--json"], { env: { STRONGDOC_TOKEN: token, ...endpoint } });
 * ```
 */
export function strongdoc(args: readonly string[], options: { env?: NodeJS.ProcessEnv; input?: string | Buffer } = {}): Promise<CliResult> {
  return collect(spawnScript(CLI_MAIN, args, options.env), options.input);
}
