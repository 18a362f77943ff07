// Test helpers for search and billing tests: a temp-file SQLite database holding the core tables
// the emulator's store defines (just the columns search and billing rely on), and a tiny PDF writer
// that produces real PDFs with Flate-compressed content streams.

import Database from "better-sqlite3-multiple-ciphers";
import type { Database as Db } from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";

/** A temp database and its cleanup. */
export interface TestDb {
  db: Db;
  close(): void;
}

/** Opens a fresh temp-file database with minimal `orgs`, `org_members`, `documents`, `shares`. */
export function openTestDb(): TestDb {
  const dir = mkdtempSync(join(tmpdir(), "sd-search-"));
  const db = new Database(join(dir, "test.db")) as unknown as Db;
  db.pragma("journal_mode = WAL");
  db.exec(`
    CREATE TABLE IF NOT EXISTS orgs (org_id TEXT PRIMARY KEY, created_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS org_members (org_id TEXT NOT NULL, user_id TEXT NOT NULL,
      is_admin INTEGER NOT NULL, PRIMARY KEY (org_id, user_id));
    CREATE TABLE IF NOT EXISTS documents (doc_id TEXT PRIMARY KEY, org_id TEXT NOT NULL,
      owner_id TEXT NOT NULL, name TEXT NOT NULL, size INTEGER NOT NULL, stored INTEGER NOT NULL,
      created_at INTEGER NOT NULL, state TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS shares (doc_id TEXT NOT NULL, user_id TEXT NOT NULL,
      PRIMARY KEY (doc_id, user_id));
  `);
  return {
    db,
    close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Inserts a ready document row owned by `ownerId` in `orgId`. */
export function addDocumentRow(db: Db, docId: string, orgId: string, ownerId: string, state = "ready"): void {
  db.prepare(
    "INSERT INTO documents (doc_id, org_id, owner_id, name, size, stored, created_at, state) VALUES (?, ?, ?, ?, 0, 1, ?, ?)",
  ).run(docId, orgId, ownerId, `${docId}.txt`, Date.now(), state);
}

/** Escapes text for a PDF literal string. */
function pdfString(text: string): string {
  return `(${text.replace(/[\\()]/g, (c) => `\\${c}`)})`;
}

/**
 * A one-page-per-entry PDF whose text is drawn with `Tj` and `TJ` operators inside
 * Flate-compressed content streams (so the words never appear in the file's bytes).
 */
export function makePdf(pages: string[][]): Buffer {
  const objects: Buffer[] = [];
  const add = (body: string | Buffer): number => {
    objects.push(typeof body === "string" ? Buffer.from(body, "latin1") : body);
    return objects.length;
  };
  add("<< /Type /Catalog /Pages 2 0 R >>");
  add(""); // Pages, filled in below
  add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
  const kids: number[] = [];
  for (const lines of pages) {
    const ops = lines.map((line, i) => {
      const words = line.split(" ");
      // Alternate Tj and TJ (with kerning between words) so both operators are exercised.
      const show = i % 2 === 0
        ? `${pdfString(line)} Tj`
        : `[${words.map(pdfString).join(" -278 ")}] TJ`;
      return `${show} 0 -16 Td`;
    });
    const content = deflateSync(Buffer.from(`BT /F1 12 Tf 72 720 Td ${ops.join(" ")} ET`, "latin1"));
    const stream = add(Buffer.concat([
      Buffer.from(`<< /Length ${content.length} /Filter /FlateDecode >>\nstream\n`, "latin1"),
      content,
      Buffer.from("\nendstream", "latin1"),
    ]));
    kids.push(add(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${stream} 0 R ` +
      "/Resources << /Font << /F1 3 0 R >> >> >>"));
  }
  objects[1] = Buffer.from(`<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(" ")}] /Count ${kids.length} >>`);

  const parts: Buffer[] = [Buffer.from("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "latin1")];
  let offset = parts[0].length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    const obj = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), body, Buffer.from("\nendobj\n")]);
    offsets.push(offset);
    parts.push(obj);
    offset += obj.length;
  });
  const xref = [
    "xref", `0 ${objects.length + 1}`, "0000000000 65535 f ",
    ...offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n `),
    "trailer", `<< /Size ${objects.length + 1} /Root 1 0 R >>`, "startxref", String(offset), "%%EOF", "",
  ].join("\n");
  parts.push(Buffer.from(xref, "latin1"));
  return Buffer.concat(parts);
}
