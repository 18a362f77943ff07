// The authorization matrix: every authenticated RPC refuses a missing, malformed, garbage,
// expired or revoked token with UNAUTHENTICATED; every admin RPC refuses a regular user with
// PERMISSION_DENIED; another org's documents and users are invisible; the no-auth RPCs ignore
// any authorization header; the Bearer scheme is case-insensitive.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import { SignJWT } from "jose";
import { StrongDocServiceService } from "../../generated/strongdoc";
import { BidiReader, auth, call, expectCode, newOrg, newUser, upload, useEmulator } from "./helpers";

const TTL = 3600;
let clockOffset = 0;

/** A sample request for every authenticated unary RPC. */
const UNARY_SAMPLES: Record<string, object> = {
  removeOrganization: { force: true },
  registerUser: { userName: "X", password: "p", email: "x@example.com", admin: false },
  listUsers: {},
  removeUser: { userID: "nobody@example.com" },
  promoteUser: { userID: "nobody@example.com" },
  demoteUser: { userID: "nobody@example.com" },
  listDocuments: {},
  removeDocument: { docID: "no-such-doc" },
  uploadDocument: { docName: "n", plaintext: "t" },
  downloadDocument: { docID: "no-such-doc" },
  encryptDocument: { docName: "n", plaintext: "t" },
  decryptDocument: { docID: "no-such-doc", ciphertext: "" },
  shareDocument: { docID: "no-such-doc", userID: "nobody@example.com" },
  unshareDocument: { docID: "no-such-doc", userID: "nobody@example.com" },
  logout: {},
  search: { query: "hello" },
  addSharableOrg: { newOrgID: "nope" },
  removeSharableOrg: { removeOrgID: "nope" },
  setMultiLevelSharing: { enable: true },
  setAccountInfo: { orgEmail: "o@example.com", orgAddress: "a" },
  getBillingDetails: {},
  getBillingFrequencyList: {},
  setNextBillingFrequency: { frequency: 1 },
  getLargeTraffic: {},
  getAccountInfo: {},
  getUserInfo: {},
  changeUserPassword: { oldPassword: "a", newPassword: "b" },
  setUserInfo: { name: "n", email: "n@example.com" },
  listCreditCards: {},
  addPaymentMethod: { pmID: "pm_1" },
  setDefaultPaymentMethod: { pmID: "pm_1" },
  removePaymentMethod: { pmID: "pm_1" },
};

const STREAMS = ["uploadDocumentStream", "downloadDocumentStream", "encryptDocumentStream", "decryptDocumentStream"];
const NO_AUTH = ["registerOrganization", "reactivateOrganization", "login"];
const ADMIN_ONLY = [
  "removeOrganization",
  "registerUser",
  "removeUser",
  "promoteUser",
  "demoteUser",
  "addSharableOrg",
  "removeSharableOrg",
  "setMultiLevelSharing",
  "setAccountInfo",
  "getBillingDetails",
  "getBillingFrequencyList",
  "setNextBillingFrequency",
  "getLargeTraffic",
  "getAccountInfo",
  "listCreditCards",
  "addPaymentMethod",
  "setDefaultPaymentMethod",
  "removePaymentMethod",
];

/** Invokes any authenticated RPC with `md`; resolves on success, rejects with the status. */
function invoke(name: string, md: grpc.Metadata): Promise<unknown> {
  switch (name) {
    case "uploadDocumentStream":
      return new Promise((resolve, reject) => {
        const s = fx.client.uploadDocumentStream(md, (err: grpc.ServiceError | null, res: unknown) => (err ? reject(err) : resolve(res)));
        s.write({ NameOrData: { $case: "docName", docName: "x" } });
        s.end();
      });
    case "downloadDocumentStream":
      return new Promise((resolve, reject) => {
        const s = fx.client.downloadDocumentStream({ docID: "no-such-doc" }, md);
        s.on("data", () => {});
        s.on("error", reject);
        s.on("end", resolve);
      });
    case "encryptDocumentStream":
    case "decryptDocumentStream": {
      const s = fx.client[name](md);
      const r = new BidiReader<any>(s);
      s.write(name === "encryptDocumentStream" ? { NameOrData: { $case: "docName", docName: "x" } } : { IdOrData: { $case: "docID", docID: "nope" } });
      s.end();
      return r.finished();
    }
    default:
      return call(fx.client, name, UNARY_SAMPLES[name]!, md);
  }
}

