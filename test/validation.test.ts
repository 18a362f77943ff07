// Bad arguments: every function rejects with a TypeError naming the argument, before any network
// I/O (the client here points at a port nothing listens on, so any I/O would fail differently).
import assert from "node:assert/strict";
import { Readable, Writable } from "node:stream";
import { describe, test } from "node:test";
import { createClient, configure, StrongDocError } from "../src/index";

// Port 1 on loopback: nothing listens, so a call that reached the network would be UNAVAILABLE.
const sd = createClient({ host: "127.0.0.1", port: 1, insecure: true, connectTimeoutMs: 200 });
const T = "some-token";
const buf = Buffer.from("x");
const out = () => new Writable({ write: (_c, _e, cb) => cb() });
const ended = () => {
  const w = out();
  w.end();
  return w;
};
const consumed = () => {
  const r = Readable.from([buf]);
  r.destroy();
  return r;
};

/** [label, call, argument name expected in the message] */
const cases: [string, () => Promise<unknown>, string][] = [
  // login
  ["login userId number", () => sd.login.login(1 as never, "pw", "org"), "userId"],
  ["login password undefined", () => sd.login.login("u", undefined as never, "org"), "password"],
  ["login orgId empty", () => sd.login.login("u", "pw", ""), "orgId"],
  ["logout token null", () => sd.login.logout(null as never), "token"],
  // account
  ["getAccountInfo token number", () => sd.account.getAccountInfo(42 as never), "token"],
  ["getUserInfo token empty", () => sd.account.getUserInfo(""), "token"],
  ["listUsers token object", () => sd.account.listUsers({} as never), "token"],
  ["registerUser name", () => sd.account.registerUser(T, 5 as never, "pw", "e@x.test", false), "name"],
  ["registerUser password", () => sd.account.registerUser(T, "n", null as never, "e@x.test", false), "password"],
  ["registerUser email", () => sd.account.registerUser(T, "n", "pw", [] as never, false), "email"],
  ["registerUser makeAdmin", () => sd.account.registerUser(T, "n", "pw", "e@x.test", "yes" as never), "makeAdmin"],
  ["removeUser userId", () => sd.account.removeUser(T, 7 as never), "userId"],
  ["promoteUser userId", () => sd.account.promoteUser(T, "" as never), "userId"],
  ["demoteUser userId", () => sd.account.demoteUser(T, undefined as never), "userId"],
  ["removeOrganization force", () => sd.account.removeOrganization(T, "true" as never), "force"],
  ["addSharableOrg orgId", () => sd.account.addSharableOrg(T, 1 as never), "orgId"],
  ["removeSharableOrg orgId", () => sd.account.removeSharableOrg(T, null as never), "orgId"],
  ["setMultilevelSharing enable", () => sd.account.setMultilevelSharing(T, 1 as never), "enable"],
  ["setAccountInfo orgEmail", () => sd.account.setAccountInfo(T, 1 as never, "addr"), "orgEmail"],
  ["setAccountInfo orgAddress", () => sd.account.setAccountInfo(T, "e@x.test", {} as never), "orgAddress"],
  ["setUserInfo name", () => sd.account.setUserInfo(T, null as never, "e@x.test"), "name"],
  ["setUserInfo email", () => sd.account.setUserInfo(T, "n", 3 as never), "email"],
  ["changeUserPassword oldPassword", () => sd.account.changeUserPassword(T, 1 as never, "b"), "oldPassword"],
  ["changeUserPassword newPassword", () => sd.account.changeUserPassword(T, "a", undefined as never), "newPassword"],
  // document
  ["uploadDocument token", () => sd.document.uploadDocument(undefined as never, "n", buf), "token"],
  ["uploadDocument docName", () => sd.document.uploadDocument(T, 1 as never, buf), "docName"],
  ["uploadDocument plaintext string", () => sd.document.uploadDocument(T, "n", "text" as never), "plaintext"],
  ["uploadDocument plaintext array", () => sd.document.uploadDocument(T, "n", [1, 2] as never), "plaintext"],
  ["uploadDocument plaintext ArrayBuffer", () => sd.document.uploadDocument(T, "n", new ArrayBuffer(2) as never), "plaintext"],
  ["uploadDocument plaintext destroyed stream", () => sd.document.uploadDocument(T, "n", consumed()), "plaintext"],
  ["downloadDocument docId", () => sd.document.downloadDocument(T, 5 as never), "docId"],
  ["downloadDocumentStream docId", () => sd.document.downloadDocumentStream(T, "", out()), "docId"],
  ["downloadDocumentStream output missing", () => sd.document.downloadDocumentStream(T, "d", undefined as never), "output"],
  ["downloadDocumentStream output Readable", () => sd.document.downloadDocumentStream(T, "d", Readable.from([]) as never), "output"],
  ["downloadDocumentStream output ended", () => sd.document.downloadDocumentStream(T, "d", ended()), "output"],
  ["encryptDocument plaintext", () => sd.document.encryptDocument(T, "n", 12 as never), "plaintext"],
  ["encryptDocument docName", () => sd.document.encryptDocument(T, null as never, buf), "docName"],
  ["encryptDocumentStream plaintext", () => sd.document.encryptDocumentStream(T, "n", {} as never, out()), "plaintext"],
  ["encryptDocumentStream output", () => sd.document.encryptDocumentStream(T, "n", buf, {} as never), "output"],
  ["decryptDocument ciphertext", () => sd.document.decryptDocument(T, "d", "abc" as never), "ciphertext"],
  ["decryptDocument docId", () => sd.document.decryptDocument(T, 0 as never, buf), "docId"],
  ["decryptDocumentStream ciphertext", () => sd.document.decryptDocumentStream(T, "d", null as never, out()), "ciphertext"],
  ["decryptDocumentStream output", () => sd.document.decryptDocumentStream(T, "d", buf, new Readable({ read() {} }) as never), "output"],
  ["listDocuments token", () => sd.document.listDocuments(Symbol("t") as never), "token"],
  ["removeDocument docId", () => sd.document.removeDocument(T, {} as never), "docId"],
  ["shareDocument docId", () => sd.document.shareDocument(T, 1 as never, "u"), "docId"],
  ["shareDocument userId", () => sd.document.shareDocument(T, "d", 1 as never), "userId"],
  ["unshareDocument userId", () => sd.document.unshareDocument(T, "d", "" as never), "userId"],
  // search
  ["search query", () => sd.search.search(T, 1 as never), "query"],
  ["search token", () => sd.search.search(null as never, "q"), "token"],
  // billing
  ["getBillingDetails at string", () => sd.billing.getBillingDetails(T, "2026-01-01" as never), "at"],
  ["getBillingDetails at invalid Date", () => sd.billing.getBillingDetails(T, new Date("nope")), "at"],
  ["getBillingDetails at number", () => sd.billing.getBillingDetails(T, 0 as never), "at"],
  ["getLargeTraffic at invalid Date", () => sd.billing.getLargeTraffic(T, new Date(NaN)), "at"],
  ["getLargeTraffic token", () => sd.billing.getLargeTraffic(1 as never), "token"],
  // tokens go into the `authorization` metadata: before, these failed inside grpc-js with a plain
  // Error (illegal metadata characters) or as INTERNAL "Received RST_STREAM with code 9" (5 MB)
  ["listDocuments token NUL", () => sd.document.listDocuments("a\u0000b"), "token"],
  ["listDocuments token lone surrogate", () => sd.document.listDocuments("\ud800"), "token"],
  ["listDocuments token 5 MB", () => sd.document.listDocuments("a".repeat(5_000_000)), "token"],
  ["listDocuments token 8 KiB + 1", () => sd.document.listDocuments("a".repeat(8193)), "token"],
  ["uploadDocument token newline", () => sd.document.uploadDocument("abc\ndef", "n", buf), "token"],
  ["downloadDocumentStream token space", () => sd.document.downloadDocumentStream("Bearer abc", "d", out()), "token"],
  ["encryptDocument token non-ASCII", () => sd.document.encryptDocument("tökén", "n", buf), "token"],
  ["decryptDocumentStream token DEL", () => sd.document.decryptDocumentStream("a\u007f", "d", buf, out()), "token"],
  ["logout token NUL", () => sd.login.logout("\u0000"), "token"],
  ["getAccountInfo token tab", () => sd.account.getAccountInfo("a\tb"), "token"],
  ["search token emoji", () => sd.search.search("\u{1F600}", "q"), "token"],
  ["getBillingDetails token 5 MB", () => sd.billing.getBillingDetails("x".repeat(5_000_000)), "token"],
  // strings with a lone surrogate: the encoder sent U+FFFD instead, so "a\ud800b" was stored as "a\ufffdb"
  ["uploadDocument docName lone high surrogate", () => sd.document.uploadDocument(T, "a\ud800b", buf), "docName"],
  ["encryptDocumentStream docName lone low surrogate", () => sd.document.encryptDocumentStream(T, "\udc00", buf, out()), "docName"],
  ["downloadDocument docId lone surrogate", () => sd.document.downloadDocument(T, "id\udbff"), "docId"],
  ["shareDocument userId reversed pair", () => sd.document.shareDocument(T, "d", "\udc00\ud800@x.test"), "userId"],
  ["login password lone surrogate", () => sd.login.login("u", "pass\ud83dword", "org"), "password"],
  ["registerUser name lone surrogate", () => sd.account.registerUser(T, "\ud800", "pw", "e@x.test", false), "name"],
  ["search query lone surrogate", () => sd.search.search(T, "caf\udce9"), "query"],
  // options
  ["options not an object", () => sd.document.listDocuments(T, 5 as never), "options"],
  ["options.timeoutMs negative", () => sd.document.listDocuments(T, { timeoutMs: -1 }), "options.timeoutMs"],
  ["options.timeoutMs string", () => sd.account.getUserInfo(T, { timeoutMs: "5" as never }), "options.timeoutMs"],
  ["options.signal not a signal", () => sd.document.downloadDocument(T, "d", { signal: {} as never }), "options.signal"],
  ["stream options.timeoutMs NaN", () => sd.document.uploadDocument(T, "n", buf, { timeoutMs: NaN }), "options.timeoutMs"],
  // Above 24 days: grpc-js threw "Deadline is too far in the future" out of any promise (1e15
  // killed the process); streams overflowed their timer into an immediate DEADLINE_EXCEEDED.
  ["options.timeoutMs 1e15 (unary)", () => sd.document.listDocuments(T, { timeoutMs: 1e15 }), "options.timeoutMs"],
  ["options.timeoutMs Infinity", () => sd.account.getUserInfo(T, { timeoutMs: Infinity }), "options.timeoutMs"],
  ["options.timeoutMs 2^31 (stream)", () => sd.document.downloadDocument(T, "d", { timeoutMs: 2 ** 31 }), "options.timeoutMs"],
  ["options.timeoutMs 24 days + 1 ms", () => sd.document.listDocuments(T, { timeoutMs: 2_073_600_001 }), "options.timeoutMs"],
  ["options.timeoutMs 1e15 (stream)", () => sd.document.encryptDocument(T, "n", buf, { timeoutMs: 1e15 }), "options.timeoutMs"],
];

