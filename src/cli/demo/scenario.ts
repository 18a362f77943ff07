// The demo's story, told through the public facade only: register an organization, log in, add a
// second user, upload the corpus, search, share and download as the second user, round-trip the
// largest file through the streaming encryption, read billing, log out. Each step prints what it
// did, checks what it shows and throws on anything unexpected.
import { SingleBar } from "cli-progress";
import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { account, billing, document, login, search } from "../../index";
import { formatBytes, formatDate } from "../format";
import { registerOrganization } from "../register-org";
import { expectRefusal, sha256, since } from "./checks";
import type { Corpus, CorpusFile } from "./corpus";
import { mapLimit } from "./pool";
import { mbPerSecond, type DemoStats, type PhaseStats, type StepPrinter } from "./report";
import { roundTrip } from "./round-trip";

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

/** The organization and the two logged-in users. */
interface Session {
  readonly adminToken: string;
  readonly bobId: string;
  readonly bobToken: string;
}

/** Registers the organization and its admin, logs in, and adds a second, regular user. */
async function setUp(out: StepPrinter): Promise<Session> {
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

  const adminToken = await login.login(adminId, adminPassword, orgId);
  const me = await account.getUserInfo(adminToken);
  const bobPassword = randomBytes(12).toString("base64url");
  const bobId = await account.registerUser(adminToken, "Bob Demo", bobPassword, `bob@${orgName}.test`, false);
  const bobToken = await login.login(bobId, bobPassword, orgId);
  const users = await account.listUsers(adminToken);
  out.step("login", `${me.userId} (${me.isAdmin ? "admin" : "user"}) logged in; registered and logged in ${bobId}`);
  out.detail(`users of ${orgId}: ${users.map((u) => `${u.userId}${u.isAdmin ? " (admin)" : ""}`).join(", ")}`);
  return { adminToken, bobId, bobToken };
}

/** Uploads the corpus, `concurrency` documents at a time; returns the documents by docId. */
async function uploadCorpus(s: Session, o: ScenarioOptions): Promise<{ byId: Map<string, CorpusFile>; stats: PhaseStats }> {
  const { corpus } = o;
  const bar = o.progress
    ? new SingleBar({ stream: process.stderr, format: "uploading [{bar}] {value}/{total} docs", clearOnComplete: true, hideCursor: true })
    : undefined;
  bar?.start(corpus.files.length, 0);
  const start = performance.now();
  const docIds = await mapLimit(corpus.files, o.concurrency, async (f) => {
    const docId = await document.uploadDocument(s.adminToken, f.name, createReadStream(f.path));
    bar?.increment();
    return docId;
  });
  const seconds = since(start);
  bar?.stop();
  const listed = new Set((await document.listDocuments(s.adminToken)).map((d) => d.docId));
  const missing = docIds.filter((id) => !listed.has(id));
  if (missing.length > 0) throw new Error(`${missing.length} uploaded documents are missing from listDocuments`);
  o.out.step(
    "upload",
    `${docIds.length} documents, ${formatBytes(corpus.bytes)} from ${corpus.root} in ${seconds.toFixed(2)} s ` +
      `(${mbPerSecond(corpus.bytes, seconds).toFixed(2)} MB/s, ${o.concurrency} at a time)`,
  );
  return {
    byId: new Map(docIds.map((id, i) => [id, corpus.files[i]!])),
    stats: { docs: docIds.length, bytes: corpus.bytes, seconds },
  };
}

/** Runs the searches and prints the top hits by name; returns latencies and the first hit. */
async function runSearches(
  s: Session,
  o: ScenarioOptions,
  byId: ReadonlyMap<string, CorpusFile>,
): Promise<{ searchMs: number[]; firstHit: string | undefined }> {
  const searchMs: number[] = [];
  let firstHit: string | undefined;
  o.out.step("search", `${o.queries.length} queries over ${byId.size} documents`);
  for (const query of o.queries) {
    const t0 = performance.now();
    const hits = await search.search(s.adminToken, query);
    const ms = performance.now() - t0;
    searchMs.push(ms);
    o.out.detail(`"${query}": ${hits.length} hit(s) in ${ms.toFixed(1)} ms`);
    for (const [i, hit] of hits.slice(0, 3).entries()) {
      o.out.detail(`  ${i + 1}. ${hit.score.toFixed(2).padStart(7)}  ${byId.get(hit.docId)?.name ?? hit.docId}`);
    }
    firstHit ??= hits.find((h) => byId.has(h.docId))?.docId;
  }
  return { searchMs, firstHit };
}

