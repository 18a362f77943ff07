// End-to-end billing through a real emulator over TLS with the real services: a fresh org's
// details and payment, costs that add up after real traffic and storage, NOT_FOUND outside the
// periods, frequency validation, and a large-traffic event produced by a real stream with a
// small threshold.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { status } from "@grpc/grpc-js";
import { TimeInterval } from "../../generated/billing";
import type { RunningEmulator } from "../src/index";
import { searchAndBillingServices } from "../src/search-billing-services";
import { call, connect, encrypt, expectCode, newOrg, newUser, start, upload, type Client } from "./helpers";

const THRESHOLD = 64 * 1024;
const MB = 1024 * 1024;

describe("Billing (end to end)", () => {
  let emu: RunningEmulator;
  let client: Client;

  before(async () => {
    emu = await start({ services: searchAndBillingServices, largeTrafficBytes: THRESHOLD });
    client = connect(emu);
  });
  after(async () => {
    client.close();
    await emu.stop();
  });

  it("gives a fresh organization a free current period, one payment and no large traffic", async () => {
    const before = Date.now();
    const org = await newOrg(client);
    const d = await call(client, "getBillingDetails", {}, org.md);
    assert.ok(d.periodStart.getTime() >= before - 1000 && d.periodStart.getTime() <= Date.now());
    const start = d.periodStart as Date;
    assert.deepEqual(d.periodEnd, new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1)));
    assert.equal(d.totalCost, 0);
    assert.equal(d.documents.tier, "Document Storage Free");
    assert.equal(d.search.tier, "Search Index Storage Free");
    assert.equal(d.traffic.tier, "Network Traffic Free");
    assert.equal(d.billingFrequency.frequency, TimeInterval.MONTHLY);
    assert.deepEqual(d.billingFrequency.validFrom, start);
    const info = await call(client, "getAccountInfo", {}, org.md);
    assert.equal(info.payments.length, 1);
    assert.equal(info.payments[0].status, "No Payment");
    assert.deepEqual((await call(client, "getLargeTraffic", {}, org.md)).largeTraffic, []);
  });

  it("meters real traffic and storage; the costs add up to the total", async () => {
    const org = await newOrg(client);
    await upload(client, org.md, "a.txt", Buffer.alloc(300 * 1024, "lorem ipsum "));
    await call(client, "listDocuments", {}, org.md);
    const d = await call(client, "getBillingDetails", { at: new Date() }, org.md);
    assert.ok(d.traffic.incoming >= 300 / 1024, `incoming ${d.traffic.incoming} MB`);
    assert.ok(d.traffic.outgoing > 0);
    assert.ok(d.documents.size >= 0);
    assert.equal(d.totalCost, d.documents.cost + d.search.cost + d.traffic.cost);
  });

  it("answers NOT_FOUND before registration and after the current period", async () => {
    const org = await newOrg(client);
    await expectCode(call(client, "getBillingDetails", { at: new Date("2001-01-01T00:00:00Z") }, org.md), status.NOT_FOUND, "at");
    await expectCode(call(client, "getLargeTraffic", { at: new Date(Date.now() + 400 * 24 * 3600 * 1000) }, org.md), status.NOT_FOUND, "at");
  });

  it("validates and schedules the next billing frequency", async () => {
    const org = await newOrg(client);
    await expectCode(call(client, "setNextBillingFrequency", { frequency: TimeInterval.UNDEFINED }, org.md), status.INVALID_ARGUMENT, "frequency");
    await expectCode(
      call(client, "setNextBillingFrequency", { frequency: TimeInterval.YEARLY, validFrom: new Date("2001-01-01T00:00:00Z") }, org.md),
      status.INVALID_ARGUMENT,
      "validFrom",
    );
    const { periodEnd } = await call(client, "getBillingDetails", {}, org.md);
    const next = await call(client, "setNextBillingFrequency", { frequency: TimeInterval.YEARLY, validFrom: new Date() }, org.md);
    assert.equal(next.nextBillingFrequency.frequency, TimeInterval.YEARLY);
    assert.deepEqual(next.nextBillingFrequency.validFrom, periodEnd);
    const list = (await call(client, "getBillingFrequencyList", {}, org.md)).billingFrequencyList;
    assert.deepEqual(list.map((f: { frequency: TimeInterval }) => f.frequency), [TimeInterval.MONTHLY, TimeInterval.YEARLY]);
  });

  it("reports a stream that crossed the large-traffic threshold, with the caller, kind and URI", async () => {
    const org = await newOrg(client);
    const bob = await newUser(client, org.md, org.orgId);
    await upload(client, org.md, "small.txt", Buffer.alloc(THRESHOLD / 2, 1)); // below the threshold
    await encrypt(client, bob.md, "big.bin", Buffer.alloc(THRESHOLD + 1024, 7), 16 * 1024, "pipelined");
    const r = await call(client, "getLargeTraffic", {}, org.md);
    assert.equal(r.largeTraffic.length, 1);
    const [event] = r.largeTraffic;
    assert.equal(event.userID, bob.userId);
    assert.equal(event.method, "STREAM");
    assert.equal(event.URI, "/proto.StrongDocService/EncryptDocumentStream");
    assert.ok(event.incoming >= THRESHOLD / MB && event.outgoing >= THRESHOLD / MB);
    assert.ok(event.time instanceof Date);
    const d = await call(client, "getBillingDetails", {}, org.md);
    assert.deepEqual(r.periodStart, d.periodStart);
  });
});
