// Tests for the search index: matching and BM25 ranking on a small corpus with a known answer,
// visibility (other org, unshared, removed, pending), hostile queries, and indexed-byte counts.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { status } from "@grpc/grpc-js";
import { ApiError } from "../src/errors";
import { SearchIndex, type SearchViewer } from "../src/search/search-index";
import { addDocumentRow, makePdf, openTestDb, type TestDb } from "./search-fixtures";

const admin: SearchViewer = { userId: "ann@acme.com", orgId: "acme", isAdmin: true };
const bob: SearchViewer = { userId: "bob@acme.com", orgId: "acme", isAdmin: false };
const carl: SearchViewer = { userId: "carl@acme.com", orgId: "acme", isAdmin: false };
const eve: SearchViewer = { userId: "eve@evil.com", orgId: "evil", isAdmin: true };

describe("SearchIndex", () => {
  let t: TestDb;
  let index: SearchIndex;
  const ids = (hits: { docId: string }[]) => hits.map((h) => h.docId);

  before(async () => {
    t = openTestDb();
    index = new SearchIndex(t.db);
    const corpus: [string, string, string][] = [
      ["both", "bob@acme.com", "How to fit bed mounts: the bed mounts hold the printer bed."],
      ["mounts", "bob@acme.com", "Wall mounts for televisions and monitors."],
      ["common1", "ann@acme.com", "common words, common facts"],
      ["common2", "ann@acme.com", "common words, plain facts"],
      ["rare", "ann@acme.com", "the zeppelin flew over common land"],
      ["other", "ann@acme.com", "nothing to see here"],
      ["accent", "ann@acme.com", "Crème Brûlée at the CAFÉ, ﬁne"],
    ];
    for (const [id, owner, text] of corpus) {
      addDocumentRow(t.db, id, "acme", owner);
      await index.indexDocument(id, "acme", Buffer.from(text));
    }
    addDocumentRow(t.db, "pdf", "acme", "ann@acme.com");
    await index.indexDocument("pdf", "acme", makePdf([["BedMounts assembly", "BED MOUNTS, fitted"]]));
    addDocumentRow(t.db, "evil-doc", "evil", "eve@evil.com");
    await index.indexDocument("evil-doc", "evil", Buffer.from("bed mounts from another organization"));
  });
  after(() => t.close());

  it("finds PDF text and ranks documents with more and rarer query words first", () => {
    const hits = index.search("bed mounts", admin);
    assert.deepEqual(ids(hits).sort(), ["both", "mounts", "pdf"]);
    assert.equal(hits[hits.length - 1].docId, "mounts", "one word only ranks last");
    for (const h of hits) assert.ok(h.score > 0 && Number.isFinite(h.score));
    for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1].score >= hits[i].score);
  });

  it("prefers the rarer word (IDF) and repeated words (TF)", () => {
    assert.deepEqual(ids(index.search("zeppelin common", admin)), ["rare", "common1", "common2"]);
  });

  it("is case- and accent-insensitive", () => {
    assert.deepEqual(ids(index.search("creme BRULEE", admin)), ["accent"]);
    assert.deepEqual(ids(index.search("café", admin)), ["accent"]);
    assert.deepEqual(ids(index.search("cafe\u0301 ＣＡＦＥ", admin)), ["accent"], "combining accent, full-width");
    assert.deepEqual(ids(index.search("fine", admin)), ["accent"], "the ligature ﬁ is folded");
  });

  it("treats FTS syntax as plain words", () => {
    assert.deepEqual(ids(index.search('"zeppelin" NOT (common) NEAR/2 zep*', admin))[0], "rare");
    assert.deepEqual(ids(index.search("body:zeppelin", admin)), ["rare"]);
  });

  it("shows regular users only their own and shared documents", () => {
    assert.deepEqual(ids(index.search("bed mounts", bob)).sort(), ["both", "mounts"]);
    assert.deepEqual(index.search("bed mounts", carl), []);
    t.db.prepare("INSERT INTO shares (doc_id, user_id) VALUES ('both', 'carl@acme.com')").run();
    assert.deepEqual(ids(index.search("bed mounts", carl)), ["both"]);
    t.db.prepare("DELETE FROM shares WHERE doc_id = 'both' AND user_id = 'carl@acme.com'").run();
    assert.deepEqual(index.search("bed mounts", carl), [], "unshared: gone at once");
  });

  it("never shows another organization's documents, unless shared", () => {
    assert.deepEqual(ids(index.search("bed mounts", eve)), ["evil-doc"]);
    assert.equal(ids(index.search("organization", admin)).includes("evil-doc"), false);
    t.db.prepare("INSERT INTO org_members (org_id, user_id, is_admin) VALUES ('acme', 'ann@acme.com', 1)").run();
    t.db.prepare("INSERT INTO shares (doc_id, user_id) VALUES ('evil-doc', 'ann@acme.com')").run();
    assert.ok(ids(index.search("organization", admin)).includes("evil-doc"));
    t.db.prepare("DELETE FROM shares WHERE doc_id = 'evil-doc'").run();
    assert.equal(ids(index.search("organization", admin)).includes("evil-doc"), false);
    t.db.prepare("DELETE FROM org_members").run();
  });

  it("returns exactly the best readable hits when a result limit cuts the list", async () => {
    const small = new SearchIndex(t.db, { maxResults: 2 });
    const top = (v: SearchViewer, q: string) => ids(small.search(q, v));
    // Another organization's document ranks first for this query: the admin path must skip it.
    addDocumentRow(t.db, "evil-best", "evil", "eve@evil.com");
    await small.indexDocument("evil-best", "evil", Buffer.from("limitword limitword limitword"));
    for (const [id, text] of [["lim1", "limitword limitword x"], ["lim2", "limitword x y"], ["lim3", "limitword x y z w v"]]) {
      addDocumentRow(t.db, id, "acme", "ann@acme.com");
      await small.indexDocument(id, "acme", Buffer.from(text));
    }
    assert.deepEqual(top(admin, "limitword"), ["lim1", "lim2"]);
    assert.deepEqual(top(eve, "limitword"), ["evil-best"], "fewer hits than the limit");
    assert.deepEqual(top(admin, "limitword x"), ["lim1", "lim2"]);
    assert.deepEqual(ids(index.search("limitword", admin)), ["lim1", "lim2", "lim3"]);
    for (const id of ["evil-best", "lim1", "lim2", "lim3"]) small.removeDocument(id);
  });

  it("drops removed documents at once, and hides pending ones", async () => {
    addDocumentRow(t.db, "gone", "acme", "ann@acme.com");
    await index.indexDocument("gone", "acme", Buffer.from("ephemeral"));
    assert.deepEqual(ids(index.search("ephemeral", admin)), ["gone"]);
    index.removeDocument("gone");
    assert.deepEqual(index.search("ephemeral", admin), []);

    addDocumentRow(t.db, "pending", "acme", "ann@acme.com", "pending");
    await index.indexDocument("pending", "acme", Buffer.from("unfinished"));
    assert.deepEqual(index.search("unfinished", admin), []);
  });

  it("writes nothing when the document is removed while its text is being extracted", async () => {
    addDocumentRow(t.db, "race", "acme", "ann@acme.com");
    const indexing = index.indexDocument("race", "acme", makePdf([["racecondition"]]));
    index.removeDocument("race");
    await indexing;
    assert.deepEqual(index.search("racecondition", admin), []);
    const row = t.db.prepare("SELECT COUNT(*) AS n FROM search_docs WHERE doc_id = 'race'").get() as { n: number };
    assert.equal(row.n, 0);
  });

  it("re-indexing replaces the old text", async () => {
    addDocumentRow(t.db, "re", "acme", "ann@acme.com");
    await index.indexDocument("re", "acme", Buffer.from("firstversion"));
    await index.indexDocument("re", "acme", Buffer.from("secondversion"));
    assert.deepEqual(index.search("firstversion", admin), []);
    assert.deepEqual(ids(index.search("secondversion", admin)), ["re"]);
  });

  it("does not index binary content", async () => {
    addDocumentRow(t.db, "bin", "acme", "ann@acme.com");
    const before = index.indexedBytes("acme");
    await index.indexDocument("bin", "acme", Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0]), Buffer.from("binaryword")]));
    assert.deepEqual(index.search("binaryword", admin), []);
    assert.equal(index.indexedBytes("acme"), before);
  });

  it("answers hostile queries with INVALID_ARGUMENT or a result, never an engine error", () => {
    const hostile = [
      "", "   ", "!!!", '"', "'", '"""', "bed\" OR \"x", "NEAR(bed mounts)", "bed*", "*", "AND", "OR OR",
      "NOT", "-bed", "^bed", "bed:mounts", "{body}: bed", "(((", ")", "\u0000bed\u0001\u001f", "\ud800bed",
      "💥 bed", "x".repeat(10 * 1024), Array.from({ length: 100 }, (_, i) => `w${i}`).join(" "),
      "bed\nmounts\t\r", "%", "\\", "; DROP TABLE search_fts; --",
    ];
    for (const q of hostile) {
      try {
        const hits = index.search(q, admin);
        assert.ok(Array.isArray(hits), JSON.stringify(q));
      } catch (e) {
        assert.ok(e instanceof ApiError, `${JSON.stringify(q).slice(0, 40)}: ${e}`);
        assert.equal(e.code, status.INVALID_ARGUMENT);
        assert.match(e.message, /^query: /);
      }
    }
    assert.throws(() => index.search("", admin), (e: ApiError) => e.code === status.INVALID_ARGUMENT);
    assert.throws(() => index.search("x".repeat(10240), admin), (e: ApiError) => e.code === status.INVALID_ARGUMENT);
    assert.deepEqual(ids(index.search("\u0000zeppelin\u0001", admin)), ["rare"]);
  });

  it("counts indexed text bytes per organization", async () => {
    const before = index.indexedBytes("acme");
    addDocumentRow(t.db, "bytes", "acme", "ann@acme.com");
    await index.indexDocument("bytes", "acme", Buffer.from("héllo")); // 6 UTF-8 bytes
    assert.equal(index.indexedBytes("acme"), before + 6);
    index.removeDocument("bytes");
    assert.equal(index.indexedBytes("acme"), before);
    index.removeOrganization("evil");
    assert.equal(index.indexedBytes("evil"), 0);
    assert.deepEqual(index.search("bed", eve), []);
  });
});

