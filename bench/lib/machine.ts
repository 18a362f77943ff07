// Describes the machine a benchmark ran on (for RESULTS.md and the JSON), including the load
// average, since colleagues' test runs share these 2 cores.
import { cpus, loadavg, release, totalmem, platform } from "node:os";
import { execFileSync } from "node:child_process";
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
  /** Commit measured: $BENCH_COMMIT (set by bench/snapshot.sh), else HEAD plus "+dirty" if src/ or emulator/ have local edits. */
  commit: string;
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
    commit: process.env.BENCH_COMMIT || gitCommit(),
    loadAvgStart: Math.round(loadavg()[0]! * 100) / 100,
  };
}

/** `git rev-parse --short HEAD`, with "+dirty" when src/ or emulator/ differ from it. */
function gitCommit(): string {
  try {
    const git = (args: string[]) => execFileSync("git", args, { cwd: REPO_ROOT, encoding: "utf8" }).trim();
    const dirty = git(["status", "--porcelain", "--", "src", "emulator", "generated"]) !== "";
    return git(["rev-parse", "--short", "HEAD"]) + (dirty ? "+dirty" : "");
  } catch {
    return "unknown";
  }
}

/** The current 1-minute load average. */
export function loadNow(): number {
  return Math.round(loadavg()[0]! * 100) / 100;
}
