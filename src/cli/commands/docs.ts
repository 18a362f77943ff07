// `strongdoc docs upload|download|list|remove|share|unshare`: documents stored by the service.
// Transfers stream from/to files or stdin/stdout and show a progress bar when stderr is a TTY.
import type { Command } from "commander";
import { document } from "../../index";
import { formatBytes, renderTable } from "../format";
import { globalOptions, report } from "../output";
import { commandGroup } from "../groups";
import { requireToken } from "../token-store";
import { openInput, openOutput } from "../transfer";

/**
 * Adds the `docs` command group to the program.
 *
 * @example
 * ```sh
 * strongdoc docs upload report.pdf notes.txt
 * strongdoc docs list --json
 * strongdoc docs download <docId> -o copy.pdf
 * strongdoc docs share <docId> bob@acme.test
 * ```
 */
export function registerDocsCommands(program: Command): void {
  const docs = commandGroup(program, "docs", "store, fetch, list, remove and share documents");

  docs
    .command("upload")
    .description("upload files (or stdin with `-`) as documents; prints `<docId>  <name>  <size>` per file")
    .argument("<files...>", "files to upload; `-` reads stdin")
    .option("-n, --name <docName>", "document name (only with a single file; default: the file name)")
    .action(async (files: string[], opts: { name?: string }, cmd: Command) => {
      if (opts.name !== undefined && files.length !== 1) {
        cmd.error("--name needs exactly one file", { exitCode: 2, code: "strongdoc.usage" });
      }
      const token = await requireToken();
      const { json, progress } = globalOptions(cmd);
      const uploaded: Array<{ file: string; docName: string; docId: string; bytes: number }> = [];
      for (const file of files) {
        const input = await openInput(file, "upload", progress);
        const docName = opts.name ?? input.name;
        try {
          const docId = await document.uploadDocument(token, docName, input.stream);
          uploaded.push({ file, docName, docId, bytes: input.meter.bytes });
        } finally {
          input.meter.stop();
        }
        // One line per file as soon as it is stored, so a later failure still shows what got in.
        if (!json) process.stdout.write(`${uploaded.at(-1)!.docId}  ${docName}  ${formatBytes(input.meter.bytes)}\n`);
      }
      if (json) report(cmd, uploaded, () => []);
    });

  docs
    .command("download")
    .description("download a document to a file or stdout")
    .argument("<docId>", "the document")
    .option("-o, --output <file>", "write here instead of stdout (`-` is stdout)")
    .action(async (docId: string, opts: { output?: string }, cmd: Command) => {
      const token = await requireToken();
      const progress = globalOptions(cmd).progress;
      // The size is only needed for the bar's percentage; skip the extra call without a bar.
      const size = progress ? (await document.listDocuments(token)).find((d) => d.docId === docId)?.size : undefined;
      const out = await openOutput(opts.output, "download", progress, size);
      try {
        await document.downloadDocumentStream(token, docId, out.stream);
        await out.complete();
      } catch (err) {
        await out.abandon();
        throw err;
      }
      if (opts.output !== undefined && opts.output !== "-") {
        report(cmd, { docId, file: opts.output, bytes: out.meter.bytes }, () =>
          `downloaded ${docId} to ${opts.output} (${formatBytes(out.meter.bytes)})`,
        );
      }
    });

  docs
    .command("list")
    .description("list the documents you can access (yours, shared with you, all of the org for admins)")
    .action(async (_opts: unknown, cmd: Command) => {
      const list = await document.listDocuments(await requireToken());
      report(cmd, list, () =>
        renderTable(
          ["DOC ID", "SIZE", "NAME"],
          list.map((d) => [d.docId, formatBytes(d.size), d.docName]),
        ),
      );
    });

  docs
    .command("remove")
    .description("remove documents")
    .argument("<docIds...>", "the documents")
    .action(async (docIds: string[], _opts: unknown, cmd: Command) => {
      const token = await requireToken();
      const removed: string[] = [];
      for (const docId of docIds) {
        await document.removeDocument(token, docId);
        removed.push(docId);
      }
      report(cmd, { removed }, () => removed.map((id) => `removed ${id}`));
    });

  docs
    .command("share")
    .description("share a document with a user")
    .argument("<docId>", "the document")
    .argument("<userId>", "the user to share with")
    .action(async (docId: string, userId: string, _opts: unknown, cmd: Command) => {
      const success = await document.shareDocument(await requireToken(), docId, userId);
      report(cmd, { success }, () => `shared ${docId} with ${userId}`);
    });

  docs
    .command("unshare")
    .description("stop sharing a document with a user")
    .argument("<docId>", "the document")
    .argument("<userId>", "the user")
    .action(async (docId: string, userId: string, _opts: unknown, cmd: Command) => {
      const count = await document.unshareDocument(await requireToken(), docId, userId);
      report(cmd, { count }, () => `unshared ${docId} from ${userId} (${count})`);
    });
}