/** Shares a document with the second user, who downloads and checks it; then unshares it. */
async function shareWithSecondUser(s: Session, docId: string, doc: CorpusFile, out: StepPrinter): Promise<PhaseStats> {
  const before = await document.listDocuments(s.bobToken);
  await document.shareDocument(s.adminToken, docId, s.bobId);
  const after = await document.listDocuments(s.bobToken);
  if (!after.some((d) => d.docId === docId)) throw new Error("the shared document is not listed for the second user");
  const start = performance.now();
  const copy = await document.downloadDocument(s.bobToken, docId);
  const seconds = since(start);
  if (sha256(copy) !== sha256(await readFile(doc.path))) throw new Error(`the shared copy of ${doc.name} differs from the original`);
  const unshared = await document.unshareDocument(s.adminToken, docId, s.bobId);
  const refusal = await expectRefusal("download after unshare", () => document.downloadDocument(s.bobToken, docId));
  out.step("share", `${doc.name} shared with ${s.bobId}`);
  out.detail(`${s.bobId} sees ${before.length} document(s) before sharing, ${after.length} after`);
  out.detail(`${s.bobId} downloaded ${formatBytes(copy.length)}, SHA-256 ${sha256(copy).slice(0, 16)}… matches the original`);
  out.detail(`unshared (${unshared}); ${s.bobId}'s next download is refused: ${refusal}`);
  return { docs: 1, bytes: copy.length, seconds };
}

/** Prints the billing period's costs and its latest large-traffic events (admins only). */
async function showBilling(s: Session, out: StepPrinter): Promise<void> {
  const [details, traffic] = await Promise.all([billing.getBillingDetails(s.adminToken), billing.getLargeTraffic(s.adminToken)]);
  if (!details) throw new Error("no billing details for the current period");
  const { documents: d, search: q, traffic: t } = details;
  out.step("billing", `period ${formatDate(details.periodStart)} .. ${formatDate(details.periodEnd)}, total cost ${details.totalCost}`);
  out.detail(`documents: ${d.tier}, ${d.size.toFixed(4)} MB-hours, cost ${d.cost}`);
  out.detail(`search:    ${q.tier}, ${q.size.toFixed(4)} MB-hours, cost ${q.cost}`);
  out.detail(`traffic:   ${t.tier}, in ${t.incoming.toFixed(3)} MB, out ${t.outgoing.toFixed(3)} MB, cost ${t.cost}`);
  const events = traffic?.largeTrafficList ?? [];
  out.detail(`large traffic: ${events.length} event(s)${events.length > 5 ? ", the latest 5:" : ""}`);
  for (const e of events.slice(-5)) {
    out.detail(`  ${formatDate(e.time)} ${e.userId} ${e.method} ${e.uri} in ${e.incoming.toFixed(3)} MB out ${e.outgoing.toFixed(3)} MB`);
  }
}

/** Logs both users out and shows that a retired token is refused. */
async function logOut(s: Session, out: StepPrinter): Promise<void> {
  const status = await login.logout(s.adminToken);
  await login.logout(s.bobToken);
  const refusal = await expectRefusal("a call with a logged-out token", () => document.listDocuments(s.adminToken));
  out.step("logout", status);
  out.detail(`the old token is refused: ${refusal}`);
}

/**
 * Runs the scenario against the endpoint configured in the facade and returns the measurements.
 *
 * @example
 * ```ts
 * configure({ host: "localhost", port: emu.port, caPem: emu.caPem });
 * const stats = await runScenario({ corpus, concurrency: 4, queries: ["license"], workDir, progress: false, out });
 * ```
 */
export async function runScenario(o: ScenarioOptions): Promise<DemoStats> {
  const session = await setUp(o.out);
  const { byId, stats: upload } = await uploadCorpus(session, o);
  const { searchMs, firstHit } = await runSearches(session, o, byId);
  const sharedId = firstHit ?? byId.keys().next().value!;
  const download = await shareWithSecondUser(session, sharedId, byId.get(sharedId)!, o.out);
  const largest = o.corpus.files.reduce((a, b) => (b.size > a.size ? b : a));
  const { encrypt, decrypt } = await roundTrip(session.adminToken, largest, o.workDir, o.out);
  await showBilling(session, o.out);
  await logOut(session, o.out);
  return { upload, download, encrypt, decrypt, searchMs };
}
