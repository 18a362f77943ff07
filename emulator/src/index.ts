// Public entry of the emulator package: `startEmulator(options)` starts a wire-compatible
// StrongDoc server (TLS, auth, encrypted SQLite storage) and returns how to reach and stop it.
import * as grpc from "@grpc/grpc-js";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { KeyRing, loadMasterKey } from "./crypto/keys";
import { cleanUpAtStart, openDatabase } from "./store/db";
import { BLOB_DIR, BlobStore } from "./store/blobs";
import { lockDataDir } from "./store/lock";
import { TokenService } from "./auth";
import { createServer, InFlightCalls } from "./server";
import { HTTP2_DEFAULT_WINDOW_BYTES, STREAM_WINDOW_BYTES, receiveWindows, widenReceiveWindows } from "./flow-control";
import { hasLegacySearchIndex, reindexStoredDocuments } from "./search/reindex";
import { ensureTlsMaterial, loadTlsFiles, type TlsMaterial } from "./tls";
import { DEFAULT_SCRYPT, type ScryptParams } from "./passwords";
import type { ServiceContext, Services } from "./services";
import { searchAndBillingServices } from "./search-billing-services";
import { flushUsage } from "./billing/usage-meter";
import type { Emu, SameNamePolicy } from "./context";

export type { ScryptParams } from "./passwords";
export type { Services, ServiceContext, SearchIndexService, MeterService, BillingService, CallRecord } from "./services";
export type { Caller } from "./auth";
export type { SameNamePolicy } from "./context";
export { READABLE_DOCS_SQL } from "./store/access";
export { MAX_RECEIVE_MESSAGE_BYTES } from "./server";

/** Environment variable overriding the default large-traffic threshold (bytes). */
export const LARGE_TRAFFIC_ENV = "STRONGDOC_EMULATOR_LARGE_TRAFFIC_BYTES";
/** Default large-traffic threshold: 512 MiB in one direction of one call. */
export const DEFAULT_LARGE_TRAFFIC_BYTES = 512 * 1024 * 1024;
/** Default session token lifetime: 24 hours. */
export const DEFAULT_TOKEN_TTL_SECONDS = 24 * 60 * 60;

/** How to start an emulator. Every field is optional. */
export interface EmulatorOptions {
  /** Interface to listen on. Default "127.0.0.1". */
  host?: string;
  /** Port to listen on; 0 picks a free one. Default 9090. */
  port?: number;
  /** Where everything persists. Absent: a temporary dir, removed by `stop()`. */
  dataDir?: string;
  /** Serve plaintext HTTP/2 instead of TLS (no SDK supports this; for debugging only). */
  insecure?: boolean;
  /** PEM certificate file to serve instead of the minted one (needs `tlsKey`). */
  tlsCert?: string;
  /** PEM private key file for `tlsCert`. */
  tlsKey?: string;
  /** Large-traffic threshold in bytes per direction per call. Default: env
   *  STRONGDOC_EMULATOR_LARGE_TRAFFIC_BYTES, else 512 MiB. */
  largeTrafficBytes?: number;
  /** HTTP/2 receive window of each stream, in bytes (the connection gets twice that). Default
   *  4 MiB; 65535 keeps HTTP/2's default, which limits uploads to 64 KiB per round trip. */
  receiveWindowBytes?: number;
  /** Silence the per-call log line. */
  quiet?: boolean;
  /** Where log lines go. Default: stderr. */
  log?: (line: string) => void;
  /** Master key (64 hex chars or base64 of 32 bytes). Default: env
   *  STRONGDOC_EMULATOR_MASTER_KEY, else `<dataDir>/master.key` (created on first start). */
  masterKey?: string;
  /** Same-name uploads: "new" (default) makes a new document; "replace" replaces the caller's
   *  earlier stored documents with that name. */
  sameNameUpload?: SameNamePolicy;
  /** Session token lifetime in seconds. Default 24 h. */
  tokenTtlSeconds?: number;
  /** scrypt cost for password hashes. Default N=2^15, r=8, p=3. Lower it only in tests. */
  scrypt?: ScryptParams;
  /** Clock in ms since epoch (a test knob; default `Date.now`). */
  now?: () => number;
  /** Replaces some or all of the search/meter/billing services (default: the ones built by
   *  `search-billing-services.ts`; the interfaces are in `services.ts`). */
  services?: (ctx: ServiceContext) => Partial<Services>;
}

/** A running emulator. */
export interface RunningEmulator {
  /** The host it listens on (as given). */
  host: string;
  /** The bound port. */
  port: number;
  /** `host:port`, as for STRONGDOC_EMULATOR_HOST (IPv6 hosts in brackets). */
  address: string;
  /** PEM of the CA a client must trust ("" when insecure). */
  caPem: string;
  /** Path of a file holding `caPem` ("" when insecure). */
  caFile: string;
  /** The data dir in use. */
  dataDir: string;
  /** Whether `dataDir` is temporary (removed on stop). */
  temporary: boolean;
  /** Whether TLS is off. */
  insecure: boolean;
  /** Stops serving, closes the database, removes a temporary data dir. Idempotent. */
  stop(): Promise<void>;
}

