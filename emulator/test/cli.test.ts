// The strongdoc-emulator command: flag parsing, the lines it prints for clients, a working
// server behind them, and clean shutdown on SIGTERM/SIGINT (temporary data dir removed).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCli } from "../src/cli";
import { call, connect, newOrg } from "./helpers";
import type { RunningEmulator } from "../src/index";

test("parseCli maps flags to options and rejects bad ones", () => {
  assert.deepEqual(parseCli(["--host", "::1", "--port", "0", "--data-dir", "d", "--large-traffic-bytes", "2048", "--quiet", "--same-name", "replace", "--receive-window", "1048576"]), {
    host: "::1",
    port: 0,
    dataDir: "d",
    insecure: undefined,
    tlsCert: undefined,
    tlsKey: undefined,
    largeTrafficBytes: 2048,
    sameNameUpload: "replace",
    receiveWindowBytes: 1048576,
    quiet: true,
  });
  assert.equal(parseCli(["--help"]), "help");
  assert.throws(() => parseCli(["--port", "x"]), /--port/);
  assert.throws(() => parseCli(["--port", "70000.5"]), /--port/);
  assert.throws(() => parseCli(["--tls-cert", "a"]), /--tls-key/);
  assert.throws(() => parseCli(["--large-traffic-bytes", "0"]), /--large-traffic-bytes/);
  assert.throws(() => parseCli(["--same-name", "maybe"]), /--same-name/);
  assert.throws(() => parseCli(["--receive-window", "1000"]), /--receive-window: expected an integer from 65535/);
  assert.throws(() => parseCli(["--receive-window", String(2 ** 31)]), /--receive-window/);
  assert.throws(() => parseCli(["--what"]), /Unknown option/);
});

function run(args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", join(__dirname, "../src/cli.ts"), ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, STRONGDOC_EMULATOR_MASTER_KEY: "" },
  });
  let out = "";
  let err = "";
  child.stderr.on("data", (d) => (err += d));
  const ready = new Promise<Record<string, string>>((resolve, reject) => {
    child.stdout.on("data", (d) => {
      out += d;
      if (/STRONGDOC_EMULATOR_HOST=\S+\n/.test(out)) {
        const vars: Record<string, string> = {};
        for (const m of out.matchAll(/(STRONGDOC_[A-Z_]+)=(\S+)/g)) vars[m[1]!] = m[2]!;
        resolve(vars);
      }
    });
    child.on("exit", (code) => reject(new Error(`exited ${code} before ready: ${err}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, ready, exited, output: () => out, errors: () => err };
}

test("prints the client settings, serves TLS on them, and stops on SIGTERM", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sd-cli-"));
  try {
    const p = run(["--port", "0", "--data-dir", dir]);
    const vars = await p.ready;
    assert.equal(vars.STRONGDOC_HOST, "localhost");
    assert.equal(vars.STRONGDOC_CA_FILE, join(dir, "ca.pem"));
    assert.equal(vars.STRONGDOC_EMULATOR_HOST, `localhost:${vars.STRONGDOC_PORT}`);
    const emu = {
      address: vars.STRONGDOC_EMULATOR_HOST,
      caPem: readFileSync(vars.STRONGDOC_CA_FILE!, "utf8"),
      insecure: false,
    } as RunningEmulator;
    const client = connect(emu);
    const org = await newOrg(client);
    await call(client, "listDocuments", {}, org.md);
    client.close();
    p.child.kill("SIGTERM");
    assert.equal(await p.exited, 0);
    assert.match(p.errors(), /ListDocuments org=\S+ user=\S+ status=OK/);
    assert.match(p.errors(), /SIGTERM, shutting down/);
    assert.ok(existsSync(join(dir, "strongdoc.db")), "the data dir is kept");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("without --data-dir it says so, and removes the temporary dir on SIGINT; --quiet silences calls", async () => {
  const p = run(["--port", "0", "--quiet"]);
  const vars = await p.ready;
  const m = /using temporary (\S+); it is removed on exit/.exec(p.output());
  assert.ok(m, p.output());
  assert.ok(existsSync(m[1]!));
  const client = connect({ address: vars.STRONGDOC_EMULATOR_HOST!, caPem: readFileSync(vars.STRONGDOC_CA_FILE!, "utf8"), insecure: false } as RunningEmulator);
  await newOrg(client);
  client.close();
  p.child.kill("SIGINT");
  assert.equal(await p.exited, 0);
  assert.equal(existsSync(m[1]!), false);
  assert.doesNotMatch(p.errors(), /RegisterOrganization/);
});

test("bad flags exit with status 2 and the usage", async () => {
  const child = spawn(process.execPath, ["--import", "tsx", join(__dirname, "../src/cli.ts"), "--port", "nope"], { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr.on("data", (d) => (err += d));
  const code = await new Promise((resolve) => child.on("exit", resolve));
  assert.equal(code, 2);
  assert.match(err, /--port: expected an integer/);
  assert.match(err, /Usage: strongdoc-emulator/);
});
