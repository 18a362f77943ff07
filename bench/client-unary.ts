// Bench child: unary latency and throughput of one RPC (getUserInfo | listDocuments) with N
// concurrent callers for a fixed time, either on the facade's one reused channel (`reused`) or
// with a fresh channel, TCP connection and TLS handshake per call, closed afterwards (`fresh`, what
// the historical Python SDK does); `raw-reused` (a probe) is the generated client on one channel.
// Prints one JSON line:
// { rpc, mode, concurrency, calls, seconds, callsPerSec, p50Ms, p99Ms, clientCpuMsPerCall, peakRssMiB }.
// Usage: node --import tsx bench/client-unary.ts --rpc getUserInfo --mode reused --concurrency 32 --seconds 3
import { parseArgs } from "node:util";
import { endpointFromEnv, peakRssMiB, runChild } from "./lib/child-env";
import { bearer, openRawClient, unary } from "./lib/grpc";
import { loadFacade } from "./lib/facade";
import { percentile } from "./lib/stats";
import { CHANNEL_OPTIONS } from "../src/channel-options";

/** One result line of this child. */
export interface UnaryResult {
  rpc: "getUserInfo" | "listDocuments";
  mode: "reused" | "fresh" | "raw-reused";
  concurrency: number;
  calls: number;
  seconds: number;
  callsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Client CPU (user + system) per call, ms. */
  clientCpuMsPerCall: number;
  peakRssMiB: number;
}

async function main(): Promise<UnaryResult> {
  const { values: a } = parseArgs({
    options: {
      rpc: { type: "string", default: "getUserInfo" },
      mode: { type: "string", default: "reused" },
      concurrency: { type: "string", default: "1" },
      seconds: { type: "string", default: "3" },
    },
  });
  const rpc = a.rpc as UnaryResult["rpc"];
  const mode = a.mode as UnaryResult["mode"];
  if (!["getUserInfo", "listDocuments"].includes(rpc) || !["reused", "fresh", "raw-reused"].includes(mode)) {
    throw new Error(`bad --rpc ${a.rpc} / --mode ${a.mode}`);
  }
  const concurrency = Number(a.concurrency);
  const { ep, token } = endpointFromEnv();

  let call: () => Promise<unknown>;
  if (mode === "reused") {
    const f = await loadFacade();
    call = rpc === "getUserInfo" ? () => f.account.getUserInfo(token) : () => f.document.listDocuments(token);
  } else if (mode === "raw-reused") {
    // Tuning probe: the generated client on one channel with the facade's options, no facade code.
    const c = openRawClient(ep, CHANNEL_OPTIONS);
    const md = bearer(token);
    call = () => (rpc === "getUserInfo" ? unary(c, c.getUserInfo, {}, md) : unary(c, c.listDocuments, {}, md));
  } else {
    call = async () => {
      const c = openRawClient(ep, {}, true);
      try {
        if (rpc === "getUserInfo") await unary(c, c.getUserInfo, {}, bearer(token));
        else await unary(c, c.listDocuments, {}, bearer(token));
      } finally {
        c.close();
      }
    };
  }
  // Warm-up: connect the reused channel, JIT the paths; not measured.
  for (let i = 0; i < 20; i++) await call();

  const latencies: number[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const until = t0 + Number(a.seconds) * 1000;
  const worker = async () => {
    while (performance.now() < until) {
      const s = performance.now();
      await call();
      latencies.push(performance.now() - s);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return {
    rpc,
    mode,
    concurrency,
    calls: latencies.length,
    seconds,
    callsPerSec: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    clientCpuMsPerCall: (cpu.user + cpu.system) / 1000 / latencies.length,
    peakRssMiB: peakRssMiB(),
  };
}

runChild(main);
