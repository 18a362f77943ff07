// Section 4, search: runs the standalone bench/search.ts (written with the search feature; it
// indexes 10k documents, timing queries at 1k and 10k) as a child and maps its JSON into ours.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { runClientChild } from "./child";
import type { BenchContext } from "./context";
import { REPO_ROOT } from "./server-process";

/** Numbers of section 4. */
export interface SearchSectionResult {
  p50Ms1k: number | null;
  p99Ms1k: number | null;
  p50Ms10k: number | null;
  p99Ms10k: number | null;
  indexDocsPerSec: number | null;
  /** CPU-time p99 of the same queries at 10k docs (steadier than wall time on a busy machine). */
  cpuP99Ms10k: number | null;
  note?: string;
  /** bench/search.ts's own JSON, unchanged. */
  raw: unknown;
}

/** The parts of bench/search.ts's JSON we read. */
interface SearchJson {
  indexing?: { docsPerSec?: number };
  query?: Array<{ docs: number; admin?: { p50Ms: number; p99Ms: number; cpuP99Ms?: number }; user?: { p50Ms: number; p99Ms: number } }>;
}

/**
 * Maps bench/search.ts output onto {@link SearchSectionResult}. Latencies are the admin viewer's
 * (who sees every document, the slower case); the user viewer's stay in `raw`.
 */
export function mapSearchJson(raw: unknown): SearchSectionResult {
  const j = raw as SearchJson;
  const at = (docs: number) => j.query?.find((q) => q.docs === docs)?.admin;
  return {
    p50Ms1k: at(1000)?.p50Ms ?? null,
    p99Ms1k: at(1000)?.p99Ms ?? null,
    p50Ms10k: at(10_000)?.p50Ms ?? null,
    p99Ms10k: at(10_000)?.p99Ms ?? null,
    indexDocsPerSec: j.indexing?.docsPerSec ?? null,
    cpuP99Ms10k: at(10_000)?.cpuP99Ms ?? null,
    note: "admin viewer (sees all documents); in-process index, no gRPC",
    raw,
  };
}

/** Runs section 4, or explains why it could not. */
export async function searchSection(ctx: Pick<BenchContext, "config" | "log">): Promise<{ result: SearchSectionResult | null; note?: string }> {
  const script = join(REPO_ROOT, "bench/search.ts");
  if (!existsSync(script)) return { result: null, note: "bench/search.ts is not in the tree yet; search not measured." };
  ctx.log("search: running bench/search.ts (1k and 10k documents)");
  const raw = await runClientChild<unknown>("bench/search.ts", ["--docs", "10000"], { ...process.env, NODE_NO_WARNINGS: "1" }, 900_000);
  return { result: mapSearchJson(raw) };
}
