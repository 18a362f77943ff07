// How the orchestrator hands the endpoint and token to its client child processes (env vars, so
// the facade picks up STRONGDOC_HOST/PORT/CA_FILE itself), and how a child reports: one JSON line.
import type { Endpoint } from "./grpc";

/** Env vars for a client child talking to `ep` as the user holding `token`. */
export function childEnv(ep: Endpoint, token: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    STRONGDOC_HOST: ep.host,
    STRONGDOC_PORT: String(ep.port),
    STRONGDOC_CA_FILE: ep.caFile,
    STRONGDOC_EMULATOR_HOST: "",
    BENCH_TOKEN: token,
  };
}

/** Reads the endpoint and token a child was started with. */
export function endpointFromEnv(): { ep: Endpoint; token: string } {
  const { STRONGDOC_HOST: host, STRONGDOC_PORT: port, STRONGDOC_CA_FILE: caFile, BENCH_TOKEN: token } = process.env;
  if (!host || !port || !caFile || token === undefined) {
    throw new Error("bench child: STRONGDOC_HOST, STRONGDOC_PORT, STRONGDOC_CA_FILE and BENCH_TOKEN must be set");
  }
  return { ep: { host, port: Number(port), caFile }, token };
}

/** Peak resident set size of this process so far, in MiB. */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Prints the child's one result line and exits (also closing any open channels). */
export function report(result: object): never {
  process.stdout.write(JSON.stringify(result) + "\n");
  process.exit(0);
}

/** Runs a child's main function; on failure prints the error to stderr and exits 1. */
export function runChild(main: () => Promise<object>): void {
  main().then(report, (err: unknown) => {
    process.stderr.write(`bench child failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
