// The real search, metering and billing services (emulator part 2), adapted to the `Services`
// interface the request handlers call (services.ts). One factory, so the server adopts them by
// passing it to `startEmulator({ services })` or by making it the default.

import { BillingService } from "./billing/billing-service";
import { UsageMeter } from "./billing/usage-meter";
import { SearchIndex } from "./search/search-index";
import type { ServiceContext, Services } from "./services";

/**
 * Builds the search index, usage meter and billing service on the emulator's database and clock,
 * with the configured large-traffic threshold.
 *
 * @example
 * ```ts
 * const emu = await startEmulator({ port: 0, services: searchAndBillingServices });
 * ```
 */
export function searchAndBillingServices(ctx: ServiceContext): Services {
  const clock = () => new Date(ctx.now());
  const index = new SearchIndex(ctx.db, { clock });
  const meter = new UsageMeter(ctx.db, { largeTrafficBytes: ctx.largeTrafficBytes });
  const billing = new BillingService(ctx.db, meter, { clock });
  return {
    searchIndex: {
      indexDocument: (docId, orgId, content) => index.indexDocument(docId, orgId, content),
      removeDocument: (docId) => index.removeDocument(docId),
      sharesChanged: (docId) => index.sharesChanged(docId),
      membersChanged: (orgId) => index.membersChanged(orgId),
      search: (caller, query) =>
        index.search(query, caller).map((hit) => ({ docID: hit.docId, score: hit.score })),
    },
    meter: {
      recordCall: (record) => meter.recordCall(record),
      recordStorage: (orgId, deltaBytes, at) => meter.recordStorage(orgId, deltaBytes, at),
    },
    billing: {
      onOrganizationRegistered: (orgId, at) => billing.onOrganizationRegistered(orgId, at),
      onOrganizationRemoved: (orgId) => {
        index.removeOrganization(orgId);
        billing.onOrganizationRemoved(orgId);
      },
      getBillingDetails: (orgId, at) => billing.getBillingDetails(orgId, at),
      getLargeTraffic: (orgId, at) => billing.getLargeTraffic(orgId, at),
      getBillingFrequencyList: (orgId) => billing.getBillingFrequencyList(orgId).billingFrequencyList,
      setNextBillingFrequency: (orgId, frequency, validFrom) =>
        billing.setNextBillingFrequency(orgId, frequency, validFrom).nextBillingFrequency!,
      payments: (orgId) => billing.getPayments(orgId),
    },
  };
}
