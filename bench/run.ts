// `npm run bench`: starts the emulator as a child process, creates an account, runs the four
// benchmark sections (each measurement in its own client child), checks the issue-7 targets,
// writes bench/results/<date>.json and the generated part of bench/RESULTS.md.
// Flags: --quick (< 2 min), --json (one JSON object on stdout; progress on stderr),
//        --no-write (write no files), --only stream,rtt,memory,unary,search, --reps N, --smoke (tiny sizes).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_CHUNK_SIZE } from "../src/streams";
import { childEnv } from "./lib/child-env";
import { MiB, type BenchConfig, type BenchContext } from "./lib/context";
import { loadNow, machineInfo } from "./lib/machine";
import { memorySection } from "./lib/memory-section";
import { renderSummary, updateResultsMarkdown } from "./lib/report";
import type { BenchResults } from "./lib/results";
import { searchSection } from "./lib/search-section";
import { REPO_ROOT, startDelayProxy, startServer, type ServerProcess } from "./lib/server-process";
import { createBenchAccount } from "./lib/setup";
import { streamSection } from "./lib/stream-section";
import { evaluateTargets } from "./lib/targets";
import { unarySection } from "./lib/unary-section";

const SECTIONS = ["stream", "rtt", "memory", "unary", "search"] as const;
type Section = (typeof SECTIONS)[number];

/** Sizes for a full run, --quick and --smoke. */
function configFor(mode: "full" | "quick" | "smoke", reps?: number): BenchConfig {
  const base = { chunkBytes: DEFAULT_CHUNK_SIZE, uploadLockstepChunkBytes: 10_000, unaryDocuments: 20, rttBytes: 16 * MiB, memoryOps: ["upload", "download", "encrypt"] as BenchConfig["memoryOps"] };
  if (mode === "smoke") {
    return { ...base, quick: true, streamBytes: 2 * MiB, reps: reps ?? 1, memorySmallBytes: 1 * MiB, memoryLargeBytes: 4 * MiB, unarySeconds: 0.3, rttMs: 0 };
  }
  if (mode === "quick") {
    return {
      ...base,
      quick: true,
      streamBytes: 64 * MiB,
      reps: reps ?? 1,
      memorySmallBytes: 64 * MiB,
      memoryLargeBytes: 256 * MiB,
      memoryOps: ["upload", "download"],
      unarySeconds: 1,
      rttMs: 0,
    };
  }
  return { ...base, quick: false, streamBytes: 256 * MiB, reps: reps ?? 3, memorySmallBytes: 64 * MiB, memoryLargeBytes: 1024 * MiB, unarySeconds: 4, rttMs: 10 };
}

async function main(): Promise<number> {
  const { values: a } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      smoke: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      "no-write": { type: "boolean", default: false },
      only: { type: "string" },
      reps: { type: "string" },
    },
  });
  const t0 = Date.now();
  const log = (msg: string) => process.stderr.write(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${msg}\n`);
  const only = new Set<Section>(a.only ? (a.only.split(",") as Section[]) : a.smoke ? ["stream", "memory", "unary"] : SECTIONS);
  for (const s of only) if (!SECTIONS.includes(s)) throw new Error(`--only: unknown section "${s}" (use ${SECTIONS.join(",")})`);
  const config = configFor(a.smoke ? "smoke" : a.quick ? "quick" : "full", a.reps ? Number(a.reps) : undefined);
  const machine = machineInfo();
  const startedAt = new Date();
  const tmpDir = mkdtempSync(join(tmpdir(), "strongdoc-bench-"));
  let emulator: ServerProcess | undefined;
  const cleanup = async () => {
    await emulator?.stop();
    rmSync(tmpDir, { recursive: true, force: true });
  };
  process.once("SIGINT", () => void cleanup().then(() => process.exit(130)));

  const results: BenchResults = {
    date: startedAt.toISOString().slice(0, 10),
    startedAt: startedAt.toISOString(),
    command: process.env.BENCH_COMMIT
      ? `bench/snapshot.sh ${process.argv.slice(2).join(" ")}`.trim()
      : `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`,
    durationSeconds: 0,
    resultsFile: "",
    machine,
    config,
    targets: [],
  };
  try {
    if (only.has("stream") || only.has("rtt") || only.has("memory") || only.has("unary")) {
      log(`starting the emulator (data in ${tmpDir})`);
      // BENCH_EMULATOR=<script> runs another emulator entry point (what-if runs only).
      const emulatorScript = process.env.BENCH_EMULATOR || "emulator/src/cli.ts";
      emulator = await startServer(emulatorScript, ["--port", "0", "--data-dir", join(tmpDir, "emulator"), "--quiet"], "emulator");
      const account = await createBenchAccount(emulator.endpoint);
      log(`emulator on ${emulator.endpoint.host}:${emulator.endpoint.port}, pid ${emulator.pid}; org ${account.orgId}`);
      const ctx: BenchContext = { config, emulator, env: { ...childEnv(emulator.endpoint, account.token), NODE_NO_WARNINGS: "1" }, tmpDir, log };
      if (only.has("stream")) results.stream = await streamSection(ctx);
      if (only.has("rtt") && config.rttMs > 0) {
        const proxy = await startDelayProxy(emulator.endpoint, config.rttMs / 2);
        try {
          const env = { ...childEnv(proxy.endpoint, account.token), NODE_NO_WARNINGS: "1" };
          const ops = await streamSection(ctx, { bytes: config.rttBytes, reps: 1, env, label: `rtt${config.rttMs}ms` });
          results.streamRtt = { rttMs: config.rttMs, bytes: config.rttBytes, ops };
        } finally {
          await proxy.stop();
        }
      }
      if (only.has("memory")) results.memory = await memorySection(ctx);
      if (only.has("unary")) results.unary = await unarySection(ctx);
      await emulator.stop();
    }
    if (only.has("search")) {
      const s = await searchSection({ config, log });
      results.search = s.result;
      if (s.note) results.searchNote = s.note;
    }
  } finally {
    await cleanup();
  }
  machine.loadAvgEnd = loadNow();
  results.durationSeconds = Math.round((Date.now() - t0) / 1000);
  results.targets = evaluateTargets(results);

  if (!a["no-write"] && !a.smoke) {
    results.resultsFile = `${results.date}${config.quick ? "-quick" : ""}.json`;
    const dir = join(REPO_ROOT, "bench/results");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, results.resultsFile), JSON.stringify(results, null, 2) + "\n");
    if (!config.quick) updateResultsMarkdown(join(REPO_ROOT, "bench/RESULTS.md"), results);
    log(`wrote bench/results/${results.resultsFile}${config.quick ? "" : " and bench/RESULTS.md"}`);
  }
  if (a.json) process.stdout.write(JSON.stringify(results) + "\n");
  else process.stdout.write(renderSummary(results) + "\n");
  log(`done in ${results.durationSeconds} s`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