describe("SearchIndex statistics per organization", () => {
  let t: TestDb;
  let index: SearchIndex;
  const acme: SearchViewer = { userId: "ann@acme.com", orgId: "acme", isAdmin: true };
  const globex: SearchViewer = { userId: "gus@globex.com", orgId: "globex", isAdmin: true };
  const add = async (docId: string, org: string, owner: string, text: string) => {
    addDocumentRow(t.db, docId, org, owner);
    await index.indexDocument(docId, org, Buffer.from(text));
  };
  const score = (q: string, v: SearchViewer, docId: string) => index.search(q, v).find((h) => h.docId === docId)?.score;

  before(() => {
    t = openTestDb();
    index = new SearchIndex(t.db);
    t.db.prepare("INSERT INTO org_members (org_id, user_id, is_admin) VALUES ('acme', 'ann@acme.com', 1), ('globex', 'gus@globex.com', 1)").run();
  });
  after(() => t.close());

  it("scores BM25 (k1 1.2, b 0.75) with idf ln(1 + (N - n + 0.5) / (n + 0.5)) from the organization's table", async () => {
    await add("g1", "globex", "gus@globex.com", "alpha beta");
    await add("g2", "globex", "gus@globex.com", "alpha gamma delta");
    await add("g3", "globex", "gus@globex.com", "epsilon");
    const idf = Math.log(1 + (3 - 2 + 0.5) / (2 + 0.5)); // "alpha": N = 3, n = 2, avgdl = 2
    const tfPart = (tf: number, dl: number) => (tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * dl) / 2));
    assert.ok(Math.abs(score("alpha", globex, "g1")! - idf * tfPart(1, 2)) < 1e-9);
    assert.ok(Math.abs(score("alpha", globex, "g2")! - idf * tfPart(1, 3)) < 1e-9);
    const both = idf * tfPart(1, 3) + Math.log(1 + 2.5 / 1.5) * tfPart(1, 3);
    assert.ok(Math.abs(score("alpha gamma", globex, "g2")! - both) < 1e-9, "words' scores add up");
  });

  it("gives another organization's documents no influence on a score (no cross-organization leak)", async () => {
    const before = score("alpha", globex, "g1");
    for (let i = 0; i < 20; i++) await add(`a${i}`, "acme", "ann@acme.com", `alpha secret ${i}`);
    assert.equal(score("alpha", globex, "g1"), before);
    assert.equal(index.search("alpha", acme).length, 20);
  });

  it("indexes a shared document into the sharee's organization and out again", async () => {
    const before = score("alpha", globex, "g1");
    t.db.prepare("INSERT INTO shares (doc_id, user_id) VALUES ('a0', 'gus@globex.com')").run();
    index.sharesChanged("a0");
    assert.ok(index.search("secret", globex).some((h) => h.docId === "a0"));
    assert.notEqual(score("alpha", globex, "g1"), before, "a document given to globex counts in its statistics");
    t.db.prepare("DELETE FROM shares WHERE doc_id = 'a0'").run();
    index.sharesChanged("a0");
    assert.equal(score("alpha", globex, "g1"), before);
    const copies = () => (t.db.prepare("SELECT count(*) AS n FROM search_postings WHERE id = (SELECT id FROM search_docs WHERE doc_id = 'a0')").get() as { n: number }).n;
    assert.equal(copies(), 1, "only in its own organization's table");

    t.db.prepare("INSERT INTO shares (doc_id, user_id) VALUES ('a1', 'gus@globex.com')").run();
    index.sharesChanged("a1");
    index.removeDocument("a1");
    assert.equal(index.search("secret", globex).length, 0);
    assert.equal(score("alpha", globex, "g1"), before, "a removed document leaves every table");
    t.db.prepare("DELETE FROM shares").run();
  });

  it("follows membership: a share to a user counts in each organization they belong to", async () => {
    t.db.prepare("INSERT INTO shares (doc_id, user_id) VALUES ('a2', 'hal@globex.com')").run();
    index.sharesChanged("a2"); // hal is in no organization yet
    const holders = () => (t.db.prepare("SELECT count(*) AS n FROM search_postings WHERE id = (SELECT id FROM search_docs WHERE doc_id = 'a2')").get() as { n: number }).n;
    assert.equal(holders(), 1);
    t.db.prepare("INSERT INTO org_members (org_id, user_id, is_admin) VALUES ('globex', 'hal@globex.com', 0)").run();
    index.membersChanged("globex");
    assert.equal(holders(), 2);
    t.db.prepare("DELETE FROM org_members WHERE user_id = 'hal@globex.com'").run();
    index.search("alpha", globex); // a search brings the caller's organization's table up to date too
    assert.equal(holders(), 1);
  });

  it("drops an organization's table with the organization", () => {
    const tables = () => (t.db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name LIKE 'search_fts_%' AND type = 'table'").get() as { n: number }).n;
    const before = tables();
    index.removeOrganization("globex");
    assert.ok(tables() < before);
    assert.deepEqual(index.search("alpha", globex), []);
    assert.equal((t.db.prepare("SELECT count(*) AS n FROM search_texts").get() as { n: number }).n, 19, "acme's 19 documents keep their text");
  });
});
