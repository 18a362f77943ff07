// The `account` module: organizations, users, admins, sharing policy and profiles
// (the Python SDK's strongdoc.api.account), with its result types.
import type { GetAccountInfoResp, GetUserInfoResp, ListUsersResp_OrgUser, Payment as PaymentMsg } from "../../generated/accounts";
import type { CallOptions } from "../call-options";
import { defaultEndpoint, type Endpoint } from "../client";
import { toDate, toSafeNumber } from "../convert";
import { unaryCall } from "../unary";
import { checkBoolean, checkId, checkString, checkToken } from "../validate";

/** An organization's subscription. */
export interface Subscription {
  /** How the organization subscribed, e.g. "AWS Marketplace", "Credit Card", "Test Active". */
  readonly type: string;
  /** e.g. "Created", "Subscribed", "Unsubscribed". */
  readonly status: string;
}

/** One payment of an organization. */
export interface Payment {
  readonly billedAt: Date;
  readonly periodStart: Date;
  readonly periodEnd: Date;
  readonly amount: number;
  /** e.g. "No Payment", "Zero Payment", "Payment Pending", "Payment Success", "Payment Failed". */
  readonly status: string;
}

/** The caller's organization, as {@link AccountApi.getAccountInfo} returns it. */
export interface AccountInfo {
  readonly orgId: string;
  readonly orgEmail: string;
  readonly orgAddress: string;
  readonly subscription: Subscription;
  readonly payments: readonly Payment[];
  /** Whether users may re-share documents shared with them. */
  readonly multilevelSharing: boolean;
  /** Organizations this one may share documents with. */
  readonly sharableOrgs: readonly string[];
}

/**
 * A user. {@link AccountApi.getUserInfo} fills every field; {@link AccountApi.listUsers} leaves
 * `email` and `orgId` undefined (the service does not list them).
 */
export interface UserInfo {
  readonly userId: string;
  readonly name: string;
  readonly email?: string;
  readonly orgId?: string;
  readonly isAdmin: boolean;
}

/**
 * Account functions. Each takes a session token from `login.login` first and an optional
 * {@link CallOptions} last; "Admins only" calls fail with PERMISSION_DENIED for other users.
 */
export interface AccountApi {
  /**
   * The caller's organization: contact details, subscription, payments, sharing policy. Admins only.
   * @example
   * ```ts
   * const info = await account.getAccountInfo(token);
   * console.log(info.orgId, info.subscription.status, info.sharableOrgs);
   * ```
   */
  getAccountInfo(token: string, options?: CallOptions): Promise<AccountInfo>;

  /**
   * The caller's own profile.
   * @example
   * ```ts
   * const me = await account.getUserInfo(token);
   * console.log(me.userId, me.name, me.isAdmin);
   * ```
   */
  getUserInfo(token: string, options?: CallOptions): Promise<UserInfo>;

  /**
   * The users of the caller's organization, in the order they joined (`email`/`orgId` undefined).
   * @example
   * ```ts
   * for (const u of await account.listUsers(token)) console.log(u.userId, u.isAdmin ? "admin" : "");
   * ```
   */
  listUsers(token: string, options?: CallOptions): Promise<UserInfo[]>;

  /**
   * Adds a user to the caller's organization and returns its user ID. Admins only.
   * @example
   * ```ts
   * const bobId = await account.registerUser(token, "Bob", "s3cret-pass", "bob@example.com", false);
   * ```
   */
  registerUser(
    token: string,
    name: string,
    password: string,
    email: string,
    makeAdmin: boolean,
    options?: CallOptions,
  ): Promise<string>;

  /**
   * Removes a user from the organization; returns the number of users removed. Admins only.
   * @example
   * ```ts
   * const removed = await account.removeUser(token, bobId); // 1
   * ```
   */
  removeUser(token: string, userId: string, options?: CallOptions): Promise<number>;

  /**
   * Makes a user an administrator. Admins only.
   * @example
   * ```ts
   * await account.promoteUser(token, bobId); // true
   * ```
   */
  promoteUser(token: string, userId: string, options?: CallOptions): Promise<boolean>;

  /**
   * Makes an administrator a regular user (not the last admin). Admins only.
   * @example
   * ```ts
   * await account.demoteUser(token, bobId); // true
   * ```
   */
  demoteUser(token: string, userId: string, options?: CallOptions): Promise<boolean>;

  /**
   * Removes the caller's organization and all its data; without `force` it fails while documents
   * remain. Admins only.
   * @example
   * ```ts
   * await account.removeOrganization(token, true); // true
   * ```
   */
  removeOrganization(token: string, force: boolean, options?: CallOptions): Promise<boolean>;

  /**
   * Allows sharing documents with users of another organization. Admins only.
   * @example
   * ```ts
   * await account.addSharableOrg(token, "partner-org"); // true
   * ```
   */
  addSharableOrg(token: string, orgId: string, options?: CallOptions): Promise<boolean>;

  /**
   * Stops allowing sharing with another organization. Admins only.
   * @example
   * ```ts
   * await account.removeSharableOrg(token, "partner-org"); // true
   * ```
   */
  removeSharableOrg(token: string, orgId: string, options?: CallOptions): Promise<boolean>;

  /**
   * Turns re-sharing of shared documents on or off. Admins only.
   * @example
   * ```ts
   * await account.setMultilevelSharing(token, true); // true
   * ```
   */
  setMultilevelSharing(token: string, enable: boolean, options?: CallOptions): Promise<boolean>;

