// Session tokens: HS256 JWTs signed with a per-data-dir secret (kept in the encrypted database),
// with expiry and a unique jti so that Logout can revoke exactly one token (persisted).
// Also parses the `authorization` metadata ("Bearer <jwt>", scheme case-insensitive).
// Verification runs on every authenticated call, so the HMAC key is imported once, the SQL is
// prepared once, and a token string whose signature already verified is remembered until it
// expires; revocation and the caller's membership are still read from the database on every call.
import { createSecretKey, randomBytes, randomUUID, type KeyObject } from "node:crypto";
import { SignJWT, jwtVerify, errors as joseErrors } from "jose";
import { status } from "@grpc/grpc-js";
import { ApiError } from "./errors";
import type { Statement } from "better-sqlite3";
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

/** Most verified token strings remembered at once (the oldest is forgotten first). */
export const VERIFIED_TOKEN_CACHE_SIZE = 4096;

/** The claims of a token whose signature, issuer and required claims verified. */
interface VerifiedClaims {
  userId: string;
  orgId: string;
  jti: string;
  /** Expiry in seconds since the epoch (the JWT `exp`). */
  exp: number;
  /** The `oc` and `uc` claims: creation times of the org and the user the token was issued for. */
  oc: unknown;
  uc: unknown;
}

interface MemberEpochs {
  is_admin: number;
  org_created: number;
  user_created: number;
}

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

/**
 * Issues and checks tokens for one database.
 *
 * {@link TokenService.verify} checks the signature of a token string once and then remembers
 * its claims (at most {@link VERIFIED_TOKEN_CACHE_SIZE} tokens) until the token expires: only a
 * string that verified byte for byte is ever served from memory. Expiry, revocation (Logout) and
 * the caller's current membership and admin status are checked on every call, from the clock and
 * the database, so Logout, Promote, Demote and RemoveUser take effect on the very next call.
 */
export class TokenService {
  private readonly key: KeyObject;
  private readonly verified = new Map<string, VerifiedClaims>();
  private readonly isRevoked: Statement;
  private readonly memberEpochs: Statement;
  private readonly insertRevoked: Statement;

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
    this.key = createSecretKey(metaValue(db, "jwt_secret", () => randomBytes(32)));
    this.isRevoked = db.prepare("SELECT 1 FROM revoked_tokens WHERE jti = ?");
    this.memberEpochs = db.prepare(
      `SELECT m.is_admin, o.created_at AS org_created, u.created_at AS user_created
         FROM org_members m JOIN orgs o ON o.org_id = m.org_id JOIN users u ON u.user_id = m.user_id
        WHERE m.org_id = ? AND m.user_id = ?`,
    );
    this.insertRevoked = db.prepare("INSERT OR IGNORE INTO revoked_tokens(jti, user_id, expires_at) VALUES (?, ?, ?)");
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
      .sign(this.key);
  }

  /** Verifies a token and the caller's current membership; throws UNAUTHENTICATED on any failure. */
  async verify(token: string): Promise<Caller> {
    const nowMs = this.now();
    let claims = this.verified.get(token);
    if (claims) {
      // The same test as jose's (exp <= now in whole seconds, no tolerance).
      if (claims.exp <= Math.floor(nowMs / 1000)) {
        this.verified.delete(token);
        throw unauthenticated("authorization: token expired; log in again");
      }
    } else {
      claims = await this.verifySignature(token, nowMs);
    }
    const { userId, orgId, jti } = claims;
    if (this.isRevoked.get(jti)) {
      throw unauthenticated("authorization: token was revoked by Logout; log in again");
    }
    const member = this.epochs(orgId, userId);
    if (!member || member.org_created !== claims.oc || member.user_created !== claims.uc) {
      throw unauthenticated("authorization: the token's user no longer belongs to its organization");
    }
    return { userId, orgId, isAdmin: member.is_admin === 1, jti, expiresAt: claims.exp * 1000 };
  }

  /** Full JWT verification (signature, algorithm, issuer, required claims, expiry); remembers the result. */
  private async verifySignature(token: string, nowMs: number): Promise<VerifiedClaims> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        algorithms: ["HS256"],
        issuer: ISSUER,
        requiredClaims: ["sub", "jti", "exp", "org"],
        currentDate: new Date(nowMs),
      }));
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) throw unauthenticated("authorization: token expired; log in again");
      throw unauthenticated("authorization: invalid token");
    }
    const claims: VerifiedClaims = {
      userId: payload.sub!,
      orgId: String(payload["org"]),
      jti: payload.jti!,
      exp: payload.exp!,
      oc: payload["oc"],
      uc: payload["uc"],
    };
    // Only tokens whose validity depends on nothing but `exp` are remembered (ours never carry nbf).
    if (payload.nbf === undefined) {
      if (this.verified.size >= VERIFIED_TOKEN_CACHE_SIZE) {
        this.verified.delete(this.verified.keys().next().value!);
      }
      this.verified.set(token, claims);
    }
    return claims;
  }

  private epochs(orgId: string, userId: string): MemberEpochs | undefined {
    return this.memberEpochs.get(orgId, userId) as MemberEpochs | undefined;
  }

  /** Revokes one token (idempotent); the next call with it is refused. */
  revoke(caller: Caller): void {
    this.insertRevoked.run(caller.jti, caller.userId, caller.expiresAt);
  }
}
