// Each organization's billing schedule: when it registered (the first period starts then) and
// which frequency (MONTHLY or YEARLY) is in force from when. Changes take effect at period
// boundaries; at most one change is pending at a time (a new request replaces it).

import type { Database, Statement } from "better-sqlite3";
import { TimeInterval, type BillingFrequency } from "../../../generated/billing";
import { invalidArgument, notFound } from "../errors";
import { ensureBillingSchema } from "./billing-schema";
import { nextBoundary, periodContaining, type BillingPeriod, type FrequencyChange } from "./periods";

/** How far in the past a requested `validFrom` may be and still count as "now" (client clock skew). */
export const VALID_FROM_SKEW_MS = 5 * 60 * 1000;

/** How far ahead a frequency change may be scheduled. */
export const MAX_SCHEDULE_AHEAD_YEARS = 100;

/** One organization's schedule, read from the database. */
export interface Schedule {
  /** Start of the first period. */
  registeredAt: Date;
  /** Frequency changes, oldest first; the first is at `registeredAt`. */
  changes: FrequencyChange[];
}

/** Reads and changes billing schedules. */
export class FrequencySchedule {
  private readonly db: Database;
  private readonly stmts: Record<string, Statement>;

  /** @param db - the emulator's database; the billing tables are created if absent. */
  constructor(db: Database) {
    ensureBillingSchema(db);
    this.db = db;
    this.stmts = {
      insertAccount: db.prepare("INSERT OR IGNORE INTO billing_accounts (org_id, registered_at) VALUES (?, ?)"),
      insertChange: db.prepare("INSERT OR REPLACE INTO billing_frequencies (org_id, valid_from, frequency) VALUES (?, ?, ?)"),
      account: db.prepare("SELECT registered_at FROM billing_accounts WHERE org_id = ?"),
      changes: db.prepare("SELECT valid_from, frequency FROM billing_frequencies WHERE org_id = ? ORDER BY valid_from"),
      dropPending: db.prepare("DELETE FROM billing_frequencies WHERE org_id = ? AND valid_from > ?"),
      orgCreated: db.prepare("SELECT created_at FROM orgs WHERE org_id = ?"),
      forgetAccount: db.prepare("DELETE FROM billing_accounts WHERE org_id = ?"),
      forgetChanges: db.prepare("DELETE FROM billing_frequencies WHERE org_id = ?"),
    };
  }

  /** Opens a schedule: MONTHLY from `at` (idempotent: an existing schedule is kept). */
  open(orgId: string, at: Date): void {
    this.db.transaction(() => {
      if (this.stmts.insertAccount.run(orgId, at.getTime()).changes > 0) {
        this.stmts.insertChange.run(orgId, at.getTime(), TimeInterval.MONTHLY);
      }
    })();
  }

  /** Deletes a schedule. */
  close(orgId: string): void {
    this.db.transaction(() => {
      this.stmts.forgetAccount.run(orgId);
      this.stmts.forgetChanges.run(orgId);
    })();
  }

  /**
   * The organization's schedule. An organization registered before billing was wired in gets one
   * opened at its `orgs.created_at`.
   *
   * @throws ApiError NOT_FOUND when the organization is unknown.
   */
  get(orgId: string): Schedule {
    let account = this.stmts.account.get(orgId) as { registered_at: number } | undefined;
    if (!account) {
      const org = this.stmts.orgCreated.get(orgId) as { created_at: number } | undefined;
      if (!org) throw notFound("orgID", `no billing account for organization ${orgId}`);
      this.open(orgId, new Date(org.created_at));
      account = { registered_at: org.created_at };
    }
    const rows = this.stmts.changes.all(orgId) as { valid_from: number; frequency: TimeInterval }[];
    return {
      registeredAt: new Date(account.registered_at),
      changes: rows.map((r) => ({ validFrom: new Date(r.valid_from), frequency: r.frequency })),
    };
  }

  /** The period containing `at`, or `undefined` if `at` is before registration. */
  period(schedule: Schedule, at: Date): BillingPeriod | undefined {
    return periodContaining(schedule.registeredAt, schedule.changes, at);
  }

  /** Every change as a BillingFrequency, `validTo` being the next change's `validFrom` (unset for the last). */
  list(schedule: Schedule): BillingFrequency[] {
    return schedule.changes.map((c, i) => ({
      frequency: c.frequency,
      validFrom: c.validFrom,
      validTo: schedule.changes[i + 1]?.validFrom,
    }));
  }

  /** The BillingFrequency in force at `at`. */
  inForce(schedule: Schedule, at: Date): BillingFrequency {
    const list = this.list(schedule);
    let i = 0;
    while (i + 1 < list.length && list[i + 1].validFrom!.getTime() <= at.getTime()) i++;
    return list[i];
  }

  /**
   * Schedules `frequency` from the first period boundary at or after `validFrom` (default: the end
   * of the current period), replacing any change still pending. Choosing the frequency already in
   * force just cancels a pending change.
   *
   * @returns the scheduled frequency, `validFrom` being the boundary it takes effect at.
   * @throws ApiError INVALID_ARGUMENT for a frequency other than MONTHLY/YEARLY (field
   *   `frequency`), or a `validFrom` in the past (beyond {@link VALID_FROM_SKEW_MS}), invalid, or
   *   more than {@link MAX_SCHEDULE_AHEAD_YEARS} years ahead (field `validFrom`).
   */
  setNext(orgId: string, frequency: TimeInterval, validFrom: Date | undefined, now: Date): BillingFrequency {
    if (frequency !== TimeInterval.MONTHLY && frequency !== TimeInterval.YEARLY) {
      throw invalidArgument("frequency", "must be MONTHLY or YEARLY");
    }
    const requested = validFrom ?? now;
    const t = requested.getTime();
    if (Number.isNaN(t)) throw invalidArgument("validFrom", "is not a valid time");
    if (t < now.getTime() - VALID_FROM_SKEW_MS) {
      throw invalidArgument("validFrom", `must not be in the past (got ${requested.toISOString()})`);
    }
    const limit = new Date(now);
    limit.setUTCFullYear(limit.getUTCFullYear() + MAX_SCHEDULE_AHEAD_YEARS);
    if (t > limit.getTime()) {
      throw invalidArgument("validFrom", `must be within ${MAX_SCHEDULE_AHEAD_YEARS} years`);
    }
    return this.db.transaction(() => {
      const schedule = this.get(orgId);
      const current = this.period(schedule, now);
      if (!current) throw invalidArgument("validFrom", "the organization has no billing period yet");
      this.stmts.dropPending.run(orgId, current.start.getTime());
      let effective = current.end;
      while (effective.getTime() < t) effective = nextBoundary(effective, current.frequency);
      if (frequency !== current.frequency) this.stmts.insertChange.run(orgId, effective.getTime(), frequency);
      return { frequency, validFrom: effective, validTo: undefined };
    })();
  }
}
