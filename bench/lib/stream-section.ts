// Section 1, streaming throughput: upload, download, encrypt and decrypt through the facade vs the
// raw grpc-js ceiling and the lock-step baseline, each mode in its own child, modes interleaved
// and repeated, medians compared.
import { join } from "node:path";
import { runClientChild } from "./child";
import type { BenchContext } from "./context";
import { median, round } from "./stats";
import type { StreamResult } from "../client-stream";

/** The four streaming operations. */
export const STREAM_OPS = ["upload", "download", "encrypt", "decrypt"] as const;
type Op = (typeof STREAM_OPS)[number];
type Mode = "facade" | "raw" | "lockstep";

/** Numbers of one operation. */
export interface StreamOpResult {
  /** Facade throughput, payload MB/s (10^6 B/s), median of the repetitions. */
  mbps: number;
  rawMbps: number;
  lockstepMbps: number;
  ratioVsRaw: number;
  ratioVsLockstep: number;
  /** Client CPU (user + system) per MiB moved, median, ms: facade, raw, lockstep. */
  cpuMsPerMiB: { facade: number; raw: number; lockstep: number };
  /** Emulator CPU per MiB moved during the same runs (connect and warm-up call included), median, ms. */
  emulatorCpuMsPerMiB: { facade: number; raw: number; lockstep: number };
  /** Facade child's peak RSS (max over repetitions), MiB. */
  facadePeakRssMiB: number;
  /** What the lock-step baseline is for this operation. */
  lockstepIs: string;
  runs: Array<Pick<StreamResult, "mode" | "mbps" | "seconds" | "chunk" | "cpuMsPerMiB" | "peakRssMiB"> & { emulatorCpuMsPerMiB: number }>;
}

/** What each lock-step baseline means (see bench/README.md). */
export const LOCKSTEP_MEANING: Record<Op, string> = {
  upload: "historical Node SDK uploadDocument: 10,000-byte messages, each write awaited before the next (one reply only, so no true lock-step)",
  download: "serial consumer: each message written to the output and its callback awaited before reading on (a server stream has no lock-step)",
  encrypt: "historical Go/Node: one chunk, then wait for its one response",
  decrypt: "historical Go/Node: one chunk, then wait for its one response",
};

/**
 * Runs section 1 and returns per-operation results. `override` runs it with other sizes or through
 * another endpoint (the delay proxy of the RTT section); `label` prefixes the progress lines.
 */
export async function streamSection(
  ctx: BenchContext,
  override: { bytes?: number; reps?: number; env?: NodeJS.ProcessEnv; label?: string } = {},
): Promise<Record<Op, StreamOpResult>> {
  const { config, log } = ctx;
  const env = override.env ?? ctx.env;
  const bytes = override.bytes ?? config.streamBytes;
  const reps = override.reps ?? config.reps;
  const label = override.label ?? "stream";
  const run = async (op: Op, mode: Mode, extra: string[] = []) => {
    const chunk = op === "upload" && mode === "lockstep" ? config.uploadLockstepChunkBytes : config.chunkBytes;
    const cpu0 = ctx.emulator.cpuMs();
    const r = await runClientChild<StreamResult>("bench/client-stream.ts", ["--op", op, "--mode", mode, "--bytes", String(bytes), "--chunk", String(chunk), ...extra], env);
    return { ...r, emulatorCpuMsPerMiB: (ctx.emulator.cpuMs() - cpu0) / (r.bytes / 2 ** 20) };
  };

  // Inputs for download and decrypt: a stored document and a ciphertext file (not timed).
  log(`${label}: preparing a ${bytes / 2 ** 20} MiB document and its ciphertext`);
  const stored = await run("upload", "raw");
  const ctFile = join(ctx.tmpDir, `ciphertext-${label}.bin`);
  const encrypted = await run("encrypt", "raw", ["--save", ctFile]);
  const extraFor = (op: Op): string[] =>
    op === "download" ? ["--doc-id", stored.docId] : op === "decrypt" ? ["--doc-id", encrypted.docId, "--input", ctFile] : [];

  const out = {} as Record<Op, StreamOpResult>;
  const rotations: Mode[][] = [
    ["facade", "raw", "lockstep"],
    ["raw", "lockstep", "facade"],
    ["lockstep", "facade", "raw"],
  ];
  for (const op of STREAM_OPS) {
    const runs: Array<StreamResult & { emulatorCpuMsPerMiB: number }> = [];
    for (let rep = 0; rep < reps; rep++) {
      for (const mode of rotations[rep % rotations.length]!) {
        const r = await run(op, mode, extraFor(op));
        log(`${label}: ${op.padEnd(8)} ${mode.padEnd(8)} ${r.mbps.toFixed(1).padStart(7)} MB/s  CPU ${r.cpuMsPerMiB.toFixed(2)} ms/MiB (emulator ${r.emulatorCpuMsPerMiB.toFixed(2)})  peak RSS ${r.peakRssMiB.toFixed(0)} MiB`);
        runs.push(r);
      }
    }
    const med = (mode: Mode) => median(runs.filter((r) => r.mode === mode).map((r) => r.mbps));
    const [f, raw, lock] = [med("facade"), med("raw"), med("lockstep")];
    const cpu = (mode: Mode) => median(runs.filter((r) => r.mode === mode).map((r) => r.cpuMsPerMiB));
    const emuCpu = (mode: Mode) => median(runs.filter((r) => r.mode === mode).map((r) => r.emulatorCpuMsPerMiB));
    out[op] = {
      mbps: round(f),
      rawMbps: round(raw),
      lockstepMbps: round(lock),
      ratioVsRaw: round(f / raw, 3),
      ratioVsLockstep: round(f / lock, 3),
      cpuMsPerMiB: { facade: round(cpu("facade"), 3), raw: round(cpu("raw"), 3), lockstep: round(cpu("lockstep"), 3) },
      emulatorCpuMsPerMiB: { facade: round(emuCpu("facade"), 3), raw: round(emuCpu("raw"), 3), lockstep: round(emuCpu("lockstep"), 3) },
      facadePeakRssMiB: round(Math.max(...runs.filter((r) => r.mode === "facade").map((r) => r.peakRssMiB)), 1),
      lockstepIs: LOCKSTEP_MEANING[op],
      runs: runs.map(({ mode, mbps, seconds, chunk, cpuMsPerMiB, emulatorCpuMsPerMiB, peakRssMiB }) => ({
        mode,
        mbps: round(mbps),
        seconds: round(seconds, 3),
        chunk,
        cpuMsPerMiB: round(cpuMsPerMiB, 3),
        emulatorCpuMsPerMiB: round(emulatorCpuMsPerMiB, 3),
        peakRssMiB: round(peakRssMiB, 1),
      })),
    };
  }
  return out;
}
