// Organization, user and membership rows: lookups and the multi-row changes (register, remove)
// that must happen in one transaction.
import { status } from "@grpc/grpc-js";
import { statement, type Db } from "./db";
import { ApiError, notFound } from "../errors";
import { canonicalUserId } from "../validate";

/** A row of `orgs`. */
export interface OrgRow {
  org_id: string;
  created_at: number;
  email: string;
  address: string;
  multi_level_share: number;
  subscription_type: string;
  subscription_status: string;
  source_data: string;
  wrapped_key: Buffer;
}

/** A row of `users`. */
export interface UserRow {
  user_id: string;
  name: string;
  email: string;
  password_hash: string;
  created_at: number;
}

/** The organization `orgId`, or undefined. */
export function findOrg(db: Db, orgId: string): OrgRow | undefined {
  return statement(db, "SELECT * FROM orgs WHERE org_id = ?").get(orgId) as OrgRow | undefined;
}

/** The organization `orgId`; throws NOT_FOUND naming `field`. */
export function requireOrg(db: Db, orgId: string, field: string): OrgRow {
  const org = findOrg(db, orgId);
  if (!org) throw notFound(field, `no organization ${JSON.stringify(orgId)}`);
  return org;
}

/** The user `userId`, or undefined. */
export function findUser(db: Db, userId: string): UserRow | undefined {
  return statement(db, "SELECT * FROM users WHERE user_id = ?").get(userId) as UserRow | undefined;
}

/**
 * The stored ID of the user a request names: its canonical form (email-like IDs lower-cased, see
 * `canonicalUserId`), or — for a user registered before that rule, with capitals in the ID — that
 * stored ID when it is the only one equal to the request ignoring (ASCII) case. Unknown users get
 * the canonical form.
 */
export function resolveUserId(db: Db, requested: string): string {
  const canonical = canonicalUserId(requested);
  if (canonical === requested && !requested.includes("@")) return requested;
  if (findUser(db, canonical)) return canonical;
  const legacy = statement(db, "SELECT user_id FROM users WHERE lower(user_id) = lower(?) LIMIT 2").all(requested) as { user_id: string }[];
  return legacy.length === 1 ? legacy[0]!.user_id : canonical;
}

/** The membership of `userId` in `orgId`, or undefined. */
export function membership(db: Db, orgId: string, userId: string): { is_admin: number } | undefined {
  return statement(db, "SELECT is_admin FROM org_members WHERE org_id = ? AND user_id = ?").get(orgId, userId) as
    | { is_admin: number }
    | undefined;
}

/** Throws NOT_FOUND (naming `field`) unless `userId` belongs to `orgId`. */
export function requireMember(db: Db, orgId: string, userId: string, field: string): { is_admin: number } {
  const m = membership(db, orgId, userId);
  if (!m) throw notFound(field, `no user ${JSON.stringify(userId)} in organization ${orgId}`);
  return m;
}

/** Number of admins of `orgId`. */
export function adminCount(db: Db, orgId: string): number {
  return (statement(db, "SELECT count(*) AS n FROM org_members WHERE org_id = ? AND is_admin = 1").get(orgId) as { n: number }).n;
}

/** The organizations `orgId` may share with, in the order they were added. */
export function sharableOrgs(db: Db, orgId: string): string[] {
  return (statement(db, "SELECT other_org_id FROM sharable_orgs WHERE org_id = ? ORDER BY seq").all(orgId) as { other_org_id: string }[]).map(
    (r) => r.other_org_id,
  );
}

/** Adds `otherOrgId` to the sharable list of `orgId` (idempotent; checks both exist). */
export function addSharable(db: Db, orgId: string, otherOrgId: string, field: string): void {
  if (otherOrgId === orgId) throw new ApiError(status.INVALID_ARGUMENT, `${field}: ${orgId} is your own organization; same-org sharing needs no entry`);
  requireOrg(db, otherOrgId, field);
  statement(db, "INSERT OR IGNORE INTO sharable_orgs(org_id, other_org_id) VALUES (?, ?)").run(orgId, otherOrgId);
}

/**
 * Removes `userId` from `orgId`; deletes the user (and the shares made to them) when no
 * organization is left. Their documents stay, owned by the organization. Returns 1.
 */
export function removeMember(db: Db, orgId: string, userId: string): number {
  const n = statement(db, "DELETE FROM org_members WHERE org_id = ? AND user_id = ?").run(orgId, userId).changes;
  const left = statement(db, "SELECT 1 FROM org_members WHERE user_id = ?").get(userId);
  if (!left) {
    statement(db, "DELETE FROM users WHERE user_id = ?").run(userId);
    statement(db, "DELETE FROM shares WHERE user_id = ?").run(userId);
  }
  return n;
}
