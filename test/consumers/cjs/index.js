// Packaging smoke test (CommonJS): require("strongdoc") from a consumer project and check the
// public exports and a local behaviour (argument checks need no server). Prints one JSON line.
"use strict";
const assert = require("node:assert/strict");
const strongdoc = require("strongdoc");
const { account, document, login, search, billing, client, StrongDocError, configure, createClient, close } = strongdoc;

for (const [name, mod, fns] of [
  ["account", account, ["getAccountInfo", "getUserInfo", "listUsers", "registerUser", "removeUser", "promoteUser", "demoteUser", "removeOrganization", "addSharableOrg", "removeSharableOrg", "setMultilevelSharing", "setAccountInfo", "setUserInfo", "changeUserPassword"]],
  ["document", document, ["uploadDocument", "downloadDocument", "downloadDocumentStream", "encryptDocument", "encryptDocumentStream", "decryptDocument", "decryptDocumentStream", "listDocuments", "removeDocument", "shareDocument", "unshareDocument"]],
  ["login", login, ["login", "logout"]],
  ["search", search, ["search"]],
  ["billing", billing, ["getBillingDetails", "getLargeTraffic"]],
  ["client", client, ["connectToServerWithAuth", "connectToServerWithNoAuth"]],
]) {
  for (const fn of fns) assert.equal(typeof mod[fn], "function", `${name}.${fn}`);
}
assert.equal(billing.FREQ_MONTHLY, "MONTHLY");
assert.equal(strongdoc.FREQ_YEARLY, "YEARLY");
for (const fn of [configure, createClient, close]) assert.equal(typeof fn, "function");
const err = new StrongDocError(5, "x");
assert.ok(err instanceof Error && err instanceof StrongDocError && err.codeName === "NOT_FOUND");
assert.throws(() => require("strongdoc/dist/src/streams"), { code: "ERR_PACKAGE_PATH_NOT_EXPORTED" });

document.uploadDocument("token", "name", "not bytes").then(
  () => process.exit(1),
  (e) => {
    assert.ok(e instanceof TypeError && /^plaintext/.test(e.message));
    close();
    console.log(JSON.stringify({ ok: true, kind: "cjs", exports: Object.keys(strongdoc).sort() }));
  },
);
