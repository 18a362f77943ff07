// Loads the StrongDoc emulator (the `strongdoc-emulator` workspace package) on demand, so that the
// CLI and the demo can start one in-process while the client library never depends on it.
// Run from TypeScript sources (tsx), it prefers the emulator's sources next to this repository, so
// that the demo and tests never run a stale build.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { CliError, ExitCode } from "./exit-codes";

/** Options accepted by the emulator's `startEmulator` (the subset the CLI uses). */
export interface EmulatorOptions {
  /** Interface to listen on (default 127.0.0.1). */
  readonly host?: string;
  /** Port to listen on; 0 picks a free one. */
  readonly port?: number;
  /** Where the data, keys and CA live; a temporary directory when omitted. */
  readonly dataDir?: string;
  /** Silence the per-call log lines. */
  readonly quiet?: boolean;
  /** Per-call traffic (bytes, one direction) from which a call is listed as large traffic. */
  readonly largeTrafficBytes?: number;
}

/** A running emulator, as `startEmulator` returns it. */
export interface EmulatorHandle {
  /** The host it listens on. */
  readonly host: string;
  /** The port it listens on. */
  readonly port: number;
  /** The CA certificate (PEM) that signed its server certificate. */
  readonly caPem: string;
  /** Path of that CA certificate in the data dir. */
  readonly caFile: string;
  /** Its data directory. */
  readonly dataDir: string;
  /** Stops it. */
  stop(): Promise<void>;
}

/** The emulator's entry point. */
export type StartEmulator = (options?: EmulatorOptions) => Promise<EmulatorHandle>;

/** True when a dynamic import failed because the module itself is absent. */
function isMissingModule(err: unknown, name: string): boolean {
  const e = err as NodeJS.ErrnoException | undefined;
  return (
    (e?.code === "ERR_MODULE_NOT_FOUND" || e?.code === "MODULE_NOT_FOUND") && String(e.message).includes(name)
  );
}

/** Imports a module by a computed specifier (so the compiler does not pull it into the build). */
function importDynamic(specifier: string): Promise<Record<string, unknown>> {
  return import(specifier) as Promise<Record<string, unknown>>;
}

/**
 * Loads `startEmulator`. Throws a {@link CliError} (exit code 2) with an install hint when the
 * emulator package is not installed.
 *
 * @example
 * ```ts
 * const startEmulator = await loadEmulator();
 * const emu = await startEmulator({ port: 0, quiet: true });
 * ```
 */
export async function loadEmulator(): Promise<StartEmulator> {
  let mod: Record<string, unknown>;
  const source = resolve(__dirname, "../../emulator/src/index.ts");
  if (__filename.endsWith(".ts") && existsSync(source)) {
    mod = await importDynamic(pathToFileURL(source).href);
  } else {
    try {
      mod = await importDynamic("strongdoc-emulator");
    } catch (err) {
      if (isMissingModule(err, "strongdoc-emulator")) {
        throw new CliError(
          "the emulator is not installed: run `npm install strongdoc-emulator` (or `npm run build` in a clone)",
          ExitCode.Usage,
        );
      }
      throw err;
    }
  }
  const start = (mod.startEmulator ?? (mod.default as Record<string, unknown> | undefined)?.startEmulator) as
    | StartEmulator
    | undefined;
  if (typeof start !== "function") {
    throw new CliError("the installed strongdoc-emulator does not export startEmulator", ExitCode.Usage);
  }
  return start;
}
