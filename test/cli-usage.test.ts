// CLI tests that need no server: --help on every command, version, and usage errors
// (unknown command, missing or malformed argument, no login) — one line on stderr, exit code 2/3.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { strongdoc, type CliResult } from "./cli-run";

const home = mkdtempSync(join(tmpdir(), "strongdoc-cli-usage-"));
const env = { STRONGDOC_TOKEN_FILE: join(home, "token.json"), STRONGDOC_HOST: "localhost", STRONGDOC_PORT: "1" };
after(() => rmSync(home, { recursive: true, force: true }));

/** Asserts a failure reported as exactly one `strongdoc: …` line with the given exit code. */
function assertOneLine(r: CliResult, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, `exit code (stderr: ${r.stderr})`);
  assert.match(r.stderr, /^strongdoc: [^\n]+\n$/, "exactly one line on stderr");
  assert.match(r.stderr, pattern);
  assert.equal(r.stdout, "");
}

describe("strongdoc --help", () => {
  it("lists every command, the environment and the exit codes", async () => {
    const r = await strongdoc(["--help"], { env });
    assert.equal(r.code, 0, r.stderr);
    for (const cmd of ["login", "logout", "whoami", "users", "docs", "encrypt", "decrypt", "search", "billing", "account", "emulator"]) {
      assert.match(r.stdout, new RegExp(`^  ${cmd}\\b`, "m"), `${cmd} is listed`);
    }
    assert.match(r.stdout, /STRONGDOC_TOKEN_FILE/);
    assert.match(r.stdout, /Exit codes: 0 ok, 1 service error, 2 usage or configuration error, 3 /);
  });

  it("works on groups and subcommands, with their own options", async () => {
    const [users, docs, upload, account, encrypt, version] = await Promise.all([
      strongdoc(["users", "--help"], { env }),
      strongdoc(["docs", "--help"], { env }),
      strongdoc(["docs", "upload", "--help"], { env }),
      strongdoc(["account", "--help"], { env }),
      strongdoc(["help", "encrypt"], { env }),
      strongdoc(["--version"], { env }),
    ]);
    for (const r of [users, docs, upload, account, encrypt, version]) assert.equal(r.code, 0, r.stderr);
    for (const sub of ["list", "register", "remove", "promote", "demote"]) assert.match(users.stdout, new RegExp(`^  ${sub}\\b`, "m"));
    for (const sub of ["upload", "download", "list", "remove", "share", "unshare"]) assert.match(docs.stdout, new RegExp(`^  ${sub}\\b`, "m"));
    // A group's usage line names the subcommand once, and there is no "Arguments:" section.
    for (const [group, r] of [["users", users], ["docs", docs], ["account", account]] as const) {
      assert.match(r.stdout, new RegExp(`^Usage: strongdoc ${group} \\[options\\] \\[command\\]\n`), `${group} usage line`);
      assert.doesNotMatch(r.stdout, /^Arguments:/m, `${group} has no Arguments section`);
    }
    for (const sub of ["show", "set", "register"]) assert.match(account.stdout, new RegExp(`^  ${sub}\\b`, "m"));
    assert.match(upload.stdout, /--name <docName>/);
    assert.match(upload.stdout, /prints `<docId>  <name>  <size>`\s+per file/, "upload --help describes what it prints");
    assert.match(upload.stdout, /--json/, "global options are shown on subcommands");
    assert.match(encrypt.stdout, /--output <file>/);
    const decrypt = await strongdoc(["decrypt", "--help"], { env });
    assert.equal(decrypt.code, 0, decrypt.stderr);
    assert.match(decrypt.stdout, /stdout may already hold the verified plaintext/, "decrypt --help warns about stdout");
    assert.match(decrypt.stdout, /With -o the file\s+appears \(or is replaced\) only when all of it has been verified/);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  });
});

describe("usage errors", () => {
  it("are one line with exit code 2", async () => {
    const [unknown, missing, group, badGroup, badNumber, badDate, nameWithTwo] = await Promise.all([
      strongdoc(["bogus"], { env }),
      strongdoc(["docs", "share", "only-a-doc-id"], { env }),
      strongdoc(["users"], { env }),
      strongdoc(["users", "frobnicate"], { env }),
      strongdoc(["search", "x", "--limit", "-3"], { env }),
      strongdoc(["billing", "--at", "not-a-date"], { env }),
      strongdoc(["docs", "upload", "a", "b", "--name", "x"], { env }),
    ]);
    assertOneLine(unknown, 2, /usage: unknown command 'bogus'/);
    assertOneLine(missing, 2, /usage: missing required argument 'userId'/);
    assertOneLine(group, 2, /usage: missing command for 'users' \(one of: list, register, remove, promote, demote\)/);
    assertOneLine(badGroup, 2, /usage: unknown command 'frobnicate' for 'users'/);
    assertOneLine(badNumber, 2, /--limit <n>.*expected a non-negative integer/);
    assertOneLine(badDate, 2, /--at <date>.*expected a date/);
    assertOneLine(nameWithTwo, 2, /--name needs exactly one file/);
  });

  it("a command that needs a login fails with exit code 3 when there is none", async () => {
    const [whoami, list, login] = await Promise.all([
      strongdoc(["whoami"], { env }),
      strongdoc(["docs", "list", "--json"], { env }),
      strongdoc(["login", "--org", "acme"], { env }),
    ]);
    assertOneLine(whoami, 3, /not logged in: run `strongdoc login` or set STRONGDOC_TOKEN/);
    assertOneLine(list, 3, /not logged in/);
    assertOneLine(login, 2, /required option '-u, --user <userId>' not specified/);
  });
});
