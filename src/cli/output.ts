// How a command reports its result: JSON on stdout with `--json` (for scripts), otherwise a few
// human-readable lines. Also the global options every command inherits.
import type { Command } from "commander";

/** Options defined on the root command and available to every subcommand. */
export interface GlobalOptions {
  /** Print machine-readable JSON on stdout instead of text. */
  readonly json: boolean;
  /** Whether progress bars may be drawn (stderr is a TTY and --json/--no-progress not given). */
  readonly progress: boolean;
}

/**
 * Reads the global options as seen from a (sub)command.
 *
 * @example
 * ```ts
 * .action((opts, cmd: Command) => { if (globalOptions(cmd).json) … })
 * ```
 */
export function globalOptions(cmd: Command): GlobalOptions {
  const all = cmd.optsWithGlobals() as { json?: boolean; progress?: boolean };
  const json = all.json === true;
  return { json, progress: all.progress !== false && !json && process.stderr.isTTY === true };
}

/**
 * Prints a result: `value` as JSON when `--json` is set, else the lines `human()` returns.
 *
 * @example
 * ```ts
 * report(cmd, { docId }, () => `uploaded ${name} as ${docId}`);
 * ```
 */
export function report(cmd: Command, value: unknown, human: () => string | readonly string[]): void {
  if (globalOptions(cmd).json) {
    process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    return;
  }
  const text = human();
  const lines = typeof text === "string" ? [text] : text;
  if (lines.length > 0) process.stdout.write(`${lines.join("\n")}\n`);
}

/**
 * Prints an informational note on stderr (never on stdout, which may carry data), unless --json.
 *
 * @example
 * ```ts
 * note(cmd, `docId ${docId}`);
 * ```
 */
export function note(cmd: Command, text: string): void {
  if (!globalOptions(cmd).json) process.stderr.write(`${text}\n`);
}
