// Full-text search over documents: indexes their text (see extract-text.ts) into SQLite FTS5 and
// answers queries with BM25-ranked hits, restricted in SQL to the documents the caller may read.

import type { Database, Statement } from "better-sqlite3";
import { StorageLedger } from "../billing/storage-ledger";
import { READABLE_DOCS_SQL } from "../store/access";
import { extractText } from "./extract-text";
import { ensureSearchSchema } from "./search-schema";
import { toMatchExpression } from "./search-query";

/** Indexed text per document is cut at this many UTF-16 code units (32 Mi). */
export const MAX_INDEXED_CHARS = 32 * 1024 * 1024;

/** The caller of a search, as the visibility rule needs it. */
export interface SearchViewer {
  /** The caller's userID. */
  userId: string;
  /** The organization the caller logged in to. */
  orgId: string;
  /** Whether the caller is an admin of that organization (admins see all its documents). */
  isAdmin: boolean;
}

/** One search result. */
export interface SearchHit {
  /** The matching document. */
  docId: string;
  /** BM25 relevance, a positive number; higher is a better match. */
  score: number;
}

/** Options of {@link SearchIndex}. */
export interface SearchIndexOptions {
  /** Most hits a search returns, best first (default 1000). */
  maxResults?: number;
  /** Source of "now" for the storage ledger (default: the system clock). */
  clock?: () => Date;
}

/**
 * The search index. Indexing is asynchronous (PDF parsing is); everything else is synchronous.
 *
 * @example
 * ```ts
 * const index = new SearchIndex(db);
 * await index.indexDocument("doc-1", "acme", Buffer.from("Bed mounts for the printer"));
 * index.search("bed mounts", { userId: "ann@acme.com", orgId: "acme", isAdmin: true });
 * // [{ docId: "doc-1", score: 1.2… }]
 * ```
 */
export class SearchIndex {
  private readonly db: Database;
  private readonly ledger: StorageLedger;
  private readonly clock: () => Date;
  private readonly maxResults: number;
  private readonly stmts: ReturnType<typeof prepareStatements>;
  /** docID → ticket of the latest pending indexDocument; a removal or newer call voids older ones. */
  private readonly pending = new Map<string, number>();
  private nextTicket = 0;

  /** @param db - the emulator's database; the search tables are created if absent. */
  constructor(db: Database, options: SearchIndexOptions = {}) {
    ensureSearchSchema(db);
    this.db = db;
    this.ledger = new StorageLedger(db);
    this.clock = options.clock ?? (() => new Date());
    this.maxResults = options.maxResults ?? 1000;
    this.stmts = prepareStatements(db);
  }

  /**
   * Indexes (or re-indexes) a document's content, replacing what was indexed for `docId` before.
   * Content with no indexable text (binary, empty, unparseable PDF) leaves the document unindexed.
   * If the document is removed, or indexed again, while this call is extracting text, this call
   * writes nothing. Never rejects because of the content.
   */
  async indexDocument(docId: string, orgId: string, content: Buffer): Promise<void> {
    const ticket = ++this.nextTicket;
    this.pending.set(docId, ticket);
    let text: string | null = null;
    try {
      text = await extractText(content);
    } catch {
      text = null; // an extractor bug must not fail the upload; the document just is not indexed
    }
    if (this.pending.get(docId) !== ticket) return;
    this.pending.delete(docId);
    if (text !== null && text.length > MAX_INDEXED_CHARS) text = text.slice(0, MAX_INDEXED_CHARS);
    // NFKC folds compatibility forms (PDF ligatures like "ﬁ", full-width letters) as queries are folded.
    const body = text?.normalize("NFKC") ?? null;
    this.db.transaction(() => {
      this.removeIndexed(docId);
      if (body !== null && /[\p{L}\p{N}]/u.test(body)) this.insertIndexed(docId, orgId, body);
    })();
  }

  /** Removes a document from the index at once (and voids any indexing of it in progress). */
  removeDocument(docId: string): void {
    this.pending.delete(docId);
    this.db.transaction(() => this.removeIndexed(docId))();
  }

  /** Removes every document of an organization from the index (when the organization is removed). */
  removeOrganization(orgId: string): void {
    this.db.transaction(() => {
      for (const { doc_id } of this.stmts.docsOfOrg.all(orgId) as { doc_id: string }[]) {
        this.pending.delete(doc_id);
        this.removeIndexed(doc_id);
      }
      this.stmts.forgetOrgBytes.run(orgId);
    })();
  }