  /**
   * Updates the organization's contact email and address. Admins only.
   * @example
   * ```ts
   * await account.setAccountInfo(token, "it@example.com", "1 Main St"); // true
   * ```
   */
  setAccountInfo(token: string, orgEmail: string, orgAddress: string, options?: CallOptions): Promise<boolean>;

  /**
   * Updates the caller's own name and email (the user ID does not change).
   * @example
   * ```ts
   * await account.setUserInfo(token, "Alice A.", "alice@example.com"); // true
   * ```
   */
  setUserInfo(token: string, name: string, email: string, options?: CallOptions): Promise<boolean>;

  /**
   * Changes the caller's password; the old one must match.
   * @example
   * ```ts
   * await account.changeUserPassword(token, "old-pass", "new-pass"); // true
   * ```
   */
  changeUserPassword(token: string, oldPassword: string, newPassword: string, options?: CallOptions): Promise<boolean>;
}

/** The account functions bound to `endpoint` (see `createClient`). */
export function accountApi(endpoint: Endpoint): AccountApi {
  return {
    async getAccountInfo(token, options) {
      checkToken(token);
      return toAccountInfo(await unaryCall(endpoint, "getAccountInfo", token, {}, options));
    },
    async getUserInfo(token, options) {
      checkToken(token);
      return toUserInfo(await unaryCall(endpoint, "getUserInfo", token, {}, options));
    },
    async listUsers(token, options) {
      checkToken(token);
      const resp = await unaryCall(endpoint, "listUsers", token, {}, options);
      return resp.orgUsers.map(toListedUser);
    },
    async registerUser(token, name, password, email, makeAdmin, options) {
      checkToken(token);
      checkString("name", name);
      checkString("password", password);
      checkString("email", email);
      checkBoolean("makeAdmin", makeAdmin);
      const request = { userName: name, password, email, admin: makeAdmin };
      return (await unaryCall(endpoint, "registerUser", token, request, options)).userID;
    },
    async removeUser(token, userId, options) {
      checkToken(token);
      checkId("userId", userId);
      const resp = await unaryCall(endpoint, "removeUser", token, { userID: userId }, options);
      return toSafeNumber(resp.count, "RemoveUserResp.count");
    },
    async promoteUser(token, userId, options) {
      checkToken(token);
      checkId("userId", userId);
      return (await unaryCall(endpoint, "promoteUser", token, { userID: userId }, options)).success;
    },
    async demoteUser(token, userId, options) {
      checkToken(token);
      checkId("userId", userId);
      return (await unaryCall(endpoint, "demoteUser", token, { userID: userId }, options)).success;
    },
    async removeOrganization(token, force, options) {
      checkToken(token);
      checkBoolean("force", force);
      return (await unaryCall(endpoint, "removeOrganization", token, { force }, options)).success;
    },
    async addSharableOrg(token, orgId, options) {
      checkToken(token);
      checkId("orgId", orgId);
      return (await unaryCall(endpoint, "addSharableOrg", token, { newOrgID: orgId }, options)).success;
    },
    async removeSharableOrg(token, orgId, options) {
      checkToken(token);
      checkId("orgId", orgId);
      return (await unaryCall(endpoint, "removeSharableOrg", token, { removeOrgID: orgId }, options)).success;
    },
    async setMultilevelSharing(token, enable, options) {
      checkToken(token);
      checkBoolean("enable", enable);
      return (await unaryCall(endpoint, "setMultiLevelSharing", token, { enable }, options)).success;
    },
    async setAccountInfo(token, orgEmail, orgAddress, options) {
      checkToken(token);
      checkString("orgEmail", orgEmail);
      checkString("orgAddress", orgAddress);
      return (await unaryCall(endpoint, "setAccountInfo", token, { orgEmail, orgAddress }, options)).success;
    },
    async setUserInfo(token, name, email, options) {
      checkToken(token);
      checkString("name", name);
      checkString("email", email);
      return (await unaryCall(endpoint, "setUserInfo", token, { name, email }, options)).success;
    },
    async changeUserPassword(token, oldPassword, newPassword, options) {
      checkToken(token);
      checkString("oldPassword", oldPassword);
      checkString("newPassword", newPassword);
      const request = { oldPassword, newPassword };
      return (await unaryCall(endpoint, "changeUserPassword", token, request, options)).success;
    },
  };
}

/**
 * Account functions on the default endpoint (env vars or `configure()`).
 * @example
 * ```ts
 * import { account } from "strongdoc";
 * const me = await account.getUserInfo(token);
 * ```
 */
export const account: AccountApi = accountApi(defaultEndpoint);

function toPayment(p: PaymentMsg): Payment {
  return {
    billedAt: toDate(p.billedAt),
    periodStart: toDate(p.periodStart),
    periodEnd: toDate(p.periodEnd),
    amount: p.amount,
    status: p.status,
  };
}

function toAccountInfo(r: GetAccountInfoResp): AccountInfo {
  return {
    orgId: r.orgID,
    orgEmail: r.orgEmail,
    orgAddress: r.orgAddress,
    subscription: { type: r.subscription?.type ?? "", status: r.subscription?.status ?? "" },
    payments: r.payments.map(toPayment),
    multilevelSharing: r.multiLevelShare,
    sharableOrgs: [...r.sharableOrgs],
  };
}

function toUserInfo(r: GetUserInfoResp): UserInfo {
  return { userId: r.userID, name: r.userName, email: r.email, orgId: r.orgID, isAdmin: r.isAdmin };
}

function toListedUser(u: ListUsersResp_OrgUser): UserInfo {
  return { userId: u.userID, name: u.userName, isAdmin: u.isAdmin };
}
