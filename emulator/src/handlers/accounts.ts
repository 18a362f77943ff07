// Account RPCs: organizations (register, reactivate, remove), users (register, list, remove,
// promote, demote), the org's sharing settings, account info and the caller's own profile.
import Long from "long";
import { status } from "@grpc/grpc-js";
import type * as A from "../../../generated/accounts";
import type { Emu, UnaryHandler } from "../context";
import { ApiError, invalidArgument } from "../errors";
import { hashPassword, verifyPassword } from "../passwords";
import { canonicalUserId, requireEmail, requirePassword, requireText } from "../validate";
import {
  addSharable,
  adminCount,
  findOrg,
  findUser,
  membership,
  removeMember,
  requireMember,
  requireOrg,
  resolveUserId,
  sharableOrgs,
} from "../store/orgs";
import { deleteDocumentRows } from "../store/documents";
import { safely } from "./lifecycle";

function unary<Req, Res>(access: UnaryHandler["access"], handle: UnaryHandler<Req, Res>["handle"]): UnaryHandler<Req, Res> {
  return { kind: "unary", access, handle };
}

function alreadyExists(message: string): ApiError {
  return new ApiError(status.ALREADY_EXISTS, message);
}

/** Hashes `password` for a new user, or checks it against an existing user's hash. */
async function credentialFor(emu: Emu, userId: string, password: string, field: string): Promise<string | undefined> {
  const existing = findUser(emu.db, userId);
  if (!existing) return hashPassword(password, emu.settings.scrypt);
  if (!(await verifyPassword(password, existing.password_hash))) {
    throw alreadyExists(
      `${field}: user ${userId} already exists; to add them to another organization give their current password`,
    );
  }
  return undefined;
}

/** Removes every document of an org and the org itself, in one transaction; returns what was freed. */
function deleteOrganization(emu: Emu, orgId: string): { docIds: string[]; storedBytes: number } {
  const db = emu.db;
  return db.transaction(() => {
    const docs = db.prepare("SELECT doc_id, stored, size FROM documents WHERE org_id = ?").all(orgId) as {
      doc_id: string;
      stored: number;
      size: number;
    }[];
    for (const d of docs) deleteDocumentRows(db, d.doc_id);
    db.prepare("DELETE FROM sharable_orgs WHERE org_id = ? OR other_org_id = ?").run(orgId, orgId);
    db.prepare("DELETE FROM payment_methods WHERE org_id = ?").run(orgId);
    const members = db.prepare("SELECT user_id FROM org_members WHERE org_id = ?").all(orgId) as { user_id: string }[];
    for (const m of members) removeMember(db, orgId, m.user_id);
    db.prepare("DELETE FROM orgs WHERE org_id = ?").run(orgId);
    return {
      docIds: docs.map((d) => d.doc_id),
      storedBytes: docs.filter((d) => d.stored === 1).reduce((n, d) => n + d.size, 0),
    };
  })();
}

