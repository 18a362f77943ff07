// Runs one bench client child (bench/client-*.ts) and returns the JSON line it printed.
import { spawn } from "node:child_process";
import { REPO_ROOT } from "./server-process";

/**
 * Spawns `node [$BENCH_CLIENT_NODE_ARGS] --import tsx <script> ...args` with `env`, collects stdout, and parses it (or its
 * last line) as JSON. Rejects with the child's stderr if it fails or times out.
 */
export function runClientChild<T>(script: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 600_000): Promise<T> {
  return new Promise((resolve, reject) => {
    // BENCH_CLIENT_NODE_ARGS: extra node flags for the child, e.g. "--cpu-prof --cpu-prof-dir=/tmp/p".
    const nodeArgs = (env.BENCH_CLIENT_NODE_ARGS ?? "").split(" ").filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", script, ...args], {
      cwd: REPO_ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        // Either the whole stdout is one (pretty-printed) JSON value, or its last line is.
        for (const text of [out, out.trim().split("\n").pop() ?? ""]) {
          try {
            return resolve(JSON.parse(text) as T);
          } catch {
            /* try the next form */
          }
        }
      }
      reject(new Error(`${script} ${args.join(" ")} failed (${signal ?? code}):\n${err.slice(-4000)}${out.slice(-1000)}`));
    });
  });
}
