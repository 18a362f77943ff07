// The `client` module: the escape hatch to every RPC. Returns the typed gRPC client of the
// service on the endpoint's shared channel, with or without the session token
// (the Python SDK's strongdoc.client.connect_to_server_with_auth / _with_no_auth).
import { bearerInterceptor, defaultEndpoint, type Endpoint } from "../client";
import type { StrongDocServiceClient } from "../service-client";
import { checkToken } from "../validate";

export type { StrongDocServiceClient } from "../service-client";

/**
 * Raw access to every RPC of `proto.StrongDocService`, including those the other modules do not
 * wrap (RegisterOrganization, GetBillingFrequencyList, the payment-method RPCs…). The returned
 * client takes and returns the generated message types (int64 as `Long`, oneofs as
 * `{ $case, … }`), uses grpc-js callbacks and streams, and shares the endpoint's channel: do not
 * call its `close()`; call the package's `close()` when done. No default deadline applies.
 */
export interface ClientApi {
  /**
   * A typed client whose every call carries `authorization: Bearer <token>`.
   * @example
   * ```ts
   * const c = client.connectToServerWithAuth(token);
   * c.getBillingFrequencyList({}, (err, resp) => console.log(err ?? resp?.billingFrequencyList));
   * ```
   */
  connectToServerWithAuth(token: string): StrongDocServiceClient;

  /**
   * A typed client without a token, for the RPCs that need no login, e.g. RegisterOrganization.
   * @example
   * ```ts
   * const c = client.connectToServerWithNoAuth();
   * c.registerOrganization(
   *   { orgName: "acme", orgEmail: "it@acme.test", orgAddr: "", userName: "Alice", password: "s3cret-pass",
   *     adminEmail: "alice@acme.test", sharableOrgs: [], multiLevelShare: false, source: "Test Active",
   *     sourceData: "", pmID: "" },
   *   (err, resp) => console.log(err ?? `${resp?.orgID} ${resp?.userID}`),
   * );
   * ```
   */
  connectToServerWithNoAuth(): StrongDocServiceClient;
}

/** The client functions bound to `endpoint` (see `createClient`). */
export function clientApi(endpoint: Endpoint): ClientApi {
  return {
    connectToServerWithAuth(token) {
      checkToken(token);
      return endpoint.serviceWith([bearerInterceptor(token)]);
    },
    connectToServerWithNoAuth() {
      return endpoint.serviceWith([]);
    },
  };
}

/**
 * Client functions on the default endpoint (env vars or `configure()`).
 * @example
 * ```ts
 * import { client } from "strongdoc";
 * const raw = client.connectToServerWithNoAuth();
 * ```
 */
export const client: ClientApi = clientApi(defaultEndpoint);
