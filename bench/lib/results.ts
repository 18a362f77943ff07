// The shape of one `npm run bench` result: what `--json` prints and bench/results/<date>.json holds.
import type { BenchConfig } from "./context";
import type { MachineInfo } from "./machine";
import type { MemoryResult } from "./memory-section";
import type { SearchSectionResult } from "./search-section";
import type { StreamOpResult } from "./stream-section";
import type { TargetCheck } from "./targets";
import type { UnarySectionResult } from "./unary-section";

/** Everything one run measured; sections left out with `--only` are absent. */
export interface BenchResults {
  /** UTC date (YYYY-MM-DD) and ISO start time of the run. */
  date: string;
  startedAt: string;
  command: string;
  durationSeconds: number;
  /** Name of the JSON file under bench/results/ ("" when not written). */
  resultsFile: string;
  machine: MachineInfo;
  config: BenchConfig;
  stream?: Record<string, StreamOpResult>;
  /** Section 1 again, through a proxy adding `rttMs` of round trip (full runs only). */
  streamRtt?: { rttMs: number; bytes: number; ops: Record<string, StreamOpResult> };
  memory?: MemoryResult;
  unary?: UnarySectionResult;
  search?: SearchSectionResult | null;
  searchNote?: string;
  targets: TargetCheck[];
}
