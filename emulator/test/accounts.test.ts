// Account RPCs over a real TLS emulator: organizations, users, admins, sharable orgs, account and
// user info, passwords, login; plus the zero-cost billing answers, payment methods, and requests
// that do not even decode. Each success path and its error statuses (naming the field).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import { auth, call, expectCode, newOrg, newUser, upload, useEmulator } from "./helpers";

const fx = useEmulator();

const S = grpc.status;
const uniq = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

describe("RegisterOrganization", () => {
  test("orgID is the org name, userID the admin email; the admin can log in and is admin", async () => {
    const name = `Acme ${uniq()}`;
    const email = `boss-${uniq()}@acme.example`;
    const res = await call(fx.client, "registerOrganization", { orgName: name, userName: "Boss", password: "pw", adminEmail: email, orgEmail: "org@acme.example" });
    assert.equal(res.orgID, name);
    assert.equal(res.userID, email);
    const { token } = await call(fx.client, "login", { userID: email, password: "pw", orgID: name });
    const me = await call(fx.client, "getUserInfo", {}, auth(token));
    assert.deepEqual(me, { userID: email, email, userName: "Boss", orgID: name, isAdmin: true });
  });

  test("a duplicate org name is ALREADY_EXISTS", async () => {
    const org = await newOrg(fx.client);
    await expectCode(
      call(fx.client, "registerOrganization", { orgName: org.orgId, userName: "X", password: "pw", adminEmail: `x-${uniq()}@example.com` }),
      S.ALREADY_EXISTS,
      "already exists",
    );
  });

  test("bad fields are INVALID_ARGUMENT naming the field", async () => {
    const ok = { orgName: `o-${uniq()}`, userName: "U", password: "pw", adminEmail: `a-${uniq()}@example.com` };
    await expectCode(call(fx.client, "registerOrganization", { ...ok, orgName: "" }), S.INVALID_ARGUMENT, "orgName");
    await expectCode(call(fx.client, "registerOrganization", { ...ok, adminEmail: "not-an-email" }), S.INVALID_ARGUMENT, "adminEmail");
    await expectCode(call(fx.client, "registerOrganization", { ...ok, password: "" }), S.INVALID_ARGUMENT, "password");
    await expectCode(call(fx.client, "registerOrganization", { ...ok, userName: " " }), S.INVALID_ARGUMENT, "userName");
    await expectCode(call(fx.client, "registerOrganization", { ...ok, orgEmail: "bad@" }), S.INVALID_ARGUMENT, "orgEmail");
    await expectCode(call(fx.client, "registerOrganization", { ...ok, orgName: "a\u0000b" }), S.INVALID_ARGUMENT, "orgName");
    await expectCode(call(fx.client, "registerOrganization", { ...ok, sharableOrgs: ["no-such-org"] }), S.NOT_FOUND, "sharableOrgs[0]");
  });

  test("sharableOrgs and multiLevelShare seed the account; source becomes the subscription type", async () => {
    const other = await newOrg(fx.client);
    const org = await newOrg(fx.client, { sharableOrgs: [other.orgId, other.orgId], multiLevelShare: true, source: "Test Active" });
    const info = await call(fx.client, "getAccountInfo", {}, org.md);
    assert.deepEqual(info.sharableOrgs, [other.orgId]);
    assert.equal(info.multiLevelShare, true);
    assert.deepEqual(info.subscription, { type: "Test Active", status: "Subscribed" });
    assert.equal(info.payments.length, 1);
    assert.equal(info.payments[0].amount, 0);
    assert.ok(info.payments[0].periodStart instanceof Date);
  });

  test("an existing user can found a second org only with their own password", async () => {
    const org = await newOrg(fx.client);
    const base = { orgName: `second-${uniq()}`, userName: "Admin", adminEmail: org.adminId };
    await expectCode(call(fx.client, "registerOrganization", { ...base, password: "wrong" }), S.ALREADY_EXISTS, "adminEmail");
    await call(fx.client, "registerOrganization", { ...base, password: org.password });
    const { token } = await call(fx.client, "login", { userID: org.adminId, password: org.password, orgID: base.orgName });
    assert.equal((await call(fx.client, "getUserInfo", {}, auth(token))).orgID, base.orgName);
  });
});

