// Tests for billing: period boundaries (monthly, yearly, before registration, after the current
// period), frequency scheduling and its validation, storage MB-hours, traffic, costs that add up,
// large traffic at a threshold, payments and subscription.

import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { status } from "@grpc/grpc-js";
import { TimeInterval } from "../../generated/billing";
import { ApiError } from "../src/errors";
import { BillingService } from "../src/billing/billing-service";
import { DEFAULT_LARGE_TRAFFIC_BYTES, UsageMeter } from "../src/billing/usage-meter";
import { SearchIndex } from "../src/search/search-index";
import { addDocumentRow, openTestDb, type TestDb } from "./search-fixtures";

const MB = 1024 * 1024;
const HOUR = 3_600_000;
const d = (iso: string) => new Date(iso);
const isApiError = (code: status, field: string) => (e: unknown) =>
  e instanceof ApiError && e.code === code && e.message.startsWith(`${field}: `);

describe("BillingService", () => {
  let t: TestDb;
  let now: Date;
  let meter: UsageMeter;
  let billing: BillingService;
  const REG = d("2026-01-15T10:00:00.000Z");

  beforeEach(() => {
    t = openTestDb();
    now = REG;
    meter = new UsageMeter(t.db, { largeTrafficBytes: 1000 });
    billing = new BillingService(t.db, meter, { clock: () => now });
    billing.onOrganizationRegistered("acme", REG);
  });
  afterEach(() => t.close());

  it("gives a fresh organization a free first period from registration to the next 1st of the month", () => {
    const r = billing.getBillingDetails("acme");
    assert.deepEqual(r.periodStart, REG);
    assert.deepEqual(r.periodEnd, d("2026-02-01T00:00:00Z"));
    assert.equal(r.totalCost, 0);
    assert.deepEqual(r.documents, { size: 0, cost: 0, tier: "Document Storage Free" });
    assert.deepEqual(r.search, { size: 0, cost: 0, tier: "Search Index Storage Free" });
    assert.deepEqual(r.traffic, { incoming: 0, outgoing: 0, cost: 0, tier: "Network Traffic Free" });
    assert.deepEqual(r.billingFrequency, { frequency: TimeInterval.MONTHLY, validFrom: REG, validTo: undefined });
    assert.deepEqual(billing.getLargeTraffic("acme"), { largeTraffic: [], periodStart: REG, periodEnd: d("2026-02-01T00:00:00Z") });
    const payments = billing.getPayments("acme");
    assert.equal(payments.length, 1);
    assert.deepEqual(payments[0], { billedAt: REG, periodStart: REG, periodEnd: d("2026-02-01T00:00:00Z"), amount: 0, status: "No Payment" });
  });

  it("walks calendar-month periods and refuses instants outside [registration, end of current period)", () => {
    now = d("2026-03-10T12:00:00Z");
    const period = (at: string) => {
      const r = billing.getBillingDetails("acme", d(at));
      return [r.periodStart!.toISOString(), r.periodEnd!.toISOString()];
    };
    assert.deepEqual(period("2026-01-15T10:00:00.000Z"), ["2026-01-15T10:00:00.000Z", "2026-02-01T00:00:00.000Z"]);
    assert.deepEqual(period("2026-01-31T23:59:59.999Z"), ["2026-01-15T10:00:00.000Z", "2026-02-01T00:00:00.000Z"]);
    assert.deepEqual(period("2026-02-01T00:00:00.000Z"), ["2026-02-01T00:00:00.000Z", "2026-03-01T00:00:00.000Z"]);
    assert.deepEqual(period("2026-03-31T23:59:59.999Z"), ["2026-03-01T00:00:00.000Z", "2026-04-01T00:00:00.000Z"]);
    for (const at of ["2026-01-15T09:59:59.999Z", "2020-01-01T00:00:00Z", "2026-04-01T00:00:00.000Z", "2099-01-01T00:00:00Z"]) {
      assert.throws(() => billing.getBillingDetails("acme", d(at)), isApiError(status.NOT_FOUND, "at"), at);
      assert.throws(() => billing.getLargeTraffic("acme", d(at)), isApiError(status.NOT_FOUND, "at"), at);
    }
    assert.throws(() => billing.getBillingDetails("acme", new Date(NaN)), isApiError(status.NOT_FOUND, "at"));
  });

  it("switches to yearly periods at the next boundary and lists the frequencies", () => {
    now = d("2026-01-20T00:00:00Z");
    const next = billing.setNextBillingFrequency("acme", TimeInterval.YEARLY);
    assert.deepEqual(next.nextBillingFrequency, { frequency: TimeInterval.YEARLY, validFrom: d("2026-02-01T00:00:00Z"), validTo: undefined });
    assert.equal(billing.getBillingDetails("acme").billingFrequency!.frequency, TimeInterval.MONTHLY, "current period unchanged");

    now = d("2027-06-01T00:00:00Z");
    const span = (at: string) => {
      const r = billing.getBillingDetails("acme", d(at));
      return [r.periodStart!.toISOString(), r.periodEnd!.toISOString(), r.billingFrequency!.frequency];
    };
    assert.deepEqual(span("2026-01-16T00:00:00Z"), ["2026-01-15T10:00:00.000Z", "2026-02-01T00:00:00.000Z", TimeInterval.MONTHLY]);
    assert.deepEqual(span("2026-07-04T00:00:00Z"), ["2026-02-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z", TimeInterval.YEARLY]);
    assert.deepEqual(span("2027-12-31T23:59:59Z"), ["2027-01-01T00:00:00.000Z", "2028-01-01T00:00:00.000Z", TimeInterval.YEARLY]);
    assert.throws(() => billing.getBillingDetails("acme", d("2028-01-01T00:00:00Z")), isApiError(status.NOT_FOUND, "at"));

    assert.deepEqual(billing.getBillingFrequencyList("acme").billingFrequencyList, [
      { frequency: TimeInterval.MONTHLY, validFrom: REG, validTo: d("2026-02-01T00:00:00Z") },
      { frequency: TimeInterval.YEARLY, validFrom: d("2026-02-01T00:00:00Z"), validTo: undefined },
    ]);
    assert.equal(billing.getPayments("acme").length, 3, "Jan 2026 (monthly), 2026 rest (yearly), 2027 (current)");
  });

  it("validates SetNextBillingFrequency leniently: any present or future validFrom, moved to a boundary", () => {
    now = d("2026-01-20T12:00:00Z");
    const set = (f: TimeInterval, from?: Date) => billing.setNextBillingFrequency("acme", f, from).nextBillingFrequency;
    assert.throws(() => set(TimeInterval.UNDEFINED), isApiError(status.INVALID_ARGUMENT, "frequency"));
    assert.throws(() => set(TimeInterval.UNRECOGNIZED), isApiError(status.INVALID_ARGUMENT, "frequency"));
    assert.throws(() => set(7 as TimeInterval), isApiError(status.INVALID_ARGUMENT, "frequency"));
    assert.throws(() => set(TimeInterval.YEARLY, d("2026-01-19T12:00:00Z")), isApiError(status.INVALID_ARGUMENT, "validFrom"));
    assert.throws(() => set(TimeInterval.YEARLY, d("2999-01-01T00:00:00Z")), isApiError(status.INVALID_ARGUMENT, "validFrom"));
    assert.throws(() => set(TimeInterval.YEARLY, new Date(NaN)), isApiError(status.INVALID_ARGUMENT, "validFrom"));

    // Node passes `new Date()` (a moment ago by the time it arrives) and the period end; Go, now + 2 months.
    assert.deepEqual(set(TimeInterval.YEARLY, new Date(now.getTime() - 1000))!.validFrom, d("2026-02-01T00:00:00Z"));
    assert.deepEqual(set(TimeInterval.YEARLY, d("2026-02-01T00:00:00Z"))!.validFrom, d("2026-02-01T00:00:00Z"));
    assert.deepEqual(set(TimeInterval.YEARLY, d("2026-03-20T12:00:00Z"))!.validFrom, d("2026-04-01T00:00:00Z"));
    assert.equal(billing.getBillingFrequencyList("acme").billingFrequencyList.length, 2, "a new request replaces the pending one");
    assert.equal(set(TimeInterval.MONTHLY)!.frequency, TimeInterval.MONTHLY);
    assert.equal(billing.getBillingFrequencyList("acme").billingFrequencyList.length, 1, "same as current: pending change cancelled");
  });

  it("integrates stored bytes over time into MB-hours and prices them by tier; costs add up", async () => {
    const index = new SearchIndex(t.db, { clock: () => now });
    meter.recordStorage("acme", 1024 * MB, REG); // 1 GiB for the whole time
    meter.recordStorage("acme", 512 * MB, new Date(REG.getTime() + 100 * HOUR)); // +0.5 GiB for the last 100 h
    addDocumentRow(t.db, "doc", "acme", "ann@acme.com");
    await index.indexDocument("doc", "acme", Buffer.from("x".repeat(2 * MB))); // 2 MB of indexed text from REG
    meter.recordCall({ orgId: "acme", userId: "ann@acme.com", kind: "STREAM", uri: "/proto.StrongDocService/UploadDocumentStream", bytesIn: 1536 * MB, bytesOut: 100, at: REG });
    meter.recordCall({ orgId: "acme", userId: "ann@acme.com", kind: "UNARY", uri: "/proto.StrongDocService/ListDocuments", bytesIn: 100, bytesOut: 512 * MB - 200, at: REG });
    meter.recordStorage("other", 1e12, REG); // another organization's usage never counts

    now = new Date(REG.getTime() + 200 * HOUR);
    const r = billing.getBillingDetails("acme");
    assert.equal(r.documents!.size, 1024 * 200 + 512 * 100);
    assert.equal(r.documents!.tier, "Document Storage Low");
    assert.ok(Math.abs(r.documents!.cost - (1024 * 200 + 512 * 100 - 100_000) * 0.0000003) < 1e-12);
    assert.equal(r.search!.size, 2 * 200);
    assert.equal(r.search!.tier, "Search Index Storage Free");
    assert.equal(r.search!.cost, 0);
    assert.equal(r.traffic!.incoming, 1536 + 100 / MB);
    assert.equal(r.traffic!.outgoing, 512 - 100 / MB);
    assert.equal(r.traffic!.tier, "Network Traffic Low");
    assert.ok(Math.abs(r.traffic!.cost - (2048 - 1024) * 0.0001) < 1e-9);
    assert.equal(r.totalCost, r.documents!.cost + r.search!.cost + r.traffic!.cost);
    assert.ok(r.totalCost > 0);
  });

  it("splits storage between periods and stops counting when bytes are freed", () => {
    meter.recordStorage("acme", 10 * MB, d("2026-01-31T00:00:00Z"));
    meter.recordStorage("acme", -10 * MB, d("2026-02-01T05:00:00Z"));
    now = d("2026-03-05T00:00:00Z");
    assert.equal(billing.getBillingDetails("acme", d("2026-01-20T00:00:00Z")).documents!.size, 10 * 24);
    assert.equal(billing.getBillingDetails("acme", d("2026-02-20T00:00:00Z")).documents!.size, 10 * 5);
    assert.equal(billing.getBillingDetails("acme").documents!.size, 0);
  });

  it("lists calls that reached the large-traffic threshold in either direction, in the period only", () => {
    const call = (bytesIn: number, bytesOut: number, at: string, orgId = "acme") =>
      meter.recordCall({ orgId, userId: "ann@acme.com", kind: "STREAM", uri: "/proto.StrongDocService/EncryptDocumentStream", bytesIn, bytesOut, at: d(at) });
    call(999, 999, "2026-01-16T00:00:00Z");
    call(1000, 0, "2026-01-16T00:00:01Z");
    call(0, 5000, "2026-01-16T00:00:02Z");
    call(5000, 5000, "2026-01-16T00:00:03Z", "other");
    call(5000, 5000, "2026-02-02T00:00:00Z");
    now = d("2026-02-10T00:00:00Z");
    const r = billing.getLargeTraffic("acme", d("2026-01-20T00:00:00Z"));
    assert.deepEqual(r.periodStart, REG);
    assert.deepEqual(r.largeTraffic, [
      { time: d("2026-01-16T00:00:01Z"), userID: "ann@acme.com", method: "STREAM", URI: "/proto.StrongDocService/EncryptDocumentStream", incoming: 1000 / MB, outgoing: 0 },
      { time: d("2026-01-16T00:00:02Z"), userID: "ann@acme.com", method: "STREAM", URI: "/proto.StrongDocService/EncryptDocumentStream", incoming: 0, outgoing: 5000 / MB },
    ]);
    assert.equal(billing.getLargeTraffic("acme").largeTraffic.length, 1);
  });

  it("bills finished periods in payments", () => {
    meter.recordCall({ orgId: "acme", userId: "u", kind: "UNARY", uri: "/x", bytesIn: 2048 * MB, bytesOut: 0, at: d("2026-02-03T00:00:00Z") });
    now = d("2026-03-05T00:00:00Z");
    const p = billing.getPayments("acme");
    assert.deepEqual(p.map((x) => [x.periodStart!.toISOString().slice(0, 10), x.status]), [
      ["2026-01-15", "Zero Payment"], ["2026-02-01", "Payment Pending"], ["2026-03-01", "No Payment"],
    ]);
    assert.ok(Math.abs(p[1].amount - 1024 * 0.0001) < 1e-9);
    assert.deepEqual(p[1].billedAt, d("2026-03-01T00:00:00Z"));
  });

  it("knows organizations registered before billing was wired in, and forgets removed ones", () => {
    assert.throws(() => billing.getBillingDetails("nobody"), isApiError(status.NOT_FOUND, "orgID"));
    t.db.prepare("INSERT INTO orgs (org_id, created_at) VALUES ('early', ?)").run(REG.getTime() - HOUR);
    assert.deepEqual(billing.getBillingDetails("early").periodStart, new Date(REG.getTime() - HOUR));
    assert.deepEqual(billing.getSubscription("acme", "Test Active"), { type: "Test Active", status: "Subscribed" });
    billing.onOrganizationRemoved("acme");
    assert.throws(() => billing.getPayments("acme"), isApiError(status.NOT_FOUND, "orgID"));
  });
});

describe("UsageMeter", () => {
  it("defaults the large-traffic threshold to 512 MB and rejects nonsense", () => {
    const t = openTestDb();
    try {
      assert.equal(new UsageMeter(t.db).largeTrafficBytes, 512 * MB);
      assert.equal(DEFAULT_LARGE_TRAFFIC_BYTES, 536_870_912);
      for (const bad of [0, -1, 1.5, NaN, Infinity]) {
        assert.throws(() => new UsageMeter(t.db, { largeTrafficBytes: bad }), RangeError);
      }
    } finally {
      t.close();
    }
  });
});
