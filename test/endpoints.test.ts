// Endpoints and errors: several endpoints in one process, configure(), the environment variables,
// one reused channel, connect timeout and refused/untrusted servers (UNAVAILABLE), the
// StrongDocError shape, and close() letting a process exit.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer, type Server, type Socket } from "node:net";
import { after, afterEach, before, describe, test } from "node:test";
import { startEmulator } from "../emulator/src/index";
import { close, configure, createClient, document, login, StrongDocError } from "../src/index";
import { startTestEnv, type TestEnv, type TestOrg } from "./helpers/emulator";

let a: TestEnv;
let b: TestEnv;
let orgA: TestOrg;
let orgB: TestOrg;
const savedEnv = { ...process.env };

before(async () => {
  [a, b] = await Promise.all([startTestEnv(), startTestEnv()]);
  [orgA, orgB] = await Promise.all([a.newOrg("alpha"), b.newOrg("beta")]);
});
after(async () => {
  close();
  await Promise.all([a.stop(), b.stop()]);
});
afterEach(() => {
  for (const k of Object.keys(process.env)) if (k.startsWith("STRONGDOC_")) delete process.env[k];
  Object.assign(process.env, savedEnv);
});

function codeIs(codeName: string) {
  return (err: unknown) => err instanceof StrongDocError && err.codeName === codeName;
}

describe("several endpoints", () => {
  test("createClient: two servers side by side, each with its own accounts and documents", async () => {
    const docA = await a.sd.document.uploadDocument(orgA.token, "a.txt", Buffer.from("on A"));
    const docB = await b.sd.document.uploadDocument(orgB.token, "b.txt", Buffer.from("on B"));
    assert.deepEqual((await a.sd.document.listDocuments(orgA.token)).map((d) => d.docId), [docA]);
    assert.deepEqual((await b.sd.document.listDocuments(orgB.token)).map((d) => d.docId), [docB]);
    // A token of one server means nothing to the other.
    await assert.rejects(b.sd.document.listDocuments(orgA.token), codeIs("UNAUTHENTICATED"));
  });

  test("configure() points the module-level functions at a server, and can switch", async () => {
    configure({ host: a.emu.host, port: a.emu.port, caPem: a.emu.caPem });
    const token = await login.login(orgA.adminId, orgA.password, orgA.orgId);
    assert.ok((await document.listDocuments(token)).length >= 1);
    configure({ host: b.emu.host, port: b.emu.port, caPem: b.emu.caPem });
    await assert.rejects(document.listDocuments(token), codeIs("UNAUTHENTICATED"));
    const tokenB = await login.login(orgB.adminId, orgB.password, orgB.orgId);
    assert.ok(Array.isArray(await document.listDocuments(tokenB)));
  });

  test("environment variables are read when the endpoint is first used", async () => {
    const fromEmulatorHost = createClient();
    process.env.STRONGDOC_EMULATOR_HOST = a.emu.address;
    process.env.STRONGDOC_CA_FILE = a.emu.caFile;
    assert.equal((await fromEmulatorHost.account.getUserInfo(orgA.token)).orgId, orgA.orgId);
    fromEmulatorHost.close();

    delete process.env.STRONGDOC_EMULATOR_HOST;
    process.env.STRONGDOC_HOST = b.emu.host;
    process.env.STRONGDOC_PORT = String(b.emu.port);
    process.env.STRONGDOC_CA_FILE = b.emu.caFile;
    const fromHostPort = createClient();
    assert.equal((await fromHostPort.account.getUserInfo(orgB.token)).orgId, orgB.orgId);
    fromHostPort.close();

    process.env.STRONGDOC_EMULATOR_HOST = a.emu.address;
    delete process.env.STRONGDOC_CA_FILE;
    await assert.rejects(createClient().document.listDocuments(orgA.token), /STRONGDOC_CA_FILE/);
    process.env.STRONGDOC_PORT = "not-a-port";
    delete process.env.STRONGDOC_EMULATOR_HOST;
    await assert.rejects(createClient().document.listDocuments(orgA.token), /STRONGDOC_PORT/);
  });

  test("one channel per endpoint, shared by every call and token; reopened after close()", async () => {
    const user = await a.newUser(orgA);
    const c1 = a.sd.client.connectToServerWithAuth(orgA.token);
    const c2 = a.sd.client.connectToServerWithAuth(user.token);
    const c3 = a.sd.client.connectToServerWithNoAuth();
    assert.equal(c1.getChannel(), c2.getChannel());
    assert.equal(c1.getChannel(), c3.getChannel());
    assert.notEqual(c1.getChannel(), b.sd.client.connectToServerWithNoAuth().getChannel());
    a.sd.close();
    assert.ok(Array.isArray(await a.sd.document.listDocuments(orgA.token)), "a call after close() reconnects");
    assert.notEqual(a.sd.client.connectToServerWithNoAuth().getChannel(), c1.getChannel());
  });

  test("the escape hatch reaches RPCs the modules do not wrap, with the token attached", async () => {
    const raw = a.sd.client.connectToServerWithAuth(orgA.token);
    const resp = await new Promise<{ billingFrequencyList: unknown[] }>((resolve, reject) =>
      raw.getBillingFrequencyList({}, (err, r) => (err ? reject(err) : resolve(r!))),
    );
    assert.ok(resp.billingFrequencyList.length >= 1);
    const anon = a.sd.client.connectToServerWithNoAuth();
    await assert.rejects(
      new Promise((resolve, reject) => anon.listDocuments({}, (err, r) => (err ? reject(err) : resolve(r)))),
      (err: { code?: number }) => err.code === 16,
    );
  });
});

