// `strongdoc search`: full-text search over the documents you can access, best match first.
import type { Command } from "commander";
import { document, search } from "../../index";
import { renderTable } from "../format";
import { report } from "../output";
import { requireToken } from "../token-store";
import { parseCount } from "../parse";

/**
 * Adds `search` to the program. Hits are shown with their document names.
 *
 * @example
 * ```sh
 * strongdoc search bed mounts --limit 5
 * ```
 */
export function registerSearchCommand(program: Command): void {
  program
    .command("search")
    .description("search the documents you can access; prints ranked hits with document names")
    .argument("<words...>", "the query (words are joined with spaces)")
    .option("-l, --limit <n>", "show at most n hits", parseCount, 20)
    .action(async (words: string[], opts: { limit: number }, cmd: Command) => {
      const token = await requireToken();
      const query = words.join(" ");
      const [hits, docs] = await Promise.all([search.search(token, query), document.listDocuments(token)]);
      const names = new Map(docs.map((d) => [d.docId, d.docName]));
      const shown = hits.slice(0, opts.limit).map((h) => ({ docId: h.docId, docName: names.get(h.docId) ?? "", score: h.score }));
      report(cmd, shown, () =>
        shown.length === 0
          ? `no documents match "${query}"`
          : renderTable(
              ["#", "SCORE", "DOC ID", "NAME"],
              shown.map((h, i) => [i + 1, Number(h.score.toFixed(3)), h.docId, h.docName]),
            ),
      );
    });
}
