// The `login` module: exchange credentials for a session token, and revoke it
// (the Python SDK's strongdoc.api.login).
import type { CallOptions } from "../call-options";
import { defaultEndpoint, type Endpoint } from "../client";
import { unaryCall } from "../unary";
import { checkId, checkString, checkToken } from "../validate";

/** Login functions, each with an optional {@link CallOptions} last. */
export interface LoginApi {
  /**
   * Logs a user in to an organization and returns the session token the other functions take.
   * @example
   * ```ts
   * const token = await login.login("alice@example.com", "s3cret-pass", "acme");
   * ```
   */
  login(userId: string, password: string, orgId: string, options?: CallOptions): Promise<string>;

  /**
   * Revokes the token; returns the service's status text ("You have successfully logged out…").
   * @example
   * ```ts
   * console.log(await login.logout(token));
   * ```
   */
  logout(token: string, options?: CallOptions): Promise<string>;
}

/** The login functions bound to `endpoint` (see `createClient`). */
export function loginApi(endpoint: Endpoint): LoginApi {
  return {
    async login(userId, password, orgId, options) {
      checkId("userId", userId);
      checkString("password", password);
      checkId("orgId", orgId);
      const request = { userID: userId, password, orgID: orgId };
      return (await unaryCall(endpoint, "login", undefined, request, options)).token;
    },
    async logout(token, options) {
      checkToken(token);
      return (await unaryCall(endpoint, "logout", token, {}, options)).status;
    },
  };
}

/**
 * Login functions on the default endpoint (env vars or `configure()`).
 * @example
 * ```ts
 * import { login } from "strongdoc";
 * const token = await login.login(userId, password, orgId);
 * ```
 */
export const login: LoginApi = loginApi(defaultEndpoint);
