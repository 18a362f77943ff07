// The pluggable services the request handlers call: the search index, the usage meter and
// billing. The implementation is built in search-billing-services.ts; `startEmulator({ services })`
// can replace any of them.
import type { Db } from "./store/db";
import type { Caller } from "./auth";
import type { DocumentResult } from "../../generated/search";
import type { Payment } from "../../generated/accounts";
import type { BillingFrequency, GetBillingDetailsResp, GetLargeTrafficResp, TimeInterval } from "../../generated/billing";

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
  /** A document was shared or unshared (optional: lets the index follow it into other organizations). */
  sharesChanged?(docId: string): void | Promise<void>;
  /** An organization's members changed (optional; see `sharesChanged`). */
  membersChanged?(orgId: string): void | Promise<void>;
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
