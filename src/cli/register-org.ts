// Registering an organization and its first administrator: no facade function exists for it (as in
// the Python SDK, where it is private), so it goes through the facade's escape hatch, the generated
// client from `client.connectToServerWithNoAuth()`. Used by `strongdoc account register` and the demo.
import { client } from "../index";

/** What a new organization needs. */
export interface NewOrganization {
  /** Unique name; it becomes the org ID. */
  readonly orgName: string;
  /** Contact email of the organization. */
  readonly orgEmail: string;
  /** Postal address (may be empty). */
  readonly orgAddr: string;
  /** The administrator's display name. */
  readonly adminName: string;
  /** The administrator's email; it becomes their user ID. */
  readonly adminEmail: string;
  /** The administrator's password. */
  readonly password: string;
}

/**
 * Registers an organization with the "Test Active" subscription; resolves with its ID and the
 * administrator's user ID. Rejects with the generated client's status error (the CLI reports its
 * status name).
 *
 * @example
 * ```ts
 * const { orgId, userId } = await registerOrganization({ orgName: "acme", orgEmail: "info@acme.test",
 *   orgAddr: "", adminName: "Alice", adminEmail: "alice@acme.test", password });
 * ```
 */
export function registerOrganization(org: NewOrganization): Promise<{ orgId: string; userId: string }> {
  const stub = client.connectToServerWithNoAuth();
  return new Promise((resolve, reject) => {
    stub.registerOrganization(
      {
        orgName: org.orgName,
        orgEmail: org.orgEmail,
        orgAddr: org.orgAddr,
        userName: org.adminName,
        password: org.password,
        adminEmail: org.adminEmail,
        sharableOrgs: [],
        multiLevelShare: false,
        source: "Test Active",
        sourceData: "",
        pmID: "",
      },
      (err, resp) =>
        err || !resp
          ? reject(err ?? new Error("RegisterOrganization: empty response"))
          : resolve({ orgId: resp.orgID, userId: resp.userID }),
    );
  });
}
