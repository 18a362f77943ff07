// The storage ledger: every change in an organization's stored bytes (documents, or search
// index) as a timestamped delta, so that billing can integrate stored bytes over time (MB-hours).

import type { Database } from "better-sqlite3";

/** What the stored bytes are: document bodies, or indexed search text. */
export type StorageKind = "documents" | "search";

/** Bytes per MB in all billing figures (1 MB = 2^20 bytes). */
export const BYTES_PER_MB = 1024 * 1024;

const MS_PER_HOUR = 3_600_000;

/** Creates the ledger table and its index if absent (idempotent). */
export function ensureStorageLedgerSchema(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS usage_storage (
      id     INTEGER PRIMARY KEY,
      org_id TEXT    NOT NULL,
      kind   TEXT    NOT NULL,   -- 'documents' | 'search'
      at     INTEGER NOT NULL,   -- ms since the epoch
      delta  INTEGER NOT NULL    -- bytes added (positive) or freed (negative)
    );
    CREATE INDEX IF NOT EXISTS usage_storage_by_org ON usage_storage (org_id, kind, at);
  `);
}

/**
 * Appends and integrates storage deltas.
 *
 * @example
 * ```ts
 * const ledger = new StorageLedger(db);
 * ledger.record("acme", "documents", 1_048_576, new Date("2026-01-01T00:00Z"));
 * ledger.mbHours("acme", "documents", new Date("2026-01-01T00:00Z"), new Date("2026-01-01T02:00Z")); // 2
 * ```
 */
export class StorageLedger {
  private readonly insert;
  private readonly integrate;
  private readonly remove;

  /** @param db - the emulator's database; the ledger table is created if absent. */
  constructor(db: Database) {
    ensureStorageLedgerSchema(db);
    this.remove = db.prepare("DELETE FROM usage_storage WHERE org_id = ?");
    this.insert = db.prepare(
      "INSERT INTO usage_storage (org_id, kind, at, delta) VALUES (?, ?, ?, ?)",
    );
    // Each delta contributes delta × (time it was in force within [from, to)).
    this.integrate = db.prepare<
      { orgId: string; kind: StorageKind; from: number; to: number },
      { area: number | null }
    >(`
      SELECT SUM(delta * 1.0 * (@to - MAX(at, @from))) AS area
        FROM usage_storage WHERE org_id = @orgId AND kind = @kind AND at < @to`);
  }

  /** Records that `orgId` now stores `deltaBytes` more (or fewer, if negative) bytes of `kind`. */
  record(orgId: string, kind: StorageKind, deltaBytes: number, at: Date): void {
    if (deltaBytes !== 0) this.insert.run(orgId, kind, at.getTime(), Math.trunc(deltaBytes));
  }

  /** Stored bytes of `kind` integrated over `[from, to)`, in MB-hours. */
  mbHours(orgId: string, kind: StorageKind, from: Date, to: Date): number {
    const start = from.getTime();
    const end = to.getTime();
    if (end <= start) return 0;
    const { area } = this.integrate.get({ orgId, kind, from: start, to: end })!;
    return Math.max(0, area ?? 0) / BYTES_PER_MB / MS_PER_HOUR;
  }

  /** Forgets every entry of an organization (when it is removed). */
  forget(orgId: string): void {
    this.remove.run(orgId);
  }
}
