// Billing-period arithmetic. Periods follow the calendar in UTC, like the hosted service's: the
// first period runs from registration to the next 1st of the month (monthly) or 1st of January
// (yearly), and each later period is one whole calendar month or year.

import { TimeInterval } from "../../../generated/billing";

/** A half-open billing period `[start, end)` and the frequency that shaped it. */
export interface BillingPeriod {
  /** First instant of the period. */
  start: Date;
  /** First instant after the period. */
  end: Date;
  /** MONTHLY or YEARLY. */
  frequency: TimeInterval;
}

/**
 * The first period boundary strictly after `t`: the next 1st of a month (MONTHLY) or of January
 * (YEARLY), at 00:00 UTC.
 *
 * @example
 * ```ts
 * nextBoundary(new Date("2026-03-15T10:00Z"), TimeInterval.MONTHLY); // 2026-04-01T00:00Z
 * ```
 */
export function nextBoundary(t: Date, frequency: TimeInterval): Date {
  const year = t.getUTCFullYear();
  if (frequency === TimeInterval.YEARLY) return new Date(Date.UTC(year + 1, 0, 1));
  return new Date(Date.UTC(year, t.getUTCMonth() + 1, 1));
}

/** A frequency change: `frequency` is in force from `validFrom` on. */
export interface FrequencyChange {
  /** When it takes effect (a period boundary, or the registration instant). */
  validFrom: Date;
  /** MONTHLY or YEARLY. */
  frequency: TimeInterval;
}

/**
 * Walks the periods from `registeredAt` and returns the one containing `at`, or `undefined` when
 * `at` is before registration (or not a valid time). `changes` must be sorted by `validFrom`, the first at registration.
 */
export function periodContaining(registeredAt: Date, changes: readonly FrequencyChange[], at: Date): BillingPeriod | undefined {
  if (!(at.getTime() >= registeredAt.getTime())) return undefined; // also false for an invalid date
  let start = registeredAt;
  let c = 0; // index of the change in force at `start`
  for (;;) {
    while (c + 1 < changes.length && changes[c + 1].validFrom.getTime() <= start.getTime()) c++;
    const frequency = changes[c]?.frequency ?? TimeInterval.MONTHLY;
    let end = nextBoundary(start, frequency);
    const next = changes[c + 1];
    if (next && next.validFrom.getTime() < end.getTime()) end = next.validFrom;
    if (at.getTime() < end.getTime()) return { start, end, frequency };
    start = end;
  }
}
