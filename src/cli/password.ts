// Reads a password without putting it on the command line: $STRONGDOC_PASSWORD (for one's own
// password only), else a prompt with no echo on a terminal, else the first line of stdin.
import { CliError, ExitCode } from "./exit-codes";

/**
 * Obtains a password: the `STRONGDOC_PASSWORD` environment variable (unless `fromEnv` is false,
 * as for another user's password), a hidden prompt when stdin is a terminal, or the first line of
 * (piped) stdin.
 *
 * @example
 * ```ts
 * const password = await readPassword("Password: ");
 * ```
 */
export async function readPassword(prompt: string, fromEnv = true, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (fromEnv && env.STRONGDOC_PASSWORD !== undefined && env.STRONGDOC_PASSWORD !== "") return env.STRONGDOC_PASSWORD;
  const password = process.stdin.isTTY ? await promptHidden(prompt) : await readFirstLine(process.stdin);
  if (password === "") throw new CliError("empty password", ExitCode.Usage);
  return password;
}

/** Reads stdin to its end and returns its first line (without the line break). */
async function readFirstLine(input: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8").split(/\r?\n/, 1)[0] ?? "";
}

/** Prompts on stderr and reads a line from the terminal in raw mode, echoing nothing. */
function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = "";
    const finish = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off("data", onData);
      process.stderr.write("\n");
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (data: Buffer) => {
      for (const ch of data.toString("utf8")) {
        if (ch === "\r" || ch === "\n") return finish();
        if (ch === "\u0003") return finish(new CliError("interrupted", ExitCode.Interrupted));
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on("data", onData);
  });
}