const AUTHENTICATED = [...Object.keys(UNARY_SAMPLES), ...STREAMS];

const fx = useEmulator({ now: () => Date.now() + clockOffset, tokenTtlSeconds: TTL });

test("the matrix covers all 39 RPCs", () => {
  const all = Object.keys(StrongDocServiceService).sort();
  assert.equal(all.length, 39);
  assert.deepEqual([...AUTHENTICATED, ...NO_AUTH].sort(), all);
});

describe("every authenticated RPC refuses a bad token with UNAUTHENTICATED", () => {
  const bad: [string, () => grpc.Metadata][] = [
    ["no authorization header", () => new grpc.Metadata()],
    ["empty header", () => auth(undefined, "")],
    ["wrong scheme", () => auth(undefined, "Basic dXNlcjpwdw==")],
    ["Bearer without token", () => auth(undefined, "Bearer")],
    ["garbage token", () => auth("not-a-jwt")],
    ["token signed with another secret", () => auth(forged)],
  ];
  let forged = "";
  before(async () => {
    forged = await new SignJWT({ org: "x" })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("strongdoc-emulator")
      .setSubject("a@example.com")
      .setJti("j")
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(new Uint8Array(32));
  });
  for (const [label, md] of bad) {
    test(label, async () => {
      for (const name of AUTHENTICATED) {
        await expectCode(invoke(name, md()), grpc.status.UNAUTHENTICATED).catch((e) => {
          throw new Error(`${name}: ${(e as Error).message}`);
        });
      }
    });
  }
});

test("an expired token is refused by every authenticated RPC", async () => {
  const org = await newOrg(fx.client);
  clockOffset = (TTL + 60) * 1000;
  try {
    for (const name of AUTHENTICATED) {
      await expectCode(invoke(name, org.md), grpc.status.UNAUTHENTICATED, "expired").catch((e) => {
        throw new Error(`${name}: ${(e as Error).message}`);
      });
    }
  } finally {
    clockOffset = 0;
  }
  // The same token works again once the clock is back: expiry, not corruption, was the reason.
  await call(fx.client, "listDocuments", {}, org.md);
});

test("a revoked token is refused by every authenticated RPC; other tokens stay valid", async () => {
  const org = await newOrg(fx.client);
  const second = await call(fx.client, "login", { userID: org.adminId, password: org.password, orgID: org.orgId });
  const res = await call(fx.client, "logout", {}, org.md);
  assert.match(res.status, /^You have successfully logged out on /);
  for (const name of AUTHENTICATED) {
    await expectCode(invoke(name, org.md), grpc.status.UNAUTHENTICATED, "revoked").catch((e) => {
      throw new Error(`${name}: ${(e as Error).message}`);
    });
  }
  await call(fx.client, "listDocuments", {}, auth(second.token));
  // Logging in again right away (no one-second wait) gives a working token.
  const third = await call(fx.client, "login", { userID: org.adminId, password: org.password, orgID: org.orgId });
  await call(fx.client, "listDocuments", {}, auth(third.token));
});

test("every admin RPC refuses a regular user with PERMISSION_DENIED", async () => {
  const org = await newOrg(fx.client);
  const user = await newUser(fx.client, org.md, org.orgId);
  for (const name of ADMIN_ONLY) {
    await expectCode(invoke(name, user.md), grpc.status.PERMISSION_DENIED, "administrator").catch((e) => {
      throw new Error(`${name}: ${(e as Error).message}`);
    });
  }
  // Nothing happened: the org and its admin are intact.
  const users = await call(fx.client, "listUsers", {}, org.md);
  assert.equal(users.orgUsers.length, 2);
  // Every non-admin RPC is open to the user (no PERMISSION_DENIED from the access check).
  for (const name of AUTHENTICATED.filter((n) => !ADMIN_ONLY.includes(n) && n !== "logout")) {
    try {
      await invoke(name, user.md);
    } catch (e) {
      assert.notEqual((e as grpc.ServiceError).code, grpc.status.PERMISSION_DENIED, `${name}: ${(e as grpc.ServiceError).details}`);
      assert.notEqual((e as grpc.ServiceError).code, grpc.status.UNAUTHENTICATED, `${name}: ${(e as grpc.ServiceError).details}`);
    }
  }
});

