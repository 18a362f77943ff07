// Usage metering: records every call's traffic and every change of stored document bytes, per
// organization. It runs on every call, so recording is one prepared INSERT and nothing else.

import type { Database, Statement } from "better-sqlite3";
import { ensureBillingSchema } from "./billing-schema";
import { BYTES_PER_MB, StorageLedger } from "./storage-ledger";

/** The default large-traffic threshold: 512 MB (2^29 bytes) in one direction of one call. */
export const DEFAULT_LARGE_TRAFFIC_BYTES = 512 * BYTES_PER_MB;

/** One finished call, as metered. */
export interface MeteredCall {
  /** The caller's organization. */
  orgId: string;
  /** The caller ("" for calls made before login). */
  userId: string;
  /** "STREAM" for streaming RPCs, else "UNARY". */
  kind: "UNARY" | "STREAM";
  /** The gRPC method path, e.g. "/proto.StrongDocService/UploadDocumentStream". */
  uri: string;
  /** Bytes received from the client. */
  bytesIn: number;
  /** Bytes sent to the client. */
  bytesOut: number;
  /** When the call happened. */
  at: Date;
}

/** Options of {@link UsageMeter}. */
export interface UsageMeterOptions {
  /** A call whose bytes in or out reach this is "large traffic" (default {@link DEFAULT_LARGE_TRAFFIC_BYTES}). */
  largeTrafficBytes?: number;
}

/**
 * Records usage for billing.
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
  private readonly insertCall: Statement;
  private readonly ledger: StorageLedger;

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
    this.largeTrafficBytes = threshold;
    this.ledger = new StorageLedger(db);
    this.insertCall = db.prepare(
      "INSERT INTO usage_calls (org_id, user_id, kind, uri, bytes_in, bytes_out, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
  }

  /** Records one finished call (one INSERT). Calls with no organization are not metered. */
  recordCall(c: MeteredCall): void {
    if (!c.orgId) return;
    this.insertCall.run(c.orgId, c.userId, c.kind, c.uri, Math.trunc(c.bytesIn), Math.trunc(c.bytesOut), c.at.getTime());
  }

  /** Records that `orgId` stores `deltaBytes` more document bytes (negative when freed). */
  recordStorage(orgId: string, deltaBytes: number, at: Date): void {
    this.ledger.record(orgId, "documents", deltaBytes, at);
  }
}
