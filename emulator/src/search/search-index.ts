// Full-text search over documents: indexes their text (see extract-text.ts) into one SQLite FTS5
// table per organization and answers queries with BM25-ranked hits from the caller's organization's
// table, restricted in SQL to the documents the caller may read. BM25's statistics (document
// frequencies, average length) thus come only from the caller's organization's own documents and
// the documents shared into it, never from another organization's private documents.

import type { Database, Statement } from "better-sqlite3";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { StorageLedger } from "../billing/storage-ledger";
import { READABLE_DOCS_SQL } from "../store/access";
import { extractText } from "./extract-text";
import { createFtsTable, dropFtsTable, ensureSearchSchema, ftsTableName } from "./search-schema";
import { toMatchPhrases } from "./search-query";

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
 * The search index: one FTS5 table per organization (created on first use, dropped with the
 * organization). An organization's table holds its own documents and the documents of other
 * organizations shared with its members, so a search's BM25 statistics come only from data the
 * caller's organization owns or was given. Each indexed document's extracted text is kept
 * (deflated, in the encrypted database) so that it can be indexed into another organization's
 * table when it is shared there. Indexing is asynchronous (PDF parsing is); everything else is
 * synchronous.
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
  /** Prepared insert/delete statements per organization table number. */
  private readonly tables = new Map<number, TableStatements>();
  /** Prepared search statements per "<table number>/<number of query words>". */
  private readonly queries = new Map<string, QueryStatements>();
  /** docID → ticket of the latest pending indexDocument; a removal or newer call voids older ones. */
  private readonly pending = new Map<string, number>();
  private nextTicket = 0;

  /**
   * @param db - the emulator's database; the search tables are created if absent (an index of
   *   the earlier single-table layout is dropped, its bytes recorded as freed).
   */
  constructor(db: Database, options: SearchIndexOptions = {}) {
    const freed = ensureSearchSchema(db);
    this.db = db;
    this.ledger = new StorageLedger(db);
    this.clock = options.clock ?? (() => new Date());
    this.maxResults = options.maxResults ?? 1000;
    this.stmts = prepareStatements(db);
    for (const [orgId, bytes] of freed) this.ledger.record(orgId, "search", -bytes, this.clock());
  }

  /**
   * Indexes (or re-indexes) a document's content, replacing what was indexed for `docId` before:
   * into its organization's table, and into the table of every organization it is shared into.
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
    const indexable = body !== null && /[\p{L}\p{N}]/u.test(body);
    this.db.transaction(() => {
      this.removeIndexed(docId);
      if (indexable) this.insertIndexed(docId, orgId, body);
    })();
  }

  /** Removes a document from every table at once (and voids any indexing of it in progress). */
  removeDocument(docId: string): void {
    this.pending.delete(docId);
    this.db.transaction(() => this.removeIndexed(docId))();
  }

  /**
   * Brings the organization tables holding a document in line with its shares, after a share or
   * unshare: it is indexed into the table of every other organization one of whose members it is
   * shared with, and removed from those none of whose members it is shared with any more.
   */
  sharesChanged(docId: string): void {
    this.db.transaction(() => {
      const doc = this.stmts.findDoc.get(docId) as IndexedDoc | undefined;
      if (!doc) return;
      let text: string | undefined;
      const want = new Set((this.stmts.sharedIntoOrgs.all(docId) as { org_id: string }[]).map((r) => r.org_id));
      want.delete(doc.org_id);
      const have = this.stmts.orgsHolding.all(doc.id) as { org_no: number; org_id: string }[];
      for (const h of have) {
        if (h.org_id !== doc.org_id && !want.delete(h.org_id)) this.unpost(h.org_no, doc.id, (text ??= this.textOf(doc.id)));
      }
      for (const orgId of want) this.post(this.orgNo(orgId, true)!, doc.id, (text ??= this.textOf(doc.id)));
    })();
  }

  /**
   * Brings one organization's table in line with the shares into it (documents of other
   * organizations shared with any of its members), e.g. after its membership changed. Cheap when
   * nothing changed; {@link search} calls it for the caller's organization.
   */
  membersChanged(orgId: string): void {
    const want = new Set((this.stmts.sharedIntoOrg.all({ orgId }) as { id: number }[]).map((r) => r.id));
    const orgNo = this.orgNo(orgId, false);
    const have = orgNo === undefined ? [] : (this.stmts.foreignInOrg.all(orgNo, orgId) as { id: number }[]).map((r) => r.id);
    const drop = have.filter((id) => !want.delete(id));
    if (drop.length === 0 && want.size === 0) return;
    this.db.transaction(() => {
      for (const id of drop) this.unpost(orgNo!, id, this.textOf(id));
      if (want.size > 0) {
        const no = this.orgNo(orgId, true)!;
        for (const id of want) this.post(no, id, this.textOf(id));
      }
    })();
  }

  /**
   * Removes an organization's search data (when the organization is removed): its documents from
   * every table, its own table (with the documents shared into it) and its byte count.
   */
  removeOrganization(orgId: string): void {
    this.db.transaction(() => {
      for (const { doc_id } of this.stmts.docsOfOrg.all(orgId) as { doc_id: string }[]) {
        this.pending.delete(doc_id);
        this.removeIndexed(doc_id);
      }
      const orgNo = this.orgNo(orgId, false);
      if (orgNo !== undefined) {
        this.tables.delete(orgNo);
        for (const key of [...this.queries.keys()]) if (key.startsWith(`${orgNo}/`)) this.queries.delete(key);
        this.stmts.deleteOrgPostings.run(orgNo);
        this.stmts.deleteOrgTable.run(orgNo);
        dropFtsTable(this.db, orgNo);
      }
      this.stmts.forgetOrgBytes.run(orgId);
    })();
  }

  /**
   * Searches the documents `viewer` may read (see `READABLE_DOCS_SQL`): documents holding any of
   * the query's words, best BM25 score first (ties by docID), at most `maxResults` of them. Scores
   * are computed in the viewer's organization's table only.
   *
   * @throws ApiError INVALID_ARGUMENT for a query with no words, too many words or too long
   *   (see search-query.ts); FTS5 syntax in the query is treated as plain words.
   */
  search(query: string, viewer: SearchViewer): SearchHit[] {
    const phrases = toMatchPhrases(query);
    this.membersChanged(viewer.orgId);
    const orgNo = this.orgNo(viewer.orgId, false);
    if (orgNo === undefined) return [];
    const table = this.tableStatements(orgNo);
    // Each word's document count and the table's, for its idf; words found nowhere are dropped.
    const total = (this.stmts.orgDocCount.get(orgNo) as { n: number }).n;
    const params: Record<string, unknown> = {
      limit: this.maxResults,
      viewerUserId: viewer.userId,
      viewerOrgId: viewer.orgId,
      viewerIsAdmin: viewer.isAdmin ? 1 : 0,
    };
    let words = 0;
    for (const phrase of phrases) {
      const n = (table.count.get(phrase) as { n: number }).n;
      if (n === 0) continue;
      params[`t${words}`] = phrase;
      params[`w${words}`] = idfWeight(n, total);
      words++;
    }
    if (words === 0) return [];
    const q = this.queryStatements(orgNo, words);
    if (viewer.isAdmin) {
      // Admins can usually read most hits, so rank first and check visibility on the best
      // `limit` hits only. That is exact when every one of them is visible (they are then the
      // best visible hits) or when there are fewer than `limit` hits in all; otherwise fall
      // back to filtering every hit before ranking.
      const top = q.searchTop.all(params) as (SearchHit & { visible: number })[];
      if (top.length < this.maxResults || top.every((h) => h.visible)) {
        return top.filter((h) => h.visible).map(({ docId, score }) => ({ docId, score }));
      }
    }
    return q.search.all(params) as SearchHit[];
  }

  /** UTF-8 bytes of text currently indexed for an organization's own documents. */
  indexedBytes(orgId: string): number {
    const row = this.stmts.orgBytes.get(orgId) as { bytes: number } | undefined;
    return row?.bytes ?? 0;
  }

  private insertIndexed(docId: string, orgId: string, text: string): void {
    const utf8 = Buffer.from(text, "utf8");
    const id = Number(this.stmts.insertDoc.run(docId, orgId, utf8.length).lastInsertRowid);
    this.stmts.insertText.run(id, deflateRawSync(utf8, { level: 1 }));
    this.post(this.orgNo(orgId, true)!, id, text);
    for (const { org_id } of this.stmts.sharedIntoOrgs.all(docId) as { org_id: string }[]) {
      if (org_id !== orgId) this.post(this.orgNo(org_id, true)!, id, text);
    }
    this.stmts.addOrgBytes.run(orgId, utf8.length);
    this.ledger.record(orgId, "search", utf8.length, this.clock());
  }

  private removeIndexed(docId: string): void {
    const old = this.stmts.findDoc.get(docId) as IndexedDoc | undefined;
    if (!old) return;
    const holders = this.stmts.orgsHolding.all(old.id) as { org_no: number }[];
    const text = holders.length > 0 ? this.textOf(old.id) : "";
    for (const { org_no } of holders) this.unpost(org_no, old.id, text);
    this.stmts.deleteDoc.run(old.id);
    this.stmts.deleteText.run(old.id);
    this.stmts.addOrgBytes.run(old.org_id, -old.text_bytes);
    this.ledger.record(old.org_id, "search", -old.text_bytes, this.clock());
  }

  /** Indexes document `id` into organization table `orgNo`. */
  private post(orgNo: number, id: number, text: string): void {
    this.tableStatements(orgNo).insert.run(id, text);
    this.stmts.insertPosting.run(orgNo, id);
  }

  /** Removes document `id`, indexed with `text`, from organization table `orgNo`. */
  private unpost(orgNo: number, id: number, text: string): void {
    this.tableStatements(orgNo).delete.run(id, text);
    this.stmts.deletePosting.run(orgNo, id);
  }

  /** The kept text of indexed document `id`. */
  private textOf(id: number): string {
    const row = this.stmts.docText.get(id) as { text: Buffer };
    return inflateRawSync(row.text).toString("utf8");
  }

  /** The table number of an organization; with `create`, assigned and its table created if absent. */
  private orgNo(orgId: string, create: boolean): number | undefined {
    const row = this.stmts.findOrgTable.get(orgId) as { org_no: number } | undefined;
    if (row || !create) return row?.org_no;
    const orgNo = Number(this.stmts.insertOrgTable.run(orgId).lastInsertRowid);
    createFtsTable(this.db, orgNo);
    return orgNo;
  }

  private queryStatements(orgNo: number, words: number): QueryStatements {
    const key = `${orgNo}/${words}`;
    let q = this.queries.get(key);
    if (!q) {
      q = prepareQueryStatements(this.db, orgNo, words);
      this.queries.set(key, q);
    }
    return q;
  }

  private tableStatements(orgNo: number): TableStatements {
    let t = this.tables.get(orgNo);
    if (!t) {
      t = prepareTableStatements(this.db, orgNo);
      this.tables.set(orgNo, t);
    }
    return t;
  }
}