describe("Login", () => {
  test("wrong password, unknown user, or other org is UNAUTHENTICATED; empty fields INVALID_ARGUMENT", async () => {
    const org = await newOrg(fx.client);
    const other = await newOrg(fx.client);
    await expectCode(call(fx.client, "login", { userID: org.adminId, password: "nope", orgID: org.orgId }), S.UNAUTHENTICATED);
    await expectCode(call(fx.client, "login", { userID: "ghost@example.com", password: "pw", orgID: org.orgId }), S.UNAUTHENTICATED);
    await expectCode(call(fx.client, "login", { userID: org.adminId, password: org.password, orgID: other.orgId }), S.UNAUTHENTICATED);
    await expectCode(call(fx.client, "login", { userID: "", password: "pw", orgID: org.orgId }), S.INVALID_ARGUMENT, "userID");
    await expectCode(call(fx.client, "login", { userID: org.adminId, password: "", orgID: org.orgId }), S.INVALID_ARGUMENT, "password");
    await expectCode(call(fx.client, "login", { userID: org.adminId, password: "pw", orgID: "" }), S.INVALID_ARGUMENT, "orgID");
  });
});

describe("users", () => {
  test("RegisterUser / ListUsers (insertion order) / Promote / Demote / RemoveUser", async () => {
    const org = await newOrg(fx.client);
    const b = await newUser(fx.client, org.md, org.orgId, { email: `b-${uniq()}@example.com` });
    const c = await newUser(fx.client, org.md, org.orgId, { email: `c-${uniq()}@example.com`, admin: true });
    let users = (await call(fx.client, "listUsers", {}, b.md)).orgUsers;
    assert.deepEqual(
      users.map((u: any) => [u.userID, u.isAdmin]),
      [
        [org.adminId, true],
        [b.userId, false],
        [c.userId, true],
      ],
    );
    assert.equal(users[1].userName, "User");
    assert.deepEqual(await call(fx.client, "promoteUser", { userID: b.userId }, org.md), { success: true });
    assert.deepEqual(await call(fx.client, "promoteUser", { userID: b.userId }, org.md), { success: true });
    await call(fx.client, "demoteUser", { userID: c.userId }, org.md);
    users = (await call(fx.client, "listUsers", {}, org.md)).orgUsers;
    assert.deepEqual(users.map((u: any) => u.isAdmin), [true, true, false]);
    const removed = await call(fx.client, "removeUser", { userID: c.userId }, org.md);
    assert.equal(removed.count.toNumber(), 1);
    assert.equal((await call(fx.client, "listUsers", {}, org.md)).orgUsers.length, 2);
    await expectCode(call(fx.client, "login", { userID: c.userId, password: "pw-user-1", orgID: org.orgId }), S.UNAUTHENTICATED);
  });

  test("RegisterUser errors: already belongs, exists elsewhere with another password, bad fields", async () => {
    const org = await newOrg(fx.client);
    const other = await newOrg(fx.client);
    const u = await newUser(fx.client, org.md, org.orgId);
    await expectCode(call(fx.client, "registerUser", { userName: "U", password: "pw-user-1", email: u.userId }, org.md), S.ALREADY_EXISTS, "already belongs");
    await expectCode(call(fx.client, "registerUser", { userName: "U", password: "other", email: u.userId }, other.md), S.ALREADY_EXISTS, "already exists");
    // With the user's own password they join the second org too; removal from one keeps the other.
    await call(fx.client, "registerUser", { userName: "U", password: "pw-user-1", email: u.userId }, other.md);
    await call(fx.client, "removeUser", { userID: u.userId }, other.md);
    await call(fx.client, "login", { userID: u.userId, password: "pw-user-1", orgID: org.orgId });
    await expectCode(call(fx.client, "registerUser", { userName: "U", password: "pw", email: "nope" }, org.md), S.INVALID_ARGUMENT, "email");
    await expectCode(call(fx.client, "registerUser", { userName: "", password: "pw", email: `z-${uniq()}@example.com` }, org.md), S.INVALID_ARGUMENT, "userName");
    await expectCode(call(fx.client, "registerUser", { userName: "Z", password: "", email: `z-${uniq()}@example.com` }, org.md), S.INVALID_ARGUMENT, "password");
  });

  test("the last admin can be neither demoted nor removed; unknown users are NOT_FOUND", async () => {
    const org = await newOrg(fx.client);
    await expectCode(call(fx.client, "demoteUser", { userID: org.adminId }, org.md), S.FAILED_PRECONDITION, "last administrator");
    await expectCode(call(fx.client, "removeUser", { userID: org.adminId }, org.md), S.FAILED_PRECONDITION, "last administrator");
    for (const m of ["removeUser", "promoteUser", "demoteUser"]) {
      await expectCode(call(fx.client, m, { userID: "ghost@example.com" }, org.md), S.NOT_FOUND, "userID");
      await expectCode(call(fx.client, m, { userID: "" }, org.md), S.INVALID_ARGUMENT, "userID");
    }
  });

  test("a removed user's documents stay with the org and remain visible to admins", async () => {
    const org = await newOrg(fx.client);
    const u = await newUser(fx.client, org.md, org.orgId);
    const { docID } = await upload(fx.client, u.md, "left-behind.txt", Buffer.from("still here"));
    await call(fx.client, "removeUser", { userID: u.userId }, org.md);
    const docs = (await call(fx.client, "listDocuments", {}, org.md)).documents;
    assert.deepEqual(docs.map((d: any) => d.docID), [docID]);
  });
});

