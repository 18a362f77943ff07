// Bench-only experiment: runs the emulator's CLI with larger HTTP/2 receive windows on the server
// side, which grpc-js's Server has no option for. It wraps http2.createSecureServer so every new
// server gets `settings.initialWindowSize` (per-stream window) and every session a larger
// connection window. Used to measure a proposed emulator change without editing emulator/.
// Usage: BENCH_SERVER_STREAM_WINDOW=B BENCH_SERVER_CONN_WINDOW=B node --import tsx bench/emulator-tuned.ts <emulator flags>
import http2 from "node:http2";
import { main } from "../emulator/src/cli";

const streamWindow = Number(process.env.BENCH_SERVER_STREAM_WINDOW ?? 0);
const connWindow = Number(process.env.BENCH_SERVER_CONN_WINDOW ?? 0);
const original = http2.createSecureServer;
(http2 as { createSecureServer: typeof original }).createSecureServer = ((options: http2.SecureServerOptions, listener?: never) => {
  const server = original({ ...options, settings: { ...options.settings, ...(streamWindow ? { initialWindowSize: streamWindow } : {}) } }, listener);
  if (connWindow) server.on("session", (s: http2.ServerHttp2Session) => s.setLocalWindowSize(connWindow));
  return server;
}) as typeof original;

main().catch((e: unknown) => {
  process.stderr.write(`emulator-tuned: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