/** A row of `search_docs` without its text. */
interface IndexedDoc {
  id: number;
  org_id: string;
  text_bytes: number;
}

function prepareStatements(db: Database): Record<string, Statement> {
  return {
    findDoc: db.prepare("SELECT id, org_id, text_bytes FROM search_docs WHERE doc_id = ?"),
    docText: db.prepare("SELECT text FROM search_texts WHERE id = ?"),
    insertText: db.prepare("INSERT INTO search_texts (id, text) VALUES (?, ?)"),
    deleteText: db.prepare("DELETE FROM search_texts WHERE id = ?"),
    docsOfOrg: db.prepare("SELECT doc_id FROM search_docs WHERE org_id = ?"),
    insertDoc: db.prepare("INSERT INTO search_docs (doc_id, org_id, text_bytes) VALUES (?, ?, ?)"),
    deleteDoc: db.prepare("DELETE FROM search_docs WHERE id = ?"),
    findOrgTable: db.prepare("SELECT org_no FROM search_org_tables WHERE org_id = ?"),
    insertOrgTable: db.prepare("INSERT INTO search_org_tables (org_id) VALUES (?)"),
    deleteOrgTable: db.prepare("DELETE FROM search_org_tables WHERE org_no = ?"),
    insertPosting: db.prepare("INSERT OR IGNORE INTO search_postings (org_no, id) VALUES (?, ?)"),
    deletePosting: db.prepare("DELETE FROM search_postings WHERE org_no = ? AND id = ?"),
    deleteOrgPostings: db.prepare("DELETE FROM search_postings WHERE org_no = ?"),
    orgsHolding: db.prepare(`
      SELECT p.org_no, t.org_id FROM search_postings p JOIN search_org_tables t ON t.org_no = p.org_no
       WHERE p.id = ?`),
    // Organizations a document is shared into: those of the users it is shared with.
    sharedIntoOrgs: db.prepare(`
      SELECT DISTINCT m.org_id FROM shares s JOIN org_members m ON m.user_id = s.user_id
       WHERE s.doc_id = ?`),
    // Indexed documents of other organizations shared with a member of @orgId.
    sharedIntoOrg: db.prepare(`
      SELECT DISTINCT d.id FROM org_members m
        JOIN shares s ON s.user_id = m.user_id
        JOIN search_docs d ON d.doc_id = s.doc_id
       WHERE m.org_id = @orgId AND d.org_id <> @orgId`),
    // Documents of other organizations in organization table ?1 (owned by anyone but ?2).
    foreignInOrg: db.prepare(`
      SELECT p.id FROM search_postings p JOIN search_docs d ON d.id = p.id
       WHERE p.org_no = ? AND d.org_id <> ?`),
    addOrgBytes: db.prepare(`
      INSERT INTO search_org_bytes (org_id, bytes) VALUES (?, ?)
      ON CONFLICT (org_id) DO UPDATE SET bytes = bytes + excluded.bytes`),
    orgBytes: db.prepare("SELECT bytes FROM search_org_bytes WHERE org_id = ?"),
    forgetOrgBytes: db.prepare("DELETE FROM search_org_bytes WHERE org_id = ?"),
    // Documents in organization table ? (FTS5's N: every row is posted).
    orgDocCount: db.prepare("SELECT count(*) AS n FROM search_postings WHERE org_no = ?"),
  };
}