describe("TypeError for every bad argument, before any I/O", () => {
  for (const [label, call, name] of cases) {
    test(label, async () => {
      await assert.rejects(call(), (err: Error) => {
        assert.ok(err instanceof TypeError, `expected TypeError, got ${err?.constructor?.name}: ${err?.message}`);
        assert.ok(err.message.startsWith(name), `message "${err.message}" should start with "${name}"`);
        return true;
      });
    });
  }

  test("client.connectToServerWithAuth needs a token; createClient/configure check their options", () => {
    assert.throws(() => sd.client.connectToServerWithAuth(undefined as never), /^TypeError: token/);
    assert.throws(() => sd.client.connectToServerWithAuth("a\u0000b"), /^TypeError: token must contain only visible ASCII characters .* U\+0000 at index 1$/);
    assert.throws(() => sd.client.connectToServerWithAuth("t".repeat(8193)), /^TypeError: token must be at most 8192 characters, got 8193$/);
    assert.throws(() => createClient({ port: 70000 }), /options\.port/);
    assert.throws(() => createClient({ host: 5 as never }), /options\.host/);
    assert.throws(() => createClient({ caPem: 5 as never }), /options\.caPem/);
    assert.throws(() => createClient({ insecure: "yes" as never }), /options\.insecure/);
    assert.throws(() => createClient({ connectTimeoutMs: 0 }), /options\.connectTimeoutMs/);
    assert.throws(() => createClient({ connectTimeoutMs: 2 ** 31 }), /^TypeError: options\.connectTimeoutMs .* at most 2073600000/);
    assert.throws(() => configure(null as never), /options must be an object/);
  });

  test("a good call on the same client does reach the network (UNAVAILABLE), proving the checks ran first", async () => {
    await assert.rejects(sd.document.listDocuments(T), (err) => err instanceof StrongDocError && err.codeName === "UNAVAILABLE");
    sd.close();
  });
});
