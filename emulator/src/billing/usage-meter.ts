// Usage metering: records every call's traffic and every change of stored document bytes, per
// organization. It runs on every call, so a call is only appended to an in-memory buffer, which
// is written in one transaction a moment later (or when it fills up, before any read of the
// usage tables, and before the database closes: see flushUsage).

import type { Database, Statement } from "better-sqlite3";
import { ensureBillingSchema } from "./billing-schema";
import { BYTES_PER_MB, StorageLedger } from "./storage-ledger";
import type { CallRecord } from "../services";

/** The default large-traffic threshold: 512 MB (2^29 bytes) in one direction of one call. */
export const DEFAULT_LARGE_TRAFFIC_BYTES = 512 * BYTES_PER_MB;

/** One finished call, as metered (the server's {@link CallRecord}). */
export type MeteredCall = CallRecord;

/** How long a recorded call may wait in memory before it is written: 50 ms. */
export const USAGE_FLUSH_DELAY_MS = 50;
/** How many recorded calls are written at once at most before the timer fires: 512. */
export const USAGE_FLUSH_BATCH = 512;

/** Options of {@link UsageMeter}. */
export interface UsageMeterOptions {
  /** A call whose bytes in or out reach this is "large traffic" (default {@link DEFAULT_LARGE_TRAFFIC_BYTES}). */
  largeTrafficBytes?: number;
  /** Reports a failed background write (the calls stay buffered and are retried). Default: stderr. */
  onFlushError?: (error: Error) => void;
}

/** A buffered row of usage_calls, in column order. */
type CallRow = [orgId: string, userId: string, kind: string, uri: string, bytesIn: number, bytesOut: number, at: number];

/** The meters writing to each database, so that {@link flushUsage} can reach them before it closes. */
const metersByDb = new WeakMap<Database, Set<UsageMeter>>();

/**
 * Writes the calls every {@link UsageMeter} on `db` still holds in memory. Call it before
 * closing the database (startEmulator's `stop()` does).
 *
 * @throws the database error if a write fails (the calls stay buffered).
 */
export function flushUsage(db: Database): void {
  for (const meter of metersByDb.get(db) ?? []) meter.flush();
}

/**
 * Records usage for billing.
 *
 * {@link recordCall} only buffers the call; buffered calls are written in one transaction
 * {@link USAGE_FLUSH_DELAY_MS} later, or at once when {@link USAGE_FLUSH_BATCH} are waiting.
 * Whoever reads `usage_calls` must call {@link flush} first (BillingService does), so a read
 * always sees every call recorded before it.
 *
 * @example
 * ```ts
 * const meter = new UsageMeter(db, { largeTrafficBytes: 1024 });
 * meter.recordCall({ orgId: "acme", userId: "ann@acme.com", kind: "STREAM",
 *   uri: "/proto.StrongDocService/UploadDocumentStream", bytesIn: 4096, bytesOut: 40, at: new Date() });
 * meter.recordStorage("acme", 4000, new Date());
 * ```
 */
export class UsageMeter {
  /** The large-traffic threshold in bytes, per direction per call. */
  readonly largeTrafficBytes: number;
  private readonly db: Database;
  private readonly insertCall: Statement;
  private readonly insertCalls: () => void;
  private readonly ledger: StorageLedger;
  private readonly onFlushError: (error: Error) => void;
  private pending: CallRow[] = [];
  private timer: NodeJS.Timeout | undefined;

  /**
   * @param db - the emulator's database; the billing tables are created if absent.
   * @throws RangeError if `largeTrafficBytes` is not a positive safe integer.
   */
  constructor(db: Database, options: UsageMeterOptions = {}) {
    const threshold = options.largeTrafficBytes ?? DEFAULT_LARGE_TRAFFIC_BYTES;
    if (!Number.isSafeInteger(threshold) || threshold <= 0) {
      throw new RangeError(`largeTrafficBytes must be a positive integer, got ${threshold}`);
    }
    ensureBillingSchema(db);
    this.db = db;
    this.largeTrafficBytes = threshold;
    this.onFlushError =
      options.onFlushError ?? ((e) => process.stderr.write(`[strongdoc-emulator] writing usage records failed (will retry): ${e.message}\n`));
    this.ledger = new StorageLedger(db);
    this.insertCall = db.prepare(
      "INSERT INTO usage_calls (org_id, user_id, kind, uri, bytes_in, bytes_out, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    this.insertCalls = db.transaction(() => {
      for (const row of this.pending) this.insertCall.run(row);
    });
    let meters = metersByDb.get(db);
    if (!meters) metersByDb.set(db, (meters = new Set()));
    meters.add(this);
  }

  /** Records one finished call (buffered; see the class). Calls with no organization are not metered. */
  recordCall(c: MeteredCall): void {
    if (!c.orgId) return;
    this.pending.push([c.orgId, c.userId, c.kind, c.uri, Math.trunc(c.bytesIn), Math.trunc(c.bytesOut), c.at.getTime()]);
    if (this.pending.length >= USAGE_FLUSH_BATCH) {
      this.flushInBackground();
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flushInBackground(), USAGE_FLUSH_DELAY_MS);
      this.timer.unref(); // never keeps the process alive; stop() flushes
    }
  }

  /**
   * Writes every buffered call, in one transaction. Cheap when nothing is buffered.
   *
   * @throws the database error if the write fails; the calls then stay buffered.
   */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pending.length === 0) return;
    try {
      this.insertCalls(); // all rows or none
    } catch (e) {
      this.retryLater();
      throw e;
    }
    this.pending = [];
  }

  private retryLater(): void {
    this.timer ??= setTimeout(() => this.flushInBackground(), 10 * USAGE_FLUSH_DELAY_MS);
    this.timer.unref();
  }

  private flushInBackground(): void {
    if (!this.db.open) {
      // Closed without flushUsage: nothing can be written any more.
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      return;
    }
    try {
      this.flush();
    } catch (e) {
      this.onFlushError(e as Error);
    }
  }

  /** Records that `orgId` stores `deltaBytes` more document bytes (negative when freed). */
  recordStorage(orgId: string, deltaBytes: number, at: Date): void {
    this.ledger.record(orgId, "documents", deltaBytes, at);
  }
}
