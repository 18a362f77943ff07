// The public entry point of the `strongdoc` package: re-exports only. Everything importable from
// "strongdoc" is listed here; nothing else is public.
export { account, type AccountApi, type AccountInfo, type Payment, type Subscription, type UserInfo } from "./api/account";
export {
  billing,
  FREQ_MONTHLY,
  FREQ_YEARLY,
  type BillingApi,
  type BillingDetails,
  type BillingFrequency,
  type DocumentCosts,
  type Frequency,
  type LargeTrafficDetails,
  type SearchCosts,
  type TrafficCosts,
  type TrafficDetails,
} from "./api/billing";
export { client, type ClientApi, type StrongDocServiceClient } from "./api/client";
export {
  document,
  type BinaryInput,
  type DocumentApi,
  type DocumentMetadata,
  type EncryptedDocument,
} from "./api/document";
export { login, type LoginApi } from "./api/login";
export { search, type DocumentResult, type SearchApi } from "./api/search";
export type { CallOptions } from "./call-options";
export { close, configure, type EndpointOptions } from "./client";
export { createClient, type StrongDocClient } from "./create-client";
export { StrongDocError, type CodeName, type StrongDocErrorInit } from "./errors";