describe("sharable orgs and multi-level sharing", () => {
  test("AddSharableOrg is a set (idempotent, ordered); RemoveSharableOrg removes; errors name the field", async () => {
    const org = await newOrg(fx.client);
    const x = await newOrg(fx.client);
    const y = await newOrg(fx.client);
    for (const id of [x.orgId, y.orgId, x.orgId]) {
      assert.deepEqual(await call(fx.client, "addSharableOrg", { newOrgID: id }, org.md), { success: true });
    }
    assert.deepEqual((await call(fx.client, "getAccountInfo", {}, org.md)).sharableOrgs, [x.orgId, y.orgId]);
    await call(fx.client, "removeSharableOrg", { removeOrgID: x.orgId }, org.md);
    assert.deepEqual((await call(fx.client, "getAccountInfo", {}, org.md)).sharableOrgs, [y.orgId]);
    await expectCode(call(fx.client, "addSharableOrg", { newOrgID: "no-such-org" }, org.md), S.NOT_FOUND, "newOrgID");
    await expectCode(call(fx.client, "addSharableOrg", { newOrgID: org.orgId }, org.md), S.INVALID_ARGUMENT, "newOrgID");
    await expectCode(call(fx.client, "addSharableOrg", { newOrgID: "" }, org.md), S.INVALID_ARGUMENT, "newOrgID");
    await expectCode(call(fx.client, "removeSharableOrg", { removeOrgID: "no-such-org" }, org.md), S.NOT_FOUND, "removeOrgID");
  });

  test("SetMultiLevelSharing toggles the flag", async () => {
    const org = await newOrg(fx.client);
    assert.equal((await call(fx.client, "getAccountInfo", {}, org.md)).multiLevelShare, false);
    await call(fx.client, "setMultiLevelSharing", { enable: true }, org.md);
    assert.equal((await call(fx.client, "getAccountInfo", {}, org.md)).multiLevelShare, true);
    await call(fx.client, "setMultiLevelSharing", { enable: false }, org.md);
    assert.equal((await call(fx.client, "getAccountInfo", {}, org.md)).multiLevelShare, false);
  });
});

