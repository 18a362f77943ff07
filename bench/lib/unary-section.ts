// Section 3, unary calls: getUserInfo and listDocuments with 1 and 32 concurrent callers on the
// facade's reused channel vs a fresh channel + TLS handshake per call (the historical Python way).
import { runClientChild } from "./child";
import { createBenchAccount, seedDocuments } from "./setup";
import type { BenchContext } from "./context";
import { round } from "./stats";
import type { UnaryResult } from "../client-unary";

/** Numbers of section 3. */
export interface UnarySectionResult {
  /** getUserInfo, 1 caller, reused channel: median and 99th-percentile latency, ms. */
  p50Ms: number;
  p99Ms: number;
  /** getUserInfo, 32 callers, reused channel: calls per second. */
  callsPerSec: number;
  /** With 32 concurrent callers: min over the two RPCs of reused calls/s ÷ fresh-channel calls/s. */
  reuseSpeedup: number;
  /** The same with a single caller (latency-bound: one round trip vs connect + TLS + round trip). */
  reuseSpeedupSingleCaller: number;
  detail: Array<Omit<UnaryResult, "peakRssMiB"> & { emulatorCpuMsPerCall: number; reuseSpeedup?: number }>;
}

/**
 * Runs section 3 in an account of its own holding `config.unaryDocuments` small documents, so
 * listDocuments answers the same list whatever the other sections left behind.
 */
export async function unarySection(ctx: BenchContext): Promise<UnarySectionResult> {
  const { config, log } = ctx;
  const account = await createBenchAccount(ctx.emulator.endpoint);
  await seedDocuments(ctx.emulator.endpoint, account.token, config.unaryDocuments);
  const env = { ...ctx.env, BENCH_TOKEN: account.token };
  const detail: UnarySectionResult["detail"] = [];
  const speedups: Record<number, number[]> = { 1: [], 32: [] };
  for (const rpc of ["getUserInfo", "listDocuments"] as const) {
    for (const concurrency of [1, 32]) {
      const got: Partial<Record<"reused" | "fresh", UnaryResult & { emulatorCpuMsPerCall: number }>> = {};
      for (const mode of ["reused", "fresh"] as const) {
        // Emulator CPU over the whole child (its 20 warm-up calls included), per call.
        const cpu0 = ctx.emulator.cpuMs();
        const child = await runClientChild<UnaryResult>(
          "bench/client-unary.ts",
          ["--rpc", rpc, "--mode", mode, "--concurrency", String(concurrency), "--seconds", String(config.unarySeconds)],
          env,
        );
        const r = { ...child, emulatorCpuMsPerCall: (ctx.emulator.cpuMs() - cpu0) / (child.calls + 20) };
        got[mode] = r;
        log(`unary: ${rpc.padEnd(13)} x${String(concurrency).padEnd(2)} ${mode.padEnd(6)} ${r.callsPerSec.toFixed(0).padStart(6)} calls/s  p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms  CPU/call client ${r.clientCpuMsPerCall.toFixed(2)} ms, emulator ${r.emulatorCpuMsPerCall.toFixed(2)} ms`);
      }
      const speedup = got.reused!.callsPerSec / got.fresh!.callsPerSec;
      speedups[concurrency]!.push(speedup);
      for (const r of [got.reused!, got.fresh!]) {
        detail.push({
          rpc: r.rpc,
          mode: r.mode,
          concurrency: r.concurrency,
          calls: r.calls,
          seconds: round(r.seconds, 2),
          callsPerSec: round(r.callsPerSec, 1),
          p50Ms: round(r.p50Ms, 3),
          p99Ms: round(r.p99Ms, 3),
          clientCpuMsPerCall: round(r.clientCpuMsPerCall, 3),
          emulatorCpuMsPerCall: round(r.emulatorCpuMsPerCall, 3),
          ...(r.mode === "reused" ? { reuseSpeedup: round(speedup, 2) } : {}),
        });
      }
    }
  }
  const pick = (rpc: string, mode: string, c: number) => detail.find((d) => d.rpc === rpc && d.mode === mode && d.concurrency === c)!;
  return {
    p50Ms: pick("getUserInfo", "reused", 1).p50Ms,
    p99Ms: pick("getUserInfo", "reused", 1).p99Ms,
    callsPerSec: pick("getUserInfo", "reused", 32).callsPerSec,
    reuseSpeedup: round(Math.min(...speedups[32]!), 2),
    reuseSpeedupSingleCaller: round(Math.min(...speedups[1]!), 2),
    detail,
  };
}
