// The search tables: one FTS5 index per organization (contentless — only terms and positions),
// the extracted text of every indexed document (deflated, so it can be indexed into another
// organization's table when the document is shared there), which organization tables hold which
// document, and a per-organization count of indexed bytes. They live in the emulator's
// (encrypted) database, so the index and the kept text are encrypted at rest with it.

import type { Database } from "better-sqlite3";

/**
 * FTS5 options of every per-organization table: case- and accent-insensitive Unicode words,
 * contentless. Rows are deleted with FTS5's 'delete' command and the kept text (not with
 * `contentless_delete`, which leaves the deleted rows in the table's length statistics).
 */
const FTS_OPTIONS = "body, content = '', tokenize = 'unicode61 remove_diacritics 2'";

/**
 * Name of the FTS5 table of organization number `orgNo` (see `search_org_tables`).
 * Numbers come from SQLite, never from user input, so the name is safe to splice into SQL.
 */
export function ftsTableName(orgNo: number): string {
  if (!Number.isSafeInteger(orgNo) || orgNo <= 0) throw new Error(`bad search table number ${orgNo}`);
  return `search_fts_${orgNo}`;
}

/** Creates the FTS5 table of organization number `orgNo` if absent. */
export function createFtsTable(db: Database, orgNo: number): void {
  db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS ${ftsTableName(orgNo)} USING fts5(${FTS_OPTIONS})`);
}

/** Drops the FTS5 table of organization number `orgNo` if present. */
export function dropFtsTable(db: Database, orgNo: number): void {
  db.exec(`DROP TABLE IF EXISTS ${ftsTableName(orgNo)}`);
}

/**
 * Creates the search tables if absent (idempotent; safe on every start). Returns the indexed
 * bytes per organization that a database of the previous layout (one FTS5 table shared by every
 * organization, no kept text) held: that index is dropped, as its text cannot be recovered, and
 * the caller records the freed bytes. Empty for a new or current database.
 *
 * - `search_docs(id, doc_id, org_id, text_bytes)`: one row per indexed document; `id` is its
 *   rowid in every FTS5 table holding it, `org_id` the organization owning it, `text_bytes` the
 *   UTF-8 size of its indexed text.
 * - `search_texts(id, text)`: that text, raw-deflated (apart, so that the rows searches join
 *   stay small).
 * - `search_org_tables(org_no, org_id)`: the number of each organization's FTS5 table
 *   `search_fts_<org_no>` (created on first use, dropped with the organization).
 * - `search_postings(org_no, id)`: which organization tables hold which document: its own
 *   organization's, and those of organizations it was shared into.
 * - `search_org_bytes(org_id, bytes)`: indexed text bytes of each organization's own documents
 *   (billed as "Search Index Storage").
 */
export function ensureSearchSchema(db: Database): Map<string, number> {
  const freed = new Map<string, number>();
  const hasTable = (name: string) => db.prepare("SELECT 1 FROM sqlite_master WHERE name = ?").get(name) !== undefined;
  const legacy = hasTable("search_fts") || (hasTable("search_docs") && !hasTable("search_texts"));
  db.transaction(() => {
    if (legacy) {
      if (hasTable("search_org_bytes")) {
        for (const r of db.prepare("SELECT org_id, bytes FROM search_org_bytes WHERE bytes <> 0").all() as { org_id: string; bytes: number }[]) {
          freed.set(r.org_id, r.bytes);
        }
        db.exec("DELETE FROM search_org_bytes");
      }
      db.exec("DROP TABLE IF EXISTS search_fts; DROP TABLE IF EXISTS search_docs;");
    }
    db.exec(`
      CREATE TABLE IF NOT EXISTS search_docs (
        id         INTEGER PRIMARY KEY,
        doc_id     TEXT    NOT NULL UNIQUE,
        org_id     TEXT    NOT NULL,
        text_bytes INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS search_texts (
        id   INTEGER PRIMARY KEY,
        text BLOB    NOT NULL
      );
      CREATE INDEX IF NOT EXISTS search_docs_by_org ON search_docs (org_id);
      CREATE TABLE IF NOT EXISTS search_org_tables (
        org_no INTEGER PRIMARY KEY AUTOINCREMENT,
        org_id TEXT    NOT NULL UNIQUE
      );
      CREATE TABLE IF NOT EXISTS search_postings (
        org_no INTEGER NOT NULL,
        id     INTEGER NOT NULL,
        PRIMARY KEY (org_no, id)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS search_postings_by_doc ON search_postings (id);
      CREATE TABLE IF NOT EXISTS search_org_bytes (
        org_id TEXT    PRIMARY KEY,
        bytes  INTEGER NOT NULL
      );
    `);
  })();
  return freed;
}