  /**
   * Searches the documents `viewer` may read (see `READABLE_DOCS_SQL`): documents holding any of
   * the query's words, best BM25 score first (ties by docID), at most `maxResults` of them.
   *
   * @throws ApiError INVALID_ARGUMENT for a query with no words, too many words or too long
   *   (see search-query.ts); FTS5 syntax in the query is treated as plain words.
   */
  search(query: string, viewer: SearchViewer): SearchHit[] {
    const params = {
      match: toMatchExpression(query),
      limit: this.maxResults,
      viewerUserId: viewer.userId,
      viewerOrgId: viewer.orgId,
      viewerIsAdmin: viewer.isAdmin ? 1 : 0,
    };
    if (viewer.isAdmin) {
      // Admins can usually read most hits, so rank first and check visibility on the best
      // `limit` hits only. That is exact when every one of them is visible (they are then the
      // best visible hits) or when there are fewer than `limit` hits in all; otherwise fall
      // back to filtering every hit before ranking.
      const top = this.stmts.searchTop.all(params) as (SearchHit & { visible: number })[];
      if (top.length < this.maxResults || top.every((h) => h.visible)) {
        return top.filter((h) => h.visible).map(({ docId, score }) => ({ docId, score }));
      }
    }
    return this.stmts.search.all(params) as SearchHit[];
  }

  /** UTF-8 bytes of text currently indexed for an organization's documents. */
  indexedBytes(orgId: string): number {
    const row = this.stmts.orgBytes.get(orgId) as { bytes: number } | undefined;
    return row?.bytes ?? 0;
  }

  private insertIndexed(docId: string, orgId: string, text: string): void {
    const bytes = Buffer.byteLength(text, "utf8");
    const { lastInsertRowid } = this.stmts.insertDoc.run(docId, orgId, bytes);
    this.stmts.insertFts.run(lastInsertRowid, text);
    this.stmts.addOrgBytes.run(orgId, bytes);
    this.ledger.record(orgId, "search", bytes, this.clock());
  }

  private removeIndexed(docId: string): void {
    const old = this.stmts.findDoc.get(docId) as { id: number; org_id: string; text_bytes: number } | undefined;
    if (!old) return;
    this.stmts.deleteFts.run(old.id);
    this.stmts.deleteDoc.run(old.id);
    this.stmts.addOrgBytes.run(old.org_id, -old.text_bytes);
    this.ledger.record(old.org_id, "search", -old.text_bytes, this.clock());
  }
}

function prepareStatements(db: Database): Record<string, Statement> {
  return {
    findDoc: db.prepare("SELECT id, org_id, text_bytes FROM search_docs WHERE doc_id = ?"),
    docsOfOrg: db.prepare("SELECT doc_id FROM search_docs WHERE org_id = ?"),
    insertDoc: db.prepare("INSERT INTO search_docs (doc_id, org_id, text_bytes) VALUES (?, ?, ?)"),
    insertFts: db.prepare("INSERT INTO search_fts (rowid, body) VALUES (?, ?)"),
    deleteDoc: db.prepare("DELETE FROM search_docs WHERE id = ?"),
    deleteFts: db.prepare("DELETE FROM search_fts WHERE rowid = ?"),
    addOrgBytes: db.prepare(`
      INSERT INTO search_org_bytes (org_id, bytes) VALUES (?, ?)
      ON CONFLICT (org_id) DO UPDATE SET bytes = bytes + excluded.bytes`),
    orgBytes: db.prepare("SELECT bytes FROM search_org_bytes WHERE org_id = ?"),
    forgetOrgBytes: db.prepare("DELETE FROM search_org_bytes WHERE org_id = ?"),
    // The best `limit` hits, each flagged with whether the viewer may read it (MATERIALIZED so
    // the visibility check runs on those rows only, after ranking).
    searchTop: db.prepare(`
      WITH top AS MATERIALIZED (
        SELECT d.doc_id AS docId, -bm25(search_fts) AS score
          FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid
         WHERE search_fts MATCH @match
         ORDER BY score DESC, d.doc_id
         LIMIT @limit)
      SELECT docId, score,
             EXISTS (SELECT 1 FROM (${READABLE_DOCS_SQL}) r WHERE r.doc_id = top.docId) AS visible
        FROM top ORDER BY score DESC, docId`),
    // The FTS5 match drives the query; visibility is checked per hit inside SQL; top-N by BM25.
    search: db.prepare(`
      SELECT d.doc_id AS docId, -bm25(search_fts) AS score
        FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid
       WHERE search_fts MATCH @match
         AND d.doc_id IN (${READABLE_DOCS_SQL})
       ORDER BY score DESC, d.doc_id
       LIMIT @limit`),
  };
}
