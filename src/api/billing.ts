// The `billing` module: costs and large transfers of a billing period (the Python SDK's
// strongdoc.api.billing), with its result types.
import type {
  BillingFrequency as BillingFrequencyMsg,
  GetBillingDetailsResp,
  GetLargeTrafficResp,
  TrafficDetail,
} from "../../generated/billing";
import { TimeInterval } from "../../generated/billing";
import type { CallOptions } from "../call-options";
import { defaultEndpoint, type Endpoint } from "../client";
import { toDate } from "../convert";
import { StrongDocError } from "../errors";
import { unaryCall } from "../unary";
import { checkOptionalDate, checkToken } from "../validate";

/** Monthly billing (the Python SDK's `FREQ_MONTHLY`). */
export const FREQ_MONTHLY = "MONTHLY";
/** Yearly billing (the Python SDK's `FREQ_YEARLY`). */
export const FREQ_YEARLY = "YEARLY";

/** A billing frequency name; "UNDEFINED" when the service sends none or one this SDK does not know. */
export type Frequency = typeof FREQ_MONTHLY | typeof FREQ_YEARLY | "UNDEFINED";

/** Storage cost of documents in a period. */
export interface DocumentCosts {
  readonly cost: number;
  /** Storage used, in MB-hours. */
  readonly size: number;
  /** e.g. "Document Storage Free". */
  readonly tier: string;
}

/** Storage cost of the search index in a period. */
export interface SearchCosts {
  readonly cost: number;
  /** Index storage used, in MB-hours. */
  readonly size: number;
  /** e.g. "Search Index Storage Free". */
  readonly tier: string;
}

/** Network traffic cost in a period. */
export interface TrafficCosts {
  readonly cost: number;
  /** Received by the service, in MB. */
  readonly incoming: number;
  /** Sent by the service, in MB. */
  readonly outgoing: number;
  /** e.g. "Network Traffic Free". */
  readonly tier: string;
}

/** How often the organization is billed, and since/until when. */
export interface BillingFrequency {
  readonly frequency: Frequency;
  readonly validFrom: Date;
  /** Undefined while this frequency has no end. */
  readonly validTo: Date | undefined;
}

/** The costs of one billing period. */
export interface BillingDetails {
  readonly periodStart: Date;
  readonly periodEnd: Date;
  readonly totalCost: number;
  readonly documents: DocumentCosts;
  readonly search: SearchCosts;
  readonly traffic: TrafficCosts;
  readonly billingFrequency: BillingFrequency;
}

/** One large transfer (at least the service's threshold in one direction). */
export interface TrafficDetails {
  readonly time: Date;
  /** The user who made it. */
  readonly userId: string;
  /** "STREAM" or "UNARY". */
  readonly method: string;
  /** The operation, e.g. "/proto.StrongDocService/UploadDocumentStream". */
  readonly uri: string;
  /** MB received by the service. */
  readonly incoming: number;
  /** MB sent by the service. */
  readonly outgoing: number;
}

/** The large transfers of one billing period. */
export interface LargeTrafficDetails {
  readonly largeTrafficList: readonly TrafficDetails[];
  readonly periodStart: Date;
  readonly periodEnd: Date;
}

/**
 * Billing functions, admins only. Each takes a session token first, an optional point in time
 * (default: now) and an optional {@link CallOptions} last.
 */
export interface BillingApi {
  /** "MONTHLY". */
  readonly FREQ_MONTHLY: typeof FREQ_MONTHLY;
  /** "YEARLY". */
  readonly FREQ_YEARLY: typeof FREQ_YEARLY;

  /**
   * The costs of the billing period containing `at`, or undefined when there is no such period.
   * @example
   * ```ts
   * const bill = await billing.getBillingDetails(token);
   * if (bill) console.log(bill.totalCost, bill.documents.tier, bill.billingFrequency.frequency);
   * ```
   */
  getBillingDetails(token: string, at?: Date, options?: CallOptions): Promise<BillingDetails | undefined>;

  /**
   * The large transfers of the billing period containing `at`, or undefined when there is no such period.
   * @example
   * ```ts
   * const traffic = await billing.getLargeTraffic(token, new Date("2026-01-15"));
   * for (const t of traffic?.largeTrafficList ?? []) console.log(t.time, t.uri, t.incoming);
   * ```
   */
  getLargeTraffic(token: string, at?: Date, options?: CallOptions): Promise<LargeTrafficDetails | undefined>;
}

/** The billing functions bound to `endpoint` (see `createClient`). */
export function billingApi(endpoint: Endpoint): BillingApi {
  return {
    FREQ_MONTHLY,
    FREQ_YEARLY,
    async getBillingDetails(token, at, options) {
      checkToken(token);
      checkOptionalDate("at", at);
      const resp = await undefinedIfNotFound(unaryCall(endpoint, "getBillingDetails", token, { at }, options));
      return resp && toBillingDetails(resp);
    },
    async getLargeTraffic(token, at, options) {
      checkToken(token);
      checkOptionalDate("at", at);
      const resp = await undefinedIfNotFound(unaryCall(endpoint, "getLargeTraffic", token, { at }, options));
      return resp && toLargeTraffic(resp);
    },
  };
}

/**
 * Billing functions on the default endpoint (env vars or `configure()`).
 * @example
 * ```ts
 * import { billing } from "strongdoc";
 * const bill = await billing.getBillingDetails(token);
 * ```
 */
export const billing: BillingApi = billingApi(defaultEndpoint);

/** NOT_FOUND means "no billing period at that time": undefined, as the Python SDK's None. */
async function undefinedIfNotFound<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof StrongDocError && err.codeName === "NOT_FOUND") return undefined;
    throw err;
  }
}

function toFrequency(value: TimeInterval): Frequency {
  if (value === TimeInterval.MONTHLY) return FREQ_MONTHLY;
  if (value === TimeInterval.YEARLY) return FREQ_YEARLY;
  return "UNDEFINED";
}

function toBillingFrequency(f: BillingFrequencyMsg | undefined): BillingFrequency {
  return {
    frequency: toFrequency(f?.frequency ?? TimeInterval.UNDEFINED),
    validFrom: toDate(f?.validFrom),
    validTo: f?.validTo,
  };
}

function toBillingDetails(r: GetBillingDetailsResp): BillingDetails {
  return {
    periodStart: toDate(r.periodStart),
    periodEnd: toDate(r.periodEnd),
    totalCost: r.totalCost,
    documents: { cost: r.documents?.cost ?? 0, size: r.documents?.size ?? 0, tier: r.documents?.tier ?? "" },
    search: { cost: r.search?.cost ?? 0, size: r.search?.size ?? 0, tier: r.search?.tier ?? "" },
    traffic: {
      cost: r.traffic?.cost ?? 0,
      incoming: r.traffic?.incoming ?? 0,
      outgoing: r.traffic?.outgoing ?? 0,
      tier: r.traffic?.tier ?? "",
    },
    billingFrequency: toBillingFrequency(r.billingFrequency),
  };
}

function toTrafficDetails(t: TrafficDetail): TrafficDetails {
  return {
    time: toDate(t.time),
    userId: t.userID,
    method: t.method,
    uri: t.URI,
    incoming: t.incoming,
    outgoing: t.outgoing,
  };
}

function toLargeTraffic(r: GetLargeTrafficResp): LargeTrafficDetails {
  return {
    largeTrafficList: r.largeTraffic.map(toTrafficDetails),
    periodStart: toDate(r.periodStart),
    periodEnd: toDate(r.periodEnd),
  };
}
