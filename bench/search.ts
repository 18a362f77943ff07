// Search benchmark: builds the emulator's search index directly through its modules (encrypted
// database, real schema, SearchIndex) from synthetic ~10 KB documents with a Zipf-distributed
// vocabulary, and reports indexing throughput and query latency (p50/p99) at 1k and 10k docs.
// Usage: npx tsx bench/search.ts [--docs N] [--queries Q]   (defaults: 10000 docs, 300 queries)
// Prints one JSON object on stdout.

import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { openDatabase } from "../emulator/src/store/db";
import { SearchIndex, type SearchViewer } from "../emulator/src/search/search-index";

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} must be a positive integer`);
  return v;
}

const DOCS = flag("docs", 10_000);
const QUERIES = flag("queries", 300);
const DOC_CHARS = 10_000;
const VOCABULARY = 50_000;

/** A small deterministic PRNG (mulberry32), so every run indexes the same corpus. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = rng(42);
const syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "bra", "che", "dro", "fli", "gra", "ple", "qua", "stu", "tri"];
const words = Array.from({ length: VOCABULARY }, (_, i) => {
  let w = "";
  for (let n = i + 1; n > 0; n = Math.floor(n / syllables.length)) w += syllables[n % syllables.length];
  return w;
});
// Zipf (s = 1): cumulative weights 1/rank, sampled by binary search.
const cumulative: number[] = [];
words.reduce((sum, _, i) => (cumulative[i] = sum + 1 / (i + 1)), 0);
const total = cumulative[cumulative.length - 1];
function zipfWord(): string {
  const x = random() * total;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return words[lo];
}
function makeDocument(): Buffer {
  const parts: string[] = [];
  let length = 0;
  while (length < DOC_CHARS) {
    const w = zipfWord();
    parts.push(w);
    length += w.length + 1;
  }
  return Buffer.from(parts.join(" "));
}

/** Queries of 1–3 words drawn from common (rank < 100), middling and rare ranks. */
function makeQueries(n: number): string[] {
  const pick = (from: number, to: number) => words[from + Math.floor(random() * (to - from))];
  return Array.from({ length: n }, (_, i) => {
    const bands: [number, number][] = [[0, 100], [100, 5_000], [5_000, VOCABULARY]];
    const count = 1 + (i % 3);
    return Array.from({ length: count }, (_, j) => {
      const [from, to] = bands[(i + j) % 3];
      return pick(from, to);
    }).join(" ");
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function measure(index: SearchIndex, viewer: SearchViewer, queries: string[]) {
  for (const q of queries.slice(0, 20)) index.search(q, viewer); // warm-up
  const times: number[] = [];
  const cpu: number[] = []; // CPU time per query: unlike wall time, barely affected by other load
  let hits = 0;
  for (const q of queries) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    hits += index.search(q, viewer).length;
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    queries: queries.length,
    p50Ms: round(percentile(times, 50)),
    p99Ms: round(percentile(times, 99)),
    maxMs: round(times[times.length - 1]),
    cpuP50Ms: round(percentile(cpu, 50)),
    cpuP99Ms: round(percentile(cpu, 99)),
    meanHits: Math.round(hits / queries.length),
  };
}

async function main(): Promise<void> {
  const loadBefore = loadavg()[0];
  const dir = mkdtempSync(join(tmpdir(), "bench-search-"));
  const db = openDatabase(dir, randomBytes(32));
  try {
    const index = new SearchIndex(db);
    const admin: SearchViewer = { userId: "admin@bench.org", orgId: "bench", isAdmin: true };
    const user: SearchViewer = { userId: "user@bench.org", orgId: "bench", isAdmin: false };
    const insertDoc = db.prepare(`INSERT INTO documents (doc_id, org_id, owner_id, name, size, stored, created_at, state, wrapped_key)
      VALUES (?, 'bench', ?, ?, ?, 1, ?, 'ready', x'00')`);
    const queries = makeQueries(QUERIES);
    const checkpoints = [1_000, DOCS].filter((n, i, a) => n <= DOCS && a.indexOf(n) === i);
    const results: Record<string, unknown>[] = [];
    let indexMs = 0;
    let bytes = 0;
    for (let i = 0; i < DOCS; i++) {
      const body = makeDocument();
      const docId = `doc-${i}`;
      insertDoc.run(docId, i % 10 === 0 ? user.userId : admin.userId, `${docId}.txt`, body.length, Date.now());
      const t0 = performance.now();
      await index.indexDocument(docId, "bench", body);
      indexMs += performance.now() - t0;
      bytes += body.length;
      if (checkpoints.includes(i + 1)) {
        results.push({ docs: i + 1, admin: measure(index, admin, queries), user: measure(index, user, queries) });
      }
    }
    const report = {
      bench: "search",
      machine: { cpus: cpus().length, node: process.version, loadAvg1mBefore: loadBefore, loadAvg1mAfter: loadavg()[0] },
      corpus: { docs: DOCS, avgDocBytes: Math.round(bytes / DOCS), vocabulary: VOCABULARY, zipfS: 1 },
      indexing: { docsPerSec: Math.round(DOCS / (indexMs / 1000)), mbPerSec: Math.round((bytes / 1048576 / (indexMs / 1000)) * 10) / 10 },
      query: results,
      notes: "encrypted database (sqlcipher), one organization (its own FTS5 table; BM25 with a positive idf, " +
        "one FTS5 cursor per query word); admin sees every document, user owns 10%. " +
        "Wall-time percentiles grow with other load on the machine (see loadAvg); cpu* percentiles much less.",
    };
    console.log(JSON.stringify(report, null, 2));
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
