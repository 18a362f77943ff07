// The billing and usage tables: per-call traffic records, billing accounts (registration
// instant) and billing-frequency changes. Storage deltas live in storage-ledger.ts.

import type { Database } from "better-sqlite3";
import { ensureStorageLedgerSchema } from "./storage-ledger";

/**
 * Creates the billing tables if absent (idempotent; safe on every start).
 *
 * - `usage_calls(org_id, user_id, kind, uri, bytes_in, bytes_out, at)`: one row per metered call.
 * - `billing_accounts(org_id, registered_at)`: when each organization's first period starts.
 * - `billing_frequencies(org_id, valid_from, frequency)`: MONTHLY (1) or YEARLY (2) from
 *   `valid_from` until the next row's `valid_from`.
 * - `usage_storage`: see {@link ensureStorageLedgerSchema}.
 */
export function ensureBillingSchema(db: Database): void {
  ensureStorageLedgerSchema(db);
  db.exec(`
    CREATE TABLE IF NOT EXISTS usage_calls (
      id        INTEGER PRIMARY KEY,
      org_id    TEXT    NOT NULL,
      user_id   TEXT    NOT NULL,
      kind      TEXT    NOT NULL,   -- 'UNARY' | 'STREAM'
      uri       TEXT    NOT NULL,   -- gRPC method path
      bytes_in  INTEGER NOT NULL,
      bytes_out INTEGER NOT NULL,
      at        INTEGER NOT NULL    -- ms since the epoch
    );
    CREATE INDEX IF NOT EXISTS usage_calls_by_org ON usage_calls (org_id, at);
    CREATE TABLE IF NOT EXISTS billing_accounts (
      org_id        TEXT    PRIMARY KEY,
      registered_at INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS billing_frequencies (
      org_id     TEXT    NOT NULL,
      valid_from INTEGER NOT NULL,
      frequency  INTEGER NOT NULL,
      PRIMARY KEY (org_id, valid_from)
    ) WITHOUT ROWID;
  `);
}
