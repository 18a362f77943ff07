// The one document-visibility rule, as SQL, shared by every read path (list, download, decrypt,
// share, search) so that what a user can find and what a user can open never disagree.

/**
 * A SQL subquery selecting `doc_id` of every **ready** document the viewer may read.
 *
 * Named parameters (better-sqlite3 `@name` syntax):
 * - `@viewerUserId` — the caller's userID.
 * - `@viewerOrgId` — the organization the caller logged in to.
 * - `@viewerIsAdmin` — 1 if the caller is an admin of that organization, else 0.
 *
 * Rule: admins see every document of their organization; regular users see the documents
 * they own in that organization; anyone sees documents shared with them (whatever the owning org).
 *
 * @example
 * ```ts
 * db.prepare(`SELECT doc_id, name FROM documents WHERE doc_id IN (${READABLE_DOCS_SQL})`)
 *   .all({ viewerUserId: "a@x.com", viewerOrgId: "acme", viewerIsAdmin: 1 });
 * ```
 */
export const READABLE_DOCS_SQL = `
  SELECT d.doc_id FROM documents d
   WHERE d.state = 'ready'
     AND (
          (d.org_id = @viewerOrgId AND (@viewerIsAdmin = 1 OR d.owner_id = @viewerUserId))
       OR EXISTS (SELECT 1 FROM shares s WHERE s.doc_id = d.doc_id AND s.user_id = @viewerUserId)
     )`;