/** Statements on one organization's FTS5 table. */
interface TableStatements {
  insert: Statement;
  delete: Statement;
  /** Documents matching one quoted word. */
  count: Statement;
}

function prepareTableStatements(db: Database, orgNo: number): TableStatements {
  const fts = ftsTableName(orgNo);
  return {
    insert: db.prepare(`INSERT INTO ${fts} (rowid, body) VALUES (?, ?)`),
    // FTS5's delete command for contentless tables: the row's exact text takes its terms and
    // length out of the index and its statistics.
    delete: db.prepare(`INSERT INTO ${fts} (${fts}, rowid, body) VALUES ('delete', ?, ?)`),
    count: db.prepare(`SELECT count(*) AS n FROM ${fts} WHERE ${fts} MATCH ?`),
  };
}

/**
 * The factor turning FTS5's BM25 score of one word into ours. FTS5's bm25() uses
 * idf = ln((N − n + 0.5) / (n + 0.5)), floored at 1e-6 — so a word in more than half of the
 * documents scores (almost) nothing, and in a small organization most words are. We use the
 * always-positive idf = ln(1 + (N − n + 0.5) / (n + 0.5)) (as Lucene does); the term-frequency
 * part (k1 = 1.2, b = 0.75) is FTS5's. `n`: documents holding the word, `total`: documents in the
 * table (N).
 */
