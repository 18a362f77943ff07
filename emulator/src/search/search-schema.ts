// The search tables: an FTS5 index of document text (contentless — the text itself is not kept,
// only the index), a map from FTS rowids to docIDs, and a per-organization count of indexed bytes.
// They live in the emulator's (encrypted) database, so the index is encrypted at rest with it.

import type { Database } from "better-sqlite3";

/**
 * Creates the search tables if absent (idempotent; safe on every start).
 *
 * - `search_docs(id, doc_id, org_id, text_bytes)`: one row per indexed document; `id` is the
 *   document's rowid in `search_fts`, `text_bytes` the UTF-8 size of its indexed text.
 * - `search_fts(body)`: FTS5, tokenizer `unicode61 remove_diacritics 2` (case- and
 *   accent-insensitive Unicode words), contentless with delete support.
 * - `search_org_bytes(org_id, bytes)`: indexed text bytes per organization (billed as
 *   "Search Index Storage").
 */
export function ensureSearchSchema(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS search_docs (
      id         INTEGER PRIMARY KEY,
      doc_id     TEXT    NOT NULL UNIQUE,
      org_id     TEXT    NOT NULL,
      text_bytes INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS search_docs_by_org ON search_docs (org_id);
    CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
      body,
      content = '',
      contentless_delete = 1,
      tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TABLE IF NOT EXISTS search_org_bytes (
      org_id TEXT    PRIMARY KEY,
      bytes  INTEGER NOT NULL
    );
  `);
}
