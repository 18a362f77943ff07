// The search and billing modules against a real emulator: ranked hits, billing details and large
// traffic (with a low large-traffic threshold), and "no period" as undefined.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { billing as defaultBilling, FREQ_MONTHLY, FREQ_YEARLY, StrongDocError } from "../src/index";
import { startTestEnv, type TestEnv, type TestOrg } from "./helpers/emulator";

let env: TestEnv;
let org: TestOrg;

before(async () => {
  env = await startTestEnv({ largeTrafficBytes: 100_000 });
  org = await env.newOrg("search");
});
after(() => env.stop());

describe("search", () => {
  test("finds uploaded and encrypt-only documents, best first, case-insensitively", async () => {
    const strong = await env.sd.document.uploadDocument(
      org.token,
      "turtles.txt",
      Buffer.from("Turtles everywhere. The turtle sleeps on turtles; TURTLES all the way down."),
    );
    const weak = await env.sd.document.uploadDocument(org.token, "zoo.txt", Buffer.from("A zoo with one turtle and many lions."));
    const { docId: noStore } = await env.sd.document.encryptDocument(org.token, "secret.txt", Buffer.from("quixotic pelican"));
    await env.sd.document.uploadDocument(org.token, "other.txt", Buffer.from("nothing relevant here"));

    const hits = await env.sd.search.search(org.token, "turtles");
    assert.ok(hits.length >= 1);
    assert.equal(hits[0]!.docId, strong);
    for (const h of hits) assert.equal(typeof h.score, "number");
    for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1]!.score >= hits[i]!.score, "best first");
    assert.ok(!hits.some((h) => h.docId === weak) || hits.findIndex((h) => h.docId === weak) > 0);

    assert.deepEqual((await env.sd.search.search(org.token, "PELICAN")).map((h) => h.docId), [noStore]);
    assert.deepEqual(await env.sd.search.search(org.token, "xylophone"), []);
  });

  test("another organization sees nothing; a wrong token is UNAUTHENTICATED", async () => {
    const other = await env.newOrg("other");
    assert.deepEqual(await env.sd.search.search(other.token, "turtles"), []);
    await assert.rejects(env.sd.search.search("bad-token", "x"), (e) => e instanceof StrongDocError && e.codeName === "UNAUTHENTICATED");
  });
});

describe("billing", () => {
  test("FREQ constants", () => {
    assert.equal(FREQ_MONTHLY, "MONTHLY");
    assert.equal(FREQ_YEARLY, "YEARLY");
    assert.equal(defaultBilling.FREQ_MONTHLY, "MONTHLY");
    assert.equal(env.sd.billing.FREQ_YEARLY, "YEARLY");
  });

  test("getBillingDetails: the current period, typed, with Dates", async () => {
    const bill = await env.sd.billing.getBillingDetails(org.token);
    assert.ok(bill);
    assert.ok(bill.periodStart instanceof Date && bill.periodEnd instanceof Date);
    assert.ok(bill.periodStart <= new Date() && new Date() < bill.periodEnd);
    assert.equal(typeof bill.totalCost, "number");
    assert.match(bill.documents.tier, /^Document Storage/);
    assert.match(bill.search.tier, /^Search Index Storage/);
    assert.match(bill.traffic.tier, /^Network Traffic/);
    assert.equal(typeof bill.traffic.incoming, "number");
    assert.equal(bill.billingFrequency.frequency, FREQ_MONTHLY);
    assert.ok(bill.billingFrequency.validFrom instanceof Date);
    const atNow = await env.sd.billing.getBillingDetails(org.token, new Date());
    assert.equal(atNow?.periodStart.getTime(), bill.periodStart.getTime());
  });

  test("no billing period at that time: undefined (NOT_FOUND), as the Python SDK's None", async () => {
    const longAgo = new Date("2001-01-01T00:00:00Z");
    assert.equal(await env.sd.billing.getBillingDetails(org.token, longAgo), undefined);
    assert.equal(await env.sd.billing.getLargeTraffic(org.token, longAgo), undefined);
  });

  test("getLargeTraffic lists transfers above the threshold", async () => {
    await env.sd.document.uploadDocument(org.token, "large.bin", Buffer.alloc(300_000, 1));
    const traffic = await env.sd.billing.getLargeTraffic(org.token);
    assert.ok(traffic);
    assert.ok(traffic.periodStart instanceof Date && traffic.periodEnd instanceof Date);
    assert.ok(traffic.largeTrafficList.length >= 1);
    const t = traffic.largeTrafficList[0]!;
    assert.ok(t.time instanceof Date);
    assert.equal(t.userId, org.adminId);
    assert.equal(typeof t.method, "string");
    assert.equal(typeof t.uri, "string");
    assert.ok(t.incoming > 0 || t.outgoing > 0);
  });

  test("admins only", async () => {
    const user = await env.newUser(org);
    await assert.rejects(env.sd.billing.getBillingDetails(user.token), (e) => e instanceof StrongDocError && e.codeName === "PERMISSION_DENIED");
    await assert.rejects(env.sd.billing.getLargeTraffic(user.token), (e) => e instanceof StrongDocError && e.codeName === "PERMISSION_DENIED");
  });
});
