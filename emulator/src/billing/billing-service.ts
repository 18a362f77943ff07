// Billing: periods, costs, large traffic, frequencies and payments of an organization, computed
// from the usage the meter and the search index record, and priced with the table in prices.ts.
// The meter buffers calls in memory: every read or delete of usage_calls here flushes it first.

import type { Database, Statement } from "better-sqlite3";
import type { Payment, Subscription } from "../../../generated/accounts";
import type {
  DocumentCosts,
  GetBillingDetailsResp,
  GetBillingFrequencyListResp,
  GetLargeTrafficResp,
  SearchCosts,
  SetNextBillingFrequencyResp,
  TimeInterval,
  TrafficCosts,
  TrafficDetail,
} from "../../../generated/billing";
import { notFound } from "../errors";
import { FrequencySchedule, type Schedule } from "./frequency-schedule";
import type { BillingPeriod } from "./periods";
import { PRICES, priceUsage } from "./prices";
import { BYTES_PER_MB, StorageLedger } from "./storage-ledger";
import type { UsageMeter } from "./usage-meter";

/** Most entries GetLargeTraffic returns for one period (the earliest ones). */
export const MAX_LARGE_TRAFFIC_ENTRIES = 10_000;

/** The three priced categories of one period. */
interface PeriodCosts {
  documents: DocumentCosts;
  search: SearchCosts;
  traffic: TrafficCosts;
}

/** Options of {@link BillingService}. */
export interface BillingServiceOptions {
  /** Source of "now" (default: the system clock). */
  clock?: () => Date;
}

/**
 * Answers the billing RPCs for one emulator.
 *
 * Periods: the first starts at registration and ends at the next calendar boundary (UTC) of the
 * frequency in force — the 1st of the next month (MONTHLY) or of January (YEARLY); later periods
 * are whole calendar months or years. The current period is the one containing "now"; asking
 * about an instant before registration or after the current period is NOT_FOUND.
 *
 * @example
 * ```ts
 * const meter = new UsageMeter(db, { largeTrafficBytes: 512 * 1024 * 1024 });
 * const billing = new BillingService(db, meter);
 * billing.onOrganizationRegistered("acme", new Date());
 * billing.getBillingDetails("acme").totalCost; // 0
 * ```
 */
export class BillingService {
  private readonly schedule: FrequencySchedule;
  private readonly ledger: StorageLedger;
  private readonly meter: UsageMeter;
  private readonly clock: () => Date;
  private readonly trafficTotals: Statement;
  private readonly largeCalls: Statement;
  private readonly forgetCalls: Statement;

  /**
   * @param db - the emulator's database; the billing tables are created if absent.
   * @param meter - the meter recording this emulator's usage (gives the large-traffic threshold).
   */
  constructor(db: Database, meter: UsageMeter, options: BillingServiceOptions = {}) {
    this.schedule = new FrequencySchedule(db);
    this.ledger = new StorageLedger(db);
    this.meter = meter;
    this.clock = options.clock ?? (() => new Date());
    this.trafficTotals = db.prepare(`
      SELECT COALESCE(SUM(bytes_in), 0) AS bytesIn, COALESCE(SUM(bytes_out), 0) AS bytesOut
        FROM usage_calls WHERE org_id = ? AND at >= ? AND at < ?`);
    this.largeCalls = db.prepare(`
      SELECT at, user_id, kind, uri, bytes_in, bytes_out FROM usage_calls
       WHERE org_id = @orgId AND at >= @start AND at < @end
         AND (bytes_in >= @threshold OR bytes_out >= @threshold)
       ORDER BY at, id LIMIT ${MAX_LARGE_TRAFFIC_ENTRIES}`);
    this.forgetCalls = db.prepare("DELETE FROM usage_calls WHERE org_id = ?");
  }

  /** Opens billing for a new organization: MONTHLY from `at`, which starts its first period. Idempotent. */
  onOrganizationRegistered(orgId: string, at: Date): void {
    this.schedule.open(orgId, at);
  }

  /** Forgets everything billed or metered for a removed organization. */
  onOrganizationRemoved(orgId: string): void {
    this.meter.flush(); // so that the org's buffered calls are deleted too
    this.schedule.close(orgId);
    this.ledger.forget(orgId);
    this.forgetCalls.run(orgId);
  }

  /**
   * Costs of the period containing `at` (default now). Storage is integrated up to the end of the
   * period, or up to now for the current period.
   *
   * @throws ApiError NOT_FOUND (field `at`) before registration or after the current period;
   *   NOT_FOUND (field `orgID`) for an unknown organization.
   */
  getBillingDetails(orgId: string, at?: Date): GetBillingDetailsResp {
    const schedule = this.schedule.get(orgId);
    const period = this.periodOf(schedule, at);
    const costs = this.costs(orgId, period);
    return {
      periodStart: period.start,
      periodEnd: period.end,
      totalCost: costs.documents.cost + costs.search.cost + costs.traffic.cost,
      ...costs,
      billingFrequency: this.schedule.inForce(schedule, period.start),
    };
  }

