// Document rows and their encrypted bodies: pending → ready lifecycle, access checks (through
// READABLE_DOCS_SQL), per-document keys, and chunked encrypted storage of uploaded plaintext.
import { randomUUID } from "node:crypto";
import { status } from "@grpc/grpc-js";
import type { Db } from "./db";
import type { KeyRing } from "../crypto/keys";
import type { Caller } from "../auth";
import { READABLE_DOC_PREDICATE, READABLE_DOCS_SQL } from "./access";
import { ApiError, notFound } from "../errors";
import { bodyKey, openChunk, sealChunk } from "../crypto/stream-cipher";

/** Plaintext bytes per stored chunk row (and per DownloadDocumentStream message). */
export const CHUNK_BYTES = 1024 * 1024;
/** How much of a document's plaintext is handed to the search index. */
export const INDEX_PREFIX_BYTES = 8 * 1024 * 1024;

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
  const row = db
    .prepare(`SELECT * FROM documents d WHERE d.doc_id = @docId AND ${READABLE_DOC_PREDICATE}`)
    .get({ docId, ...viewer(caller) }) as DocumentRow | undefined;
  if (!row) throw notFound("docID", `no document ${JSON.stringify(docId)} that you can access`);
  return row;
}

/** All ready documents `caller` may read, in creation order. */
export function listReadable(db: Db, caller: Caller): DocumentRow[] {
  return db
    .prepare(`SELECT * FROM documents WHERE doc_id IN (${READABLE_DOCS_SQL}) ORDER BY seq, created_at`)
    .all(viewer(caller)) as DocumentRow[];
}

/** Unwraps the key of a document (through its organization's key). */
export function documentKey(db: Db, keys: KeyRing, doc: Pick<DocumentRow, "doc_id" | "org_id" | "wrapped_key">): Buffer {
  const org = db.prepare("SELECT wrapped_key FROM orgs WHERE org_id = ?").get(doc.org_id) as { wrapped_key: Buffer } | undefined;
  if (!org) throw new ApiError(status.NOT_FOUND, `docID: the organization of document ${doc.doc_id} no longer exists`);
  return keys.documentKey(keys.orgKey(doc.org_id, org.wrapped_key), doc.doc_id, doc.wrapped_key);
}

/** Creates a pending document (invisible to every reader) and returns its ID and key. */
export function createPending(
  db: Db,
  keys: KeyRing,
  args: { orgId: string; ownerId: string; name: string; stored: boolean; now: number },
): { docId: string; key: Buffer } {
  const org = db.prepare("SELECT wrapped_key FROM orgs WHERE org_id = ?").get(args.orgId) as { wrapped_key: Buffer } | undefined;
  if (!org) throw notFound("orgID", `no organization ${args.orgId}`);
  const docId = randomUUID();
  const { key, wrapped } = keys.newDocumentKey(keys.orgKey(args.orgId, org.wrapped_key), docId);
  db.prepare(
    `INSERT INTO documents(doc_id, org_id, owner_id, name, size, stored, created_at, state, wrapped_key, seq)
     VALUES (?, ?, ?, ?, 0, ?, ?, 'pending', ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM documents))`,
  ).run(docId, args.orgId, args.ownerId, args.name, args.stored ? 1 : 0, args.now, wrapped);
  return { docId, key };
}

/** Deletes a document row with its chunks and shares (used for removal and for aborted uploads). */
export function deleteDocumentRows(db: Db, docId: string): void {
  db.prepare("DELETE FROM doc_chunks WHERE doc_id = ?").run(docId);
  db.prepare("DELETE FROM shares WHERE doc_id = ?").run(docId);
  db.prepare("DELETE FROM documents WHERE doc_id = ?").run(docId);
}

/**
 * Streams plaintext into encrypted 1 MiB chunk rows of a pending document, keeping at most one
 * chunk (plus the search prefix) in memory.
 */
export class ChunkWriter {
  private readonly key: Buffer;
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private prefixParts: Buffer[] = [];
  private prefixBytes = 0;
  /** Chunk rows written so far. */
  chunks = 0;
  /** Plaintext bytes received so far. */
  bytes = 0;

  constructor(private readonly db: Db, private readonly docId: string, docKey: Buffer) {
    this.key = bodyKey(docKey);
  }

  /** Adds plaintext; writes every completed chunk. */
  write(data: Buffer): void {
    if (data.length === 0) return;
    this.bytes += data.length;
    if (this.prefixBytes < INDEX_PREFIX_BYTES) {
      const take = data.subarray(0, INDEX_PREFIX_BYTES - this.prefixBytes);
      this.prefixParts.push(Buffer.from(take));
      this.prefixBytes += take.length;
    }
    let off = 0;
    while (off < data.length) {
      const take = Math.min(CHUNK_BYTES - this.bufferedBytes, data.length - off);
      this.buffered.push(data.subarray(off, off + take));
      this.bufferedBytes += take;
      off += take;
      if (this.bufferedBytes === CHUNK_BYTES) this.flush();
    }
  }

  /** Writes the last partial chunk. Call inside the commit transaction. */
  flush(): void {
    if (this.bufferedBytes === 0) return;
    const plain = this.buffered.length === 1 ? this.buffered[0]! : Buffer.concat(this.buffered);
    this.db
      .prepare("INSERT INTO doc_chunks(doc_id, seq, data) VALUES (?, ?, ?)")
      .run(this.docId, this.chunks, sealChunk(this.key, this.docId, this.chunks, plain));
    this.chunks++;
    this.buffered = [];
    this.bufferedBytes = 0;
  }

  /** The first (up to) 8 MiB of plaintext, for the search index. */
  prefix(): Buffer {
    return Buffer.concat(this.prefixParts);
  }
}

/** Reads and decrypts chunk `seq` of a stored document; throws if it is gone or damaged. */
export function readChunk(db: Db, doc: DocumentRow, docKey: Buffer, seq: number): Buffer {
  const row = db.prepare("SELECT data FROM doc_chunks WHERE doc_id = ? AND seq = ?").get(doc.doc_id, seq) as
    | { data: Buffer }
    | undefined;
  if (!row) throw new ApiError(status.NOT_FOUND, `docID: document ${doc.doc_id} was removed while it was being read`);
  return openChunk(bodyKey(docKey), doc.doc_id, seq, row.data);
}
