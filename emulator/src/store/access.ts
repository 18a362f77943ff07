// The one document-visibility rule, as SQL, shared by every read path (list, download, decrypt,
// share, search) so that what a user can find and what a user can open never disagree.
//
// Rule: a document is readable when it is ready and either belongs to the viewer's organization
// and the viewer is an admin of it or owns it, or it is shared with the viewer (whatever its org).
// It comes in two equivalent forms (a test checks they agree): a set of doc_ids, and a predicate
// on one row.

/**
 * A SQL subquery selecting `doc_id` of every **ready** document the viewer may read.
 * (Written as a UNION so each arm uses an index: documents by org, shares by user.)
 *
 * Named parameters (better-sqlite3 `@name` syntax):
 * - `@viewerUserId` — the caller's userID.
 * - `@viewerOrgId` — the organization the caller logged in to.
 * - `@viewerIsAdmin` — 1 if the caller is an admin of that organization, else 0.
 *
 * @example
 * ```ts
 * db.prepare(`SELECT doc_id, name FROM documents WHERE doc_id IN (${READABLE_DOCS_SQL})`)
 *   .all({ viewerUserId: "a@x.com", viewerOrgId: "acme", viewerIsAdmin: 1 });
 * ```
 */
export const READABLE_DOCS_SQL = `
  SELECT d.doc_id FROM documents d
   WHERE d.org_id = @viewerOrgId AND d.state = 'ready'
     AND (@viewerIsAdmin = 1 OR d.owner_id = @viewerUserId)
  UNION
  SELECT d.doc_id FROM shares s JOIN documents d ON d.doc_id = s.doc_id
   WHERE s.user_id = @viewerUserId AND d.state = 'ready'`;

/**
 * The same rule as a predicate on a row of `documents` aliased `d` (same named parameters), for
 * checking one document by its primary key without building the whole readable set.
 *
 * @example
 * ```ts
 * db.prepare(`SELECT * FROM documents d WHERE d.doc_id = @docId AND ${READABLE_DOC_PREDICATE}`)
 *   .get({ docId, viewerUserId, viewerOrgId, viewerIsAdmin });
 * ```
 */
export const READABLE_DOC_PREDICATE = `(
  d.state = 'ready'
  AND (
       (d.org_id = @viewerOrgId AND (@viewerIsAdmin = 1 OR d.owner_id = @viewerUserId))
    OR EXISTS (SELECT 1 FROM shares s WHERE s.doc_id = d.doc_id AND s.user_id = @viewerUserId)
  ))`;
