// The account module against a real emulator: every function, its result shape, and the
// admin-only and bad-token failures.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { StrongDocError } from "../src/index";
import { startTestEnv, type TestEnv, type TestOrg } from "./helpers/emulator";

let env: TestEnv;
let org: TestOrg;

before(async () => {
  env = await startTestEnv();
  org = await env.newOrg("acct");
});
after(() => env.stop());

function codeIs(codeName: string) {
  return (err: unknown) => err instanceof StrongDocError && err.codeName === codeName;
}

describe("account", () => {
  test("getAccountInfo: camelCase fields, Dates, one payment, subscription", async () => {
    const info = await env.sd.account.getAccountInfo(org.token);
    assert.equal(info.orgId, org.orgId);
    assert.equal(info.orgEmail, `it@${org.orgId}.test`);
    assert.equal(info.orgAddress, "1 Test Street");
    assert.deepEqual(info.subscription, { type: "Test Active", status: "Subscribed" });
    assert.equal(info.payments.length, 1);
    const [p] = info.payments;
    assert.ok(p!.billedAt instanceof Date && p!.periodStart instanceof Date && p!.periodEnd instanceof Date);
    assert.ok(p!.periodEnd > p!.periodStart);
    assert.equal(typeof p!.amount, "number");
    assert.equal(typeof p!.status, "string");
    assert.equal(info.multilevelSharing, false);
    assert.deepEqual(info.sharableOrgs, []);
  });

  test("getUserInfo: the caller's profile", async () => {
    const me = await env.sd.account.getUserInfo(org.token);
    assert.deepEqual(me, { userId: org.adminId, name: "Admin", email: org.adminId, orgId: org.orgId, isAdmin: true });
  });

  test("registerUser, listUsers (insertion order, no email/orgId), promote, demote, removeUser", async () => {
    const email = `bob@${org.orgId}.test`;
    const bobId = await env.sd.account.registerUser(org.token, "Bob", "bobs long password", email, false);
    assert.equal(typeof bobId, "string");
    let users = await env.sd.account.listUsers(org.token);
    assert.equal(users[0]!.userId, org.adminId);
    const bob = users.find((u) => u.userId === bobId);
    assert.deepEqual(bob, { userId: bobId, name: "Bob", isAdmin: false });
    assert.equal(bob!.email, undefined);

    assert.equal(await env.sd.account.promoteUser(org.token, bobId), true);
    users = await env.sd.account.listUsers(org.token);
    assert.equal(users.find((u) => u.userId === bobId)!.isAdmin, true);
    assert.equal(await env.sd.account.demoteUser(org.token, bobId), true);

    // A regular user can list users but not read account info.
    const bobToken = await env.sd.login.login(bobId, "bobs long password", org.orgId);
    assert.ok((await env.sd.account.listUsers(bobToken)).length >= 2);
    await assert.rejects(env.sd.account.getAccountInfo(bobToken), codeIs("PERMISSION_DENIED"));
    await assert.rejects(env.sd.account.registerUser(bobToken, "Eve", "eves password!", "eve@x.test", false), codeIs("PERMISSION_DENIED"));

    assert.equal(await env.sd.account.removeUser(org.token, bobId), 1);
    assert.ok(!(await env.sd.account.listUsers(org.token)).some((u) => u.userId === bobId));
  });

  test("addSharableOrg / removeSharableOrg / setMultilevelSharing", async () => {
    const other = await env.newOrg("partner");
    assert.equal(await env.sd.account.addSharableOrg(org.token, other.orgId), true);
    assert.equal(await env.sd.account.addSharableOrg(org.token, other.orgId), true, "idempotent");
    assert.deepEqual((await env.sd.account.getAccountInfo(org.token)).sharableOrgs, [other.orgId]);
    assert.equal(await env.sd.account.removeSharableOrg(org.token, other.orgId), true);
    assert.deepEqual((await env.sd.account.getAccountInfo(org.token)).sharableOrgs, []);

    assert.equal(await env.sd.account.setMultilevelSharing(org.token, true), true);
    assert.equal((await env.sd.account.getAccountInfo(org.token)).multilevelSharing, true);
    assert.equal(await env.sd.account.setMultilevelSharing(org.token, false), true);
  });

  test("setAccountInfo / setUserInfo, with the service's validation", async () => {
    assert.equal(await env.sd.account.setAccountInfo(org.token, "billing@example.com", "2 New Road"), true);
    const info = await env.sd.account.getAccountInfo(org.token);
    assert.equal(info.orgEmail, "billing@example.com");
    assert.equal(info.orgAddress, "2 New Road");
    await assert.rejects(env.sd.account.setAccountInfo(org.token, "not-an-email", "x"), codeIs("INVALID_ARGUMENT"));

    assert.equal(await env.sd.account.setUserInfo(org.token, "Admin Two", "admin2@example.com"), true);
    const me = await env.sd.account.getUserInfo(org.token);
    assert.equal(me.name, "Admin Two");
    assert.equal(me.email, "admin2@example.com");
    assert.equal(me.userId, org.adminId, "the user ID does not change");
  });

  test("changeUserPassword: the old one must match; the new one logs in", async () => {
    const user = await env.newUser(org);
    await assert.rejects(env.sd.account.changeUserPassword(user.token, "wrong old password", "whatever else"), StrongDocError);
    assert.equal(await env.sd.account.changeUserPassword(user.token, user.password, "a brand new password"), true);
    const token = await env.sd.login.login(user.userId, "a brand new password", org.orgId);
    assert.equal((await env.sd.account.getUserInfo(token)).userId, user.userId);
  });

  test("removeOrganization: refused without force while documents remain, then done with force", async () => {
    const doomed = await env.newOrg("doomed");
    await env.sd.document.uploadDocument(doomed.token, "keep.txt", Buffer.from("data"));
    await assert.rejects(env.sd.account.removeOrganization(doomed.token, false), StrongDocError);
    assert.equal(await env.sd.account.removeOrganization(doomed.token, true), true);
    await assert.rejects(env.sd.account.getUserInfo(doomed.token), StrongDocError);
  });

  test("a wrong token is UNAUTHENTICATED on every account call", async () => {
    const bad = "garbage.token.value";
    await assert.rejects(env.sd.account.getAccountInfo(bad), codeIs("UNAUTHENTICATED"));
    await assert.rejects(env.sd.account.getUserInfo(bad), codeIs("UNAUTHENTICATED"));
    await assert.rejects(env.sd.account.listUsers(bad), codeIs("UNAUTHENTICATED"));
    await assert.rejects(env.sd.account.setUserInfo(bad, "n", "e@x.test"), codeIs("UNAUTHENTICATED"));
  });
});
