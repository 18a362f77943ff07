// Packaging: build the package, `npm pack` it, install the tarball into copies of the two consumer
// projects (test/consumers/cjs and esm, dependencies linked from this repo: offline), and run them.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";

const root = join(__dirname, "..");
let tmp: string;
let tarball: string;
let packedFiles: string[];

before(() => {
  tmp = mkdtempSync(join(tmpdir(), "strongdoc-packaging-"));
  execFileSync(join(root, "node_modules/.bin/tsc"), ["-p", "tsconfig.build.json"], { cwd: root, stdio: "pipe" });
  const out = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", tmp], {
    cwd: root,
    encoding: "utf8",
  });
  const [info] = JSON.parse(out) as [{ filename: string; files: { path: string }[] }];
  tarball = join(tmp, info.filename);
  packedFiles = info.files.map((f) => f.path);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Copies a consumer project, unpacks the tarball as its node_modules/strongdoc, links the deps. */
function install(kind: "cjs" | "esm" | "ts"): string {
  const dir = join(tmp, kind);
  cpSync(join(root, "test/consumers", kind), dir, { recursive: true });
  const pkgDir = join(dir, "node_modules/strongdoc");
  mkdirSync(pkgDir, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", pkgDir, "--strip-components=1"]);
  const { dependencies } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
  };
  for (const dep of Object.keys(dependencies)) {
    const link = join(dir, "node_modules", dep);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(root, "node_modules", dep), link, "dir");
  }
  return dir;
}

function run(dir: string): { ok: boolean; kind: string; exports: string[] } {
  const out = execFileSync(process.execPath, ["index.js"], { cwd: dir, encoding: "utf8", timeout: 30_000 });
  return JSON.parse(out.trim().split("\n").pop()!);
}

const PUBLIC = [
  "FREQ_MONTHLY",
  "FREQ_YEARLY",
  "StrongDocError",
  "account",
  "billing",
  "client",
  "close",
  "configure",
  "createClient",
  "document",
  "login",
  "search",
];

test("the tarball holds the compiled library and its type declarations, not the sources", () => {
  for (const f of ["package.json", "dist/src/index.js", "dist/src/index.d.ts", "dist/src/api/document.d.ts", "dist/generated/strongdoc.js"]) {
    assert.ok(packedFiles.includes(f), `${f} is packed`);
  }
  assert.ok(!packedFiles.some((f) => f.startsWith("src/") || f.startsWith("test/") || f.startsWith("emulator/")));
});

test("CommonJS consumer: require('strongdoc')", () => {
  const result = run(install("cjs"));
  assert.equal(result.ok, true);
  assert.deepEqual(result.exports.filter((e) => e !== "__esModule"), PUBLIC);
});

test("ES module consumer: import { document } from 'strongdoc'", () => {
  const result = run(install("esm"));
  assert.equal(result.ok, true);
  for (const name of PUBLIC) assert.ok(result.exports.includes(name), `named export ${name}`);
});

test("TypeScript consumer: the shipped declarations type-check a program using every module", () => {
  const dir = install("ts");
  const tsconfig = {
    compilerOptions: {
      target: "ES2022",
      module: "node16",
      moduleResolution: "node16",
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      types: ["node"],
      typeRoots: [join(root, "node_modules/@types")],
    },
    files: ["index.ts"],
  };
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
  execFileSync(join(root, "node_modules/.bin/tsc"), ["-p", dir], { cwd: dir, encoding: "utf8" });
});
