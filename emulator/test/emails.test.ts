// Email-derived user IDs are case-insensitive: `ADMIN@X` and `admin@x` are one user (the ID is the
// lower-cased address), in registration, login, membership, sharing and user management; users
// stored with capitals by an earlier emulator are still found, whatever case the request uses.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as grpc from "@grpc/grpc-js";
import type { RunningEmulator } from "../src/index";
import { auth, call, connect, expectCode, inspectDb, newOrg, start, upload, type Client } from "./helpers";

describe("email user IDs ignore case", () => {
  let emu: RunningEmulator;
  let client: Client;
  let dataDir: string;
  const password = "pw-case-1";
  const login = async (userID: string, orgID: string) => auth((await call(client, "login", { userID, password, orgID })).token);

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "sd-emails-"));
    emu = await start({ dataDir });
    client = connect(emu);
  });
  after(async () => {
    client.close();
    await emu.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("registers the lower-cased address as the ID and logs in with any case", async () => {
    const res = await call(client, "registerOrganization", {
      orgName: "case-org-1", orgEmail: "org@case.example", orgAddr: "1 St", userName: "Ann", password,
      adminEmail: "Ann.Admin@Case.EXAMPLE", source: "Test Active",
    });
    assert.equal(res.userID, "ann.admin@case.example");
    for (const id of ["ann.admin@case.example", "ANN.ADMIN@CASE.EXAMPLE", "Ann.Admin@Case.EXAMPLE"]) {
      const md = await login(id, "case-org-1");
      assert.equal((await call(client, "getUserInfo", {}, md)).userID, "ann.admin@case.example", id);
    }
  });

  it("treats ADMIN@X and admin@x as one user across organizations", async () => {
    const other = await newOrg(client);
    // The same person joins another org under a different spelling: same password → same user.
    const r = await call(client, "registerUser", { userName: "Ann", password, email: "ANN.ADMIN@case.example", admin: false }, other.md);
    assert.equal(r.userID, "ann.admin@case.example");
    await expectCode(
      call(client, "registerUser", { userName: "Ann", password, email: "ann.admin@CASE.example", admin: false }, other.md),
      grpc.status.ALREADY_EXISTS,
      "already belongs",
    );
    await expectCode(
      call(client, "registerOrganization", {
        orgName: "case-org-2", orgEmail: "o@case.example", orgAddr: "1 St", userName: "X", password: "another password",
        adminEmail: "ANN.ADMIN@CASE.EXAMPLE", source: "Test Active",
      }),
      grpc.status.ALREADY_EXISTS,
    );
    const users = (await call(client, "listUsers", {}, other.md)).orgUsers.map((u: { userID: string }) => u.userID);
    assert.equal(users.filter((u: string) => u === "ann.admin@case.example").length, 1);
    await login("Ann.Admin@case.example", other.orgId);
  });

  it("shares, unshares, promotes and removes by any case of the address", async () => {
    const org = await newOrg(client);
    await call(client, "registerUser", { userName: "Bob", password, email: "Bob@Case.Example", admin: false }, org.md);
    const { docID } = await upload(client, org.md, "b.txt", Buffer.from("hello"));
    await call(client, "shareDocument", { docID, userID: "BOB@CASE.EXAMPLE" }, org.md);
    const bob = await login("bob@case.example", org.orgId);
    assert.deepEqual((await call(client, "listDocuments", {}, bob)).documents.map((d: { docID: string }) => d.docID), [docID]);
    assert.equal(Number((await call(client, "unshareDocument", { docID, userID: "bob@CASE.example" }, org.md)).count), 1);
    await call(client, "promoteUser", { userID: "BOB@case.EXAMPLE" }, org.md);
    await call(client, "demoteUser", { userID: "Bob@Case.Example" }, org.md);
    assert.equal(Number((await call(client, "removeUser", { userID: "BOB@CASE.EXAMPLE" }, org.md)).count), 1);
  });

  it("still finds a user whose ID an earlier emulator stored with capitals", async () => {
    const org = await newOrg(client);
    await call(client, "registerUser", { userName: "Old", password, email: "old.timer@case.example", admin: false }, org.md);
    await emu.stop();
    await inspectDb(dataDir, (db) => {
      for (const table of ["users", "org_members"]) db.prepare(`UPDATE ${table} SET user_id = 'Old.Timer@Case.example' WHERE user_id = 'old.timer@case.example'`).run();
    });
    emu = await start({ dataDir });
    client.close();
    client = connect(emu);
    for (const id of ["Old.Timer@Case.example", "old.timer@case.example", "OLD.TIMER@CASE.EXAMPLE"]) {
      const md = await login(id, org.orgId);
      assert.equal((await call(client, "getUserInfo", {}, md)).userID, "Old.Timer@Case.example", id);
    }
    const admin = auth((await call(client, "login", { userID: org.adminId, password: org.password, orgID: org.orgId })).token);
    await call(client, "promoteUser", { userID: "old.timer@case.example" }, admin);
  });
});