/** Account RPC implementations, keyed by generated method name. */
export const accountHandlers = {
  registerOrganization: unary<A.RegisterOrganizationReq, A.RegisterOrganizationResp>("none", async (emu, _c, req, info) => {
    const orgId = requireText("orgName", req.orgName, 128);
    const userName = requireText("userName", req.userName);
    const shownEmail = requireEmail("adminEmail", req.adminEmail);
    const adminEmail = canonicalUserId(shownEmail);
    requirePassword("password", req.password);
    const orgEmail = req.orgEmail.trim() === "" ? "" : requireEmail("orgEmail", req.orgEmail);
    if (req.orgAddr.length > 1024) throw invalidArgument("orgAddr", "must be at most 1024 characters");
    const address = req.orgAddr;
    if (findOrg(emu.db, orgId)) throw alreadyExists(`orgName: organization ${JSON.stringify(orgId)} already exists`);
    const sharable = req.sharableOrgs.map((o, i) => requireText(`sharableOrgs[${i}]`, o, 128));
    sharable.forEach((o, i) => {
      if (o !== orgId) requireOrg(emu.db, o, `sharableOrgs[${i}]`);
    });
    const hash = await credentialFor(emu, adminEmail, req.password, "adminEmail");
    const now = emu.now();
    emu.db.transaction(() => {
      if (findOrg(emu.db, orgId)) throw alreadyExists(`orgName: organization ${JSON.stringify(orgId)} already exists`);
      emu.db
        .prepare(
          `INSERT INTO orgs(org_id, created_at, email, address, multi_level_share, subscription_type, subscription_status, source_data, wrapped_key)
           VALUES (?, ?, ?, ?, ?, ?, 'Subscribed', ?, ?)`,
        )
        .run(orgId, now, orgEmail, address, req.multiLevelShare ? 1 : 0, req.source.trim() || "Emulator", req.sourceData, emu.keys.newWrappedOrgKey(orgId));
      if (hash !== undefined) {
        if (findUser(emu.db, adminEmail)) throw alreadyExists(`adminEmail: user ${adminEmail} already exists`);
        emu.db.prepare("INSERT INTO users(user_id, name, email, password_hash, created_at) VALUES (?, ?, ?, ?, ?)").run(adminEmail, userName, shownEmail, hash, now);
      }
      emu.db.prepare("INSERT INTO org_members(org_id, user_id, is_admin, joined_at) VALUES (?, ?, 1, ?)").run(orgId, adminEmail, now);
      sharable.forEach((o, i) => {
        if (o !== orgId) addSharable(emu.db, orgId, o, `sharableOrgs[${i}]`);
      });
      if (req.pmID.trim() !== "") {
        emu.db.prepare("INSERT INTO payment_methods(org_id, pm_id, is_default) VALUES (?, ?, 1)").run(orgId, req.pmID.trim());
      }
    })();
    info.orgId = orgId;
    info.userId = adminEmail;
    emu.services.billing.onOrganizationRegistered(orgId, new Date(now));
    if (hash === undefined) await safely(emu, "searchIndex.membersChanged", () => emu.services.searchIndex.membersChanged?.(orgId));
    return { orgID: orgId, userID: adminEmail, clientSecret: "" };
  }),

  reactivateOrganization: unary<A.RegisterOrganizationReq, A.RegisterOrganizationResp>("none", async (emu, _c, req, info) => {
    const orgId = requireText("orgName", req.orgName, 128);
    const adminEmail = resolveUserId(emu.db, requireEmail("adminEmail", req.adminEmail));
    requirePassword("password", req.password);
    requireOrg(emu.db, orgId, "orgName");
    const user = findUser(emu.db, adminEmail);
    const ok = user !== undefined && membership(emu.db, orgId, adminEmail) !== undefined && (await verifyPassword(req.password, user.password_hash));
    if (!ok) {
      throw new ApiError(status.UNAUTHENTICATED, `adminEmail/password: not the credentials of a member of organization ${orgId}`);
    }
    emu.db.transaction(() => {
      emu.db.prepare("UPDATE orgs SET subscription_status = 'Subscribed' WHERE org_id = ?").run(orgId);
      emu.db.prepare("UPDATE org_members SET is_admin = 1 WHERE org_id = ? AND user_id = ?").run(orgId, adminEmail);
    })();
    info.orgId = orgId;
    info.userId = adminEmail;
    return { orgID: orgId, userID: adminEmail, clientSecret: "" };
  }),

  removeOrganization: unary<A.RemoveOrganizationReq, A.RemoveOrganizationResp>("admin", async (emu, caller, req) => {
    const n = (emu.db.prepare("SELECT count(*) AS n FROM documents WHERE org_id = ?").get(caller.orgId) as { n: number }).n;
    if (n > 0 && !req.force) {
      throw new ApiError(
        status.FAILED_PRECONDITION,
        `force: organization ${caller.orgId} still holds ${n} document(s); pass force=true to remove it with all its data`,
      );
    }
    const freed = deleteOrganization(emu, caller.orgId);
    for (const docId of freed.docIds) emu.blobs.remove(docId);
    const at = new Date(emu.now());
    for (const docId of freed.docIds) await emu.services.searchIndex.removeDocument(docId);
    if (freed.storedBytes > 0) emu.services.meter.recordStorage(caller.orgId, -freed.storedBytes, at);
    emu.services.billing.onOrganizationRemoved(caller.orgId, at);
    emu.keys.forgetOrg(caller.orgId);
    return { success: true, postponed: false };
  }),

  registerUser: unary<A.RegisterUserReq, A.RegisterUserResp>("admin", async (emu, caller, req) => {
    const userName = requireText("userName", req.userName);
    const shownEmail = requireEmail("email", req.email);
    const email = canonicalUserId(shownEmail);
    requirePassword("password", req.password);
    if (membership(emu.db, caller.orgId, email)) {
      throw alreadyExists(`email: user ${email} already belongs to organization ${caller.orgId}`);
    }
    const hash = await credentialFor(emu, email, req.password, "email");
    const now = emu.now();
    emu.db.transaction(() => {
      if (membership(emu.db, caller.orgId, email)) throw alreadyExists(`email: user ${email} already belongs to organization ${caller.orgId}`);
      if (hash !== undefined) {
        if (findUser(emu.db, email)) throw alreadyExists(`email: user ${email} already exists`);
        emu.db.prepare("INSERT INTO users(user_id, name, email, password_hash, created_at) VALUES (?, ?, ?, ?, ?)").run(email, userName, shownEmail, hash, now);
      }
      emu.db.prepare("INSERT INTO org_members(org_id, user_id, is_admin, joined_at) VALUES (?, ?, ?, ?)").run(caller.orgId, email, req.admin ? 1 : 0, now);
    })();
    if (hash === undefined) await safely(emu, "searchIndex.membersChanged", () => emu.services.searchIndex.membersChanged?.(caller.orgId));
    return { userID: email };
  }),

  listUsers: unary<A.ListUsersReq, A.ListUsersResp>("user", (emu, caller) => {
    const rows = emu.db
      .prepare(
        `SELECT u.name, m.user_id, m.is_admin FROM org_members m JOIN users u ON u.user_id = m.user_id
          WHERE m.org_id = ? ORDER BY m.seq`,
      )
      .all(caller.orgId) as { name: string; user_id: string; is_admin: number }[];
    return { orgUsers: rows.map((r) => ({ userName: r.name, userID: r.user_id, isAdmin: r.is_admin === 1 })) };
  }),

  removeUser: unary<A.RemoveUserReq, A.RemoveUserResp>("admin", async (emu, caller, req) => {
    const userId = resolveUserId(emu.db, requireText("userID", req.userID));
    const count = emu.db.transaction(() => {
      const m = requireMember(emu.db, caller.orgId, userId, "userID");
      if (m.is_admin === 1 && adminCount(emu.db, caller.orgId) === 1) {
        throw new ApiError(status.FAILED_PRECONDITION, `userID: ${userId} is the last administrator of ${caller.orgId}; promote another user first`);
      }
      return removeMember(emu.db, caller.orgId, userId);
    })();
    await safely(emu, "searchIndex.membersChanged", () => emu.services.searchIndex.membersChanged?.(caller.orgId));
    return { count: Long.fromNumber(count) };
  }),

  promoteUser: unary<A.PromoteUserReq, A.PromoteUserResp>("admin", (emu, caller, req) => {
    const userId = resolveUserId(emu.db, requireText("userID", req.userID));
    requireMember(emu.db, caller.orgId, userId, "userID");
    emu.db.prepare("UPDATE org_members SET is_admin = 1 WHERE org_id = ? AND user_id = ?").run(caller.orgId, userId);
    return { success: true };
  }),

  demoteUser: unary<A.DemoteUserReq, A.DemoteUserResp>("admin", (emu, caller, req) => {
    const userId = resolveUserId(emu.db, requireText("userID", req.userID));
    emu.db.transaction(() => {
      const m = requireMember(emu.db, caller.orgId, userId, "userID");
      if (m.is_admin === 1 && adminCount(emu.db, caller.orgId) === 1) {
        throw new ApiError(status.FAILED_PRECONDITION, `userID: ${userId} is the last administrator of ${caller.orgId} and cannot be demoted`);
      }
      emu.db.prepare("UPDATE org_members SET is_admin = 0 WHERE org_id = ? AND user_id = ?").run(caller.orgId, userId);
    })();
    return { success: true };
  }),

  addSharableOrg: unary<A.AddSharableOrgReq, A.AddSharableOrgResp>("admin", (emu, caller, req) => {
    const other = requireText("newOrgID", req.newOrgID, 128);
    addSharable(emu.db, caller.orgId, other, "newOrgID");
    return { success: true };
  }),

  removeSharableOrg: unary<A.RemoveSharableOrgReq, A.RemoveSharableOrgResp>("admin", (emu, caller, req) => {
    const other = requireText("removeOrgID", req.removeOrgID, 128);
    const removed = emu.db.prepare("DELETE FROM sharable_orgs WHERE org_id = ? AND other_org_id = ?").run(caller.orgId, other).changes;
    if (removed === 0) requireOrg(emu.db, other, "removeOrgID");
    return { success: true };
  }),

  setMultiLevelSharing: unary<A.SetMultiLevelSharingReq, A.SetMultiLevelSharingResp>("admin", (emu, caller, req) => {
    emu.db.prepare("UPDATE orgs SET multi_level_share = ? WHERE org_id = ?").run(req.enable ? 1 : 0, caller.orgId);
    return { success: true };
  }),

  getAccountInfo: unary<A.GetAccountInfoReq, A.GetAccountInfoResp>("admin", (emu, caller) => {
    const org = requireOrg(emu.db, caller.orgId, "orgID");
    return {
      orgID: org.org_id,
      orgEmail: org.email,
      subscription: { type: org.subscription_type, status: org.subscription_status },
      payments: emu.services.billing.payments(org.org_id),
      orgAddress: org.address,
      multiLevelShare: org.multi_level_share === 1,
      sharableOrgs: sharableOrgs(emu.db, org.org_id),
    };
  }),

  setAccountInfo: unary<A.SetAccountInfoReq, A.SetAccountInfoResp>("admin", (emu, caller, req) => {
    const email = requireEmail("orgEmail", req.orgEmail);
    if (req.orgAddress.length > 1024) throw invalidArgument("orgAddress", "must be at most 1024 characters");
    emu.db.prepare("UPDATE orgs SET email = ?, address = ? WHERE org_id = ?").run(email, req.orgAddress, caller.orgId);
    return { success: true };
  }),

  getUserInfo: unary<A.GetUserInfoReq, A.GetUserInfoResp>("user", (emu, caller) => {
    const user = findUser(emu.db, caller.userId)!;
    return { userID: user.user_id, email: user.email, userName: user.name, orgID: caller.orgId, isAdmin: caller.isAdmin };
  }),

  setUserInfo: unary<A.SetUserInfoReq, A.SetUserInfoResp>("user", (emu, caller, req) => {
    const name = requireText("name", req.name);
    const email = requireEmail("email", req.email);
    emu.db.prepare("UPDATE users SET name = ?, email = ? WHERE user_id = ?").run(name, email, caller.userId);
    return { success: true };
  }),

  changeUserPassword: unary<A.ChangeUserPasswordReq, A.ChangeUserPasswordResp>("user", async (emu, caller, req) => {
    requirePassword("oldPassword", req.oldPassword);
    requirePassword("newPassword", req.newPassword);
    const user = findUser(emu.db, caller.userId)!;
    if (!(await verifyPassword(req.oldPassword, user.password_hash))) {
      throw invalidArgument("oldPassword", "does not match the current password");
    }
    const hash = await hashPassword(req.newPassword, emu.settings.scrypt);
    emu.db.prepare("UPDATE users SET password_hash = ? WHERE user_id = ?").run(hash, caller.userId);
    return { success: true };
  }),
};
