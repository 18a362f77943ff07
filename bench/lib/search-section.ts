// Section 4, search: runs the standalone bench/search.ts (written with the search feature; it
// builds 1k- and 10k-document indexes and times queries) as a child and maps its JSON into ours.
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
  note?: string;
  /** bench/search.ts's own JSON, unchanged. */
  raw: unknown;
}

/** Finds the first number under any of `keys` in `obj` (depth-first). */
function findNumber(obj: unknown, keys: string[]): number | null {
  if (obj === null || typeof obj !== "object") return null;
  for (const k of keys) {
    const v = (obj as Record<string, unknown>)[k];
    if (typeof v === "number") return v;
  }
  for (const v of Object.values(obj as Record<string, unknown>)) {
    const n = findNumber(v, keys);
    if (n !== null) return n;
  }
  return null;
}

/** Maps bench/search.ts output (whatever its nesting) onto {@link SearchSectionResult}. */
export function mapSearchJson(raw: unknown): SearchSectionResult {
  const sub = (k: string) => (raw && typeof raw === "object" ? (raw as Record<string, unknown>)[k] : undefined);
  const at = (size: "1k" | "10k") => sub(size) ?? sub(`docs${size}`) ?? sub(size === "1k" ? "1000" : "10000");
  return {
    p50Ms1k: findNumber(raw, ["p50Ms1k"]) ?? findNumber(at("1k"), ["p50Ms", "p50"]),
    p99Ms1k: findNumber(raw, ["p99Ms1k"]) ?? findNumber(at("1k"), ["p99Ms", "p99"]),
    p50Ms10k: findNumber(raw, ["p50Ms10k"]) ?? findNumber(at("10k"), ["p50Ms", "p50"]),
    p99Ms10k: findNumber(raw, ["p99Ms10k"]) ?? findNumber(at("10k"), ["p99Ms", "p99"]),
    indexDocsPerSec: findNumber(raw, ["indexDocsPerSec", "indexingDocsPerSec", "docsPerSec"]),
    raw,
  };
}

/** Runs section 4, or explains why it could not. */
export async function searchSection(ctx: Pick<BenchContext, "config" | "log">): Promise<{ result: SearchSectionResult | null; note?: string }> {
  const script = join(REPO_ROOT, "bench/search.ts");
  if (!existsSync(script)) return { result: null, note: "bench/search.ts is not in the tree yet; search not measured." };
  ctx.log("search: running bench/search.ts (1k and 10k documents)");
  const args = ctx.config.quick ? ["--quick"] : [];
  const raw = await runClientChild<unknown>("bench/search.ts", args, { ...process.env, NODE_NO_WARNINGS: "1" }, 900_000);
  return { result: mapSearchJson(raw) };
}