describe("account and user info", () => {
  test("GetAccountInfo / SetAccountInfo", async () => {
    const org = await newOrg(fx.client);
    let info = await call(fx.client, "getAccountInfo", {}, org.md);
    assert.equal(info.orgID, org.orgId);
    assert.equal(info.orgAddress, "1 Test Street");
    assert.equal(info.payments.length, 1);
    assert.equal(info.payments[0].status, "No Payment");
    await call(fx.client, "setAccountInfo", { orgEmail: "new@example.org", orgAddress: "2 New Road" }, org.md);
    info = await call(fx.client, "getAccountInfo", {}, org.md);
    assert.equal(info.orgEmail, "new@example.org");
    assert.equal(info.orgAddress, "2 New Road");
    await expectCode(call(fx.client, "setAccountInfo", { orgEmail: "broken", orgAddress: "" }, org.md), S.INVALID_ARGUMENT, "orgEmail");
    await expectCode(call(fx.client, "setAccountInfo", { orgEmail: "", orgAddress: "" }, org.md), S.INVALID_ARGUMENT, "orgEmail");
  });

  test("GetUserInfo / SetUserInfo (userID never changes) / ChangeUserPassword", async () => {
    const org = await newOrg(fx.client);
    const u = await newUser(fx.client, org.md, org.orgId);
    await call(fx.client, "setUserInfo", { name: "Renamed", email: "renamed@example.net" }, u.md);
    const me = await call(fx.client, "getUserInfo", {}, u.md);
    assert.deepEqual(me, { userID: u.userId, email: "renamed@example.net", userName: "Renamed", orgID: org.orgId, isAdmin: false });
    await expectCode(call(fx.client, "setUserInfo", { name: "", email: "a@b.co" }, u.md), S.INVALID_ARGUMENT, "name");
    await expectCode(call(fx.client, "setUserInfo", { name: "N", email: "a@b" }, u.md), S.INVALID_ARGUMENT, "email");
    await expectCode(call(fx.client, "changeUserPassword", { oldPassword: "wrong", newPassword: "n3w" }, u.md), S.INVALID_ARGUMENT, "oldPassword");
    await expectCode(call(fx.client, "changeUserPassword", { oldPassword: "pw-user-1", newPassword: "" }, u.md), S.INVALID_ARGUMENT, "newPassword");
    assert.deepEqual(await call(fx.client, "changeUserPassword", { oldPassword: "pw-user-1", newPassword: "n3w" }, u.md), { success: true });
    await expectCode(call(fx.client, "login", { userID: u.userId, password: "pw-user-1", orgID: org.orgId }), S.UNAUTHENTICATED);
    await call(fx.client, "login", { userID: u.userId, password: "n3w", orgID: org.orgId });
  });
});

describe("RemoveOrganization / ReactivateOrganization", () => {
  test("force=false fails while documents remain; force=true removes everything", async () => {
    const org = await newOrg(fx.client);
    const u = await newUser(fx.client, org.md, org.orgId);
    await upload(fx.client, u.md, "doc", Buffer.from("data"));
    await expectCode(call(fx.client, "removeOrganization", { force: false }, org.md), S.FAILED_PRECONDITION, "force");
    assert.deepEqual(await call(fx.client, "removeOrganization", { force: true }, org.md), { success: true, postponed: false });
    await expectCode(call(fx.client, "listDocuments", {}, org.md), S.UNAUTHENTICATED);
    await expectCode(call(fx.client, "login", { userID: u.userId, password: "pw-user-1", orgID: org.orgId }), S.UNAUTHENTICATED);
    // The name is free again, and the old users are gone (a new admin with that email may register).
    await call(fx.client, "registerOrganization", { orgName: org.orgId, userName: "New", password: "pw2", adminEmail: org.adminId });
  });

  test("an org without documents is removed with force=false", async () => {
    const org = await newOrg(fx.client);
    assert.deepEqual(await call(fx.client, "removeOrganization", { force: false }, org.md), { success: true, postponed: false });
  });

  test("ReactivateOrganization: a member with the right password becomes admin", async () => {
    const org = await newOrg(fx.client);
    const u = await newUser(fx.client, org.md, org.orgId);
    const res = await call(fx.client, "reactivateOrganization", { orgName: org.orgId, adminEmail: u.userId, password: "pw-user-1" });
    assert.deepEqual(res, { orgID: org.orgId, userID: u.userId, clientSecret: "" });
    assert.equal((await call(fx.client, "getUserInfo", {}, u.md)).isAdmin, true);
    await expectCode(call(fx.client, "reactivateOrganization", { orgName: "no-such-org", adminEmail: u.userId, password: "x" }), S.NOT_FOUND, "orgName");
    await expectCode(call(fx.client, "reactivateOrganization", { orgName: org.orgId, adminEmail: "bad", password: "x" }), S.INVALID_ARGUMENT, "adminEmail");
  });
});

