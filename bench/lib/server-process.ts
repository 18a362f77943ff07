// Starts a StrongDoc server (the emulator's CLI, or bench/sink-server.ts) as a child process on
// loopback, waits for the STRONGDOC_HOST/PORT/CA_FILE lines it prints, and reads its memory from
// /proc (peak RSS since start or since the last reset).
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import type { Endpoint } from "./grpc";

/** A running server child. */
export interface ServerProcess {
  readonly endpoint: Endpoint;
  readonly pid: number;
  /** Current and peak (VmHWM) resident set size, in MiB. */
  memory(): { rssMiB: number; peakMiB: number };
  /** CPU time (user + system) the process has used so far, in ms (from /proc/<pid>/stat). */
  cpuMs(): number;
  /** Resets the kernel's peak-RSS mark (VmHWM) to the current RSS; false if not permitted. */
  resetPeak(): boolean;
  /** SIGTERM, then SIGKILL after 5 s; resolves when the process has exited. */
  stop(): Promise<void>;
}

/** Repo root: every child runs from here so `--import tsx` and relative paths resolve. */
export const REPO_ROOT = new URL("../..", `file://${__dirname}/`).pathname;

/**
 * Spawns `node --import tsx <script> ...args` and resolves once it has printed its endpoint.
 * Its stderr (and stdout after the endpoint lines) go to our stderr, prefixed with `label`.
 */
export async function startServer(
  script: string,
  args: string[],
  label: string,
  timeoutMs = 60_000,
  env: NodeJS.ProcessEnv = {},
): Promise<ServerProcess> {
  // BENCH_SERVER_NODE_ARGS: extra node flags for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/p" (profiling).
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", script, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const relay = (buf: Buffer) => process.stderr.write(buf.toString().replace(/^(?=.)/gm, `[${label}] `));
  child.stderr!.on("data", relay);
  const vars: Record<string, string> = {};
  let text = "";
  const endpoint = await new Promise<Endpoint>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label}: no endpoint printed within ${timeoutMs} ms`)), timeoutMs);
    const onData = (buf: Buffer) => {
      text += buf.toString();
      for (const m of text.matchAll(/(STRONGDOC_(?:HOST|PORT|CA_FILE))=(\S+)/g)) vars[m[1]!] = m[2]!;
      if (vars.STRONGDOC_HOST && vars.STRONGDOC_PORT && vars.STRONGDOC_CA_FILE) {
        clearTimeout(timer);
        child.stdout!.off("data", onData);
        child.stdout!.on("data", relay);
        resolve({ host: vars.STRONGDOC_HOST, port: Number(vars.STRONGDOC_PORT), caFile: vars.STRONGDOC_CA_FILE });
      }
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited with ${code} before printing its endpoint:\n${text}`));
    });
  });
  return makeHandle(child, endpoint);
}

function makeHandle(child: ChildProcess, endpoint: Endpoint): ServerProcess {
  const pid = child.pid!;
  const exited = once(child, "exit");
  return {
    endpoint,
    pid,
    memory: () => procMemory(pid),
    cpuMs: () => procCpuMs(pid),
    resetPeak() {
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, "5");
        return true;
      } catch {
        return false;
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** VmRSS and VmHWM of a process from /proc, in MiB (NaN where unavailable). */
export function procMemory(pid: number): { rssMiB: number; peakMiB: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
    return { rssMiB: kib("VmRSS") / 1024, peakMiB: kib("VmHWM") / 1024 };
  } catch {
    return { rssMiB: NaN, peakMiB: NaN };
  }
}

/** Starts bench/delay-proxy.ts in front of `target`, adding `oneWayMs` each way. */
export function startDelayProxy(target: Endpoint, oneWayMs: number): Promise<ServerProcess> {
  return startServer(
    "bench/delay-proxy.ts",
    ["--target-host", target.host, "--target-port", String(target.port), "--ca-file", target.caFile, "--delay-ms", String(oneWayMs)],
    "delay-proxy",
  );
}

/** utime + stime of a process from /proc/<pid>/stat, in ms (assumes 100 clock ticks per second). */
export function procCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10; // fields 14 and 15 of the full line
  } catch {
    return NaN;
  }
}
