// The demo's story, told through the public facade only: register an organization, log in, add a
// second user, upload the corpus, search, share and download as the second user, round-trip the
// largest file through the streaming encryption, read billing, log out. Each step checks what it
// shows and throws on anything unexpected.
import { SingleBar } from "cli-progress";
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { account, billing, document, login, search, StrongDocError } from "../../index";
import { formatBytes, formatDate } from "../format";
import { registerOrganization } from "../register-org";
import type { Corpus, CorpusFile } from "./corpus";
import { mapLimit } from "./pool";
import { mbPerSecond, type DemoStats, type StepPrinter } from "./report";

/** What the scenario needs. */
export interface ScenarioOptions {
  /** The documents to upload. */
  readonly corpus: Corpus;
  /** Uploads in flight at once. */
  readonly concurrency: number;
  /** The search queries to run. */
  readonly queries: readonly string[];
  /** A scratch directory for the ciphertext file. */
  readonly workDir: string;
  /** Draw a progress bar for the upload (stderr is a TTY). */
  readonly progress: boolean;
  /** Where the steps are printed. */
  readonly out: StepPrinter;
}

/** Seconds elapsed since `start` (a `performance.now()` value). */
function since(start: number): number {
  return (performance.now() - start) / 1000;
}

/** SHA-256 (hex) of a buffer. */
function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** SHA-256 (hex) of a file, streamed. */
async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Expects `call` to fail with a StrongDocError and returns its status name. */
async function expectRefusal(what: string, call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
  } catch (err) {
    if (err instanceof StrongDocError) return err.codeName;
    throw err;
  }
  throw new Error(`${what} unexpectedly succeeded`);
}

/**
 * Runs the scenario against the endpoint configured in the facade and returns the measurements.
 *
 * @example
 * ```ts
 * configure({ host: emu.host, port: emu.port, caPem: emu.caPem });
 * const stats = await runScenario({ corpus, concurrency: 4, queries: ["license"], workDir, progress: false, out });
 * ```
 */
