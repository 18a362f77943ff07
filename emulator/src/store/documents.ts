// Document rows: pending → ready lifecycle, access checks (the rule in access.ts), and
// per-document keys. The encrypted bodies live in blobs.ts.
import { randomUUID } from "node:crypto";
import { status } from "@grpc/grpc-js";
import { statement, type Db } from "./db";
import type { KeyRing } from "../crypto/keys";
import type { Caller } from "../auth";
import { READABLE_DOC_PREDICATE, READABLE_DOCS_SQL } from "./access";
import { ApiError, notFound } from "../errors";

export { CHUNK_BYTES, INDEX_PREFIX_BYTES } from "./blobs";

/** A row of `documents`. */
export interface DocumentRow {
  doc_id: string;
  org_id: string;
  owner_id: string;
  name: string;
  size: number;
  stored: number;
  created_at: number;
  state: "pending" | "ready";
  wrapped_key: Buffer;
  frames: number;
  chunks: number;
}

/** Named parameters for READABLE_DOCS_SQL. */
export function viewer(caller: Caller): { viewerUserId: string; viewerOrgId: string; viewerIsAdmin: number } {
  return { viewerUserId: caller.userId, viewerOrgId: caller.orgId, viewerIsAdmin: caller.isAdmin ? 1 : 0 };
}

/** Returns the ready document `docId` if `caller` may read it, else throws NOT_FOUND. */
export function readableDocument(db: Db, caller: Caller, docId: string): DocumentRow {
  const row = statement(db, `SELECT * FROM documents d WHERE d.doc_id = @docId AND ${READABLE_DOC_PREDICATE}`).get({
    docId,
    ...viewer(caller),
  }) as DocumentRow | undefined;
  if (!row) throw notFound("docID", `no document ${JSON.stringify(docId)} that you can access`);
  return row;
}

/**
 * ID, name and size of all ready documents `caller` may read, in creation order (only the listed
 * columns: no key blob is read per row, which made ListDocuments cost a Buffer per document).
 */
export function listReadable(db: Db, caller: Caller): Pick<DocumentRow, "doc_id" | "name" | "size">[] {
  const sql = `SELECT doc_id, name, size FROM documents WHERE doc_id IN (${READABLE_DOCS_SQL}) ORDER BY seq, created_at`;
  return statement(db, sql).all(viewer(caller)) as Pick<DocumentRow, "doc_id" | "name" | "size">[];
}

/** Unwraps the key of a document (through its organization's key). */
export function documentKey(db: Db, keys: KeyRing, doc: Pick<DocumentRow, "doc_id" | "org_id" | "wrapped_key">): Buffer {
  const org = statement(db, "SELECT wrapped_key FROM orgs WHERE org_id = ?").get(doc.org_id) as { wrapped_key: Buffer } | undefined;
  if (!org) throw new ApiError(status.NOT_FOUND, `docID: the organization of document ${doc.doc_id} no longer exists`);
  return keys.documentKey(keys.orgKey(doc.org_id, org.wrapped_key), doc.doc_id, doc.wrapped_key);
}

/** Creates a pending document (invisible to every reader) and returns its ID and key. */
export function createPending(
  db: Db,
  keys: KeyRing,
  args: { orgId: string; ownerId: string; name: string; stored: boolean; now: number },
): { docId: string; key: Buffer } {
  const org = statement(db, "SELECT wrapped_key FROM orgs WHERE org_id = ?").get(args.orgId) as { wrapped_key: Buffer } | undefined;
  if (!org) throw notFound("orgID", `no organization ${args.orgId}`);
  const docId = randomUUID();
  const { key, wrapped } = keys.newDocumentKey(keys.orgKey(args.orgId, org.wrapped_key), docId);
  statement(
    db,
    `INSERT INTO documents(doc_id, org_id, owner_id, name, size, stored, created_at, state, wrapped_key, seq)
     VALUES (?, ?, ?, ?, 0, ?, ?, 'pending', ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM documents))`,
  ).run(docId, args.orgId, args.ownerId, args.name, args.stored ? 1 : 0, args.now, wrapped);
  return { docId, key };
}

/**
 * Deletes a document row with its shares (and chunk rows of older data dirs). The body file is
 * removed by the caller (BlobStore.remove) after the transaction commits.
 */
export function deleteDocumentRows(db: Db, docId: string): void {
  statement(db, "DELETE FROM doc_chunks WHERE doc_id = ?").run(docId);
  statement(db, "DELETE FROM shares WHERE doc_id = ?").run(docId);
  statement(db, "DELETE FROM documents WHERE doc_id = ?").run(docId);
}
