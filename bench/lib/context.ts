// What every benchmark section gets from the orchestrator: the running emulator, the env for its
// client children, the chosen sizes, a scratch dir and a progress logger (stderr).
import type { ServerProcess } from "./server-process";

/** Sizes and repetitions of one `npm run bench` run. */
export interface BenchConfig {
  quick: boolean;
  /** Bytes per streaming measurement (256 MiB; 64 MiB with --quick). */
  streamBytes: number;
  /** Chunk size of facade, raw and pipelined/lock-step bidi baselines (the facade's default). */
  chunkBytes: number;
  /** Chunk size of the upload lock-step baseline (the historical Node SDK's 10,000 B). */
  uploadLockstepChunkBytes: number;
  /** Repetitions of each streaming measurement (the median counts). */
  reps: number;
  /** Small and large sizes of the constant-memory check. */
  memorySmallBytes: number;
  memoryLargeBytes: number;
  /** Operations of the memory check (--quick leaves encrypt out to stay under 2 minutes). */
  memoryOps: Array<"upload" | "download" | "encrypt">;
  /** Seconds each unary measurement runs. */
  unarySeconds: number;
  /** Documents in the unary section's own account: the length of every listDocuments answer. */
  unaryDocuments: number;
  /** Round trip added by bench/delay-proxy.ts for the RTT section (0: section skipped, as in --quick). */
  rttMs: number;
  /** Bytes per streaming measurement in the RTT section. */
  rttBytes: number;
}

/** Shared state handed to each section. */
export interface BenchContext {
  config: BenchConfig;
  emulator: ServerProcess;
  /** Env for client children (endpoint + token). */
  env: NodeJS.ProcessEnv;
  /** A scratch directory removed at the end. */
  tmpDir: string;
  log(message: string): void;
}

/** 1 MiB. */
export const MiB = 1024 * 1024;
