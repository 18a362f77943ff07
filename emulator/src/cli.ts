// The `strongdoc-emulator` command: parses flags, starts the emulator, prints what a client needs
// (STRONGDOC_HOST/PORT/CA_FILE and STRONGDOC_EMULATOR_HOST), and stops cleanly on SIGINT/SIGTERM.
import { parseArgs } from "node:util";
import { startEmulator, type EmulatorOptions } from "./index";
import { receiveWindows } from "./flow-control";

/** Hosts that the minted certificate names as "localhost" too. */
const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

const USAGE = `Usage: strongdoc-emulator [options]

  --host HOST                  interface to listen on (default 127.0.0.1)
  --port PORT                  port to listen on, 0 = any free port (default 9090)
  --data-dir DIR               keep all data in DIR (default: a temporary dir removed on exit)
  --insecure                   serve without TLS (no StrongDoc SDK supports this; debugging only)
  --tls-cert FILE              serve this PEM certificate instead of the minted one (with --tls-key)
  --tls-key FILE               private key for --tls-cert
  --large-traffic-bytes N      large-traffic threshold per call and direction
                               (default: $STRONGDOC_EMULATOR_LARGE_TRAFFIC_BYTES or 512 MiB)
  --same-name new|replace      same-name uploads make a new document (default) or replace
  --receive-window BYTES       HTTP/2 receive window per stream (connection: twice that);
                               default 4194304, 65535 = HTTP/2's default
  --quiet                      do not log one line per call
  -h, --help                   show this help

Environment: STRONGDOC_EMULATOR_MASTER_KEY (64 hex chars) supplies the master key instead of
<data-dir>/master.key.`;

function positiveInt(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`${flag}: expected an integer >= ${min}, got ${JSON.stringify(value)}`);
  return n;
}

/** Parses argv (without node and script) into start options; throws on bad flags. */
export function parseCli(argv: string[]): EmulatorOptions | "help" {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      host: { type: "string" },
      port: { type: "string" },
      "data-dir": { type: "string" },
      insecure: { type: "boolean" },
      "tls-cert": { type: "string" },
      "tls-key": { type: "string" },
      "large-traffic-bytes": { type: "string" },
      "same-name": { type: "string" },
      "receive-window": { type: "string" },
      quiet: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return "help";
  const sameName = values["same-name"];
  if (sameName !== undefined && sameName !== "new" && sameName !== "replace") throw new Error(`--same-name: expected new or replace, got ${sameName}`);
  if ((values["tls-cert"] === undefined) !== (values["tls-key"] === undefined)) throw new Error("--tls-cert and --tls-key go together");
  if (values.insecure && values["tls-cert"] !== undefined) throw new Error("--insecure cannot be combined with --tls-cert");
  return {
    host: values.host,
    port: values.port === undefined ? undefined : positiveInt("--port", values.port, 0),
    dataDir: values["data-dir"],
    insecure: values.insecure,
    tlsCert: values["tls-cert"],
    tlsKey: values["tls-key"],
    largeTrafficBytes: values["large-traffic-bytes"] === undefined ? undefined : positiveInt("--large-traffic-bytes", values["large-traffic-bytes"], 1),
    sameNameUpload: sameName as "new" | "replace" | undefined,
    receiveWindowBytes: values["receive-window"] === undefined ? undefined : receiveWindows("--receive-window", positiveInt("--receive-window", values["receive-window"], 1)).stream,
    quiet: values.quiet,
  };
}

/** Runs the command; resolves when the emulator has stopped after a signal. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  let options: EmulatorOptions | "help";
  try {
    options = parseCli(argv);
  } catch (e) {
    process.stderr.write(`strongdoc-emulator: ${(e as Error).message}\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (options === "help") {
    process.stdout.write(USAGE + "\n");
    return;
  }
  // A closed pipe on stdout/stderr (e.g. `strongdoc-emulator | head -4`) must not kill the server.
  process.stdout.on("error", () => {});
  process.stderr.on("error", () => {});
  const emu = await startEmulator(options);
  const out = (line: string) => process.stdout.write(line + "\n");
  if (emu.temporary) out(`# No --data-dir given: using temporary ${emu.dataDir}; it is removed on exit.`);
  else out(`# Data dir: ${emu.dataDir}`);
  out(`# StrongDoc emulator listening on ${emu.address}${emu.insecure ? " (insecure: no TLS)" : " (TLS)"}`);
  // Clients should name a loopback emulator "localhost" (a SAN of the minted certificate): with an
  // IP address, Node's TLS warns (DEP0123) because grpc-js sends it as the server name.
  const minted = !emu.insecure && options.tlsCert === undefined;
  const clientHost = minted && LOOPBACK.has(emu.host) ? "localhost" : emu.host;
  const clientAddress = clientHost.includes(":") ? `[${clientHost}]:${emu.port}` : `${clientHost}:${emu.port}`;
  out(`STRONGDOC_HOST=${clientHost} STRONGDOC_PORT=${emu.port}${emu.insecure ? "" : ` STRONGDOC_CA_FILE=${emu.caFile}`}`);
  out(`STRONGDOC_EMULATOR_HOST=${clientAddress}`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.stderr.write(`strongdoc-emulator: ${signal}, shutting down\n`);
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      emu.stop().then(resolve, (e) => {
        process.stderr.write(`strongdoc-emulator: error while stopping: ${(e as Error).message}\n`);
        process.exitCode = 1;
        resolve();
      });
    };
    const onInt = () => stop("SIGINT");
    const onTerm = () => stop("SIGTERM");
    process.on("SIGINT", onInt);
    process.on("SIGTERM", onTerm);
  });
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`strongdoc-emulator: ${(e as Error).message}\n`);
    process.exitCode = 1;
  });
}
