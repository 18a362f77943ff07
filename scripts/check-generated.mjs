// Fails when generated/ is not exactly what `buf generate` makes from proto/ now.
// Regenerates into a temporary directory and compares file lists and bytes.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), "strongdoc-gen-"));
const template = readFileSync(join(root, "buf.gen.yaml"), "utf8")
  .replace(/out: generated/, `out: ${join(tmp, "generated")}`)
  .replace(/local: \.\//, `local: ${root}`);
writeFileSync(join(tmp, "buf.gen.yaml"), template);

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

try {
  execFileSync(join(root, "node_modules/.bin/buf"), ["generate", "--template", join(tmp, "buf.gen.yaml")], {
    cwd: root,
    stdio: "inherit",
  });
  const fresh = walk(join(tmp, "generated")).map((p) => relative(join(tmp, "generated"), p)).sort();
  const committed = walk(join(root, "generated")).map((p) => relative(join(root, "generated"), p)).sort();
  const problems = [];
  for (const f of new Set([...fresh, ...committed])) {
    if (!fresh.includes(f)) problems.push(`extra file generated/${f}`);
    else if (!committed.includes(f)) problems.push(`missing file generated/${f}`);
    else if (!readFileSync(join(tmp, "generated", f)).equals(readFileSync(join(root, "generated", f))))
      problems.push(`stale file generated/${f}`);
  }
  if (problems.length) {
    console.error(`generated/ is out of date (run \`make generate\`):\n  ${problems.join("\n  ")}`);
    process.exit(1);
  }
  console.log(`generated/ is up to date (${committed.length} files match buf generate)`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
