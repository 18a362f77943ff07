// The key hierarchy: a master key (from the data dir or STRONGDOC_EMULATOR_MASTER_KEY) derives the
// database key and the key-encryption key that wraps each organization key; each org key wraps the
// per-document keys. Only wrapped keys are ever stored.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { KEY_BYTES, deriveKey, open, seal } from "./aead";

/** Environment variable that, when set, supplies the master key (64 hex chars or base64 of 32 bytes). */
export const MASTER_KEY_ENV = "STRONGDOC_EMULATOR_MASTER_KEY";
/** File name of the master key inside the data dir (used when the env var is not set). */
export const MASTER_KEY_FILE = "master.key";

/** Parses a master key given as 64 hex characters or base64 of exactly 32 bytes. */
export function parseMasterKey(text: string): Buffer {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, "hex");
  const b = Buffer.from(t, "base64");
  if (b.length === KEY_BYTES && /^[A-Za-z0-9+/_-]+=*$/.test(t)) return b;
  throw new Error(`${MASTER_KEY_ENV}: expected 64 hex characters or base64 of 32 bytes`);
}

/**
 * Loads the master key: an explicit value, else the env var, else `<dataDir>/master.key`
 * (created with mode 0600 on first start).
 */
export function loadMasterKey(dataDir: string, explicit?: string): Buffer {
  const given = explicit ?? process.env[MASTER_KEY_ENV];
  if (given !== undefined && given !== "") return parseMasterKey(given);
  const file = join(dataDir, MASTER_KEY_FILE);
  if (existsSync(file)) return parseMasterKey(readFileSync(file, "utf8"));
  const key = randomBytes(KEY_BYTES);
  writeFileSync(file, key.toString("hex") + "\n", { mode: 0o600, flag: "wx" });
  return key;
}

/** Wraps and unwraps organization and document keys under the master key. */
export class KeyRing {
  private readonly kek: Buffer;
  /** The SQLCipher key for the database file (hex-encodable raw key). */
  readonly databaseKey: Buffer;
  private readonly orgKeys = new Map<string, Buffer>();

  constructor(masterKey: Buffer) {
    if (masterKey.length !== KEY_BYTES) throw new Error("master key must be 32 bytes");
    this.kek = deriveKey(masterKey, "strongdoc-emulator/org-kek/v1");
    this.databaseKey = deriveKey(masterKey, "strongdoc-emulator/sqlite/v1");
  }

  /** Creates a fresh org key and returns it wrapped for storage in `orgs.wrapped_key`. */
  newWrappedOrgKey(orgId: string): Buffer {
    const key = randomBytes(KEY_BYTES);
    return seal(this.kek, key, Buffer.from(`org:${orgId}`, "utf8"));
  }

  /** Unwraps (and caches) an org key. */
  orgKey(orgId: string, wrapped: Buffer): Buffer {
    let key = this.orgKeys.get(orgId);
    if (!key) {
      key = open(this.kek, wrapped, Buffer.from(`org:${orgId}`, "utf8"));
      this.orgKeys.set(orgId, key);
    }
    return key;
  }

  /** Forgets a cached org key (after the org is removed). */
  forgetOrg(orgId: string): void {
    this.orgKeys.delete(orgId);
  }

  /** Creates a per-document key; returns it and its wrapped form for `documents.wrapped_key`. */
  newDocumentKey(orgKey: Buffer, docId: string): { key: Buffer; wrapped: Buffer } {
    const key = randomBytes(KEY_BYTES);
    return { key, wrapped: seal(orgKey, key, Buffer.from(`doc:${docId}`, "utf8")) };
  }

  /** Unwraps a per-document key. */
  documentKey(orgKey: Buffer, docId: string, wrapped: Buffer): Buffer {
    return open(orgKey, wrapped, Buffer.from(`doc:${docId}`, "utf8"));
  }
}