describe("unreachable servers fail fast with UNAVAILABLE", () => {
  let silent: Server;
  const sockets: Socket[] = [];
  before(async () => {
    // Accepts TCP connections and never answers: the TLS handshake can never complete.
    silent = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
  });
  after(() => {
    for (const s of sockets) s.destroy();
    silent.close();
  });

  test("a server that never completes the handshake: UNAVAILABLE after connectTimeoutMs", async () => {
    const port = (silent.address() as { port: number }).port;
    const sd = createClient({ host: "127.0.0.1", port, caPem: a.emu.caPem, connectTimeoutMs: 500 });
    const started = Date.now();
    await assert.rejects(sd.account.getUserInfo(orgA.token), codeIs("UNAVAILABLE"));
    await assert.rejects(sd.document.uploadDocument(orgA.token, "x", Buffer.from("x")), codeIs("UNAVAILABLE"));
    assert.ok(Date.now() - started < 5_000, "well before the 60 s call deadline");
    sd.close();
  });

  test("a refused port and an untrusted certificate are UNAVAILABLE", async () => {
    const refused = createClient({ host: "127.0.0.1", port: 1, caPem: a.emu.caPem });
    await assert.rejects(refused.document.listDocuments(orgA.token), codeIs("UNAVAILABLE"));
    await assert.rejects(refused.login.login("u", "p", "o"), codeIs("UNAVAILABLE"));
    refused.close();
    const untrusted = createClient({ host: a.emu.host, port: a.emu.port, caPem: b.emu.caPem });
    await assert.rejects(untrusted.document.listDocuments(orgA.token), codeIs("UNAVAILABLE"));
    untrusted.close();
  });

  test("abort while waiting for the connection rejects with an AbortError", async () => {
    const port = (silent.address() as { port: number }).port;
    const sd = createClient({ host: "127.0.0.1", port, caPem: a.emu.caPem, connectTimeoutMs: 5_000 });
    const started = Date.now();
    await assert.rejects(sd.search.search(orgA.token, "x", { signal: AbortSignal.timeout(200) }), (err: Error) => {
      return err.name === "AbortError" && (err.cause as Error).name === "TimeoutError";
    });
    assert.ok(Date.now() - started < 4_000);
    sd.close();
  });

  test("a unary timeoutMs shorter than the connect timeout is DEADLINE_EXCEEDED", async () => {
    const port = (silent.address() as { port: number }).port;
    const sd = createClient({ host: "127.0.0.1", port, caPem: a.emu.caPem, connectTimeoutMs: 5_000 });
    await assert.rejects(sd.account.getUserInfo(orgA.token, { timeoutMs: 200 }), codeIs("DEADLINE_EXCEEDED"));
    sd.close();
  });
});

describe("StrongDocError", () => {
  test("code, codeName, details, metadata, cause; instanceof Error and StrongDocError", async () => {
    let err: unknown;
    try {
      await a.sd.document.downloadDocument(orgA.token, "no-such-document");
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof StrongDocError);
    assert.ok(err instanceof Error);
    assert.equal(err.name, "StrongDocError");
    assert.equal(err.code, 5);
    assert.equal(err.codeName, "NOT_FOUND");
    assert.match(err.details, /no-such-document/);
    assert.equal(err.message, `NOT_FOUND: ${err.details}`);
    assert.equal(typeof err.metadata?.getMap, "function");
    assert.equal((err.cause as { code?: number }).code, 5);
  });

  test("constructed directly", () => {
    const e = new StrongDocError(16, "token revoked");
    assert.equal(e.codeName, "UNAUTHENTICATED");
    assert.equal(e.message, "UNAUTHENTICATED: token revoked");
    assert.equal(new StrongDocError(99, "odd").codeName, "UNKNOWN");
  });
});

describe("close()", () => {
  test("lets a process exit after talking to a server", async () => {
    const script = `
      const { createClient, configure, document, close } = require(${JSON.stringify(require.resolve("../src/index"))});
      configure({ host: process.env.H, port: Number(process.env.P), caPem: process.env.CA });
      const other = createClient({ host: process.env.H, port: Number(process.env.P), caPem: process.env.CA });
      (async () => {
        await document.listDocuments(process.env.T);
        await other.document.listDocuments(process.env.T);
        close();
        console.log("done");
      })().catch((e) => { console.error(e); process.exit(1); });
    `;
    const child = spawn(process.execPath, ["--no-deprecation", "--import", "tsx", "-e", script], {
      env: { ...process.env, H: a.emu.host, P: String(a.emu.port), CA: a.emu.caPem, T: orgA.token },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill();
        resolve(null);
      }, 20_000);
      child.on("exit", (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    assert.equal(code, 0, `child output: ${out}`);
    assert.match(out, /done/);
  });
});

test("startEmulator is reachable from a second emulator-less client too (sanity of the helper)", async () => {
  const emu = await startEmulator({ port: 0, quiet: true });
  const sd = createClient({ host: emu.host, port: emu.port, caFile: emu.caFile });
  await assert.rejects(sd.document.listDocuments("x"), codeIs("UNAUTHENTICATED"));
  sd.close();
  await emu.stop();
});
