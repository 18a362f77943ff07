// Login (no token needed) and Logout (revokes exactly the calling token).
import { status } from "@grpc/grpc-js";
import type * as A from "../../../generated/accounts";
import type { UnaryHandler } from "../context";
import { ApiError } from "../errors";
import { hashPassword, verifyPassword } from "../passwords";
import { requirePassword, requireText } from "../validate";
import { findUser, membership, resolveUserId } from "../store/orgs";

/** Login and Logout implementations. */
export const loginHandlers = {
  login: {
    kind: "unary",
    access: "none",
    async handle(emu, _c, req: A.LoginReq, info): Promise<A.LoginResp> {
      const userId = resolveUserId(emu.db, requireText("userID", req.userID));
      const orgId = requireText("orgID", req.orgID, 128);
      requirePassword("password", req.password);
      const user = findUser(emu.db, userId);
      // Hash anyway when the user is unknown, so the answer takes as long either way.
      const ok = user
        ? (await verifyPassword(req.password, user.password_hash)) && membership(emu.db, orgId, userId) !== undefined
        : (await hashPassword(req.password, emu.settings.scrypt), false);
      if (!ok) {
        throw new ApiError(status.UNAUTHENTICATED, "userID/password/orgID: wrong password, unknown user, or user not in that organization");
      }
      info.orgId = orgId;
      info.userId = userId;
      return { token: await emu.tokens.issue(userId, orgId) };
    },
  } satisfies UnaryHandler<A.LoginReq, A.LoginResp>,

  logout: {
    kind: "unary",
    access: "user",
    handle(emu, caller): A.LogoutResp {
      emu.tokens.revoke(caller);
      return { status: `You have successfully logged out on ${new Date(emu.now()).toISOString()}` };
    },
  } satisfies UnaryHandler<A.LogoutReq, A.LogoutResp>,
};
