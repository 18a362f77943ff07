// `strongdoc encrypt` and `strongdoc decrypt`: the no-store encryption service, streaming between
// files or stdin/stdout. The service keeps the key; the ciphertext stays with you.
import type { Command } from "commander";
import { document } from "../../index";
import { formatBytes } from "../format";
import { globalOptions, report } from "../output";
import { requireToken } from "../token-store";
import { openInput, openOutput, type Input, type Output } from "../transfer";

/** True when the output path means stdout. */
function isStdout(path: string | undefined): boolean {
  return path === undefined || path === "-";
}

/** Opens the output for a transfer from `input`; if that fails, `input` is closed first. */
async function openOutputFor(input: Input, path: string | undefined): Promise<Output> {
  try {
    return await openOutput(path, "", false);
  } catch (err) {
    input.meter.stop();
    input.stream.destroy();
    throw err;
  }
}

/** Runs a transfer and finishes (or abandons, on failure) both ends. */
async function transfer<T>(input: Input, out: Output, run: () => Promise<T>): Promise<T> {
  try {
    const result = await run();
    await out.complete();
    return result;
  } catch (err) {
    await out.abandon();
    throw err;
  } finally {
    input.meter.stop();
  }
}

/**
 * Adds `encrypt` and `decrypt` to the program.
 *
 * @example
 * ```sh
 * strongdoc encrypt secret.pdf -o secret.pdf.sd     # prints the docId
 * strongdoc decrypt <docId> secret.pdf.sd -o secret.pdf
 * tar c dir | strongdoc encrypt -n dir.tar > dir.tar.sd 2> docid.txt
 * ```
 */
export function registerCryptCommands(program: Command): void {
  program
    .command("encrypt")
    .description("encrypt a file or stdin without storing it; the service keeps the key")
    .argument("[file]", "plaintext to encrypt (default or `-`: stdin)")
    .option("-n, --name <docName>", "document name (default: the file name, `stdin` for stdin)")
    .option("-o, --output <file>", "write the ciphertext here (default or `-`: stdout)")
    .addHelpText(
      "after",
      "\nThe docId (needed to decrypt) is printed on stdout when the ciphertext goes to a file, on stderr when it goes to stdout.",
    )
    .action(async (file: string | undefined, opts: { name?: string; output?: string }, cmd: Command) => {
      const token = await requireToken();
      const progress = globalOptions(cmd).progress;
      const input = await openInput(file, "encrypt", progress);
      const out = await openOutputFor(input, opts.output);
      const docName = opts.name ?? input.name;
      const docId = await transfer(input, out, () =>
        document.encryptDocumentStream(token, docName, input.stream, out.stream),
      );
      const result = { docId, docName, plaintextBytes: input.meter.bytes, ciphertextBytes: out.meter.bytes };
      if (isStdout(opts.output)) process.stderr.write(globalOptions(cmd).json ? `${JSON.stringify(result)}\n` : `${docId}\n`);
      else report(cmd, result, () => `${docId}  ${docName}  ${formatBytes(result.ciphertextBytes)} -> ${opts.output}`);
    });

  program
    .command("decrypt")
    .description("decrypt ciphertext made by `encrypt`, from a file or stdin")
    .argument("<docId>", "the docId printed by `encrypt`")
    .argument("[file]", "ciphertext to decrypt (default or `-`: stdin)")
    .option("-o, --output <file>", "write the plaintext here (default or `-`: stdout)")
    .addHelpText(
      "after",
      "\nOn tampered or truncated ciphertext, stdout may already hold the verified plaintext of the\n" +
        "frames before the bad one (never wrong plaintext): check the exit code. With -o the file\n" +
        "appears (or is replaced) only when all of it has been verified.",
    )
    .action(async (docId: string, file: string | undefined, opts: { output?: string }, cmd: Command) => {
      const token = await requireToken();
      const input = await openInput(file, "decrypt", globalOptions(cmd).progress);
      const out = await openOutputFor(input, opts.output);
      await transfer(input, out, () => document.decryptDocumentStream(token, docId, input.stream, out.stream));
      if (!isStdout(opts.output)) {
        report(cmd, { docId, file: opts.output, bytes: out.meter.bytes }, () =>
          `decrypted ${docId} to ${opts.output} (${formatBytes(out.meter.bytes)})`,
        );
      }
    });
}
