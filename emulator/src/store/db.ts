// Opens the emulator's one SQLite database (file encrypted with SQLCipher via
// better-sqlite3-multiple-ciphers, key derived from the master key), creates the schema, and
// cleans up uploads left pending by a crash. The tables named in the part-2 contract
// (documents, shares, orgs, org_members) keep their documented columns. Also keeps the prepared
// statements of the per-call lookups, so that SQL is compiled once per connection, not per call.
import Database from "better-sqlite3-multiple-ciphers";
import type { Statement } from "better-sqlite3";
import { join } from "node:path";

/** The better-sqlite3 connection type used throughout the emulator. */
export type Db = Database.Database;

/** File name of the database inside the data dir. */
export const DATABASE_FILE = "strongdoc.db";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta(
  key TEXT PRIMARY KEY,
  value BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS orgs(
  org_id TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL,             -- ms since epoch
  email TEXT NOT NULL,
  address TEXT NOT NULL,
  multi_level_share INTEGER NOT NULL DEFAULT 0,
  subscription_type TEXT NOT NULL,
  subscription_status TEXT NOT NULL,
  source_data TEXT NOT NULL DEFAULT '',
  wrapped_key BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS users(
  user_id TEXT PRIMARY KEY,                -- the email given at registration; never changes
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS org_members(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,   -- insertion order for ListUsers
  org_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  is_admin INTEGER NOT NULL,
  joined_at INTEGER NOT NULL,
  UNIQUE(org_id, user_id)
);
CREATE INDEX IF NOT EXISTS org_members_user ON org_members(user_id);
CREATE TABLE IF NOT EXISTS sharable_orgs(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id TEXT NOT NULL,
  other_org_id TEXT NOT NULL,
  UNIQUE(org_id, other_org_id)
);
CREATE TABLE IF NOT EXISTS documents(
  doc_id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  owner_id TEXT NOT NULL,
  name TEXT NOT NULL,
  size INTEGER NOT NULL,                   -- plaintext bytes
  stored INTEGER NOT NULL,                 -- 1 uploaded, 0 encrypt-only
  created_at INTEGER NOT NULL,             -- ms since epoch
  state TEXT NOT NULL,                     -- 'pending' | 'ready'
  wrapped_key BLOB NOT NULL,               -- document key wrapped by the org key
  frames INTEGER NOT NULL DEFAULT 0,       -- encrypt-only: ciphertext frame count
  chunks INTEGER NOT NULL DEFAULT 0,       -- stored: number of doc_chunks rows
  seq INTEGER NOT NULL DEFAULT 0           -- listing order
);
CREATE INDEX IF NOT EXISTS documents_org ON documents(org_id, seq);
CREATE INDEX IF NOT EXISTS documents_seq ON documents(seq);
CREATE TABLE IF NOT EXISTS doc_chunks(
  doc_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  data BLOB NOT NULL,                      -- AES-256-GCM under the document's body key
  PRIMARY KEY(doc_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS shares(
  doc_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  shared_by TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(doc_id, user_id)
);
CREATE INDEX IF NOT EXISTS shares_user ON shares(user_id);
CREATE TABLE IF NOT EXISTS revoked_tokens(
  jti TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  expires_at INTEGER NOT NULL              -- ms; rows past expiry are purged at start
);
CREATE TABLE IF NOT EXISTS payment_methods(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id TEXT NOT NULL,
  pm_id TEXT NOT NULL,
  is_default INTEGER NOT NULL DEFAULT 0,
  UNIQUE(org_id, pm_id)
);
`;

/**
 * Database page size. 16 KiB pages make the 1 MiB document chunks about twice as fast to write
 * through the page cipher as SQLite's default 4 KiB (measured); data dirs created with 4 KiB
 * pages still open.
 */
export const PAGE_SIZE = 16 * 1024;

/** Opens `file` with the SQLCipher scheme and `pageSize`; undefined if the key/page size do not fit. */
function tryOpen(file: string, key: Buffer, pageSize: number): Db | undefined {
  const db = new Database(file);
  try {
    db.pragma("cipher='sqlcipher'");
    db.pragma(`legacy_page_size=${pageSize}`);
    db.pragma(`key="x'${key.toString("hex")}'"`);
    db.pragma(`page_size=${pageSize}`); // takes effect only for a new, empty database
    db.prepare("SELECT count(*) FROM sqlite_master").get();
    return db;
  } catch {
    db.close();
    return undefined;
  }
}

/**
 * Opens (creating if needed) the encrypted database in `dataDir`.
 * Throws a clear error if the file exists but the key does not open it.
 */
export function openDatabase(dataDir: string, key: Buffer): Db {
  const file = join(dataDir, DATABASE_FILE);
  const db = tryOpen(file, key, PAGE_SIZE) ?? tryOpen(file, key, 4096);
  if (!db) throw new Error(`cannot open ${file}: the master key does not match this data dir`);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = OFF");
    db.exec(SCHEMA);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/** Removes uploads and encryptions a crash left pending, and expired revocations. */
export function cleanUpAtStart(db: Db, nowMs: number): { pendingRemoved: number } {
  return db.transaction(() => {
    const pending = db.prepare("SELECT doc_id FROM documents WHERE state = 'pending'").all() as { doc_id: string }[];
    const delChunks = db.prepare("DELETE FROM doc_chunks WHERE doc_id = ?");
    for (const { doc_id } of pending) delChunks.run(doc_id);
    db.prepare("DELETE FROM documents WHERE state = 'pending'").run();
    // Chunks whose document row is gone (should not happen; belt and braces).
    db.prepare("DELETE FROM doc_chunks WHERE doc_id NOT IN (SELECT doc_id FROM documents)").run();
    db.prepare("DELETE FROM revoked_tokens WHERE expires_at < ?").run(nowMs);
    return { pendingRemoved: pending.length };
  })();
}

/** Reads a value from the `meta` table, creating it with `make()` on first use. */
export function metaValue(db: Db, key: string, make: () => Buffer): Buffer {
  const row = db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: Buffer } | undefined;
  if (row) return row.value;
  const value = make();
  db.prepare("INSERT INTO meta(key, value) VALUES (?, ?)").run(key, value);
  return value;
}

const statementsByDb = new WeakMap<Db, Map<string, Statement>>();

/**
 * The prepared statement for `sql` on `db`, compiled on first use and reused afterwards (SQLite
 * re-prepares it by itself after a schema change). Use it for fixed SQL text on hot paths; the
 * cache grows with the number of distinct `sql` strings, so never build `sql` from request data.
 *
 * @example
 * ```ts
 * const user = statement(db, "SELECT * FROM users WHERE user_id = ?").get(userId);
 * ```
 */
export function statement(db: Db, sql: string): Statement {
  let cache = statementsByDb.get(db);
  if (!cache) statementsByDb.set(db, (cache = new Map()));
  let stmt = cache.get(sql);
  if (!stmt) cache.set(sql, (stmt = db.prepare(sql)));
  return stmt;
}
