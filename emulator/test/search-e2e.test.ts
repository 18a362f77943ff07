// End-to-end search through a real emulator over TLS with its default (real) search and billing services:
// uploaded and encrypt-only documents are found (PDF included), binary is not, visibility follows
// sharing and removal at once, hostile queries get INVALID_ARGUMENT, the index is encrypted at rest.

import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { status } from "@grpc/grpc-js";
import type { RunningEmulator } from "../src/index";
import { auth, call, connect, encrypt, expectCode, newOrg, newUser, start, upload, type Client } from "./helpers";
import { makePdf } from "./search-fixtures";

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe("Search (end to end)", () => {
  let emu: RunningEmulator;
  let client: Client;
  let dataDir: string;
  let org: Awaited<ReturnType<typeof newOrg>>;
  const docs: Record<string, string> = {};
  const search = async (md: unknown, query: string): Promise<{ docID: string; score: number }[]> =>
    (await call(client, "search", { query }, md as never)).hits;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "sd-search-e2e-"));
    emu = await start({ dataDir });
    client = connect(emu);
    org = await newOrg(client);
    const put = async (key: string, name: string, data: Buffer) => (docs[key] = (await upload(client, org.md, name, data)).docID);
    await put("pdf", "BedMounts.pdf", makePdf([["Printer maintenance"], ["Fitting the BED MOUNTS", "Bed Mounts and screws"]]));
    await put("txt", "CompanyIntro.txt", Buffer.from("We take security seriously. Quokkasecret inside."));
    await put("html", "page.html", Buffer.from("<html><body><h1>Mounts</h1><script>var hiddenvariable</script></body></html>"));
    await put("bin", "blob.bin", Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00]), Buffer.from(" binaryonlyword")]));
    docs.enc = (await encrypt(client, org.md, "notes.md", Buffer.from("# Encrypted notes\nzanzibar plans"), 8, "lockstep")).docID;
  });
  after(async () => {
    client.close();
    await emu.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("finds PDF text inside compressed streams, ranked above a one-word match", async () => {
    const hits = await search(org.md, "bed mounts");
    assert.deepEqual(hits.map((h) => h.docID), [docs.pdf, docs.html]);
    assert.ok(hits[0].score > hits[1].score && hits[1].score > 0);
  });

  it("finds text, HTML and encrypt-only documents, but not binary ones or script text", async () => {
    assert.deepEqual((await search(org.md, "security")).map((h) => h.docID), [docs.txt]);
    assert.deepEqual((await search(org.md, "ZANZIBAR")).map((h) => h.docID), [docs.enc]);
    assert.deepEqual(await search(org.md, "binaryonlyword"), []);
    assert.deepEqual(await search(org.md, "hiddenvariable"), []);
  });

  it("shows a regular user only what they own or was shared with them, and unsharing hides it at once", async () => {
    const bob = await newUser(client, org.md, org.orgId);
    assert.deepEqual(await search(bob.md, "security"), []);
    await call(client, "shareDocument", { docID: docs.txt, userID: bob.userId }, org.md);
    assert.deepEqual((await search(bob.md, "security")).map((h) => h.docID), [docs.txt]);
    await call(client, "unshareDocument", { docID: docs.txt, userID: bob.userId }, org.md);
    assert.deepEqual(await search(bob.md, "security"), []);
  });

  it("never shows another organization's documents", async () => {
    const other = await newOrg(client);
    assert.deepEqual(await search(other.md, "bed mounts security zanzibar"), []);
  });

  it("drops a removed document at once", async () => {
    const { docID } = await upload(client, org.md, "temp.txt", Buffer.from("ephemeralword"));
    assert.equal((await search(org.md, "ephemeralword")).length, 1);
    await call(client, "removeDocument", { docID }, org.md);
    assert.deepEqual(await search(org.md, "ephemeralword"), []);
  });

  it("answers hostile queries with INVALID_ARGUMENT or plain results, never an internal error", async () => {
    await expectCode(search(org.md, ""), status.INVALID_ARGUMENT, "query");
    await expectCode(search(org.md, "?!*"), status.INVALID_ARGUMENT, "query");
    await expectCode(search(org.md, "a".repeat(10 * 1024)), status.INVALID_ARGUMENT, "query");
    for (const q of ['"bed', "bed AND NOT", "NEAR(bed mounts, 2)", "mount*", "body:bed", "\u0000bed\u0007"]) {
      assert.ok(Array.isArray(await search(org.md, q)), q);
    }
  });

  it("keeps the index encrypted at rest: no data-dir file contains an indexed word", async () => {
    await emu.stop();
    for (const file of filesUnder(dataDir)) {
      const bytes = readFileSync(file);
      for (const word of ["Quokkasecret", "quokkasecret", "zanzibar", "ephemeralword"]) {
        assert.equal(bytes.includes(word), false, `${word} found in ${file}`);
      }
    }
    emu = await start({ dataDir });
    client.close();
    client = connect(emu);
    const { token } = await call(client, "login", { userID: org.adminId, password: org.password, orgID: org.orgId });
    assert.deepEqual((await search(auth(token), "quokkasecret")).map((h) => h.docID), [docs.txt], "the index survives a restart");
  });
});
