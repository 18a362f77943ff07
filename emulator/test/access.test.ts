// The visibility rule's two SQL forms (the doc_id set used by listing and search, and the
// one-row predicate used for single-document checks) agree on every viewer × document case.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { openDatabase } from "../src/store/db";
import { READABLE_DOCS_SQL, READABLE_DOC_PREDICATE } from "../src/store/access";

test("READABLE_DOCS_SQL and READABLE_DOC_PREDICATE agree, and follow the rule", () => {
  const dir = mkdtempSync(join(tmpdir(), "sd-access-"));
  const db = openDatabase(dir, randomBytes(32));
  try {
    const ins = db.prepare(
      `INSERT INTO documents(doc_id, org_id, owner_id, name, size, stored, created_at, state, wrapped_key)
       VALUES (?, ?, ?, 'n', 0, 1, 0, ?, x'00')`,
    );
    const docs: [string, string, string, string][] = [
      ["a-own", "A", "alice", "ready"],
      ["a-bob", "A", "bob", "ready"],
      ["a-pending", "A", "alice", "pending"],
      ["b-carol", "B", "carol", "ready"],
      ["b-shared", "B", "carol", "ready"],
      ["b-shared-pending", "B", "carol", "pending"],
    ];
    for (const d of docs) ins.run(...d);
    db.prepare("INSERT INTO shares(doc_id, user_id) VALUES ('b-shared', 'alice'), ('b-shared-pending', 'alice'), ('a-bob', 'carol')").run();
    const expected: Record<string, string[]> = {
      "alice@A user": ["a-own", "b-shared"],
      "alice@A admin": ["a-bob", "a-own", "b-shared"],
      "bob@A user": ["a-bob"],
      "carol@B user": ["a-bob", "b-carol", "b-shared"],
      "carol@B admin": ["a-bob", "b-carol", "b-shared"],
      "dave@B user": [],
      "dave@B admin": ["b-carol", "b-shared"],
    };
    const set = db.prepare(`SELECT doc_id FROM (${READABLE_DOCS_SQL}) ORDER BY doc_id`);
    const one = db.prepare(`SELECT 1 FROM documents d WHERE d.doc_id = @docId AND ${READABLE_DOC_PREDICATE}`);
    for (const [label, want] of Object.entries(expected)) {
      const m = /^(\w+)@(\w+) (\w+)$/.exec(label)!;
      const v = { viewerUserId: m[1], viewerOrgId: m[2], viewerIsAdmin: m[3] === "admin" ? 1 : 0 };
      assert.deepEqual((set.all(v) as { doc_id: string }[]).map((r) => r.doc_id), want, label);
      const viaPredicate = docs.map((d) => d[0]).filter((docId) => one.get({ ...v, docId })).sort();
      assert.deepEqual(viaPredicate, want, `${label} (predicate)`);
    }
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
