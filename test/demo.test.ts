// The main job (`npm start`, src/cli/demo.ts) on small corpora: the default node_modules corpus
// capped at 20 documents, and a directory of our own with a custom query; plus its failures
// (a missing directory, a bad option) as one line and a non-zero exit.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { collect, DEMO_MAIN, spawnScript, type CliResult } from "./cli-run";

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Runs the demo with `args`. */
function demo(args: readonly string[]): Promise<CliResult> {
  return collect(spawnScript(DEMO_MAIN, args));
}

/** The temporary directory the demo reported removing (or keeping). */
function reportedRoot(stdout: string): string {
  const m = /cleanup +emulator stopped; (?:removed|kept) (\S+)/.exec(stdout);
  assert.ok(m, `a cleanup line in:\n${stdout}`);
  return m[1]!;
}

describe("npm start (the demo)", () => {
  it("runs end to end on 20 node_modules documents and exits 0", async () => {
    const r = await demo(["--max-docs", "20", "--timeout", "120"]);
    assert.equal(r.code, 0, `stderr: ${r.stderr}\nstdout: ${r.stdout}`);
    const out = r.stdout;
    assert.match(out, /^StrongDoc end-to-end demo: 20 documents .* from \S+node_modules$/m);
    assert.match(out, /^\[1\/10\] +emulator +listening on 127\.0\.0\.1:\d+, fresh CA \S+ca\.pem$/m);
    assert.match(out, /register +organization demo-\w+ with administrator admin@demo-\w+\.test/);
    assert.match(out, /login +admin@\S+ \(admin\) logged in; registered and logged in bob@\S+/);
    assert.match(out, /upload +20 documents, .* MB\/s, 4 at a time\)/);
    assert.match(out, /"license": [1-9]\d* hit\(s\)/, "the LICENSE files are found");
    assert.match(out, /^ +1\. +[\d.]+ +\S+$/m, "hits are shown by document name");
    assert.match(out, /downloaded .*, SHA-256 [0-9a-f]{16}… matches the original/);
    assert.match(out, /next download is refused: (NOT_FOUND|PERMISSION_DENIED)/);
    assert.match(out, /SHA-256 verified: [0-9a-f]{16}…/);
    assert.match(out, /billing +period \S+ \.\. \S+, total cost/);
    assert.match(out, /large traffic: [1-9]\d* event\(s\)/);
    assert.match(out, /STREAM \/proto\.StrongDocService\/EncryptDocumentStream in [\d.]+ MB out [\d.]+ MB/, "the round trip is large traffic");
    assert.match(out, /STREAM \/proto\.StrongDocService\/DecryptDocumentStream in [\d.]+ MB out [\d.]+ MB/);
    assert.match(out, /logout +You have successfully logged out/);
    assert.match(out, /the old token is refused: UNAUTHENTICATED/);
    assert.match(out, /^upload +20 +\S+ \S+ +[\d.]+ +[\d.]+$/m, "summary row for the upload");
    assert.match(out, /^search latency: 5 queries, median [\d.]+ ms, max [\d.]+ ms$/m);
    assert.equal(existsSync(reportedRoot(out)), false, "the temporary directory is removed");
  });

  it("uploads a directory given as argument, runs --query searches, and --keep keeps the data", async () => {
    const dir = mkdtempSync(join(tmpdir(), "strongdoc-demo-corpus-"));
    dirs.push(dir);
    writeFileSync(join(dir, "okapi.txt"), "The okapi is a giraffid artiodactyl mammal native to the Congo.\n");
    writeFileSync(join(dir, "notes.md"), "# Notes\n\nNothing about forest giraffes here.\n");
    writeFileSync(join(dir, "big.txt"), "lorem ipsum dolor sit amet ".repeat(4000));
    const r = await demo([dir, "--query", "okapi", "-q", "congo mammal", "--keep", "--concurrency", "2"]);
    assert.equal(r.code, 0, `stderr: ${r.stderr}\nstdout: ${r.stdout}`);
    const root = reportedRoot(r.stdout);
    dirs.push(root);
    assert.match(r.stdout, /upload +3 documents, .*, 2 at a time\)/);
    assert.match(r.stdout, /"okapi": 1 hit\(s\)[^\n]*\n +1\. +[\d.]+ +okapi\.txt\n/);
    assert.match(r.stdout, /round-trip +big\.txt \(105\.5 KiB\)/);
    assert.ok(existsSync(join(root, "data", "ca.pem")), "--keep keeps the emulator's data dir");
  });

  it("fails with one line and a non-zero exit on a missing directory or a bad option", async () => {
    const [missing, bad] = await Promise.all([demo(["/no/such/dir"]), demo(["--max-docs", "lots"])]);
    assert.equal(missing.code, 5);
    assert.equal(missing.stderr, "strongdoc-demo: /no/such/dir: not a directory\n");
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^strongdoc-demo: usage: option '--max-docs <n>' argument 'lots' is invalid[^\n]*\n$/);
  });
});
