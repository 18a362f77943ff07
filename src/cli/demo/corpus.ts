// The demo's corpus: real documents written by other people. By default the READMEs, CHANGELOGs,
// LICENSEs and other Markdown/text/PDF files of the project's installed dependencies
// (node_modules); or every regular file under a directory the user names. Capped by count and bytes.
import { existsSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { CliError, ExitCode } from "../exit-codes";

/** One file to upload. */
export interface CorpusFile {
  /** Absolute path. */
  readonly path: string;
  /** Document name: the path relative to the corpus root, with `/` separators. */
  readonly name: string;
  /** Size in bytes. */
  readonly size: number;
}

/** What to collect. */
export interface CorpusOptions {
  /** A directory to take every regular file from; default: the project's node_modules. */
  readonly dir?: string;
  /** At most this many files. */
  readonly maxDocs: number;
  /** At most this many bytes in total (files that would exceed it are skipped). */
  readonly maxBytes: number;
}

/** The collected files and where they came from. */
export interface Corpus {
  /** The directory that was searched. */
  readonly root: string;
  /** The chosen files. */
  readonly files: readonly CorpusFile[];
  /** Their total size in bytes. */
  readonly bytes: number;
}

const DOC_NAME = /^(readme|changelog|changes|history|license|licence|notice|authors|contributing|copying)(\..*)?$/i;
const DOC_EXT = /\.(md|markdown|txt|pdf)$/i;

/** Finds the nearest node_modules directory above this file (works from src/ and dist/). */
function findNodeModules(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = join(dir, "node_modules");
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new CliError("no node_modules directory found: run `npm install` first", ExitCode.LocalIo);
    dir = parent;
  }
}

/** Recursively lists regular files (never following symlinks; skipping dot-directories). */
async function walk(root: string, accept: (name: string) => boolean): Promise<Array<{ path: string; size: number }>> {
  const found: Array<{ path: string; size: number }> = [];
  const pending = [root];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith(".")) pending.push(path);
      } else if (entry.isFile() && accept(entry.name)) {
        const info = await stat(path);
        if (info.size > 0) found.push({ path, size: info.size });
      }
    }
  }
  return found;
}

/** The package a node_modules file belongs to (`commander`, `@grpc/grpc-js`), for round-robin. */
function packageOf(name: string): string {
  const parts = name.split("/");
  return parts[0]!.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

/**
 * Collects the corpus. From node_modules it takes files round-robin across packages (every
 * package's first file, then every package's second, …) so that a capped corpus is varied.
 *
 * @example
 * ```ts
 * const corpus = await collectCorpus({ maxDocs: 300, maxBytes: 64 * 1024 * 1024 });
 * ```
 */
export async function collectCorpus(options: CorpusOptions): Promise<Corpus> {
  let root: string;
  let found: Array<{ path: string; size: number }>;
  if (options.dir !== undefined) {
    root = options.dir;
    const info = await stat(root).catch(() => undefined);
    if (!info?.isDirectory()) throw new CliError(`${root}: not a directory`, ExitCode.LocalIo);
    found = await walk(root, () => true);
  } else {
    root = findNodeModules();
    found = await walk(root, (name) => DOC_NAME.test(name) || DOC_EXT.test(name));
  }
  const named = found
    .map((f) => ({ ...f, name: relative(root, f.path).split(sep).join("/") }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const rank = new Map<string, number>();
  const ordered = named
    .map((f) => {
      const pkg = options.dir === undefined ? packageOf(f.name) : "";
      const r = rank.get(pkg) ?? 0;
      rank.set(pkg, r + 1);
      return { f, r };
    })
    .sort((a, b) => a.r - b.r)
    .map(({ f }) => f);
  const files: CorpusFile[] = [];
  let bytes = 0;
  for (const f of ordered) {
    if (files.length >= options.maxDocs) break;
    if (bytes + f.size > options.maxBytes) continue;
    files.push(f);
    bytes += f.size;
  }
  if (files.length === 0) throw new CliError(`no documents found under ${root} within the limits`, ExitCode.LocalIo);
  return { root, files, bytes };
}
