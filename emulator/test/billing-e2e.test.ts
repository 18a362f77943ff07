// End-to-end billing through a real emulator over TLS with its default (real) services: a fresh org's
// details and payment, costs that add up after real traffic and storage, NOT_FOUND outside the
// periods, frequency validation, and a large-traffic event produced by a real stream with a
// small threshold.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { status } from "@grpc/grpc-js";
import { TimeInterval } from "../../generated/billing";
import { auth, call, connect, encrypt, expectCode, newOrg, newUser, start, upload, useEmulator } from "./helpers";

const THRESHOLD = 64 * 1024;
const MB = 1024 * 1024;

describe("Billing (end to end)", () => {

  const fx = useEmulator({ largeTrafficBytes: THRESHOLD });

  it("gives a fresh organization a free current period, one payment and no large traffic", async () => {
    const before = Date.now();
    const org = await newOrg(fx.client);
    const d = await call(fx.client, "getBillingDetails", {}, org.md);
    assert.ok(d.periodStart.getTime() >= before - 1000 && d.periodStart.getTime() <= Date.now());
    const start = d.periodStart as Date;
    assert.deepEqual(d.periodEnd, new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1)));
    assert.equal(d.totalCost, 0);
    assert.equal(d.documents.tier, "Document Storage Free");
    assert.equal(d.search.tier, "Search Index Storage Free");
    assert.equal(d.traffic.tier, "Network Traffic Free");
    assert.equal(d.billingFrequency.frequency, TimeInterval.MONTHLY);
    assert.deepEqual(d.billingFrequency.validFrom, start);
    const info = await call(fx.client, "getAccountInfo", {}, org.md);
    assert.equal(info.payments.length, 1);
    assert.equal(info.payments[0].status, "No Payment");
    assert.deepEqual((await call(fx.client, "getLargeTraffic", {}, org.md)).largeTraffic, []);
  });

  it("meters real traffic and storage; the costs add up to the total", async () => {
    const org = await newOrg(fx.client);
    await upload(fx.client, org.md, "a.txt", Buffer.alloc(300 * 1024, "lorem ipsum "));
    await call(fx.client, "listDocuments", {}, org.md);
    const d = await call(fx.client, "getBillingDetails", { at: new Date() }, org.md);
    assert.ok(d.traffic.incoming >= 300 / 1024, `incoming ${d.traffic.incoming} MB`);
    assert.ok(d.traffic.outgoing > 0);
    assert.ok(d.documents.size >= 0);
    assert.equal(d.totalCost, d.documents.cost + d.search.cost + d.traffic.cost);
  });

  it("answers NOT_FOUND before registration and after the current period", async () => {
    const org = await newOrg(fx.client);
    await expectCode(call(fx.client, "getBillingDetails", { at: new Date("2001-01-01T00:00:00Z") }, org.md), status.NOT_FOUND, "at");
    await expectCode(call(fx.client, "getLargeTraffic", { at: new Date(Date.now() + 400 * 24 * 3600 * 1000) }, org.md), status.NOT_FOUND, "at");
  });

  it("validates and schedules the next billing frequency", async () => {
    const org = await newOrg(fx.client);
    await expectCode(call(fx.client, "setNextBillingFrequency", { frequency: TimeInterval.UNDEFINED }, org.md), status.INVALID_ARGUMENT, "frequency");
    await expectCode(
      call(fx.client, "setNextBillingFrequency", { frequency: TimeInterval.YEARLY, validFrom: new Date("2001-01-01T00:00:00Z") }, org.md),
      status.INVALID_ARGUMENT,
      "validFrom",
    );
    const { periodEnd } = await call(fx.client, "getBillingDetails", {}, org.md);
    const next = await call(fx.client, "setNextBillingFrequency", { frequency: TimeInterval.YEARLY, validFrom: new Date() }, org.md);
    assert.equal(next.nextBillingFrequency.frequency, TimeInterval.YEARLY);
    assert.deepEqual(next.nextBillingFrequency.validFrom, periodEnd);
    const list = (await call(fx.client, "getBillingFrequencyList", {}, org.md)).billingFrequencyList;
    assert.deepEqual(list.map((f: { frequency: TimeInterval }) => f.frequency), [TimeInterval.MONTHLY, TimeInterval.YEARLY]);
  });

  it("follows the emulator clock across a month boundary: past period, payments, NOT_FOUND", async () => {
    let clock = Date.parse("2026-01-15T10:00:00Z");
    const timed = await start({ now: () => clock });
    const c = connect(timed);
    try {
      const org = await newOrg(c);
      await upload(c, org.md, "one-mib.txt", Buffer.alloc(MB, "a"));
      clock = Date.parse("2026-02-10T00:00:00Z");
      const { token } = await call(c, "login", { userID: org.adminId, password: org.password, orgID: org.orgId });
      const md = auth(token);
      const jan = await call(c, "getBillingDetails", { at: new Date("2026-01-20T00:00:00Z") }, md);
      assert.deepEqual([jan.periodStart, jan.periodEnd], [new Date("2026-01-15T10:00:00Z"), new Date("2026-02-01T00:00:00Z")]);
      const hours = (Date.parse("2026-02-01T00:00:00Z") - Date.parse("2026-01-15T10:00:00Z")) / 3_600_000;
      assert.equal(jan.documents.size, hours, "1 MB stored from upload to the end of the period");
      const feb = await call(c, "getBillingDetails", {}, md);
      assert.deepEqual(feb.periodStart, new Date("2026-02-01T00:00:00Z"));
      assert.equal(feb.documents.size, 9 * 24);
      const info = await call(c, "getAccountInfo", {}, md);
      assert.deepEqual(info.payments.map((p: { status: string }) => p.status), ["Zero Payment", "No Payment"]);
      await expectCode(call(c, "getBillingDetails", { at: new Date("2026-01-15T09:59:59Z") }, md), status.NOT_FOUND, "at");
      await expectCode(call(c, "getBillingDetails", { at: new Date("2026-03-01T00:00:00Z") }, md), status.NOT_FOUND, "at");
    } finally {
      c.close();
      await timed.stop();
    }
  });

  it("reports a stream that crossed the large-traffic threshold, with the caller, kind and URI", async () => {
    const org = await newOrg(fx.client);
    const bob = await newUser(fx.client, org.md, org.orgId);
    await upload(fx.client, org.md, "small.txt", Buffer.alloc(THRESHOLD / 2, 1)); // below the threshold
    await encrypt(fx.client, bob.md, "big.bin", Buffer.alloc(THRESHOLD + 1024, 7), 16 * 1024, "pipelined");
    const r = await call(fx.client, "getLargeTraffic", {}, org.md);
    assert.equal(r.largeTraffic.length, 1);
    const [event] = r.largeTraffic;
    assert.equal(event.userID, bob.userId);
    assert.equal(event.method, "STREAM");
    assert.equal(event.URI, "/proto.StrongDocService/EncryptDocumentStream");
    assert.ok(event.incoming >= THRESHOLD / MB && event.outgoing >= THRESHOLD / MB);
    assert.ok(event.time instanceof Date);
    const d = await call(fx.client, "getBillingDetails", {}, org.md);
    assert.deepEqual(r.periodStart, d.periodStart);
  });
});
