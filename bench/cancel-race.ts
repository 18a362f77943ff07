// Stress probe for the cancel race of emulator/README.md decision 8. A client cancels N uploads
// and N encrypt streams, each 50 ms after sending its name and 100 KB of data, from a process other
// than the emulator's. The probe counts the documents that were kept anyway. grpc-js's cancel()
// writes END_STREAM and then RST_STREAM separately; a kept document means the emulator committed
// between the two. This is not a test: the count depends on timing, and 0 is the expected result.
// Usage: npx tsx bench/cancel-race.ts [--n 60]
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { bearer, openRawClient, unary } from "./lib/grpc";
import { startServer } from "./lib/server-process";
import { createBenchAccount } from "./lib/setup";

async function main(): Promise<void> {
  const { values: a } = parseArgs({ options: { n: { type: "string", default: "60" } } });
  const n = Number(a.n);
  const dir = mkdtempSync(join(tmpdir(), "strongdoc-cancel-race-"));
  const emu = await startServer("emulator/src/cli.ts", ["--port", "0", "--data-dir", join(dir, "emu"), "--quiet"], "emulator");
  try {
    const { token } = await createBenchAccount(emu.endpoint);
    const client = openRawClient(emu.endpoint);
    const md = bearer(token);
    const data = Buffer.alloc(100_000, 1);
    for (let i = 0; i < n; i++) {
      const up = client.uploadDocumentStream(md, () => {});
      up.write({ NameOrData: { $case: "docName", docName: `up-${i}` } });
      up.write({ NameOrData: { $case: "plaintext", plaintext: data } });
      const enc = client.encryptDocumentStream(md);
      enc.on("data", () => {});
      enc.on("error", () => {});
      enc.write({ NameOrData: { $case: "docName", docName: `enc-${i}` } });
      enc.write({ NameOrData: { $case: "plaintext", plaintext: data } });
      await new Promise((r) => setTimeout(r, 50));
      up.cancel();
      enc.cancel();
    }
    await new Promise((r) => setTimeout(r, 500));
    const names = (await unary(client, client.listDocuments, {}, md)).documents.map((d) => d.docName);
    client.close();
    const kept = (prefix: string) => names.filter((name) => name.startsWith(prefix)).length;
    const files = readdirSync(join(dir, "emu", "blobs")).length;
    process.stdout.write(`${n} cancelled uploads and ${n} cancelled encrypts: kept ${kept("up-")} uploads, ${kept("enc-")} encrypts; ${files} body files\n`);
  } finally {
    await emu.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`cancel-race: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
