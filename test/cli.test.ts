// The `strongdoc` CLI end to end: every command spawned (through tsx) against a real in-process
// emulator over TLS — registration, login (wrong password too), the cached token's permissions,
// users, documents, sharing, streaming encrypt/decrypt, search, billing, account, logout — with
// failures checked to be one line with the status name and the documented exit code, and a failed
// transfer to a file checked to leave an existing file untouched.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { once } from "node:events";
import { CLI_MAIN, collect, spawnScript, strongdoc, type CliResult } from "./cli-run";
import { startEmulator, type RunningEmulator } from "../emulator/src/index";
import { createClient, type StrongDocClient } from "../src/index";

/** The emulator under test and a facade client bound to it (for logins the CLI does not do). */
let t: { emu: RunningEmulator; sd: StrongDocClient };
let work: string;
let env: NodeJS.ProcessEnv;
const tokenFile = () => join(work, "config", "strongdoc", "token.json");
const orgName = `cli-${randomBytes(3).toString("hex")}`;
const adminId = `alice@${orgName}.test`;
const adminPassword = "alice's long passphrase";
const bobId = `bob@${orgName}.test`;

before(async () => {
  // Cheap password hashing: the tests log in many times.
  const emu = await startEmulator({ port: 0, quiet: true, scrypt: { N: 1024, r: 8, p: 1 } });
  t = { emu, sd: createClient({ host: "localhost", port: emu.port, caPem: emu.caPem }) };
  work = mkdtempSync(join(tmpdir(), "strongdoc-cli-test-"));
  // The token file is found through XDG_CONFIG_HOME here (STRONGDOC_TOKEN_FILE is tested below).
  env = { STRONGDOC_HOST: "localhost", STRONGDOC_PORT: String(t.emu.port), STRONGDOC_CA_FILE: t.emu.caFile, XDG_CONFIG_HOME: join(work, "config") };
});
after(async () => {
  t?.sd.close();
  await t?.emu.stop();
  rmSync(work, { recursive: true, force: true });
});

/** Runs the CLI with the test endpoint (and extra env vars). */
function sd(args: readonly string[], extra: NodeJS.ProcessEnv = {}, input?: string | Buffer): Promise<CliResult> {
  return strongdoc(args, { env: { ...env, ...extra }, input });
}

/** Asserts success and returns stdout parsed as JSON. */
function json<T>(r: CliResult): T {
  assert.equal(r.code, 0, `exit code (stderr: ${r.stderr})`);
  return JSON.parse(r.stdout) as T;
}

/** Asserts a failure reported as exactly one `strongdoc: …` line with the given exit code. */
function assertOneLine(r: CliResult, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, `exit code (stderr: ${r.stderr})`);
  assert.match(r.stderr, /^strongdoc: [^\n]+\n$/, `exactly one line on stderr, got: ${r.stderr}`);
  assert.match(r.stderr, pattern);
}