export function idfWeight(n: number, total: number): number {
  const ratio = (total - n + 0.5) / (n + 0.5);
  const fts = Math.log(ratio);
  return Math.log(1 + ratio) / (fts <= 0 ? 1e-6 : fts);
}

/** Search statements on one organization's table for queries of a given number of words. */
interface QueryStatements {
  searchTop: Statement;
  search: Statement;
}

/**
 * Each word is matched separately (its own FTS5 cursor, so that FTS5's bm25() gives that word's
 * score alone), multiplied by its {@link idfWeight}, and the words' scores are summed per
 * document: BM25 with k1 = 1.2, b = 0.75 and a positive idf. Parameters: `@t0`…, `@w0`…: the
 * quoted words and their weights, `@limit`, and the viewer's (see access.ts).
 */
function prepareQueryStatements(db: Database, orgNo: number, words: number): QueryStatements {
  const fts = ftsTableName(orgNo);
  const scored = (filter: string) => {
    const perWord = Array.from(
      { length: words },
      (_, i) => `SELECT rowid AS id, -bm25(${fts}) * @w${i} AS score FROM ${fts} WHERE ${fts} MATCH @t${i}${filter}`,
    );
    return words === 1 ? perWord[0] : `SELECT id, sum(score) AS score FROM (${perWord.join(" UNION ALL ")}) GROUP BY id`;
  };
  return {
    // The best `limit` hits, each flagged with whether the viewer may read it (MATERIALIZED so
    // the visibility check runs on those rows only, after ranking).
    searchTop: db.prepare(`
      WITH top AS MATERIALIZED (
        SELECT d.doc_id AS docId, s.score FROM (${scored("")}) s JOIN search_docs d ON d.id = s.id
         ORDER BY s.score DESC, d.doc_id
         LIMIT @limit)
      SELECT docId, score,
             EXISTS (SELECT 1 FROM (${READABLE_DOCS_SQL}) r WHERE r.doc_id = top.docId) AS visible
        FROM top ORDER BY score DESC, docId`),
    // Only readable documents are scored (visibility checked inside each word's match), then top-N.
    search: db.prepare(`
      WITH readable AS MATERIALIZED (
        SELECT d.id FROM search_docs d WHERE d.doc_id IN (${READABLE_DOCS_SQL}))
      SELECT d.doc_id AS docId, s.score
        FROM (${scored(" AND +rowid IN (SELECT id FROM readable)")}) s JOIN search_docs d ON d.id = s.id
       ORDER BY s.score DESC, d.doc_id
       LIMIT @limit`),
  };
}
