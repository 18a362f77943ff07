// createClient(): the whole API bound to one endpoint, for processes that talk to several servers.
import { accountApi, type AccountApi } from "./api/account";
import { billingApi, type BillingApi } from "./api/billing";
import { clientApi, type ClientApi } from "./api/client";
import { documentApi, type DocumentApi } from "./api/document";
import { loginApi, type LoginApi } from "./api/login";
import { searchApi, type SearchApi } from "./api/search";
import { checkEndpointOptions, Endpoint, type EndpointOptions } from "./client";

/** Every module of the API bound to one endpoint, with its own channel. */
export interface StrongDocClient {
  readonly account: AccountApi;
  readonly document: DocumentApi;
  readonly login: LoginApi;
  readonly search: SearchApi;
  readonly billing: BillingApi;
  readonly client: ClientApi;
  /** Releases this client's channel; later calls reconnect. */
  close(): void;
}

/**
 * Creates the API bound to one endpoint, independent of `configure()` and of other clients.
 * Fields left out of `options` come from the environment, then the defaults (see
 * {@link EndpointOptions}). Create it once and reuse it: it holds one channel for all calls and tokens.
 *
 * @example
 * ```ts
 * import { createClient } from "strongdoc";
 * const staging = createClient({ host: "staging.example.com", port: 9090, caFile: "staging-ca.pem" });
 * const token = await staging.login.login(userId, password, orgId);
 * const docs = await staging.document.listDocuments(token);
 * staging.close();
 * ```
 */
export function createClient(options: EndpointOptions = {}): StrongDocClient {
  checkEndpointOptions(options);
  const settings = { ...options };
  const endpoint = new Endpoint(() => settings);
  return {
    account: accountApi(endpoint),
    document: documentApi(endpoint),
    login: loginApi(endpoint),
    search: searchApi(endpoint),
    billing: billingApi(endpoint),
    client: clientApi(endpoint),
    close: () => endpoint.close(),
  };
}