  /**
   * Calls of the period containing `at` (default now) whose bytes in or out reached the meter's
   * threshold, oldest first (at most {@link MAX_LARGE_TRAFFIC_ENTRIES}); sizes in MB.
   *
   * @throws ApiError NOT_FOUND as for {@link getBillingDetails}.
   */
  getLargeTraffic(orgId: string, at?: Date): GetLargeTrafficResp {
    const period = this.periodOf(this.schedule.get(orgId), at);
    this.meter.flush(); // calls still buffered by the meter count too
    const rows = this.largeCalls.all({
      orgId,
      start: period.start.getTime(),
      end: period.end.getTime(),
      threshold: this.meter.largeTrafficBytes,
    }) as { at: number; user_id: string; kind: string; uri: string; bytes_in: number; bytes_out: number }[];
    const largeTraffic: TrafficDetail[] = rows.map((r) => ({
      time: new Date(r.at),
      userID: r.user_id,
      method: r.kind,
      URI: r.uri,
      incoming: r.bytes_in / BYTES_PER_MB,
      outgoing: r.bytes_out / BYTES_PER_MB,
    }));
    return { largeTraffic, periodStart: period.start, periodEnd: period.end };
  }

  /** Past, current and scheduled billing frequencies, oldest first. */
  getBillingFrequencyList(orgId: string): GetBillingFrequencyListResp {
    return { billingFrequencyList: this.schedule.list(this.schedule.get(orgId)) };
  }

  /**
   * Schedules the next billing frequency. Lenient, as the Go and Node SDK tests need (BEHAVIOUR
   * §5.10): any `validFrom` from now on is accepted and moved to the first period boundary at or
   * after it; unset means the end of the current period.
   *
   * @throws ApiError INVALID_ARGUMENT: `frequency` UNDEFINED or unknown; `validFrom` in the past
   *   (more than 5 minutes, for clock skew) or more than 100 years ahead.
   */
  setNextBillingFrequency(orgId: string, frequency: TimeInterval, validFrom?: Date): SetNextBillingFrequencyResp {
    return { nextBillingFrequency: this.schedule.setNext(orgId, frequency, validFrom, this.clock()) };
  }

  /**
   * The organization's payments, oldest first: one per period up to the current one. A period
   * still running shows `amount` 0 and status "No Payment" (billed at its start), so a new
   * organization has exactly one payment; a finished period shows its total cost, billed at its
   * end, with status "Zero Payment" (nothing owed) or "Payment Pending" (the emulator charges no card).
   */
  getPayments(orgId: string): Payment[] {
    const schedule = this.schedule.get(orgId);
    const now = this.clock();
    const payments: Payment[] = [];
    let period = this.schedule.period(schedule, schedule.registeredAt)!;
    for (;;) {
      if (period.end.getTime() > now.getTime()) {
        payments.push({ billedAt: period.start, periodStart: period.start, periodEnd: period.end, amount: 0, status: "No Payment" });
        return payments;
      }
      const c = this.costs(orgId, period);
      const amount = c.documents.cost + c.search.cost + c.traffic.cost;
      payments.push({
        billedAt: period.end,
        periodStart: period.start,
        periodEnd: period.end,
        amount,
        status: amount === 0 ? "Zero Payment" : "Payment Pending",
      });
      period = this.schedule.period(schedule, period.end)!;
    }
  }

  /**
   * The subscription shown in account info: its type is the registration `source` (e.g. "Test
   * Active", "Credit Card", "AWS Marketplace"); the emulator charges nobody, so every
   * organization it knows is "Subscribed" right away.
   *
   * @throws ApiError NOT_FOUND for an unknown organization.
   */
  getSubscription(orgId: string, source: string): Subscription {
    this.schedule.get(orgId);
    return { type: source, status: "Subscribed" };
  }

  private periodOf(schedule: Schedule, at: Date | undefined): BillingPeriod {
    const now = this.clock();
    const when = at ?? now;
    const current = this.schedule.period(schedule, now);
    const tooLate = current ? when.getTime() >= current.end.getTime() : true;
    const period = tooLate ? undefined : this.schedule.period(schedule, when);
    if (!period) throw notFound("at", `no billing period contains ${describe(when)}`);
    return period;
  }

  private costs(orgId: string, period: BillingPeriod): PeriodCosts {
    const upTo = new Date(Math.min(period.end.getTime(), this.clock().getTime()));
    const docMbHours = this.ledger.mbHours(orgId, "documents", period.start, upTo);
    const searchMbHours = this.ledger.mbHours(orgId, "search", period.start, upTo);
    this.meter.flush(); // calls still buffered by the meter count too
    const { bytesIn, bytesOut } = this.trafficTotals.get(orgId, period.start.getTime(), period.end.getTime()) as {
      bytesIn: number;
      bytesOut: number;
    };
    const incoming = bytesIn / BYTES_PER_MB;
    const outgoing = bytesOut / BYTES_PER_MB;
    return {
      documents: { size: docMbHours, ...priceUsage(PRICES.documents, docMbHours) },
      search: { size: searchMbHours, ...priceUsage(PRICES.search, searchMbHours) },
      traffic: { incoming, outgoing, ...priceUsage(PRICES.traffic, incoming + outgoing) },
    };
  }
}

function describe(t: Date): string {
  return Number.isNaN(t.getTime()) ? "an invalid time" : t.toISOString();
}
