// Tuning experiments behind bench/RESULTS.md's tuning log: facade streaming throughput and peak RSS
// for variants of the client (patched copies of src/ via BENCH_FACADE_DIR) and of the server's
// HTTP/2 receive windows (the emulator's --receive-window), interleaved and repeated, medians printed.
// Usage: npx tsx bench/tune.ts [--variants label=dir,label=@raw,label=@raw-fast,label=@lockstep] [--server-windows 65535,4194304]
//        [--ops upload,download,encrypt,decrypt] [--mib 64] [--reps 2] [--chunk B]
//        [--client-window B (raw/lockstep variants)] [--rtt-ms N (through bench/delay-proxy.ts)]   (a variant "label=" is the current src/)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_CHUNK_SIZE } from "../src/streams";
import { runClientChild } from "./lib/child";
import { childEnv } from "./lib/child-env";
import { startDelayProxy, startServer } from "./lib/server-process";
import { createBenchAccount } from "./lib/setup";
import { median } from "./lib/stats";
import type { StreamResult } from "./client-stream";

async function main(): Promise<void> {
  const { values: a } = parseArgs({
    options: {
      variants: { type: "string", default: "current=" },
      "server-windows": { type: "string", default: "4194304" },
      ops: { type: "string", default: "upload,download,encrypt,decrypt" },
      mib: { type: "string", default: "64" },
      reps: { type: "string", default: "2" },
      chunk: { type: "string", default: String(DEFAULT_CHUNK_SIZE) },
      "client-window": { type: "string" },
      "rtt-ms": { type: "string", default: "0" },
    },
  });
  const variants = a.variants!.split(",").map((v) => {
    const [label, dir = ""] = v.split("=");
    return { label: label!, dir };
  });
  const bytes = Number(a.mib) * 2 ** 20;
  const ops = a.ops!.split(",");
  const chunk = a.chunk!;
  for (const win of a["server-windows"]!.split(",").map(Number)) {
    const tmp = mkdtempSync(join(tmpdir(), "strongdoc-tune-"));
    const emu = await startServer("emulator/src/cli.ts", ["--port", "0", "--data-dir", join(tmp, "emu"), "--quiet", "--receive-window", String(win)], "emulator");
    const rtt = Number(a["rtt-ms"]);
    const proxy = rtt > 0 ? await startDelayProxy(emu.endpoint, rtt / 2) : undefined;
    try {
      const { token } = await createBenchAccount(emu.endpoint);
      const env = { ...childEnv(proxy?.endpoint ?? emu.endpoint, token), NODE_NO_WARNINGS: "1" };
      const base = ["--bytes", String(bytes), "--chunk", chunk];
      const stored = await runClientChild<StreamResult>("bench/client-stream.ts", ["--op", "upload", "--mode", "raw", ...base], env);
      const ct = join(tmp, "ct.bin");
      const enc = await runClientChild<StreamResult>("bench/client-stream.ts", ["--op", "encrypt", "--mode", "raw", ...base, "--save", ct], env);
      for (const op of ops) {
        const extra = op === "download" ? ["--doc-id", stored.docId] : op === "decrypt" ? ["--doc-id", enc.docId, "--input", ct] : [];
        const runs = new Map<string, StreamResult[]>();
        for (let rep = 0; rep < Number(a.reps); rep++) {
          const order = rep % 2 ? [...variants].reverse() : variants;
          for (const v of order) {
            // A variant is a facade copy (a dir), or "@raw" / "@lockstep" for a baseline.
            const mode = v.dir.startsWith("@") ? v.dir.slice(1).replace("-fast", "") : "facade";
            const dir = v.dir.startsWith("@") ? "" : v.dir;
            const fast = v.dir.endsWith("-fast") ? ["--fast-codec"] : [];
            const r = await runClientChild<StreamResult>(
              "bench/client-stream.ts",
              ["--op", op, "--mode", mode, ...base, ...extra, ...fast, ...(a["client-window"] && mode !== "facade" ? ["--client-window", a["client-window"]] : [])],
              { ...env, BENCH_FACADE_DIR: dir },
            );
            runs.set(v.label, [...(runs.get(v.label) ?? []), r]);
          }
        }
        for (const v of variants) {
          const rs = runs.get(v.label)!;
          process.stdout.write(
            `serverWindow=${win}${rtt ? ` rtt=${rtt}ms` : ""} ${op.padEnd(8)} ${v.label.padEnd(14)} ${median(rs.map((r) => r.mbps)).toFixed(1).padStart(6)} MB/s ` +
              `(${rs.map((r) => r.mbps.toFixed(0)).join(", ")})  client CPU ${median(rs.map((r) => r.cpuMsPerMiB)).toFixed(2)} ms/MiB` +
              `  peak RSS ${Math.max(...rs.map((r) => r.peakRssMiB)).toFixed(0)} MiB\n`,
          );
        }
      }
    } finally {
      await proxy?.stop();
      await emu.stop();
      rmSync(tmp, { recursive: true, force: true });
    }
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`tune: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
