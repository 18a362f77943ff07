// Describes the machine a benchmark ran on (for RESULTS.md and the JSON), including the load
// average, since colleagues' test runs share these 2 cores.
import { cpus, loadavg, release, totalmem, platform } from "node:os";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./server-process";

/** Machine and software versions of a run. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  grpcJs: string;
  /** 1-minute load average when the run started and ended. */
  loadAvgStart: number;
  loadAvgEnd?: number;
}

/** Collects {@link MachineInfo} now. */
export function machineInfo(): MachineInfo {
  const grpcPkg = JSON.parse(readFileSync(join(REPO_ROOT, "node_modules/@grpc/grpc-js/package.json"), "utf8")) as { version: string };
  return {
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${platform()} ${release()}`,
    grpcJs: grpcPkg.version,
    loadAvgStart: Math.round(loadavg()[0]! * 100) / 100,
  };
}

/** The current 1-minute load average. */
export function loadNow(): number {
  return Math.round(loadavg()[0]! * 100) / 100;
}