test("demotion takes effect at once on an existing token; removal from the org revokes access", async () => {
  const org = await newOrg(fx.client);
  const user = await newUser(fx.client, org.md, org.orgId, { admin: true });
  await call(fx.client, "getAccountInfo", {}, user.md);
  await call(fx.client, "demoteUser", { userID: user.userId }, org.md);
  await expectCode(call(fx.client, "getAccountInfo", {}, user.md), grpc.status.PERMISSION_DENIED);
  await call(fx.client, "removeUser", { userID: user.userId }, org.md);
  await expectCode(call(fx.client, "listDocuments", {}, user.md), grpc.status.UNAUTHENTICATED);
});

test("another organization's documents and users are out of reach", async () => {
  const a = await newOrg(fx.client);
  const b = await newOrg(fx.client);
  const aUser = await newUser(fx.client, a.md, a.orgId);
  const { docID } = await upload(fx.client, a.md, "secret.txt", Buffer.from("org A only"));
  const enc = await call(fx.client, "encryptDocument", { docName: "e", plaintext: "org A encrypted" }, a.md);
  await expectCode(call(fx.client, "downloadDocument", { docID }, b.md), grpc.status.NOT_FOUND);
  await expectCode(call(fx.client, "removeDocument", { docID }, b.md), grpc.status.NOT_FOUND);
  await expectCode(call(fx.client, "shareDocument", { docID, userID: b.adminId }, b.md), grpc.status.NOT_FOUND);
  await expectCode(call(fx.client, "decryptDocument", { docID: enc.docID, ciphertext: enc.ciphertext }, b.md), grpc.status.NOT_FOUND);
  await expectCode(call(fx.client, "removeUser", { userID: aUser.userId }, b.md), grpc.status.NOT_FOUND);
  await expectCode(call(fx.client, "promoteUser", { userID: aUser.userId }, b.md), grpc.status.NOT_FOUND);
  assert.deepEqual((await call(fx.client, "listDocuments", {}, b.md)).documents, []);
  assert.deepEqual(
    (await call(fx.client, "listUsers", {}, b.md)).orgUsers.map((u: any) => u.userID),
    [b.adminId],
  );
  // A token for org A cannot be used to act in org B: it is scoped to its org.
  await expectCode(call(fx.client, "login", { userID: a.adminId, password: a.password, orgID: b.orgId }), grpc.status.UNAUTHENTICATED);
});

test("no-auth RPCs ignore any authorization header; the scheme is case-insensitive", async () => {
  const org = await newOrg(fx.client);
  for (const header of ["Bearer null", "bearer garbage", "Basic abc", "Bearer " + org.token]) {
    const res = await call(fx.client, "login", { userID: org.adminId, password: org.password, orgID: org.orgId }, auth(undefined, header));
    assert.ok(res.token.length > 20);
  }
  const reg = await call(
    fx.client,
    "registerOrganization",
    { orgName: `hdr-${Date.now()}`, userName: "A", password: "pw", adminEmail: `hdr-${Date.now()}@example.com` },
    auth(undefined, "Bearer null"),
  );
  assert.ok(reg.orgID.startsWith("hdr-"));
  await expectCode(
    call(fx.client, "reactivateOrganization", { orgName: org.orgId, adminEmail: org.adminId, password: "wrong" }, auth(undefined, "Bearer null")),
    grpc.status.UNAUTHENTICATED,
  );
  for (const scheme of ["bearer", "BEARER", "BeArEr"]) {
    await call(fx.client, "listDocuments", {}, auth(undefined, `${scheme} ${org.token}`));
  }
});

test("tokens die with their org or user: re-registering the same names does not revive them", async () => {
  const org = await newOrg(fx.client);
  const user = await newUser(fx.client, org.md, org.orgId);
  const password = org.password;
  await call(fx.client, "removeOrganization", { force: true }, org.md);
  // Same org name, same admin email and password, same user email: a new incarnation.
  await call(fx.client, "registerOrganization", { orgName: org.orgId, userName: "A", password, adminEmail: org.adminId });
  const { token } = await call(fx.client, "login", { userID: org.adminId, password, orgID: org.orgId });
  await call(fx.client, "registerUser", { userName: "U", password: "pw-user-1", email: user.userId }, auth(token));
  await expectCode(call(fx.client, "listDocuments", {}, org.md), grpc.status.UNAUTHENTICATED);
  await expectCode(call(fx.client, "listDocuments", {}, user.md), grpc.status.UNAUTHENTICATED);
  await call(fx.client, "listDocuments", {}, auth(token));
});
