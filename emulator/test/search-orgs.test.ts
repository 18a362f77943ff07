// End-to-end tests of per-organization search statistics through a real emulator (TLS, encrypted
// data dir, default services): one organization's private documents do not change another's
// scores (the BM25 cross-organization leak), documents shared into another organization are found
// by the sharee and disappear on unshare and removal, and the copies kept for that are encrypted
// at rest and dropped with the organization.

import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { RunningEmulator } from "../src/index";
import { auth, call, connect, encrypt, inspectDb, newOrg, newUser, start, upload, type Client } from "./helpers";

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

type Hit = { docID: string; score: number };

describe("Search statistics per organization (end to end)", () => {
  let emu: RunningEmulator;
  let client: Client;
  let dataDir: string;
  const search = async (md: unknown, query: string): Promise<Hit[]> => (await call(client, "search", { query }, md as never)).hits;
  const scoreOf = (hits: Hit[], docID: string) => hits.find((h) => h.docID === docID)?.score;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "sd-search-orgs-"));
    emu = await start({ dataDir });
    client = connect(emu);
  });
  after(async () => {
    client.close();
    await emu.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("does not let another organization's private documents change a score (no BM25 leak)", async () => {
    const orgB = await newOrg(client);
    const { docID } = await upload(client, orgB.md, "b.txt", Buffer.from("leakyword freshword and some other text"));
    const before = scoreOf(await search(orgB.md, "leakyword"), docID);
    const fresh = scoreOf(await search(orgB.md, "freshword"), docID);
    assert.ok(before !== undefined && before > 0.1, `score of leakyword before: ${before}`);
    assert.equal(before, fresh, "both words are in the one document of B: same statistics, same score");

    const orgA = await newOrg(client);
    for (let i = 0; i < 20; i++) await upload(client, orgA.md, `a${i}.txt`, Buffer.from(`leakyword private note ${i}`));
    assert.equal((await search(orgA.md, "leakyword")).length, 20);

    const afterA = scoreOf(await search(orgB.md, "leakyword"), docID);
    assert.equal(afterA, before, "B's score for a word must not depend on how many of A's documents contain it");
    assert.equal(scoreOf(await search(orgB.md, "freshword"), docID), fresh);
    assert.deepEqual((await search(orgB.md, "leakyword private")).map((h) => h.docID), [docID], "A's documents stay invisible");
  });

  it("ranks by the organization's own statistics even when a word is in most of another's documents", async () => {
    const big = await newOrg(client);
    for (let i = 0; i < 6; i++) await upload(client, big.md, `x${i}.txt`, Buffer.from(`commonish filler ${i}`));
    const small = await newOrg(client);
    const one = (await upload(client, small.md, "1.txt", Buffer.from("commonish rareish"))).docID;
    const two = (await upload(client, small.md, "2.txt", Buffer.from("commonish plain words here"))).docID;
    const three = (await upload(client, small.md, "3.txt", Buffer.from("unrelated text"))).docID;
    const hits = await search(small.md, "commonish rareish");
    assert.deepEqual(hits.map((h) => h.docID), [one, two]);
    for (const h of hits) assert.ok(h.score > 0.01, `a word in 2 of 3 documents still scores: ${h.score}`);
    assert.ok(three);
  });

  it("finds documents shared into another organization, and drops them on unshare and removal", async () => {
    const owner = await newOrg(client);
    const sharee = await newOrg(client);
    await call(client, "addSharableOrg", { newOrgID: sharee.orgId }, owner.md);
    const bob = await newUser(client, sharee.md, sharee.orgId);
    const stored = (await upload(client, owner.md, "plan.txt", Buffer.from("crossorgword stored plan"))).docID;
    const encrypted = (await encrypt(client, owner.md, "enc.md", Buffer.from("crossorgword encrypted notes"), 8, "lockstep")).docID;
    await upload(client, sharee.md, "mine.txt", Buffer.from("crossorgword of the sharee itself"));

    assert.deepEqual((await search(bob.md, "crossorgword")).map((h) => h.docID), []);
    await call(client, "shareDocument", { docID: stored, userID: bob.userId }, owner.md);
    await call(client, "shareDocument", { docID: encrypted, userID: bob.userId }, owner.md);
    assert.deepEqual((await search(bob.md, "crossorgword")).map((h) => h.docID).sort(), [encrypted, stored].sort());
    assert.deepEqual((await search(bob.md, "encrypted")).map((h) => h.docID), [encrypted]);
    // The sharee org's admin sees its own document, not the ones shared with bob only.
    assert.equal((await search(sharee.md, "crossorgword")).length, 1);
    // The owner org still finds both in its own table.
    assert.equal((await search(owner.md, "crossorgword")).length, 2);

    assert.equal(Number((await call(client, "unshareDocument", { docID: stored, userID: bob.userId }, owner.md)).count), 1);
    assert.deepEqual((await search(bob.md, "crossorgword")).map((h) => h.docID), [encrypted]);
    assert.deepEqual(await search(bob.md, "stored"), []);
    await call(client, "removeDocument", { docID: encrypted }, owner.md);
    assert.deepEqual(await search(bob.md, "crossorgword"), []);

    // Nothing of the owner's documents is left in the sharee organization's table.
    await emu.stop();
    const left = await inspectDb(dataDir, (db) =>
      db
        .prepare(
          `SELECT count(*) AS n FROM search_postings p JOIN search_org_tables t ON t.org_no = p.org_no
             JOIN search_docs d ON d.id = p.id WHERE t.org_id = ? AND d.org_id = ?`,
        )
        .get(sharee.orgId, owner.orgId),
    );
    assert.deepEqual(left, { n: 0 });
    emu = await start({ dataDir });
    client.close();
    client = connect(emu);
  });

  it("indexes a shared document into an organization its user joins later, and forgets it when they leave", async () => {
    const owner = await newOrg(client);
    const first = await newOrg(client);
    const later = await newOrg(client);
    await call(client, "addSharableOrg", { newOrgID: first.orgId }, owner.md);
    const carol = await newUser(client, first.md, first.orgId);
    const doc = (await upload(client, owner.md, "c.txt", Buffer.from("joinerword for carol"))).docID;
    await call(client, "shareDocument", { docID: doc, userID: carol.userId }, owner.md);
    await call(client, "registerUser", { userName: "Carol", password: "pw-user-1", email: carol.userId, admin: false }, later.md);
    const { token } = await call(client, "login", { userID: carol.userId, password: "pw-user-1", orgID: later.orgId });
    assert.deepEqual((await search(auth(token), "joinerword")).map((h) => h.docID), [doc]);
    await call(client, "removeUser", { userID: carol.userId }, later.md);
    assert.deepEqual((await search(carol.md, "joinerword")).map((h) => h.docID), [doc], "still found from her first org");
  });

  it("keeps the kept text encrypted at rest and drops an organization's table with it", async () => {
    const owner = await newOrg(client);
    const sharee = await newOrg(client);
    await call(client, "addSharableOrg", { newOrgID: sharee.orgId }, owner.md);
    const dan = await newUser(client, sharee.md, sharee.orgId);
    const doc = (await upload(client, owner.md, "s.txt", Buffer.from("Wombatsecret lives here"))).docID;
    await call(client, "shareDocument", { docID: doc, userID: dan.userId }, owner.md);
    assert.deepEqual((await search(dan.md, "wombatsecret")).map((h) => h.docID), [doc]);
    await call(client, "removeOrganization", { force: true }, sharee.md);
    await emu.stop();
    for (const file of filesUnder(dataDir)) {
      const bytes = readFileSync(file);
      for (const word of ["Wombatsecret", "wombatsecret", "leakyword", "crossorgword"]) {
        assert.equal(bytes.includes(word), false, `${word} found in ${file}`);
      }
    }
    const tables = await inspectDb(dataDir, (db) => ({
      orgTable: db.prepare("SELECT count(*) AS n FROM search_org_tables WHERE org_id = ?").get(sharee.orgId),
      ftsTables: (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name GLOB 'search_fts_[0-9]*' AND name NOT GLOB '*_*_*_*'").get() as { n: number }).n,
      orgs: (db.prepare("SELECT count(*) AS n FROM search_org_tables").get() as { n: number }).n,
      // Every document in another organization's table is shared with a member of that organization.
      strays: db
        .prepare(
          `SELECT count(*) AS n FROM search_postings p JOIN search_org_tables t ON t.org_no = p.org_no
             JOIN search_docs d ON d.id = p.id
            WHERE d.org_id <> t.org_id
              AND NOT EXISTS (SELECT 1 FROM shares s JOIN org_members m ON m.user_id = s.user_id
                               WHERE s.doc_id = d.doc_id AND m.org_id = t.org_id)`,
        )
        .get(),
      texts: db.prepare("SELECT (SELECT count(*) FROM search_texts) - (SELECT count(*) FROM search_docs) AS n").get(),
    }));
    assert.deepEqual(tables.strays, { n: 0 }, "no stray shared copies (unshare, removal, a user leaving an org)");
    assert.deepEqual(tables.texts, { n: 0 });
    assert.deepEqual(tables.orgTable, { n: 0 });
    assert.equal(tables.ftsTables, tables.orgs, "one FTS5 table per organization that has one, none left over");
    emu = await start({ dataDir });
    client.close();
    client = connect(emu);
    const { token } = await call(client, "login", { userID: owner.adminId, password: owner.password, orgID: owner.orgId });
    assert.deepEqual((await search(auth(token), "wombatsecret")).map((h) => h.docID), [doc], "the owner still finds it after a restart");
  });
  it("rebuilds an index of the earlier single-table layout from the stored bodies at start", async () => {
    const org = await newOrg(client);
    const doc = (await upload(client, org.md, "old.txt", Buffer.from("legacyword from before the upgrade"))).docID;
    await emu.stop();
    await inspectDb(dataDir, (db) => {
      // Turn the data dir into what the earlier emulator left: one shared FTS5 table, no kept text.
      const fts = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'search_fts_[0-9]*' AND name NOT GLOB '*_*_*_*'").all() as { name: string }[];
      for (const { name } of fts) db.exec(`DROP TABLE ${name}`);
      db.exec(`DROP TABLE search_texts; DROP TABLE search_postings; DROP TABLE search_org_tables; DROP TABLE search_docs;
        CREATE TABLE search_docs (id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL UNIQUE, org_id TEXT NOT NULL, text_bytes INTEGER NOT NULL);
        CREATE VIRTUAL TABLE search_fts USING fts5(body, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2');`);
    });
    emu = await start({ dataDir });
    client.close();
    client = connect(emu);
    const { token } = await call(client, "login", { userID: org.adminId, password: org.password, orgID: org.orgId });
    assert.deepEqual((await search(auth(token), "legacyword")).map((h) => h.docID), [doc]);
  });
});
