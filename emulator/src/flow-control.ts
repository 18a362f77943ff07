// HTTP/2 receive windows of the emulator's server. grpc-js's Server keeps the protocol default of
// 64 KiB per stream and per connection and has no option to change it, so over a link with real
// latency every upload, encrypt and decrypt stream was held to 64 KiB per round trip (3–4 MB/s at
// 10 ms RTT, whatever the client did; bench/RESULTS.md, tuning log 3 and 7). After binding, this
// module widens both windows on grpc-js's HTTP/2 servers: the per-stream window through the
// servers' SETTINGS, the connection window on every new session.
import type * as grpc from "@grpc/grpc-js";
import type * as http2 from "node:http2";

/** Default receive window of each stream (SETTINGS_INITIAL_WINDOW_SIZE): 4 MiB. */
export const STREAM_WINDOW_BYTES = 4 * 1024 * 1024;
/** Default receive window of each connection (all its streams together): twice the stream's. */
export const CONNECTION_WINDOW_BYTES = 2 * STREAM_WINDOW_BYTES;
/** HTTP/2's own initial window (RFC 9113 §6.9.2), what grpc-js leaves in place. */
export const HTTP2_DEFAULT_WINDOW_BYTES = 65_535;
/** Largest window HTTP/2 allows: 2^31 − 1. */
export const HTTP2_MAX_WINDOW_BYTES = 2 ** 31 - 1;

/**
 * Checks a per-stream receive window given as an option; throws a RangeError naming `name`.
 * Returns the windows to apply (the connection's is twice the stream's, capped at the maximum).
 */
export function receiveWindows(name: string, streamBytes: number): { stream: number; connection: number } {
  if (!Number.isSafeInteger(streamBytes) || streamBytes < HTTP2_DEFAULT_WINDOW_BYTES || streamBytes > HTTP2_MAX_WINDOW_BYTES) {
    throw new RangeError(`${name}: expected an integer from ${HTTP2_DEFAULT_WINDOW_BYTES} to ${HTTP2_MAX_WINDOW_BYTES} bytes, got ${streamBytes}`);
  }
  return { stream: streamBytes, connection: Math.min(2 * streamBytes, HTTP2_MAX_WINDOW_BYTES) };
}

/** The grpc-js internals this relies on: its (private) map of the node:http2 servers it listens on. */
interface ServerInternals {
  http2Servers?: Map<http2.Http2Server | http2.Http2SecureServer, unknown>;
}

/**
 * Widens the receive windows of every HTTP/2 server a bound grpc-js `server` listens on. Call after
 * `bindAsync` has succeeded. Returns how many HTTP/2 servers were changed; 0 means grpc-js's
 * internals changed and the windows stay at 64 KiB (slower over real latency, still correct).
 */
export function widenReceiveWindows(
  server: grpc.Server,
  windows: { stream: number; connection: number } = { stream: STREAM_WINDOW_BYTES, connection: CONNECTION_WINDOW_BYTES },
): number {
  const servers = (server as unknown as ServerInternals).http2Servers;
  if (!(servers instanceof Map)) return 0;
  let changed = 0;
  for (const h2 of servers.keys()) {
    if (typeof h2?.updateSettings !== "function") continue;
    h2.updateSettings({ initialWindowSize: windows.stream });
    h2.on("session", (session: http2.ServerHttp2Session) => {
      // The session's own 'error' listener is grpc-js's; a closed session cannot take the update.
      if (!session.destroyed) session.setLocalWindowSize(windows.connection);
    });
    changed++;
  }
  return changed;
}
