// Section 2, constant memory: the facade child's peak RSS streaming a large document minus
// streaming a small one (upload, download, encrypt; upload and download only with --quick), and
// the emulator's peak RSS meanwhile.
import { runClientChild } from "./child";
import type { BenchContext } from "./context";
import { round } from "./stats";
import type { StreamResult } from "../client-stream";

/** Numbers of section 2. */
export interface MemoryResult {
  /** Worst (largest) client peak-RSS difference large − small over the operations, MiB. */
  rssDeltaMiB: number;
  smallBytes: number;
  largeBytes: number;
  perOp: Record<string, { smallPeakMiB: number; largePeakMiB: number; deltaMiB: number; largeMbps: number }>;
  emulator: {
    /** RSS when the section started, MiB. */
    startRssMiB: number;
    /** Peak RSS while streaming the large documents (VmHWM after a reset), MiB. */
    peakRssMiB: number;
    /** Peak − start, MiB. */
    rssDeltaMiB: number;
    /** How the peak was measured. */
    method: string;
  };
}

/** Runs section 2. */
export async function memorySection(ctx: BenchContext): Promise<MemoryResult> {
  const { config, env, log, emulator } = ctx;
  const { memorySmallBytes: small, memoryLargeBytes: large } = config;
  const run = (op: string, bytes: number, extra: string[] = []) =>
    runClientChild<StreamResult>(
      "bench/client-stream.ts",
      ["--op", op, "--mode", "facade", "--bytes", String(bytes), "--chunk", String(config.chunkBytes), ...extra],
      env,
    );
  const start = emulator.memory();
  const reset = emulator.resetPeak();
  const perOp: MemoryResult["perOp"] = {};
  const record = (op: string, s: StreamResult, l: StreamResult) => {
    perOp[op] = {
      smallPeakMiB: round(s.peakRssMiB, 1),
      largePeakMiB: round(l.peakRssMiB, 1),
      deltaMiB: round(l.peakRssMiB - s.peakRssMiB, 1),
      largeMbps: round(l.mbps),
    };
    log(`memory: ${op.padEnd(8)} peak RSS ${s.peakRssMiB.toFixed(1)} MiB @ ${small / 2 ** 20} MiB, ${l.peakRssMiB.toFixed(1)} MiB @ ${large / 2 ** 20} MiB`);
  };
  const upSmall = await run("upload", small);
  const upLarge = await run("upload", large);
  record("upload", upSmall, upLarge);
  if (config.memoryOps.includes("download")) {
    record("download", await run("download", small, ["--doc-id", upSmall.docId]), await run("download", large, ["--doc-id", upLarge.docId]));
  }
  if (config.memoryOps.includes("encrypt")) record("encrypt", await run("encrypt", small), await run("encrypt", large));
  const peak = emulator.memory().peakMiB;
  return {
    rssDeltaMiB: Math.max(...Object.values(perOp).map((p) => p.deltaMiB)),
    smallBytes: small,
    largeBytes: large,
    perOp,
    emulator: {
      startRssMiB: round(start.rssMiB, 1),
      peakRssMiB: round(peak, 1),
      rssDeltaMiB: round(peak - start.rssMiB, 1),
      method: reset ? "VmHWM from /proc after resetting it via clear_refs at section start" : "VmHWM from /proc since emulator start (reset not permitted)",
    },
  };
}
