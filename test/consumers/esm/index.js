// Packaging smoke test (ES module): named and default imports of "strongdoc" from a consumer
// project, and a local behaviour (argument checks need no server). Prints one JSON line.
import assert from "node:assert/strict";
import { document, account, login, search, billing, client, StrongDocError, configure, createClient, close, FREQ_MONTHLY } from "strongdoc";
import strongdoc from "strongdoc";

assert.equal(typeof document.uploadDocument, "function");
assert.equal(typeof document.decryptDocumentStream, "function");
assert.equal(typeof account.getAccountInfo, "function");
assert.equal(typeof login.login, "function");
assert.equal(typeof search.search, "function");
assert.equal(typeof billing.getLargeTraffic, "function");
assert.equal(typeof client.connectToServerWithNoAuth, "function");
for (const fn of [configure, createClient, close]) assert.equal(typeof fn, "function");
assert.equal(FREQ_MONTHLY, "MONTHLY");
assert.equal(strongdoc.document, document, "default import is the CommonJS exports object");
assert.ok(new StrongDocError(16, "x") instanceof Error);
await assert.rejects(import("strongdoc/dist/src/client.js"), { code: "ERR_PACKAGE_PATH_NOT_EXPORTED" });

const sd = createClient({ host: "127.0.0.1", port: 1, insecure: true });
await assert.rejects(sd.document.downloadDocument("token", 42), (e) => e instanceof TypeError && /^docId/.test(e.message));
await assert.rejects(billing.getBillingDetails("token", new Date("nope")), TypeError);
close();
console.log(JSON.stringify({ ok: true, kind: "esm", exports: Object.keys(await import("strongdoc")).sort() }));
