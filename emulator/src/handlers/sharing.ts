// ShareDocument / UnshareDocument. Same-org sharing is always allowed; another org's users only
// when their org is on the document org's sharable list. Re-sharing a document you only received
// needs the owning org's multi-level sharing flag.
import Long from "long";
import { status } from "@grpc/grpc-js";
import type * as D from "../../../generated/document";
import type { UnaryHandler } from "../context";
import { ApiError, notFound } from "../errors";
import { requireText } from "../validate";
import { readableDocument } from "../store/documents";
import { findOrg, findUser, resolveUserId } from "../store/orgs";
import { controls, safely } from "./lifecycle";

/** Sharing RPC implementations. */
export const sharingHandlers = {
  shareDocument: {
    kind: "unary",
    access: "user",
    async handle(emu, caller, req): Promise<D.ShareDocumentResp> {
      const docId = requireText("docID", req.docID);
      const userId = resolveUserId(emu.db, requireText("userID", req.userID));
      const db = emu.db;
      const doc = readableDocument(db, caller, docId);
      if (!controls(caller, doc)) {
        const org = findOrg(db, doc.org_id);
        if (!org || org.multi_level_share !== 1) {
          throw new ApiError(
            status.PERMISSION_DENIED,
            `docID: document ${docId} was shared with you; re-sharing needs multi-level sharing enabled by ${doc.org_id}`,
          );
        }
      }
      if (!findUser(db, userId)) throw notFound("userID", `no user ${JSON.stringify(userId)}`);
      const allowed = db
        .prepare(
          `SELECT 1 FROM org_members m
            WHERE m.user_id = @userId
              AND (m.org_id = @docOrg
                   OR m.org_id IN (SELECT other_org_id FROM sharable_orgs WHERE org_id = @docOrg))`,
        )
        .get({ userId, docOrg: doc.org_id });
      if (!allowed) {
        throw new ApiError(
          status.PERMISSION_DENIED,
          `userID: ${userId} is not in ${doc.org_id} or in an organization ${doc.org_id} may share with (see AddSharableOrg)`,
        );
      }
      if (userId !== doc.owner_id) {
        db.prepare("INSERT OR IGNORE INTO shares(doc_id, user_id, shared_by, created_at) VALUES (?, ?, ?, ?)").run(
          docId,
          userId,
          caller.userId,
          emu.now(),
        );
        await safely(emu, "searchIndex.sharesChanged", () => emu.services.searchIndex.sharesChanged?.(docId));
      }
      return { success: true };
    },
  } satisfies UnaryHandler<D.ShareDocumentReq, D.ShareDocumentResp>,

  unshareDocument: {
    kind: "unary",
    access: "user",
    async handle(emu, caller, req): Promise<D.UnshareDocumentResp> {
      const docId = requireText("docID", req.docID);
      const userId = resolveUserId(emu.db, requireText("userID", req.userID));
      const doc = readableDocument(emu.db, caller, docId);
      const share = emu.db.prepare("SELECT shared_by FROM shares WHERE doc_id = ? AND user_id = ?").get(docId, userId) as
        | { shared_by: string }
        | undefined;
      if (!controls(caller, doc) && share?.shared_by !== caller.userId && userId !== caller.userId) {
        throw new ApiError(
          status.PERMISSION_DENIED,
          `docID: only the owner, an administrator of ${doc.org_id}, or whoever shared it can unshare document ${docId}`,
        );
      }
      if (!share && !findUser(emu.db, userId)) throw notFound("userID", `no user ${JSON.stringify(userId)}`);
      const count = emu.db.prepare("DELETE FROM shares WHERE doc_id = ? AND user_id = ?").run(docId, userId).changes;
      if (count > 0) await safely(emu, "searchIndex.sharesChanged", () => emu.services.searchIndex.sharesChanged?.(docId));
      return { count: Long.fromNumber(count) };
    },
  } satisfies UnaryHandler<D.UnshareDocumentReq, D.UnshareDocumentResp>,
};
