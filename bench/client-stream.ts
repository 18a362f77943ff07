// Bench child: one streaming measurement (upload | download | encrypt | decrypt) in one mode
// (facade | raw | lockstep), in its own process so its peak RSS is its own. Prints one JSON line:
// { op, mode, bytes, chunk, seconds, mbps, cpuMsPerMiB, rssBeforeMiB, peakRssMiB, docId }.
// Usage: node --import tsx bench/client-stream.ts --op upload --mode facade --bytes N --chunk N
//        [--doc-id ID] [--input FILE] [--save FILE]
//        [--client-window B] [--fast-codec]   (raw/lockstep only: tuning probes)
//        (endpoint and token from the env)
import { createReadStream, createWriteStream, statSync } from "node:fs";
import { finished } from "node:stream/promises";
import type { Readable, Writable } from "node:stream";
import { parseArgs } from "node:util";
import { CountingSink, sourceStream } from "./lib/data";
import { endpointFromEnv, peakRssMiB, runChild } from "./lib/child-env";
import { openFastCodecClient, openRawClient, unary, bearer, type RawClient } from "./lib/grpc";
import { bidiRaw, DECRYPT, downloadRaw, ENCRYPT, uploadRaw, type StreamOutcome } from "./lib/raw-streams";
import { loadFacade, type Facade } from "./lib/facade";
import { CHANNEL_OPTIONS } from "../src/channel-options";

const OPS = ["upload", "download", "encrypt", "decrypt"] as const;
const MODES = ["facade", "raw", "lockstep"] as const;

/** One result line of this child. */
export interface StreamResult {
  op: (typeof OPS)[number];
  mode: (typeof MODES)[number];
  bytes: number;
  chunk: number;
  seconds: number;
  /** Payload megabytes (10^6 B) per second. */
  mbps: number;
  /** Client CPU time (user + system) spent per MiB moved, ms: robust to a busy machine. */
  cpuMsPerMiB: number;
  rssBeforeMiB: number;
  peakRssMiB: number;
  docId: string;
}

async function main(): Promise<StreamResult> {
  const { values: a } = parseArgs({
    options: {
      op: { type: "string" },
      mode: { type: "string" },
      bytes: { type: "string", default: "0" },
      chunk: { type: "string", default: String(1024 * 1024) },
      "doc-id": { type: "string", default: "" },
      input: { type: "string" },
      save: { type: "string" },
      "client-window": { type: "string" },
      "fast-codec": { type: "boolean", default: false },
    },
  });
  const op = a.op as StreamResult["op"];
  const mode = a.mode as StreamResult["mode"];
  if (!OPS.includes(op) || !MODES.includes(mode)) throw new Error(`bad --op ${a.op} / --mode ${a.mode}`);
  const chunk = Number(a.chunk);
  let bytes = a.input ? statSync(a.input).size : Number(a.bytes);
  const { ep, token } = endpointFromEnv();
  const name = `bench-${op}-${mode}-${bytes}`;

  // Connect (and load the facade) before the clock starts, in every mode alike.
  let facade: Facade | undefined;
  let raw: RawClient | undefined;
  if (mode === "facade") {
    facade = await loadFacade();
    await facade.account.getUserInfo(token);
  } else {
    const window = a["client-window"] ? { "grpc-node.flow_control_window": Number(a["client-window"]) } : {};
    // The facade's own channel options, so that raw and lockstep differ from it only in code.
    const opts = { ...CHANNEL_OPTIONS, ...window };
    raw = a["fast-codec"] ? openFastCodecClient(ep, opts) : openRawClient(ep, opts);
    await unary(raw, raw.getUserInfo, {}, bearer(token));
  }
  const input = (): Readable => (a.input ? createReadStream(a.input, { highWaterMark: chunk }) : sourceStream(bytes, chunk));
  const sink: Writable = a.save ? createWriteStream(a.save) : new CountingSink();
  const rssBefore = process.memoryUsage.rss() / 2 ** 20;

  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let out: StreamOutcome;
  if (facade) {
    out = await runFacade(facade, op, token, name, a["doc-id"]!, input, sink, bytes);
  } else {
    const lockstep = mode === "lockstep";
    if (op === "upload") out = await uploadRaw(raw!, token, name, input(), lockstep);
    else if (op === "download") out = await downloadRaw(raw!, token, a["doc-id"]!, lockstep, sink);
    else if (op === "encrypt") out = await bidiRaw(ENCRYPT, raw!, token, name, input(), lockstep, sink);
    else out = await bidiRaw(DECRYPT, raw!, token, a["doc-id"]!, input(), lockstep, sink);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  if (op === "download" && bytes === 0) bytes = out.bytesIn; // size known only once downloaded
  if (a.save) {
    if (!sink.writableEnded) sink.end();
    await finished(sink);
  }
  const moved = op === "upload" ? out.bytesOut : op === "encrypt" ? out.bytesOut : out.bytesIn;
  if (bytes > 0 && op !== "decrypt" && moved !== bytes) throw new Error(`${op}/${mode}: moved ${moved} B, expected ${bytes} B`);
  return {
    op,
    mode,
    bytes,
    chunk,
    seconds,
    mbps: bytes / 1e6 / seconds,
    cpuMsPerMiB: (cpu.user + cpu.system) / 1000 / (bytes / 2 ** 20),
    rssBeforeMiB: rssBefore,
    peakRssMiB: peakRssMiB(),
    docId: out.docId,
  };
}

/**
 * The same four operations through the facade. Received bytes are counted by the sink; sent bytes
 * are the source's size (the facade resolving means it consumed the whole source).
 */
async function runFacade(
  f: Facade,
  op: StreamResult["op"],
  token: string,
  name: string,
  docId: string,
  input: () => Readable,
  sink: Writable,
  total: number,
): Promise<StreamOutcome> {
  const counted = (w: Writable) => (w instanceof CountingSink ? w.bytes : 0);
  if (op === "upload") {
    const id = await f.document.uploadDocument(token, name, input());
    return { docId: id, bytesIn: 0, bytesOut: total };
  }
  if (op === "download") {
    await f.document.downloadDocumentStream(token, docId, sink);
    return { docId, bytesIn: counted(sink), bytesOut: 0 };
  }
  if (op === "encrypt") {
    const id = await f.document.encryptDocumentStream(token, name, input(), sink);
    return { docId: id, bytesIn: counted(sink), bytesOut: total };
  }
  await f.document.decryptDocumentStream(token, docId, input(), sink);
  return { docId, bytesIn: counted(sink), bytesOut: 0 };
}

runChild(main);