describe("strongdoc against an emulator", () => {
  it("account register creates an organization; a duplicate is ALREADY_EXISTS", async () => {
    const args = ["account", "register", "--org", orgName, "--org-email", `info@${orgName}.test`, "--admin-name", "Alice", "--admin-email", adminId, "--json"];
    const ids = json<{ orgId: string; userId: string }>(await sd(args, {}, `${adminPassword}\n`));
    assert.deepEqual(ids, { orgId: orgName, userId: adminId });
    assertOneLine(await sd(args, {}, `${adminPassword}\n`), 1, /^strongdoc: ALREADY_EXISTS: /);
  });

  it("login with a wrong password fails with one UNAUTHENTICATED line and exit code 3; no token is saved", async () => {
    const r = await sd(["login", "--org", orgName, "--user", adminId], {}, "not the password\n");
    assertOneLine(r, 3, /^strongdoc: UNAUTHENTICATED: /);
    assert.equal(existsSync(tokenFile()), false);
  });

  it("login saves the token with mode 0600 (directory 0700); whoami uses it", async () => {
    const r = await sd(["login", "-o", orgName, "-u", adminId], { STRONGDOC_PASSWORD: adminPassword });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`logged in as ${adminId} in ${orgName}`));
    assert.equal(statSync(tokenFile()).mode & 0o777, 0o600);
    assert.equal(statSync(join(work, "config", "strongdoc")).mode & 0o777, 0o700);
    assert.equal(JSON.parse(readFileSync(tokenFile(), "utf8")).userId, adminId);
    const me = json<{ userId: string; orgId: string; isAdmin: boolean }>(await sd(["whoami", "--json"]));
    assert.deepEqual([me.userId, me.orgId, me.isAdmin], [adminId, orgName, true]);
    const human = await sd(["whoami"]);
    assert.match(human.stdout, new RegExp(`^user: +${adminId} \\(admin\\)$`, "m"));
  });

  it("users register|list|promote|demote|remove; a non-admin gets PERMISSION_DENIED (exit 1)", async () => {
    const reg = json<{ userId: string }>(await sd(["users", "register", "Bob", bobId, "--json"], {}, "bob's passphrase\n"));
    assert.equal(reg.userId, bobId);
    const isAdmin = async () =>
      json<Array<{ userId: string; isAdmin: boolean }>>(await sd(["users", "list", "--json"])).find((u) => u.userId === bobId)?.isAdmin;
    assert.equal(await isAdmin(), false);
    assert.equal((await sd(["users", "promote", bobId])).code, 0);
    assert.equal(await isAdmin(), true);
    assert.equal((await sd(["users", "demote", bobId])).code, 0);
    const table = await sd(["users", "list"]);
    assert.match(table.stdout, /^USER ID +NAME +ADMIN$/m);
    assert.match(table.stdout, new RegExp(`^${adminId} +Alice +yes$`, "m"));
    assert.match(table.stdout, new RegExp(`^${bobId} +Bob +no$`, "m"));

    const bobToken = await t.sd.login.login(bobId, "bob's passphrase", orgName);
    const denied = await sd(["users", "promote", bobId], { STRONGDOC_TOKEN: bobToken }, "");
    assertOneLine(denied, 1, /^strongdoc: PERMISSION_DENIED: /);

    const temp = `temp@${orgName}.test`;
    // $STRONGDOC_PASSWORD (the caller's own) is not used for someone else: stdin is.
    assert.equal((await sd(["users", "register", "Temp", temp], { STRONGDOC_PASSWORD: adminPassword }, "temporary passphrase\n")).code, 0);
    await assert.rejects(t.sd.login.login(temp, adminPassword, orgName), /UNAUTHENTICATED/);
    assert.ok(await t.sd.login.login(temp, "temporary passphrase", orgName));
    assert.deepEqual(json(await sd(["users", "remove", temp, "--json"])), { count: 1 });
    assert.equal(json<Array<{ userId: string }>>(await sd(["users", "list", "--json"])).some((u) => u.userId === temp), false);
  });

  it("docs upload|list|download|share|unshare|remove, from files and stdin, to files and stdout", async () => {
    const data = randomBytes(700_000);
    const file = join(work, "random.bin");
    writeFileSync(file, data);
    const up = json<Array<{ docId: string; docName: string; bytes: number }>>(await sd(["docs", "upload", file, "--json"]));
    assert.equal(up.length, 1);
    assert.deepEqual([up[0]!.docName, up[0]!.bytes], ["random.bin", data.length]);
    const docId = up[0]!.docId;
    const piped = json<Array<{ docId: string; docName: string }>>(await sd(["docs", "upload", "-", "--name", "piped.txt", "--json"], {}, "from stdin\n"));
    assert.equal(piped[0]!.docName, "piped.txt");

    const list = json<Array<{ docId: string; docName: string; size: number }>>(await sd(["docs", "list", "--json"]));
    assert.deepEqual(list.find((d) => d.docId === docId), { docId, docName: "random.bin", size: data.length });
    assert.match((await sd(["docs", "list"])).stdout, new RegExp(`^${piped[0]!.docId} +11 B +piped\\.txt$`, "m"));

    const copy = join(work, "copy.bin");
    assert.equal((await sd(["docs", "download", docId, "-o", copy])).code, 0);
    assert.ok(readFileSync(copy).equals(data), "downloaded file equals the upload");
    const toStdout = await sd(["docs", "download", piped[0]!.docId]);
    assert.equal(toStdout.code, 0, toStdout.stderr);
    assert.equal(toStdout.stdout, "from stdin\n");

    // Share with Bob, who can then download it; unsharing takes that away.
    const bobToken = await t.sd.login.login(bobId, "bob's passphrase", orgName);
    assert.deepEqual(json(await sd(["docs", "share", docId, bobId, "--json"])), { success: true });
    const bobCopy = await sd(["docs", "download", docId], { STRONGDOC_TOKEN: bobToken });
    assert.equal(bobCopy.code, 0, bobCopy.stderr);
    assert.ok(bobCopy.stdoutBytes.equals(data), "the sharee downloads the same bytes");
    assert.deepEqual(json(await sd(["docs", "unshare", docId, bobId, "--json"])), { count: 1 });
    const gone = join(work, "gone.bin");
    const refused = await sd(["docs", "download", docId, "-o", gone], { STRONGDOC_TOKEN: bobToken });
    assertOneLine(refused, 1, /^strongdoc: (NOT_FOUND|PERMISSION_DENIED): /);
    assert.equal(existsSync(gone), false, "a failed download leaves no partial file");

    assert.deepEqual(json(await sd(["docs", "remove", docId, piped[0]!.docId, "--json"])), { removed: [docId, piped[0]!.docId] });
    assertOneLine(await sd(["docs", "download", docId]), 1, /^strongdoc: NOT_FOUND: /);
    assertOneLine(await sd(["docs", "upload", join(work, "no-such-file")]), 5, /no-such-file: no such file or directory/);
  });

  it("encrypt/decrypt stream file-to-file and stdin-to-stdout; a wrong docId is refused", async () => {
    const data = randomBytes(2_500_000);
    const plain = join(work, "plain.bin");
    const cipher = join(work, "plain.bin.sd");
    writeFileSync(plain, data);
    const enc = json<{ docId: string; docName: string; plaintextBytes: number; ciphertextBytes: number }>(
      await sd(["encrypt", plain, "-o", cipher, "--json"]),
    );
    assert.equal(enc.plaintextBytes, data.length);
    assert.equal(enc.ciphertextBytes, statSync(cipher).size);
    assert.ok(!readFileSync(cipher).equals(data), "ciphertext differs from plaintext");
    const out = join(work, "plain.out");
    assert.equal((await sd(["decrypt", enc.docId, cipher, "-o", out])).code, 0);
    assert.ok(readFileSync(out).equals(data), "file round trip");

    // stdin -> stdout: the ciphertext goes to stdout, the docId to stderr.
    const small = Buffer.from("a secret on stdin");
    const piped = await sd(["encrypt", "-n", "note.txt"], {}, small);
    assert.equal(piped.code, 0, piped.stderr);
    const pipedId = piped.stderr.trim();
    assert.match(pipedId, /^\S+$/);
    const back = await sd(["decrypt", pipedId], {}, piped.stdoutBytes);
    assert.equal(back.code, 0, back.stderr);
    assert.ok(back.stdoutBytes.equals(small), "stdin/stdout round trip");

    const wrong = await sd(["decrypt", enc.docId], {}, piped.stdoutBytes);
    assert.notEqual(wrong.code, 0);
    assert.ok(!wrong.stdoutBytes.equals(small), "foreign ciphertext never yields the plaintext");
    assertOneLine(await sd(["decrypt", "no-such-doc", cipher]), 1, /^strongdoc: NOT_FOUND: /);

    // A reader that stops early (`strongdoc decrypt … | head -c 10`) ends the command quietly.
    const child = spawnScript(CLI_MAIN, ["decrypt", enc.docId, cipher], { ...env });
    child.stdout!.once("data", () => child.stdout!.destroy());
    const cut = await collect(child);
    assert.equal(cut.code, 0, cut.stderr);
    assert.equal(cut.stderr, "");
  });

  it("a failed download, decrypt or encrypt -o leaves an existing file as it was; success replaces it; /dev/null works", async () => {
    const dir = join(work, "keep");
    mkdirSync(dir);
    const keep = join(dir, "keep.txt");
    writeFileSync(keep, "precious data\n");
    chmodSync(keep, 0o640);
    /** The file still holds its old bytes and mode, and no temporary file was left next to it. */
    const unchanged = (why: string) => {
      assert.equal(readFileSync(keep, "utf8"), "precious data\n", `${why}: content kept`);
      assert.equal(statSync(keep).mode & 0o777, 0o640, `${why}: mode kept`);
      assert.deepEqual(readdirSync(dir), ["keep.txt"], `${why}: no temporary file left`);
    };

    assertOneLine(await sd(["docs", "download", "no-such-doc", "-o", keep]), 1, /^strongdoc: NOT_FOUND: /);
    unchanged("download of an unknown docId");
    assertOneLine(await sd(["docs", "download", "no-such-doc", "-o", keep], { STRONGDOC_TOKEN: "garbage" }), 3, /^strongdoc: UNAUTHENTICATED: /);
    unchanged("download with a bad token");

    const data = randomBytes(300_000);
    const plain = join(work, "keep-plain.bin");
    writeFileSync(plain, data);
    assertOneLine(await sd(["encrypt", plain, "-o", keep], { STRONGDOC_TOKEN: "garbage" }), 3, /^strongdoc: UNAUTHENTICATED: /);
    unchanged("encrypt with a bad token");
    const cipher = join(work, "keep-plain.bin.sd");
    const enc = json<{ docId: string }>(await sd(["encrypt", plain, "-o", cipher, "--json"]));
    assertOneLine(await sd(["decrypt", "no-such-doc", cipher, "-o", keep]), 1, /^strongdoc: NOT_FOUND: /);
    unchanged("decrypt with an unknown docId");

    // Tampered ciphertext (last frame): -o keeps the old file; stdout got only verified plaintext.
    const tampered = readFileSync(cipher);
    tampered[tampered.length - 20]! ^= 0x01;
    const bad = join(work, "keep-tampered.sd");
    writeFileSync(bad, tampered);
    const badToFile = await sd(["decrypt", enc.docId, bad, "-o", keep]);
    assert.notEqual(badToFile.code, 0, "tampered ciphertext is refused");
    unchanged("decrypt of tampered ciphertext");
    const badToStdout = await sd(["decrypt", enc.docId, bad]);
    assert.notEqual(badToStdout.code, 0, "tampered ciphertext is refused");
    assert.ok(badToStdout.stdoutBytes.length < data.length, "not all of the plaintext");
    assert.ok(data.subarray(0, badToStdout.stdoutBytes.length).equals(badToStdout.stdoutBytes), "only a prefix of the true plaintext");

    // Success replaces the file (keeping its mode); a symlink keeps pointing at the new content.
    const uploaded = json<Array<{ docId: string }>>(await sd(["docs", "upload", plain, "--json"]));
    assert.equal((await sd(["docs", "download", uploaded[0]!.docId, "-o", keep])).code, 0);
    assert.ok(readFileSync(keep).equals(data), "a successful download replaces the file");
    assert.equal(statSync(keep).mode & 0o777, 0o640, "the replaced file keeps its mode");
    const link = join(work, "keep-link");
    symlinkSync(keep, link);
    assert.equal((await sd(["decrypt", enc.docId, cipher, "-o", link])).code, 0);
    assert.ok(lstatSync(link).isSymbolicLink(), "the symlink itself is not replaced");
    assert.ok(readFileSync(keep).equals(data));
    assert.deepEqual(readdirSync(dir), ["keep.txt"], "no temporary file left after success");

    // A new file gets created; a character device is written in place and never removed.
    const fresh = join(dir, "fresh.bin");
    assert.equal((await sd(["decrypt", enc.docId, cipher, "-o", fresh])).code, 0);
    assert.ok(readFileSync(fresh).equals(data));
    rmSync(fresh);
    const toNull = await sd(["docs", "download", uploaded[0]!.docId, "-o", "/dev/null", "--json"]);
    assert.equal(toNull.code, 0, toNull.stderr);
    assert.equal(JSON.parse(toNull.stdout).bytes, data.length);
    assertOneLine(await sd(["docs", "download", "no-such-doc", "-o", "/dev/null"]), 1, /^strongdoc: NOT_FOUND: /);
    assert.equal((await sd(["encrypt", plain, "-o", "/dev/null"])).code, 0);
    assert.ok(statSync("/dev/null").isCharacterDevice(), "/dev/null is still there");
    assertOneLine(await sd(["docs", "download", uploaded[0]!.docId, "-o", dir]), 5, /keep: is a directory/);
    assertOneLine(await sd(["docs", "download", uploaded[0]!.docId, "-o", join(dir, "no-dir", "x")]), 5, /no-dir\/x: no such file or directory/);
    assert.deepEqual(readdirSync(dir), ["keep.txt"]);
  });

  it("search shows ranked hits by document name", async () => {
    const file = join(work, "zebra-notes.txt");
    writeFileSync(file, "Quagga and zebra stripes, a field guide.\n");
    const upload = await sd(["docs", "upload", file]);
    assert.equal(upload.code, 0, upload.stderr);
    assert.match(upload.stdout, /^\S+  zebra-notes\.txt  41 B\n$/, "docs upload prints `<docId>  <name>  <size>` (as --help says)");
    const hits = json<Array<{ docId: string; docName: string; score: number }>>(await sd(["search", "quagga", "--json"]));
    assert.equal(hits.length, 1, "exactly the one document mentions quagga");
    assert.equal(hits[0]!.docName, "zebra-notes.txt");
    const human = await sd(["search", "quagga", "stripes"]);
    assert.match(human.stdout, /^ *1 +[\d.]+ +\S+ +zebra-notes\.txt$/m);
    assert.match((await sd(["search", "xylophone"])).stdout, /^no documents match "xylophone"$/m);
  });

  it("billing and account show|set", async () => {
    const bill = json<{ details: { periodStart: string; totalCost: number } | null; largeTraffic: unknown }>(await sd(["billing", "--json"]));
    assert.ok(bill.details, "a billing period exists now");
    assert.ok(!Number.isNaN(Date.parse(bill.details.periodStart)));
    const human = (await sd(["billing"])).stdout;
    assert.match(human, /^total cost: \d+\.\d\d$/m);
    // The earlier uploads made traffic: people see it rounded, never as a raw float or exponent.
    assert.match(human, /^traffic .* in (\d+(\.\d+)?|<0\.001) MB, out (\d+(\.\d+)?|<0\.001) MB$/m);
    assert.doesNotMatch(human, /\d\.\d{6,}|\de-\d/, `no raw floats in:\n${human}`);
    const before = json<{ orgId: string; orgEmail: string; subscription: { type: string } }>(await sd(["account", "show", "--json"]));
    assert.deepEqual([before.orgId, before.orgEmail, before.subscription.type], [orgName, `info@${orgName}.test`, "Test Active"]);
    assert.equal((await sd(["account", "set", "--address", "2 Main Street"])).code, 0);
    const afterSet = json<{ orgEmail: string; orgAddress: string }>(await sd(["account", "show", "--json"]));
    assert.deepEqual([afterSet.orgEmail, afterSet.orgAddress], [`info@${orgName}.test`, "2 Main Street"]);
    assertOneLine(await sd(["account", "set", "--email", "not-an-email"]), 1, /^strongdoc: INVALID_ARGUMENT: /);
    assertOneLine(await sd(["account", "set"]), 2, /usage: give --email and\/or --address/);
  });

  it("STRONGDOC_TOKEN_FILE moves the cache; logout retires the token and deletes the file", async () => {
    const other = join(work, "elsewhere", "t.json");
    assert.equal((await sd(["login", "-o", orgName, "-u", adminId, "--json"], { STRONGDOC_TOKEN_FILE: other }, `${adminPassword}\n`)).code, 0);
    assert.equal(statSync(other).mode & 0o777, 0o600);
    const token = JSON.parse(readFileSync(other, "utf8")).token as string;
    const out = json<{ status: string; tokenFileRemoved: boolean }>(await sd(["logout", "--json"], { STRONGDOC_TOKEN_FILE: other }));
    assert.match(out.status, /successfully logged out/);
    assert.equal(out.tokenFileRemoved, true);
    assert.equal(existsSync(other), false);
    assertOneLine(await sd(["whoami"], { STRONGDOC_TOKEN_FILE: other }), 3, /not logged in/);
    assertOneLine(await sd(["docs", "list"], { STRONGDOC_TOKEN: token }), 3, /^strongdoc: UNAUTHENTICATED: /);
    // The other cached login (XDG_CONFIG_HOME) is untouched and still works.
    assert.equal((await sd(["whoami"])).code, 0);
  });

  it("an unreachable service is UNAVAILABLE with exit code 4", async () => {
    const r = await sd(["docs", "list"], { STRONGDOC_TOKEN: "x", STRONGDOC_PORT: "1" });
    assertOneLine(r, 4, /^strongdoc: UNAVAILABLE: /);
  });

  it("emulator starts one (fresh CA, temporary data dir) that answers over TLS, and stops on SIGTERM", async () => {
    const child = spawnScript(CLI_MAIN, ["emulator", "--port", "0", "--quiet", "--json"]);
    const done = collect(child);
    const [line] = (await once(child.stdout!, "data")) as [Buffer];
    const info = JSON.parse(line.toString("utf8")) as { host: string; port: number; caFile: string; dataDir: string };
    assert.equal(info.host, "localhost");
    assert.ok(existsSync(info.caFile), "the CA file exists while it runs");
    const probe = await strongdoc(["whoami"], {
      env: { STRONGDOC_HOST: info.host, STRONGDOC_PORT: String(info.port), STRONGDOC_CA_FILE: info.caFile, STRONGDOC_TOKEN: "garbage" },
    });
    assertOneLine(probe, 3, /^strongdoc: UNAUTHENTICATED: /);
    child.kill("SIGTERM");
    const r = await done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(existsSync(info.dataDir), false, "the temporary data dir is removed on exit");
  });
});
