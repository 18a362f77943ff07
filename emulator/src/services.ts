// The pluggable services the request handlers call: the search index, the usage meter and
// billing. The real ones are built in search-billing-services.ts (the default); the stand-ins
// here (no hits, zero costs, one "No Payment" payment) are for tests that want to isolate the server.
import { status } from "@grpc/grpc-js";
import type { Db } from "./store/db";
import { ApiError, invalidArgument } from "./errors";
import type { Caller } from "./auth";
import type { DocumentResult } from "../../generated/search";
import type { Payment } from "../../generated/accounts";
import {
  TimeInterval,
  type BillingFrequency,
  type GetBillingDetailsResp,
  type GetLargeTrafficResp,
} from "../../generated/billing";

/** One finished call, as the meter sees it. */
export interface CallRecord {
  /** The caller's organization. */
  orgId: string;
  /** The caller (empty for calls made before login, e.g. RegisterOrganization). */
  userId: string;
  /** "STREAM" for the four streaming RPCs, else "UNARY". */
  kind: "UNARY" | "STREAM";
  /** The gRPC method path, e.g. "/proto.StrongDocService/ListDocuments". */
  uri: string;
  /** Serialized request bytes received. */
  bytesIn: number;
  /** Serialized response bytes sent. */
  bytesOut: number;
  /** When the call finished. */
  at: Date;
}

/** Full-text search over document plaintext. */
export interface SearchIndexService {
  /** Indexes a document that just became ready; `plaintextPrefix` is at most its first 8 MiB. */
  indexDocument(docId: string, orgId: string, plaintextPrefix: Buffer): void | Promise<void>;
  /** Forgets a removed document. */
  removeDocument(docId: string): void | Promise<void>;
  /** Hits for `query` among the documents `caller` may read, best first. */
  search(caller: Caller, query: string): DocumentResult[] | Promise<DocumentResult[]>;
}

/** Usage metering per organization. */
export interface MeterService {
  /** Records one finished call. */
  recordCall(record: CallRecord): void;
  /** Records stored document bytes added (positive) or freed (negative). */
  recordStorage(orgId: string, deltaBytes: number, at: Date): void;
}

/** Billing periods, costs, frequencies and payments. */
export interface BillingService {
  /** Called once when an organization is registered. */
  onOrganizationRegistered(orgId: string, at: Date): void;
  /** Called once when an organization is removed (its rows elsewhere are already gone). */
  onOrganizationRemoved(orgId: string, at: Date): void;
  /** The billing period containing `at`; throws NOT_FOUND when there is none. */
  getBillingDetails(orgId: string, at: Date): GetBillingDetailsResp;
  /** Large transfers within the period containing `at`; throws NOT_FOUND when there is no period. */
  getLargeTraffic(orgId: string, at: Date): GetLargeTrafficResp;
  /** Past, current and future billing frequencies. */
  getBillingFrequencyList(orgId: string): BillingFrequency[];
  /** Schedules the next frequency and returns it. */
  setNextBillingFrequency(orgId: string, frequency: TimeInterval, validFrom: Date | undefined): BillingFrequency;
  /** The organization's payments, oldest first. */
  payments(orgId: string): Payment[];
}

/** Everything the handlers call out to. */
export interface Services {
  searchIndex: SearchIndexService;
  meter: MeterService;
  billing: BillingService;
}

/** What a service factory receives. */
export interface ServiceContext {
  /** The emulator's database connection (one connection, shared). */
  db: Db;
  /** The emulator clock (ms since epoch). */
  now: () => number;
  /** Large-traffic threshold in bytes per direction per call. */
  largeTrafficBytes: number;
}

function nextMonthStart(ms: number): Date {
  const d = new Date(ms);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
}

/** A zero-cost billing service: monthly periods from registration, no charges, one "No Payment". */
export function zeroCostBilling(ctx: ServiceContext): BillingService {
  const createdAt = (orgId: string): number => {
    const row = ctx.db.prepare("SELECT created_at FROM orgs WHERE org_id = ?").get(orgId) as { created_at: number } | undefined;
    if (!row) throw new ApiError(status.NOT_FOUND, `orgID: no such organization ${orgId}`);
    return row.created_at;
  };
  const period = (orgId: string, at: Date): { start: Date; end: Date; created: number } => {
    const created = createdAt(orgId);
    const t = at.getTime();
    const currentEnd = nextMonthStart(ctx.now()).getTime();
    if (t < created || t >= Math.max(currentEnd, nextMonthStart(created).getTime())) {
      throw new ApiError(status.NOT_FOUND, `at: no billing period contains ${at.toISOString()}`);
    }
    const end = nextMonthStart(t);
    const monthStart = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1);
    return { start: new Date(Math.max(created, monthStart)), end, created };
  };
  return {
    onOrganizationRegistered() {},
    onOrganizationRemoved() {},
    getBillingDetails(orgId, at) {
      const p = period(orgId, at);
      return {
        periodStart: p.start,
        periodEnd: p.end,
        totalCost: 0,
        documents: { cost: 0, size: 0, tier: "Document Storage Free" },
        search: { cost: 0, size: 0, tier: "Search Index Storage Free" },
        traffic: { cost: 0, incoming: 0, outgoing: 0, tier: "Network Traffic Free" },
        billingFrequency: { frequency: TimeInterval.MONTHLY, validFrom: new Date(p.created), validTo: undefined },
      };
    },
    getLargeTraffic(orgId, at) {
      const p = period(orgId, at);
      return { largeTraffic: [], periodStart: p.start, periodEnd: p.end };
    },
    getBillingFrequencyList(orgId) {
      return [{ frequency: TimeInterval.MONTHLY, validFrom: new Date(createdAt(orgId)), validTo: undefined }];
    },
    setNextBillingFrequency(orgId, frequency, validFrom) {
      createdAt(orgId);
      if (frequency !== TimeInterval.MONTHLY && frequency !== TimeInterval.YEARLY) {
        throw invalidArgument("frequency", "must be MONTHLY or YEARLY");
      }
      return { frequency, validFrom: validFrom ?? nextMonthStart(ctx.now()), validTo: undefined };
    },
    payments(orgId) {
      const created = createdAt(orgId);
      return [
        { billedAt: new Date(created), periodStart: new Date(created), periodEnd: nextMonthStart(created), amount: 0, status: "No Payment" },
      ];
    },
  };
}

/** A search index that indexes nothing and finds nothing. */
export const emptySearchIndex: SearchIndexService = {
  indexDocument() {},
  removeDocument() {},
  search() {
    return [];
  },
};

/** A meter that records nothing. */
export const noMeter: MeterService = {
  recordCall() {},
  recordStorage() {},
};

/** Stand-in services: no search hits, no metering, zero-cost billing. */
export function standInServices(ctx: ServiceContext): Services {
  return { searchIndex: emptySearchIndex, meter: noMeter, billing: zeroCostBilling(ctx) };
}