describe("billing, search and payment methods answer validly", () => {
  test("GetBillingDetails / GetLargeTraffic / frequencies", async () => {
    const org = await newOrg(fx.client);
    const details = await call(fx.client, "getBillingDetails", {}, org.md);
    assert.ok(details.periodStart instanceof Date && details.periodEnd > details.periodStart);
    assert.equal(typeof details.totalCost, "number");
    assert.ok(details.documents && details.search && details.traffic && details.billingFrequency);
    await expectCode(call(fx.client, "getBillingDetails", { at: new Date("2001-01-01T00:00:00Z") }, org.md), S.NOT_FOUND, "at");
    const traffic = await call(fx.client, "getLargeTraffic", { at: new Date() }, org.md);
    assert.deepEqual(traffic.largeTraffic, []);
    await expectCode(call(fx.client, "getLargeTraffic", { at: new Date("2001-01-01T00:00:00Z") }, org.md), S.NOT_FOUND, "at");
    const list = await call(fx.client, "getBillingFrequencyList", {}, org.md);
    assert.ok(list.billingFrequencyList.length >= 1);
    assert.equal(list.billingFrequencyList[0].frequency, 1);
    await expectCode(call(fx.client, "setNextBillingFrequency", { frequency: 0 }, org.md), S.INVALID_ARGUMENT, "frequency");
    const next = await call(fx.client, "setNextBillingFrequency", { frequency: 2, validFrom: details.periodEnd }, org.md);
    assert.equal(next.nextBillingFrequency.frequency, 2);
    assert.ok(next.nextBillingFrequency.validFrom instanceof Date);
  });

  test("Search answers with a hit list", async () => {
    const org = await newOrg(fx.client);
    const res = await call(fx.client, "search", { query: "anything" }, org.md);
    assert.ok(Array.isArray(res.hits));
  });

  test("payment methods: add (first is default), list, set default, remove", async () => {
    const org = await newOrg(fx.client);
    await call(fx.client, "addPaymentMethod", { pmID: "pm_a" }, org.md);
    await call(fx.client, "addPaymentMethod", { pmID: "pm_b" }, org.md);
    await expectCode(call(fx.client, "addPaymentMethod", { pmID: "pm_a" }, org.md), S.ALREADY_EXISTS, "pmID");
    let cards = (await call(fx.client, "listCreditCards", {}, org.md)).creditCardList;
    assert.deepEqual(cards.map((c: any) => [c.id, c.isDefault]), [["pm_a", true], ["pm_b", false]]);
    assert.deepEqual(await call(fx.client, "setDefaultPaymentMethod", { pmID: "pm_b" }, org.md), { pmID: "pm_b" });
    cards = (await call(fx.client, "listCreditCards", {}, org.md)).creditCardList;
    assert.deepEqual(cards.map((c: any) => c.isDefault), [false, true]);
    assert.deepEqual(await call(fx.client, "removePaymentMethod", { pmID: "pm_a" }, org.md), { pmID: "pm_a" });
    await expectCode(call(fx.client, "removePaymentMethod", { pmID: "pm_a" }, org.md), S.NOT_FOUND, "pmID");
    await expectCode(call(fx.client, "setDefaultPaymentMethod", { pmID: "pm_zzz" }, org.md), S.NOT_FOUND, "pmID");
    await expectCode(call(fx.client, "addPaymentMethod", { pmID: "" }, org.md), S.INVALID_ARGUMENT, "pmID");
  });
});

test("bytes that are not a valid protobuf message get INVALID_ARGUMENT, and the server keeps serving", async () => {
  const raw = new grpc.Client(fx.emu.address, grpc.credentials.createSsl(Buffer.from(fx.emu.caPem)), { "grpc.ssl_target_name_override": "localhost" });
  const id = (b: Buffer) => b;
  const send = (path: string, bytes: Buffer, md = new grpc.Metadata()) =>
    new Promise((resolve, reject) => raw.makeUnaryRequest(path, id, id, bytes, md, (e, r) => (e ? reject(e) : resolve(r))));
  const org = await newOrg(fx.client);
  // Field 1 as a length-delimited value claiming 100 bytes that are not there.
  const garbage = Buffer.from([0x0a, 0x64, 0x01]);
  await expectCode(send("/proto.StrongDocService/Login", garbage), S.INVALID_ARGUMENT, "malformed");
  await expectCode(send("/proto.StrongDocService/ListDocuments", Buffer.from([0xff, 0xff, 0xff])), S.INVALID_ARGUMENT, "malformed");
  await expectCode(send("/proto.StrongDocService/RemoveDocument", garbage, org.md), S.INVALID_ARGUMENT, "malformed");
  raw.close();
  await call(fx.client, "listDocuments", {}, org.md);
});
