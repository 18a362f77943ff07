// Bench-only probe: how fast can the emulator's storage layer (better-sqlite3-multiple-ciphers, WAL)
// take 1 MiB blob rows under different database ciphers and page sizes? Points at where upload
// time goes; proposals go to the emulator's owner (see bench/RESULTS.md, "Tuning log").
// Usage: node --import tsx bench/sqlite-blob.ts [MiB per variant, default 128]
import { mkdtempSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3-multiple-ciphers";

const MIB = Number(process.argv[2] ?? 128);
const blob = randomBytes(1024 * 1024);
const variants: Array<{ name: string; cipher?: string; pageSize?: number }> = [
  { name: "sqlcipher (current)", cipher: "sqlcipher" },
  { name: "sqlcipher, 64 KiB pages", cipher: "sqlcipher", pageSize: 65536 },
  { name: "chacha20 (sqlite3mc default)", cipher: "chacha20" },
  { name: "aes256cbc (no HMAC)", cipher: "aes256cbc" },
  { name: "unencrypted", cipher: undefined },
];
const dir = mkdtempSync(join(tmpdir(), "sqlite-blob-"));
try {
  for (const v of variants) {
    const db = new Database(join(dir, `${v.name.replace(/\W+/g, "_")}.db`));
    if (v.cipher) {
      db.pragma(`cipher='${v.cipher}'`);
      db.pragma(`key="x'${"ab".repeat(32)}'"`);
    }
    if (v.pageSize) db.pragma(`page_size = ${v.pageSize}`);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.exec("CREATE TABLE c(id TEXT, seq INTEGER, data BLOB NOT NULL, PRIMARY KEY(id, seq)) WITHOUT ROWID");
    const ins = db.prepare("INSERT INTO c(id, seq, data) VALUES (?, ?, ?)");
    const t0 = performance.now();
    for (let i = 0; i < MIB; i++) ins.run("doc", i, blob);
    const writeS = (performance.now() - t0) / 1000;
    const sel = db.prepare("SELECT data FROM c WHERE id = ? AND seq = ?");
    const t1 = performance.now();
    for (let i = 0; i < MIB; i++) sel.get("doc", i);
    const readS = (performance.now() - t1) / 1000;
    process.stdout.write(
      `${v.name.padEnd(30)} write ${((MIB * 1.048576) / writeS).toFixed(0).padStart(5)} MB/s   read ${((MIB * 1.048576) / readS).toFixed(0).padStart(5)} MB/s\n`,
    );
    db.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
