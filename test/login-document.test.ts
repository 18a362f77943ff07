// The login module and the unary document functions against a real emulator: tokens, logout,
// list, remove, share and unshare, and the NOT_FOUND / UNAUTHENTICATED failures.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { StrongDocError } from "../src/index";
import { startTestEnv, type TestEnv, type TestOrg } from "./helpers/emulator";

let env: TestEnv;
let org: TestOrg;

before(async () => {
  env = await startTestEnv();
  org = await env.newOrg("docs");
});
after(() => env.stop());

function codeIs(codeName: string) {
  return (err: unknown) => err instanceof StrongDocError && err.codeName === codeName;
}

describe("login", () => {
  test("login returns a token; a wrong password is refused", async () => {
    const token = await env.sd.login.login(org.adminId, org.password, org.orgId);
    assert.equal(typeof token, "string");
    assert.ok(token.length > 10);
    await assert.rejects(env.sd.login.login(org.adminId, "wrong password", org.orgId), StrongDocError);
    await assert.rejects(env.sd.login.login("nobody@nowhere.test", org.password, org.orgId), StrongDocError);
  });

  test("logout returns the status text and revokes only that token", async () => {
    const a = await env.sd.login.login(org.adminId, org.password, org.orgId);
    const b = await env.sd.login.login(org.adminId, org.password, org.orgId);
    const status = await env.sd.login.logout(a);
    assert.match(status, /successfully logged out/);
    await assert.rejects(env.sd.document.listDocuments(a), codeIs("UNAUTHENTICATED"));
    await assert.rejects(env.sd.login.logout(a), codeIs("UNAUTHENTICATED"));
    assert.ok(Array.isArray(await env.sd.document.listDocuments(b)));
  });
});

describe("document (unary)", () => {
  test("listDocuments and removeDocument", async () => {
    const docId = await env.sd.document.uploadDocument(org.token, "to-remove.txt", Buffer.from("bye"));
    assert.ok((await env.sd.document.listDocuments(org.token)).some((d) => d.docId === docId));
    assert.equal(await env.sd.document.removeDocument(org.token, docId), true);
    assert.ok(!(await env.sd.document.listDocuments(org.token)).some((d) => d.docId === docId));
    await assert.rejects(env.sd.document.downloadDocument(org.token, docId), codeIs("NOT_FOUND"));
    await assert.rejects(env.sd.document.removeDocument(org.token, docId), codeIs("NOT_FOUND"));
  });

  test("documents made by encryptDocument are listed and removable", async () => {
    const { docId } = await env.sd.document.encryptDocument(org.token, "noStore.txt", Buffer.from("not stored"));
    const listed = (await env.sd.document.listDocuments(org.token)).find((d) => d.docId === docId);
    assert.equal(listed?.docName, "noStore.txt");
    assert.equal(await env.sd.document.removeDocument(org.token, docId), true);
  });

  test("shareDocument lets a user read; unshareDocument returns the count and takes access away", async () => {
    const docId = await env.sd.document.uploadDocument(org.token, "shared.txt", Buffer.from("for bob"));
    const bob = await env.newUser(org);
    await assert.rejects(env.sd.document.downloadDocument(bob.token, docId), StrongDocError);
    assert.equal(await env.sd.document.shareDocument(org.token, docId, bob.userId), true);
    assert.equal((await env.sd.document.downloadDocument(bob.token, docId)).toString(), "for bob");
    assert.ok((await env.sd.document.listDocuments(bob.token)).some((d) => d.docId === docId));
    assert.equal(await env.sd.document.unshareDocument(org.token, docId, bob.userId), 1);
    await assert.rejects(env.sd.document.downloadDocument(bob.token, docId), StrongDocError);
  });

  test("unknown docId and wrong token", async () => {
    await assert.rejects(env.sd.document.removeDocument(org.token, "no-such-doc"), codeIs("NOT_FOUND"));
    await assert.rejects(env.sd.document.shareDocument(org.token, "no-such-doc", org.adminId), codeIs("NOT_FOUND"));
    await assert.rejects(env.sd.document.listDocuments("wrong-token"), codeIs("UNAUTHENTICATED"));
    await assert.rejects(env.sd.document.removeDocument("wrong-token", "x"), codeIs("UNAUTHENTICATED"));
  });
});

describe("odd arguments reject only with TypeError or StrongDocError", () => {
  test("tokens: the longest (8 KiB) reaches the server; bad ones are TypeErrors; other strings are the server's to judge", async () => {
    // A well-formed but unknown token of the maximum length travels as metadata and is refused.
    await assert.rejects(env.sd.document.listDocuments("a".repeat(8192)), codeIs("UNAUTHENTICATED"));
    const docId = await env.sd.document.uploadDocument(org.token, "odd-args.txt", Buffer.from("odd"));
    const odd = ["a\u0000b", "\ud800", "x\ny", "é", "\u{1F600}", "z".repeat(5_000_000)];
    const calls: [string, () => Promise<unknown>][] = [];
    for (const s of odd) {
      const label = JSON.stringify(s.slice(0, 12));
      calls.push(
        [`token ${label}`, () => env.sd.document.listDocuments(s)],
        [`token ${label} (stream)`, () => env.sd.document.downloadDocument(s, docId)],
        [`docId ${label}`, () => env.sd.document.downloadDocument(org.token, s)],
        [`docId ${label} (remove)`, () => env.sd.document.removeDocument(org.token, s)],
        [`docName ${label}`, () => env.sd.document.encryptDocument(org.token, s, Buffer.from("x"))],
        [`userId ${label}`, () => env.sd.document.shareDocument(org.token, docId, s)],
        [`query ${label}`, () => env.sd.search.search(org.token, s)],
        [`login userId ${label}`, () => env.sd.login.login(s, "pw", org.orgId)],
        [`login orgId ${label}`, () => env.sd.login.login(org.adminId, s, s)],
      );
    }
    calls.push(
      ["billing at +275760", () => env.sd.billing.getBillingDetails(org.token, new Date(8.64e15))],
      ["billing at -271821", () => env.sd.billing.getLargeTraffic(org.token, new Date(-8.64e15))],
    );
    for (const [label, call] of calls) {
      try {
        await call();
      } catch (err) {
        assert.ok(
          err instanceof TypeError || err instanceof StrongDocError,
          `${label}: rejected with ${(err as Error)?.constructor?.name}: ${String((err as Error)?.message).slice(0, 200)}`,
        );
        if (label.startsWith("token")) assert.ok(err instanceof TypeError && /^token /.test(err.message), `${label}: ${err}`);
      }
    }
  });
});
