// The `strongdoc` command: assembles the command groups (one module each under commands/) with
// commander, runs one command, and turns any failure into one line on stderr and an exit code
// (see exit-codes.ts). bin/strongdoc.js calls runCli() from the compiled build.
import { Command, CommanderError } from "commander";
import { close } from "../index";
import { registerAccountCommands } from "./commands/account";
import { registerAuthCommands } from "./commands/auth";
import { registerBillingCommand } from "./commands/billing";
import { registerCryptCommands } from "./commands/crypt";
import { registerDocsCommands } from "./commands/docs";
import { registerEmulatorCommand } from "./commands/emulator";
import { registerSearchCommand } from "./commands/search";
import { registerUsersCommands } from "./commands/users";
import { describeError, ExitCode, type ExitCodeValue } from "./exit-codes";

const EPILOG = `
Environment:
  STRONGDOC_HOST, STRONGDOC_PORT, STRONGDOC_CA_FILE   the service endpoint and its CA (PEM)
  STRONGDOC_EMULATOR_HOST=host:port                  talk to a local emulator instead
  STRONGDOC_TOKEN                                    use this token instead of the cached one
  STRONGDOC_TOKEN_FILE                               where login caches the token
  STRONGDOC_PASSWORD                                 your password, for login and account register

Exit codes: 0 ok, 1 service error, 2 usage or configuration error, 3 not logged in or refused credentials,
            4 service unreachable, 5 local file error, 130 interrupted.`;

/**
 * Builds the `strongdoc` program (all commands, `--help` everywhere, `--json`, exit override).
 *
 * @example
 * ```ts
 * await buildProgram().parseAsync(["node", "strongdoc", "docs", "list"]);
 * ```
 */
export function buildProgram(): Command {
  const program = new Command("strongdoc")
    .description("StrongDoc from the command line: encrypted documents, sharing, search, billing")
    .version(readVersion(), "-V, --version")
    .option("--json", "print machine-readable JSON on stdout")
    .option("--no-progress", "never draw progress bars (they appear only when stderr is a TTY)")
    .showHelpAfterError(false)
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .configureOutput({ outputError: () => undefined })
    .addHelpText("after", EPILOG);
  registerAuthCommands(program);
  registerUsersCommands(program);
  registerDocsCommands(program);
  registerCryptCommands(program);
  registerSearchCommand(program);
  registerBillingCommand(program);
  registerAccountCommands(program);
  registerEmulatorCommand(program);
  return program;
}

/** The package version, read from package.json next to src/ or dist/. */
function readVersion(): string {
  for (const rel of ["../../package.json", "../../../package.json"]) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const pkg = require(rel) as { name?: string; version?: string };
      if (pkg.name === "strongdoc" && pkg.version) return pkg.version;
    } catch {
      // try the next location
    }
  }
  return "0.0.0";
}

/**
 * grpc-js sends an IP host (e.g. STRONGDOC_HOST=127.0.0.1) as the TLS server name, which Node
 * flags with a multi-line deprecation warning (DEP0123) on every run. It is harmless; drop just
 * that warning so that the CLI's stderr stays one line per problem.
 */
function silenceIpServernameWarning(): void {
  const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((...args: unknown[]) => {
    const code = typeof args[1] === "object" ? (args[1] as { code?: string } | null)?.code : args[2];
    if (code !== "DEP0123") emitWarning(...args);
  }) as typeof process.emitWarning;
}

/** Maps a commander failure (bad arguments, --help, --version) to an exit code and a line. */
function commanderOutcome(err: CommanderError): { exitCode: ExitCodeValue; line?: string } {
  if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") {
    // Help asked for exits 0; help shown because something was missing exits as a usage error.
    return { exitCode: err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage };
  }
  const message = err.message.replace(/^error:\s*/i, "").replace(/\s*\n\s*/g, " ").trim();
  return { exitCode: ExitCode.Usage, line: `usage: ${message} (see --help)` };
}

/**
 * Runs the CLI on `argv` (as in `process.argv`) and returns the exit code; never throws.
 * Any failure is printed as one line, `strongdoc: <reason>`, on stderr.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv);
 * ```
 */
export async function runCli(argv: readonly string[]): Promise<ExitCodeValue> {
  let exitCode: ExitCodeValue = ExitCode.Ok;
  silenceIpServernameWarning();
  // stdout closed by its reader (`strongdoc docs download … | head`): never crash on the EPIPE.
  process.stdout.on("error", () => undefined);
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (err) {
    // The reader of stdout went away: what it wanted, it got. End quietly, as `cat | head` does.
    if ((err as NodeJS.ErrnoException | undefined)?.code === "EPIPE") return ExitCode.Ok;
    let line: string | undefined;
    if (err instanceof CommanderError) ({ exitCode, line } = commanderOutcome(err));
    else ({ exitCode, line } = describeError(err));
    if (line) process.stderr.write(`strongdoc: ${line}\n`);
  } finally {
    close();
    // A command that failed before reading all of stdin must not wait for the writer to finish
    // (`tar c big | strongdoc encrypt` would otherwise hang on an error).
    process.stdin.destroy();
  }
  return exitCode;
}

if (require.main === module) {
  void runCli(process.argv).then((code) => {
    process.exitCode = code;
  });
}
