// Session tokens: HS256 JWTs signed with a per-data-dir secret (kept in the encrypted database),
// with expiry and a unique jti so that Logout can revoke exactly one token (persisted).
// Also parses the `authorization` metadata ("Bearer <jwt>", scheme case-insensitive).
import { randomBytes, randomUUID } from "node:crypto";
import { SignJWT, jwtVerify, errors as joseErrors } from "jose";
import { status } from "@grpc/grpc-js";
import { ApiError } from "./errors";
import type { Db } from "./store/db";
import { metaValue } from "./store/db";

/** Who is calling: established from a valid, unrevoked token and the current membership. */
export interface Caller {
  /** The user's ID (their registration email). */
  userId: string;
  /** The organization the token was issued for. */
  orgId: string;
  /** Whether the user is an admin of `orgId` right now (read from the database, not the token). */
  isAdmin: boolean;
  /** The token's unique ID (what Logout revokes). */
  jti: string;
  /** The token's expiry (ms since epoch). */
  expiresAt: number;
}

const ISSUER = "strongdoc-emulator";

function unauthenticated(message: string): ApiError {
  return new ApiError(status.UNAUTHENTICATED, message);
}

/** Extracts the JWT from an `authorization` header value; throws UNAUTHENTICATED if absent or malformed. */
export function bearerToken(header: string | undefined): string {
  if (header === undefined || header.trim() === "") {
    throw unauthenticated("authorization: missing; send 'authorization: Bearer <token>' from Login");
  }
  const m = /^\s*bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) throw unauthenticated("authorization: malformed; expected 'Bearer <token>'");
  return m[1]!;
}

/** Issues and checks tokens for one database. */
export class TokenService {
  private readonly secret: Uint8Array;

  /**
   * @param db - the emulator database (holds the signing secret and the revocations).
   * @param ttlSeconds - token lifetime.
   * @param now - clock in ms (a test knob).
   */
  constructor(
    private readonly db: Db,
    private readonly ttlSeconds: number,
    private readonly now: () => number,
  ) {
    this.secret = new Uint8Array(metaValue(db, "jwt_secret", () => randomBytes(32)));
  }

  /** Issues a token for `userId` in `orgId`. */
  async issue(userId: string, orgId: string): Promise<string> {
    const iat = Math.floor(this.now() / 1000);
    const epochs = this.epochs(orgId, userId);
    if (!epochs) throw unauthenticated("userID/orgID: no such member");
    // oc/uc pin the token to this incarnation of the org and the user: if either is removed and
    // registered again under the same name, old tokens do not come back to life.
    return new SignJWT({ org: orgId, oc: epochs.org_created, uc: epochs.user_created })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuer(ISSUER)
      .setSubject(userId)
      .setJti(randomUUID())
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.ttlSeconds)
      .sign(this.secret);
  }

  /** Verifies a token and the caller's current membership; throws UNAUTHENTICATED on any failure. */
  async verify(token: string): Promise<Caller> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.secret, {
        algorithms: ["HS256"],
        issuer: ISSUER,
        requiredClaims: ["sub", "jti", "exp", "org"],
        currentDate: new Date(this.now()),
      }));
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) throw unauthenticated("authorization: token expired; log in again");
      throw unauthenticated("authorization: invalid token");
    }
    const userId = payload.sub!;
    const orgId = String(payload["org"]);
    const jti = payload.jti!;
    if (this.db.prepare("SELECT 1 FROM revoked_tokens WHERE jti = ?").get(jti)) {
      throw unauthenticated("authorization: token was revoked by Logout; log in again");
    }
    const member = this.epochs(orgId, userId);
    if (!member || member.org_created !== payload["oc"] || member.user_created !== payload["uc"]) {
      throw unauthenticated("authorization: the token's user no longer belongs to its organization");
    }
    return { userId, orgId, isAdmin: member.is_admin === 1, jti, expiresAt: payload.exp! * 1000 };
  }

  private epochs(orgId: string, userId: string): { is_admin: number; org_created: number; user_created: number } | undefined {
    return this.db
      .prepare(
        `SELECT m.is_admin, o.created_at AS org_created, u.created_at AS user_created
           FROM org_members m JOIN orgs o ON o.org_id = m.org_id JOIN users u ON u.user_id = m.user_id
          WHERE m.org_id = ? AND m.user_id = ?`,
      )
      .get(orgId, userId) as { is_admin: number; org_created: number; user_created: number } | undefined;
  }

  /** Revokes one token (idempotent). */
  revoke(caller: Caller): void {
    this.db
      .prepare("INSERT OR IGNORE INTO revoked_tokens(jti, user_id, expires_at) VALUES (?, ?, ?)")
      .run(caller.jti, caller.userId, caller.expiresAt);
  }
}
