// Rebuilds the search index from the stored document bodies, for a data dir whose index an
// earlier emulator built in a layout that cannot be converted (one FTS5 table shared by every
// organization, without the text that per-organization tables need). Run once at start.

import type { Db } from "../store/db";
import type { BlobStore } from "../store/blobs";
import { CHUNK_BYTES, INDEX_PREFIX_BYTES } from "../store/blobs";
import type { KeyRing } from "../crypto/keys";
import { documentKey, type DocumentRow } from "../store/documents";
import type { SearchIndexService } from "../services";

/** Whether `db` holds a search index of the earlier single-table layout (see search-schema.ts). */
export function hasLegacySearchIndex(db: Db): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'search_fts'").get() !== undefined;
}

/**
 * Indexes every ready stored document again from its body (its first 8 MiB, as an upload does).
 * Encrypt-only documents cannot be: the server never kept their ciphertext. A document whose body
 * cannot be read is skipped and reported through `warn`. Returns the number of documents indexed.
 */
export async function reindexStoredDocuments(
  db: Db,
  blobs: BlobStore,
  keys: KeyRing,
  index: SearchIndexService,
  warn: (message: string) => void,
): Promise<number> {
  const docs = db.prepare("SELECT * FROM documents WHERE stored = 1 AND state = 'ready' ORDER BY seq").all() as DocumentRow[];
  let done = 0;
  for (const doc of docs) {
    try {
      const reader = blobs.reader(db, doc, documentKey(db, keys, doc));
      const parts: Buffer[] = [];
      try {
        const chunks = Math.min(reader.chunkCount, Math.ceil(INDEX_PREFIX_BYTES / CHUNK_BYTES));
        for (let seq = 0; seq < chunks; seq++) parts.push(reader.read(seq));
      } finally {
        reader.close();
      }
      await index.indexDocument(doc.doc_id, doc.org_id, Buffer.concat(parts).subarray(0, INDEX_PREFIX_BYTES));
      done++;
    } catch (e) {
      warn(`re-indexing document ${doc.doc_id} for search failed: ${(e as Error).message}`);
    }
  }
  return done;
}
