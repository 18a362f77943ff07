// The targets of issue 7 and their evaluation against one run's numbers.

/** One checked number. */
export interface TargetCheck {
  name: string;
  value: number | null;
  target: string;
  /** true/false, or null when the number is missing or the target does not apply. */
  pass: boolean | null;
  note?: string;
}

/** The subset of a run's results the targets read. */
export interface CheckedResults {
  stream?: Record<string, { ratioVsRaw: number; ratioVsLockstep: number }>;
  streamRtt?: { rttMs: number; ops: Record<string, { ratioVsRaw: number; ratioVsLockstep: number }> };
  memory?: { rssDeltaMiB: number };
  unary?: { reuseSpeedup: number; reuseSpeedupSingleCaller: number };
  search?: { p99Ms10k: number | null } | null;
}

const check = (name: string, value: number | null | undefined, target: string, ok: (v: number) => boolean, note?: string): TargetCheck => ({
  name,
  value: value ?? null,
  target,
  pass: value === null || value === undefined || Number.isNaN(value) ? null : ok(value),
  ...(note ? { note } : {}),
});

/** Evaluates every target that the run measured. */
export function evaluateTargets(r: CheckedResults): TargetCheck[] {
  const out: TargetCheck[] = [];
  for (const [op, s] of Object.entries(r.stream ?? {})) {
    out.push(check(`stream.${op}.ratioVsRaw`, s.ratioVsRaw, "≥ 0.85", (v) => v >= 0.85));
    out.push(
      check(
        `stream.${op}.ratioVsLockstep`,
        s.ratioVsLockstep,
        "≥ 1.5",
        (v) => v >= 1.5,
        op === "download" ? "no lock-step protocol exists for a server stream; baseline is a serial consumer" : undefined,
      ),
    );
  }
  for (const [op, s] of Object.entries(r.streamRtt?.ops ?? {})) {
    const rtt = r.streamRtt!.rttMs;
    out.push(check(`streamRtt.${op}.ratioVsRaw`, s.ratioVsRaw, "≥ 0.85", (v) => v >= 0.85, `${rtt} ms RTT (informational)`));
    out.push(check(`streamRtt.${op}.ratioVsLockstep`, s.ratioVsLockstep, "≥ 1.5", (v) => v >= 1.5, `${rtt} ms RTT (informational)`));
  }
  if (r.memory) out.push(check("memory.rssDeltaMiB", r.memory.rssDeltaMiB, "< 32", (v) => v < 32));
  if (r.unary) {
    out.push(check("unary.reuseSpeedup", r.unary.reuseSpeedup, "≥ 8", (v) => v >= 8, "32 concurrent callers"));
    out.push(check("unary.reuseSpeedupSingleCaller", r.unary.reuseSpeedupSingleCaller, "≥ 8", (v) => v >= 8, "1 caller: latency-bound"));
  }
  if (r.search !== undefined) out.push(check("search.p99Ms10k", r.search?.p99Ms10k, "< 50", (v) => v < 50));
  return out;
}