function hostPort(host: string, port: number): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]:${port}` : `${host}:${port}`;
}

function largeTrafficFromEnv(): number | undefined {
  const v = process.env[LARGE_TRAFFIC_ENV];
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${LARGE_TRAFFIC_ENV}: expected a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

/**
 * Starts an emulator.
 *
 * @example
 * ```ts
 * const emu = await startEmulator({ port: 0, quiet: true });
 * // Point a client at emu.address, trusting emu.caPem — e.g. the SDK with
 * // STRONGDOC_EMULATOR_HOST=emu.address, or a raw grpc-js client:
 * const Client = grpc.makeGenericClientConstructor(StrongDocServiceService, "StrongDocService");
 * const client = new Client(emu.address, grpc.credentials.createSsl(Buffer.from(emu.caPem)));
 * // ...
 * client.close();
 * await emu.stop();
 * ```
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 9090;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`port: expected 0..65535, got ${port}`);
  if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) throw new Error("tlsCert and tlsKey must be given together");
  const windows = receiveWindows("receiveWindowBytes", options.receiveWindowBytes ?? STREAM_WINDOW_BYTES);
  const temporary = options.dataDir === undefined;
  const dataDir = temporary ? mkdtempSync(join(tmpdir(), "strongdoc-emulator-")) : resolve(options.dataDir!);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const now = options.now ?? Date.now;
  const log = options.log ?? ((line: string) => process.stderr.write(line + "\n"));
  const largeTrafficBytes = options.largeTrafficBytes ?? largeTrafficFromEnv() ?? DEFAULT_LARGE_TRAFFIC_BYTES;

  let db: ReturnType<typeof openDatabase> | undefined;
  let server: grpc.Server | undefined;
  let unlock: (() => void) | undefined;
  try {
    unlock = lockDataDir(dataDir);
    const keys = new KeyRing(loadMasterKey(dataDir, options.masterKey));
    db = openDatabase(dataDir, keys.databaseKey);
    cleanUpAtStart(db, now());
    const blobs = new BlobStore(join(dataDir, BLOB_DIR));
    // Body files of uploads that never committed (failures the process did not live to clean up).
    const stored = db.prepare("SELECT doc_id FROM documents WHERE stored = 1 AND state = 'ready'").all() as { doc_id: string }[];
    const orphans = blobs.sweep(new Set(stored.map((r) => r.doc_id)));
    if (orphans > 0 && !options.quiet) log(`[strongdoc-emulator] removed ${orphans} orphaned document bodies`);
    const ctx: ServiceContext = { db, now, largeTrafficBytes };
    const legacySearchIndex = hasLegacySearchIndex(db); // checked before the services replace it
    const services: Services = { ...searchAndBillingServices(ctx), ...(options.services?.(ctx) ?? {}) };
    const emu: Emu = {
      db,
      blobs,
      keys,
      tokens: new TokenService(db, options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS, now),
      services,
      settings: {
        scrypt: options.scrypt ?? DEFAULT_SCRYPT,
        sameName: options.sameNameUpload ?? "new",
        unaryDocumentLimit: 4 * 1024 * 1024 - 64 * 1024,
      },
      now,
      warn: (m) => log(`[strongdoc-emulator] ${m}`),
    };
    if (legacySearchIndex) {
      const n = await reindexStoredDocuments(db, blobs, keys, services.searchIndex, emu.warn);
      if (!options.quiet) log(`[strongdoc-emulator] search index rebuilt per organization: ${n} stored documents re-indexed`);
    }
    let tls: TlsMaterial | undefined;
    if (!options.insecure) {
      tls = options.tlsCert !== undefined ? loadTlsFiles(options.tlsCert, options.tlsKey!) : await ensureTlsMaterial(dataDir);
    }
    const credentials = tls
      ? grpc.ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(tls.certPem), private_key: Buffer.from(tls.keyPem) }], false)
      : grpc.ServerCredentials.createInsecure();
    const inFlight = new InFlightCalls();
    const srv = createServer(emu, options.quiet ? undefined : log, inFlight);
    server = srv;
    const boundPort = await new Promise<number>((ok, fail) =>
      srv.bindAsync(hostPort(host, port), credentials, (err, p) =>
        err ? fail(new Error(`cannot listen on ${hostPort(host, port)}: ${err.message}`)) : ok(p),
      ),
    );
    if (windows.stream !== HTTP2_DEFAULT_WINDOW_BYTES && widenReceiveWindows(srv, windows) === 0) emu.warn("could not widen the HTTP/2 receive windows (grpc-js internals changed); streams stay at 64 KiB per round trip");
    const openDb = db;
    let stopped: Promise<void> | undefined;
    return {
      host,
      port: boundPort,
      address: hostPort(host, boundPort),
      caPem: tls?.caPem ?? "",
      caFile: tls?.caFile ?? "",
      dataDir,
      temporary,
      insecure: !tls,
      stop() {
        stopped ??= (async () => {
          await new Promise<void>((ok) => {
            const timer = setTimeout(() => {
              srv.forceShutdown();
              ok();
            }, 2000);
            srv.tryShutdown(() => {
              clearTimeout(timer);
              ok();
            });
          });
          // Calls torn down by the shutdown still undo, log and meter what they did: close the
          // database only after them (bounded, so a stuck handler cannot block stop()).
          await Promise.race([inFlight.idle(), new Promise<void>((ok) => setTimeout(ok, 5000).unref())]);
          try {
            flushUsage(openDb); // metered calls still buffered in memory
          } catch (e) {
            log(`[strongdoc-emulator] writing the last usage records failed: ${(e as Error).message}`);
          }
          openDb.close();
          unlock?.();
          if (temporary) rmSync(dataDir, { recursive: true, force: true });
        })();
        return stopped;
      },
    };
  } catch (e) {
    server?.forceShutdown();
    db?.close();
    unlock?.();
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
}
