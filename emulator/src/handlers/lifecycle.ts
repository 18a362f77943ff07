// The two moments that touch every document-producing or -removing RPC: committing a document
// (pending → ready, same-name policy, storage metering, search indexing) and removing one.
import { status } from "@grpc/grpc-js";
import type { Emu } from "../context";
import type { Caller } from "../auth";
import { ApiError } from "../errors";
import { deleteDocumentRows, readableDocument, type DocumentRow } from "../store/documents";
import type { ChunkWriter } from "../store/blobs";

/** What is known about a document when its input ends. */
export interface Finished {
  docId: string;
  orgId: string;
  ownerId: string;
  name: string;
  /** Plaintext bytes. */
  size: number;
  /** For stored documents: the writer holding the last partial chunk. */
  writer?: ChunkWriter;
  /** For encrypt-only documents: the number of ciphertext frames. */
  frames?: number;
  /** Up to the first 8 MiB of plaintext, for the search index. */
  prefix: Buffer;
}

/**
 * Makes a pending document ready in one transaction (writing its last chunk), applies the
 * same-name policy, then meters storage and indexes it. Indexing failures are logged, not fatal.
 */
export async function commitDocument(emu: Emu, doc: Finished): Promise<void> {
  const db = emu.db;
  const stored = doc.writer !== undefined;
  await doc.writer?.finish(); // the body is complete and durable before the row says so
  const replaced = db.transaction(() => {
    const row = db.prepare("SELECT state FROM documents WHERE doc_id = ?").get(doc.docId) as { state: string } | undefined;
    if (!row || row.state !== "pending") {
      throw new ApiError(status.ABORTED, `docID: document ${doc.docId} was removed before it was complete`);
    }
    db.prepare("UPDATE documents SET state = 'ready', size = ?, chunks = ?, frames = ? WHERE doc_id = ?").run(
      doc.size,
      doc.writer?.chunks ?? 0,
      doc.frames ?? 0,
      doc.docId,
    );
    if (!stored || emu.settings.sameName !== "replace") return [] as { doc_id: string; size: number }[];
    const old = db
      .prepare(
        `SELECT doc_id, size FROM documents
          WHERE org_id = ? AND owner_id = ? AND name = ? AND stored = 1 AND state = 'ready' AND doc_id <> ?`,
      )
      .all(doc.orgId, doc.ownerId, doc.name, doc.docId) as { doc_id: string; size: number }[];
    for (const o of old) deleteDocumentRows(db, o.doc_id);
    return old;
  })();
  for (const o of replaced) emu.blobs.remove(o.doc_id);
  const at = new Date(emu.now());
  const delta = (stored ? doc.size : 0) - replaced.reduce((n, o) => n + o.size, 0);
  try {
    if (delta !== 0) emu.services.meter.recordStorage(doc.orgId, delta, at);
  } catch (e) {
    emu.warn(`meter.recordStorage failed: ${(e as Error).message}`);
  }
  for (const o of replaced) await safely(emu, "searchIndex.removeDocument", () => emu.services.searchIndex.removeDocument(o.doc_id));
  await safely(emu, "searchIndex.indexDocument", () => emu.services.searchIndex.indexDocument(doc.docId, doc.orgId, doc.prefix));
}

/**
 * Undoes a committed document whose stream the client reset before the call completed: the
 * client never saw the call succeed, so the document must not exist.
 */
export async function rollbackDocument(emu: Emu, docId: string): Promise<void> {
  const row = emu.db.prepare("SELECT org_id, stored, size FROM documents WHERE doc_id = ?").get(docId) as
    | { org_id: string; stored: number; size: number }
    | undefined;
  if (!row) return;
  emu.db.transaction(() => deleteDocumentRows(emu.db, docId))();
  if (row.stored === 1) emu.blobs.remove(docId);
  if (row.stored === 1 && row.size > 0) emu.services.meter.recordStorage(row.org_id, -row.size, new Date(emu.now()));
  await safely(emu, "searchIndex.removeDocument", () => emu.services.searchIndex.removeDocument(docId));
}

/**
 * Deletes a pending document and its body file after a failed or cancelled stream (no-op once
 * it is ready).
 */
export function discardPending(emu: Emu, docId: string, writer?: ChunkWriter): void {
  writer?.close();
  const gone = emu.db.transaction(() => {
    const row = emu.db.prepare("SELECT state FROM documents WHERE doc_id = ?").get(docId) as { state: string } | undefined;
    // No row: the document was removed with its organization while streaming.
    if (row && row.state !== "pending") return false;
    deleteDocumentRows(emu.db, docId);
    return true;
  })();
  if (gone) emu.blobs.remove(docId);
}

/** Whether `caller` may remove (or unshare) `doc`: its owner, or an admin of its organization. */
export function controls(caller: Caller, doc: DocumentRow): boolean {
  return doc.org_id === caller.orgId && (caller.isAdmin || doc.owner_id === caller.userId);
}

/** RemoveDocument: the owner or an org admin removes it for everyone. */
export async function removeDocument(emu: Emu, caller: Caller, docId: string): Promise<void> {
  const doc = readableDocument(emu.db, caller, docId);
  if (!controls(caller, doc)) {
    throw new ApiError(status.PERMISSION_DENIED, `docID: only the owner or an administrator of ${doc.org_id} can remove document ${docId}`);
  }
  emu.db.transaction(() => deleteDocumentRows(emu.db, docId))();
  if (doc.stored === 1) emu.blobs.remove(docId);
  try {
    if (doc.stored === 1 && doc.size > 0) emu.services.meter.recordStorage(doc.org_id, -doc.size, new Date(emu.now()));
  } catch (e) {
    emu.warn(`meter.recordStorage failed: ${(e as Error).message}`);
  }
  await safely(emu, "searchIndex.removeDocument", () => emu.services.searchIndex.removeDocument(docId));
}

/** Runs a search/meter service call whose failure must not fail the RPC: failures are logged. */
export async function safely(emu: Emu, what: string, fn: () => void | Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    emu.warn(`${what} failed: ${(e as Error)?.stack ?? String(e)}`);
  }
}
