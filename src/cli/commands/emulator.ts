// `strongdoc emulator`: starts a local StrongDoc emulator in the foreground and prints the
// environment a client needs to reach it; Ctrl-C (SIGINT) or SIGTERM stops it cleanly.
import type { Command } from "commander";
import { loadEmulator } from "../emulator-loader";
import { globalOptions } from "../output";
import { parseByteSize, parsePort } from "../parse";

/** Resolves on the first SIGINT or SIGTERM. */
function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      resolve(signal);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}

/**
 * Adds `emulator` to the program.
 *
 * @example
 * ```sh
 * strongdoc emulator --port 9090 --data-dir ./.strongdoc
 * ```
 */
export function registerEmulatorCommand(program: Command): void {
  program
    .command("emulator")
    .description("run a local StrongDoc emulator until interrupted (needs the strongdoc-emulator package)")
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option("-p, --port <port>", "port to listen on (0 picks a free one)", parsePort, 9090)
    .option("-d, --data-dir <dir>", "keep data, keys and the CA here (default: a temporary dir, removed on exit)")
    .option("--large-traffic-bytes <size>", "per-call traffic listed as large traffic (e.g. 512m)", parseByteSize)
    .option("-q, --quiet", "do not log each call", false)
    .action(
      async (
        opts: { host: string; port: number; dataDir?: string; largeTrafficBytes?: number; quiet: boolean },
        cmd: Command,
      ) => {
        const startEmulator = await loadEmulator();
        const emu = await startEmulator({
          host: opts.host,
          port: opts.port,
          dataDir: opts.dataDir,
          quiet: opts.quiet,
          largeTrafficBytes: opts.largeTrafficBytes,
        });
        // "localhost" is in the certificate's SANs and, unlike an IP, valid as a TLS server name.
        const host = emu.host === "127.0.0.1" ? "localhost" : emu.host;
        const env = { STRONGDOC_HOST: host, STRONGDOC_PORT: String(emu.port), STRONGDOC_CA_FILE: emu.caFile };
        if (globalOptions(cmd).json) {
          process.stdout.write(`${JSON.stringify({ host, port: emu.port, caFile: emu.caFile, dataDir: emu.dataDir })}\n`);
        } else {
          process.stdout.write(
            `StrongDoc emulator listening on ${emu.host}:${emu.port} (data in ${emu.dataDir}${opts.dataDir ? "" : ", removed on exit"})\n` +
              `export ${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(" ")}\n` +
              "Press Ctrl-C to stop.\n",
          );
        }
        const signal = await waitForSignal();
        await emu.stop();
        if (!globalOptions(cmd).json) process.stderr.write(`stopped (${signal})\n`);
      },
    );
}
