// Tests for billing-period arithmetic: calendar boundaries in UTC (year rollover, exact
// boundaries) and walking periods across a frequency change.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TimeInterval } from "../../generated/billing";
import { nextBoundary, periodContaining } from "../src/billing/periods";

const d = (iso: string) => new Date(iso);
const iso = (p: { start: Date; end: Date } | undefined) => p && [p.start.toISOString(), p.end.toISOString()];

describe("periods", () => {
  it("finds the next calendar boundary strictly after an instant", () => {
    assert.deepEqual(nextBoundary(d("2026-12-15T23:00:00Z"), TimeInterval.MONTHLY), d("2027-01-01T00:00:00Z"));
    assert.deepEqual(nextBoundary(d("2026-01-01T00:00:00Z"), TimeInterval.MONTHLY), d("2026-02-01T00:00:00Z"));
    assert.deepEqual(nextBoundary(d("2026-01-31T23:59:59.999Z"), TimeInterval.MONTHLY), d("2026-02-01T00:00:00Z"));
    assert.deepEqual(nextBoundary(d("2026-01-01T00:00:00Z"), TimeInterval.YEARLY), d("2027-01-01T00:00:00Z"));
    assert.deepEqual(nextBoundary(d("2026-07-04T12:00:00Z"), TimeInterval.YEARLY), d("2027-01-01T00:00:00Z"));
  });

  it("walks monthly then yearly periods from registration", () => {
    const reg = d("2026-11-20T08:30:00Z");
    const changes = [
      { validFrom: reg, frequency: TimeInterval.MONTHLY },
      { validFrom: d("2027-01-01T00:00:00Z"), frequency: TimeInterval.YEARLY },
    ];
    assert.equal(periodContaining(reg, changes, d("2026-11-20T08:29:59.999Z")), undefined);
    assert.equal(periodContaining(reg, changes, new Date(NaN)), undefined);
    assert.deepEqual(iso(periodContaining(reg, changes, reg)), ["2026-11-20T08:30:00.000Z", "2026-12-01T00:00:00.000Z"]);
    assert.deepEqual(iso(periodContaining(reg, changes, d("2026-12-31T23:59:59.999Z"))), ["2026-12-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z"]);
    assert.deepEqual(iso(periodContaining(reg, changes, d("2027-01-01T00:00:00Z"))), ["2027-01-01T00:00:00.000Z", "2028-01-01T00:00:00.000Z"]);
    assert.equal(periodContaining(reg, changes, d("2030-05-05T00:00:00Z"))!.frequency, TimeInterval.YEARLY);
  });

  it("starts a yearly registration's first period at registration and ends it on 1 January", () => {
    const reg = d("2026-03-03T03:03:03Z");
    const p = periodContaining(reg, [{ validFrom: reg, frequency: TimeInterval.YEARLY }], d("2026-10-10T00:00:00Z"));
    assert.deepEqual(iso(p), ["2026-03-03T03:03:03.000Z", "2027-01-01T00:00:00.000Z"]);
  });
});
