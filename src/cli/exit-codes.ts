// Exit codes of the `strongdoc` CLI and the one-line error report: every failure, whatever its
// source (the service, the arguments, the file system), ends as `strongdoc: <reason>` plus a code.
import { StrongDocError } from "../index";

/**
 * Process exit codes of the `strongdoc` command (documented in docs/cli.md).
 *
 * @example
 * ```sh
 * strongdoc whoami || [ $? -eq 3 ] && strongdoc login --org acme --user alice@acme.test
 * ```
 */
export const ExitCode = {
  /** Success. */
  Ok: 0,
  /** The service answered with an error status (NOT_FOUND, PERMISSION_DENIED, …). */
  Service: 1,
  /** Bad command line (unknown command or option, missing or malformed argument) or configuration (unreadable CA file, malformed endpoint variable). */
  Usage: 2,
  /** Not logged in, or the service refused the credentials or token (UNAUTHENTICATED). */
  Auth: 3,
  /** The service could not be reached in time (UNAVAILABLE, DEADLINE_EXCEEDED). */
  Unavailable: 4,
  /** A local file could not be read or written. */
  LocalIo: 5,
  /** Interrupted (SIGINT or SIGTERM). */
  Interrupted: 130,
} as const;

/** One of the {@link ExitCode} values. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An error the CLI itself raises, carrying the exit code to end with.
 *
 * @example
 * ```ts
 * throw new CliError("not logged in: run `strongdoc login`", ExitCode.Auth);
 * ```
 */
export class CliError extends Error {
  /** The process exit code this error maps to. */
  readonly exitCode: ExitCodeValue;

  constructor(message: string, exitCode: ExitCodeValue = ExitCode.Usage) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

/** gRPC status names by code number. */
const STATUS_NAMES = [
  "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
  "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
  "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
];

const AUTH_CODES = new Set(["UNAUTHENTICATED"]);
const UNAVAILABLE_CODES = new Set(["UNAVAILABLE", "DEADLINE_EXCEEDED"]);
const IO_CODES = new Set(["ENOENT", "EACCES", "EISDIR", "ENOTDIR", "EEXIST", "EPERM", "ENOSPC", "EROFS", "EPIPE"]);

/** Flattens a message to one line so that a report never spans several lines. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

/**
 * Maps any thrown value to the single line to print and the exit code to end with.
 *
 * @example
 * ```ts
 * const { line, exitCode } = describeError(err); // "UNAUTHENTICATED: token revoked", 3
 * ```
 */
export function describeError(err: unknown): { line: string; exitCode: ExitCodeValue } {
  const status = statusOf(err);
  if (status) {
    // grpc-js ends connection failures with an empty "Resolution note:"; drop it.
    const details = status.details.replace(/\.?\s*Resolution note:\s*$/, "");
    const line = oneLine(`${status.codeName}: ${details}`);
    if (AUTH_CODES.has(status.codeName)) return { line, exitCode: ExitCode.Auth };
    if (UNAVAILABLE_CODES.has(status.codeName)) return { line, exitCode: ExitCode.Unavailable };
    return { line, exitCode: ExitCode.Service };
  }
  if (err instanceof CliError) return { line: oneLine(err.message), exitCode: err.exitCode };
  if (err instanceof Error && err.name === "AbortError") {
    return { line: "interrupted", exitCode: ExitCode.Interrupted };
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === "string" && IO_CODES.has(code)) {
    const e = err as NodeJS.ErrnoException;
    const where = e.path ? `${e.path}: ` : "";
    return { line: oneLine(`${where}${describeErrno(code)}`), exitCode: ExitCode.LocalIo };
  }
  if (err instanceof TypeError || err instanceof RangeError) {
    return { line: oneLine(err.message), exitCode: ExitCode.Usage };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { line: oneLine(message || "unknown error"), exitCode: ExitCode.Service };
}

/** The gRPC status of a StrongDocError, or of a raw status error from the generated client. */
function statusOf(err: unknown): { codeName: string; details: string } | undefined {
  if (err instanceof StrongDocError) return { codeName: err.codeName, details: err.details || err.message };
  const raw = err as { code?: unknown; details?: unknown } | undefined;
  if (raw && typeof raw.code === "number" && typeof raw.details === "string" && STATUS_NAMES[raw.code]) {
    return { codeName: STATUS_NAMES[raw.code], details: raw.details };
  }
  return undefined;
}

function describeErrno(code: string): string {
  switch (code) {
    case "ENOENT":
      return "no such file or directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "is a directory";
    case "ENOTDIR":
      return "not a directory";
    case "EEXIST":
      return "already exists";
    case "ENOSPC":
      return "no space left on device";
    case "EROFS":
      return "read-only file system";
    default:
      return code.toLowerCase();
  }
}