export async function runScenario(o: ScenarioOptions): Promise<DemoStats> {
  const { out, corpus } = o;

  // Organization and its administrator.
  const orgName = `demo-${randomBytes(3).toString("hex")}`;
  const adminPassword = randomBytes(12).toString("base64url");
  const { orgId, userId: adminId } = await registerOrganization({
    orgName,
    orgEmail: `contact@${orgName}.test`,
    orgAddr: "1 Demo Street",
    adminName: "Demo Admin",
    adminEmail: `admin@${orgName}.test`,
    password: adminPassword,
  });
  out.step("register", `organization ${orgId} with administrator ${adminId}`);

  // Logins: the admin, then a second, regular user.
  const adminToken = await login.login(adminId, adminPassword, orgId);
  const me = await account.getUserInfo(adminToken);
  const bobPassword = randomBytes(12).toString("base64url");
  const bobId = await account.registerUser(adminToken, "Bob Demo", bobPassword, `bob@${orgName}.test`, false);
  const bobToken = await login.login(bobId, bobPassword, orgId);
  const users = await account.listUsers(adminToken);
  out.step("login", `${me.userId} (${me.isAdmin ? "admin" : "user"}) logged in; registered and logged in ${bobId}`);
  out.detail(`users of ${orgId}: ${users.map((u) => `${u.userId}${u.isAdmin ? " (admin)" : ""}`).join(", ")}`);

  // Upload the corpus, `concurrency` documents at a time.
  const bar = o.progress
    ? new SingleBar({ stream: process.stderr, format: "uploading [{bar}] {value}/{total} docs", clearOnComplete: true, hideCursor: true })
    : undefined;
  bar?.start(corpus.files.length, 0);
  const uploadStart = performance.now();
  const docIds = await mapLimit(corpus.files, o.concurrency, async (f) => {
    const docId = await document.uploadDocument(adminToken, f.name, createReadStream(f.path));
    bar?.increment();
    return docId;
  });
  const uploadSeconds = since(uploadStart);
  bar?.stop();
  const byId = new Map<string, CorpusFile>(docIds.map((id, i) => [id, corpus.files[i]!]));
  const listed = await document.listDocuments(adminToken);
  const missing = docIds.filter((id) => !listed.some((d) => d.docId === id));
  if (missing.length > 0) throw new Error(`${missing.length} uploaded documents are missing from listDocuments`);
  out.step(
    "upload",
    `${docIds.length} documents, ${formatBytes(corpus.bytes)} from ${corpus.root} in ${uploadSeconds.toFixed(2)} s ` +
      `(${mbPerSecond(corpus.bytes, uploadSeconds).toFixed(2)} MB/s, ${o.concurrency} at a time)`,
  );

  // Searches, ranked hits by document name.
  const searchMs: number[] = [];
  let shareCandidate: string | undefined;
  out.step("search", `${o.queries.length} queries over ${docIds.length} documents`);
  for (const query of o.queries) {
    const t0 = performance.now();
    const hits = await search.search(adminToken, query);
    const ms = performance.now() - t0;
    searchMs.push(ms);
    out.detail(`"${query}": ${hits.length} hit(s) in ${ms.toFixed(1)} ms`);
    for (const [i, hit] of hits.slice(0, 3).entries()) {
      out.detail(`  ${i + 1}. ${hit.score.toFixed(2).padStart(7)}  ${byId.get(hit.docId)?.name ?? hit.docId}`);
    }
    shareCandidate ??= hits.find((h) => byId.has(h.docId))?.docId;
  }

  // Share a document with the second user, who downloads it; then unshare.
  const sharedId = shareCandidate ?? docIds[0]!;
  const shared = byId.get(sharedId)!;
  const before = await document.listDocuments(bobToken);
  await document.shareDocument(adminToken, sharedId, bobId);
  const after = await document.listDocuments(bobToken);
  if (!after.some((d) => d.docId === sharedId)) throw new Error("the shared document is not listed for the second user");
  const downloadStart = performance.now();
  const copy = await document.downloadDocument(bobToken, sharedId);
  const downloadSeconds = since(downloadStart);
  const original = await readFile(shared.path);
  if (sha256(copy) !== sha256(original)) throw new Error(`the shared copy of ${shared.name} differs from the original`);
  const unshared = await document.unshareDocument(adminToken, sharedId, bobId);
  const refusal = await expectRefusal("download after unshare", () => document.downloadDocument(bobToken, sharedId));
  out.step("share", `${shared.name} shared with ${bobId}`);
  out.detail(`${bobId} sees ${before.length} document(s) before sharing, ${after.length} after`);
  out.detail(`${bobId} downloaded ${formatBytes(copy.length)}, SHA-256 ${sha256(copy).slice(0, 16)}… matches the original`);
  out.detail(`unshared (${unshared}); ${bobId}'s next download is refused: ${refusal}`);

  // Round-trip the largest file through the streaming encryption service.
  const largest = corpus.files.reduce((a, b) => (b.size > a.size ? b : a));
  const cipherPath = join(o.workDir, "largest.ciphertext");
  const cipherOut = createWriteStream(cipherPath);
  const encStart = performance.now();
  const encId = await document.encryptDocumentStream(adminToken, largest.name, createReadStream(largest.path), cipherOut);
  cipherOut.end();
  await finished(cipherOut);
  const encSeconds = since(encStart);
  const hash = createHash("sha256");
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      cb();
    },
  });
  const decStart = performance.now();
  await document.decryptDocumentStream(adminToken, encId, createReadStream(cipherPath), sink);
  const decSeconds = since(decStart);
  const [plainHash, cipherHash] = await Promise.all([sha256File(largest.path), sha256File(cipherPath)]);
  const roundHash = hash.digest("hex");
  if (roundHash !== plainHash) throw new Error(`the decrypted ${largest.name} does not match the original (SHA-256)`);
  if (cipherHash === plainHash) throw new Error("the ciphertext equals the plaintext");
  const cipherSize = (await stat(cipherPath)).size;
  out.step("round-trip", `${largest.name} (${formatBytes(largest.size)}) through encryptDocumentStream/decryptDocumentStream`);
  out.detail(`encrypt ${encSeconds.toFixed(3)} s -> ${formatBytes(cipherSize)} ciphertext (docId ${encId}); decrypt ${decSeconds.toFixed(3)} s`);
  out.detail(`SHA-256 verified: ${plainHash.slice(0, 16)}… (ciphertext ${cipherHash.slice(0, 16)}…)`);

  // Billing and large traffic (admins only).
  const details = await billing.getBillingDetails(adminToken);
  const traffic = await billing.getLargeTraffic(adminToken);
  if (!details) throw new Error("no billing details for the current period");
  out.step("billing", `period ${formatDate(details.periodStart)} .. ${formatDate(details.periodEnd)}, total cost ${details.totalCost}`);
  out.detail(`documents: ${details.documents.tier}, ${details.documents.size.toFixed(4)} MB-hours, cost ${details.documents.cost}`);
  out.detail(`search:    ${details.search.tier}, ${details.search.size.toFixed(4)} MB-hours, cost ${details.search.cost}`);
  out.detail(`traffic:   ${details.traffic.tier}, in ${details.traffic.incoming.toFixed(3)} MB, out ${details.traffic.outgoing.toFixed(3)} MB, cost ${details.traffic.cost}`);
  const events = traffic?.largeTrafficList ?? [];
  out.detail(`large traffic: ${events.length} event(s)${events.length > 5 ? ", the latest 5:" : ""}`);
  for (const e of events.slice(-5)) {
    out.detail(`  ${formatDate(e.time)} ${e.userId} ${e.method} ${e.uri} in ${e.incoming.toFixed(3)} MB out ${e.outgoing.toFixed(3)} MB`);
  }

  // Log out; the retired token is refused.
  const status = await login.logout(adminToken);
  await login.logout(bobToken);
  const afterLogout = await expectRefusal("a call with a logged-out token", () => document.listDocuments(adminToken));
  out.step("logout", status);
  out.detail(`the old token is refused: ${afterLogout}`);

  return {
    upload: { docs: docIds.length, bytes: corpus.bytes, seconds: uploadSeconds },
    download: { docs: 1, bytes: copy.length, seconds: downloadSeconds },
    encrypt: { docs: 1, bytes: largest.size, seconds: encSeconds },
    decrypt: { docs: 1, bytes: largest.size, seconds: decSeconds },
    searchMs,
  };
}
