// Test helpers: start a real emulator on 127.0.0.1:0 over real TLS (low scrypt cost), a real
// gRPC client built from the generated service definition, and promise wrappers for calls.
import { after, before } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { StrongDocServiceService } from "../../generated/strongdoc";
import * as accounts from "../../generated/accounts";
import * as billing from "../../generated/billing";
import * as document from "../../generated/document";
import * as noStore from "../../generated/documentNoStore";
import * as search from "../../generated/search";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../src/index";
import { KeyRing, loadMasterKey } from "../src/crypto/keys";
import { openDatabase, type Db } from "../src/store/db";

/** scrypt cost used by tests (the default is deliberately slow). */
export const TEST_SCRYPT = { N: 1024, r: 8, p: 1 };

/** Generic client type: every method of StrongDocService, untyped. */
export type Client = grpc.Client & Record<string, any>;

const messageTypes: Record<string, any> = { ...accounts, ...billing, ...document, ...noStore, ...search };
const REQUEST_TYPE_EXCEPTIONS: Record<string, string> = {
  ReactivateOrganization: "RegisterOrganizationReq",
  UploadDocumentStream: "UploadDocStreamReq",
  DownloadDocumentStream: "DownloadDocStreamReq",
  EncryptDocumentStream: "EncryptDocStreamReq",
  DecryptDocumentStream: "DecryptDocStreamReq",
  UploadDocument: "UploadDocReq",
  DownloadDocument: "DownloadDocReq",
  EncryptDocument: "EncryptDocReq",
  DecryptDocument: "DecryptDocReq",
};

/** The service definition with request serializers that accept partial messages (fromPartial). */
const partialDefinition = Object.fromEntries(
  Object.entries(StrongDocServiceService).map(([name, def]) => {
    const rpc = def.path.slice(def.path.lastIndexOf("/") + 1);
    const typeName = REQUEST_TYPE_EXCEPTIONS[rpc] ?? `${rpc}Req`;
    const type = messageTypes[typeName];
    if (!type?.fromPartial) throw new Error(`test helper: no request type ${typeName} for ${rpc}`);
    return [name, { ...def, requestSerialize: (v: any) => Buffer.from(type.encode(type.fromPartial(v)).finish()) }];
  }),
);

const ClientCtor = grpc.makeGenericClientConstructor(partialDefinition as any, "StrongDocService");

/** Starts an emulator for a test (temp data dir unless given). */
export function start(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ port: 0, quiet: true, scrypt: TEST_SCRYPT, ...options });
}

/** An emulator and a client shared by the tests of one file or suite (see {@link useEmulator}). */
export interface EmulatorFixture {
  /** The running emulator (set once the `before` hook has run). */
  readonly emu: RunningEmulator;
  /** A client connected to it. */
  readonly client: Client;
}

/**
 * Registers `before`/`after` hooks that start an emulator with `options` and connect a client,
 * then close both. Call it at the top level of a test file or inside a `describe`.
 */
export function useEmulator(options: EmulatorOptions = {}): EmulatorFixture {
  let emu: RunningEmulator | undefined;
  let client: Client | undefined;
  before(async () => {
    emu = await start(options);
    client = connect(emu);
  });
  after(async () => {
    client?.close();
    await emu?.stop();
  });
  return {
    get emu() {
      if (!emu) throw new Error("useEmulator: the emulator is not started yet (use it inside a test or hook)");
      return emu;
    },
    get client() {
      if (!client) throw new Error("useEmulator: the client is not connected yet (use it inside a test or hook)");
      return client;
    },
  };
}

/** A client trusting the emulator's CA. */
export function connect(emu: RunningEmulator): Client {
  const creds = emu.insecure ? grpc.credentials.createInsecure() : grpc.credentials.createSsl(Buffer.from(emu.caPem));
  // Verify the certificate against "localhost" (also in its SAN) so Node does not warn about
  // sending an IP address as the TLS server name.
  const options = emu.insecure ? {} : { "grpc.ssl_target_name_override": "localhost" };
  return new ClientCtor(emu.address, creds, { "grpc.max_receive_message_length": 64 * 1024 * 1024, ...options }) as Client;
}

/** A bare grpc.Client (no service methods) trusting the emulator's CA, for hand-built messages. */
export function rawClient(emu: RunningEmulator): grpc.Client {
  return new grpc.Client(emu.address, grpc.credentials.createSsl(Buffer.from(emu.caPem)), { "grpc.ssl_target_name_override": "localhost" });
}

/** Metadata with `authorization: Bearer <token>` (or a raw header value). */
export function auth(token?: string, raw?: string): grpc.Metadata {
  const md = new grpc.Metadata();
  if (raw !== undefined) md.set("authorization", raw);
  else if (token !== undefined) md.set("authorization", `Bearer ${token}`);
  return md;
}

/** Calls a unary RPC by generated method name. */
export function call<T = any>(client: Client, method: string, req: object, md: grpc.Metadata = new grpc.Metadata()): Promise<T> {
  return new Promise((resolve, reject) => {
    client[method](req, md, { deadline: Date.now() + 30_000 }, (err: grpc.ServiceError | null, res: T) => (err ? reject(err) : resolve(res)));
  });
}

/** Asserts that a promise rejects with gRPC status `code`; returns the error. */
export async function expectCode(p: Promise<unknown>, code: grpc.status, detailsIncludes?: string): Promise<grpc.ServiceError> {
  try {
    await p;
  } catch (e) {
    const err = e as grpc.ServiceError;
    if (err.code !== code) {
      throw new Error(`expected ${grpc.status[code]}, got ${grpc.status[err.code]}: ${err.details}`);
    }
    if (detailsIncludes && !err.details.includes(detailsIncludes)) {
      throw new Error(`expected details to include ${JSON.stringify(detailsIncludes)}, got ${JSON.stringify(err.details)}`);
    }
    return err;
  }
  throw new Error(`expected ${grpc.status[code]}, but the call succeeded`);
}

let counter = 0;

/** A fresh organization with a logged-in admin. */
export async function newOrg(
  client: Client,
  extra: Record<string, unknown> = {},
): Promise<{ orgId: string; adminId: string; password: string; token: string; md: grpc.Metadata }> {
  const n = `${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  const password = "correct horse battery staple";
  const req = {
    orgName: `org-${n}`,
    orgEmail: `org-${n}@example.com`,
    orgAddr: "1 Test Street",
    userName: "Admin",
    password,
    adminEmail: `admin-${n}@example.com`,
    source: "Test Active",
    ...extra,
  };
  const res = await call(client, "registerOrganization", req);
  const { token } = await call(client, "login", { userID: res.userID, password, orgID: res.orgID });
  return { orgId: res.orgID, adminId: res.userID, password, token, md: auth(token) };
}

/** Registers a user in the org of `adminMd` and logs them in. */
export async function newUser(
  client: Client,
  adminMd: grpc.Metadata,
  orgId: string,
  opts: { admin?: boolean; email?: string } = {},
): Promise<{ userId: string; token: string; md: grpc.Metadata }> {
  const email = opts.email ?? `user-${++counter}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const { userID } = await call(client, "registerUser", { userName: "User", password: "pw-user-1", email, admin: !!opts.admin }, adminMd);
  const { token } = await call(client, "login", { userID, password: "pw-user-1", orgID: orgId });
  return { userId: userID, token, md: auth(token) };
}

/** Uploads `data` with UploadDocumentStream in `chunkSize` pieces; returns the response. */
export function upload(client: Client, md: grpc.Metadata, name: string, data: Buffer, chunkSize = 1024 * 1024): Promise<{ docID: string; bytes: any }> {
  return new Promise((resolve, reject) => {
    const stream = client.uploadDocumentStream(md, (err: grpc.ServiceError | null, res: any) => (err ? reject(err) : resolve(res)));
    stream.write({ NameOrData: { $case: "docName", docName: name } });
    (async () => {
      for (let off = 0; off < data.length; off += chunkSize) {
        if (!stream.write({ NameOrData: { $case: "plaintext", plaintext: data.subarray(off, off + chunkSize) } })) {
          await new Promise((r) => stream.once("drain", r));
        }
      }
      stream.end();
    })().catch(reject);
  });
}

/** Downloads a document with DownloadDocumentStream; returns the bytes and every response's docID. */
export function download(client: Client, md: grpc.Metadata, docID: string): Promise<{ data: Buffer; ids: string[]; messages: number }> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    const ids: string[] = [];
    const stream = client.downloadDocumentStream({ docID }, md);
    stream.on("data", (m: any) => {
      parts.push(m.plaintext);
      ids.push(m.docID);
    });
    stream.on("error", reject);
    stream.on("end", () => resolve({ data: Buffer.concat(parts), ids, messages: parts.length }));
  });
}

/** Response queue over a bidi stream: `next()` awaits the next response, `end()` the final status. */
export class BidiReader<T> {
  private queue: T[] = [];
  private waiters: ((v: IteratorResult<T>) => void)[] = [];
  private failures: ((e: unknown) => void)[] = [];
  private done = false;
  error: unknown;
  readonly all: T[] = [];
  constructor(readonly stream: grpc.ClientDuplexStream<any, T>) {
    stream.on("data", (m: T) => {
      this.all.push(m);
      const w = this.waiters.shift();
      this.failures.shift();
      if (w) w({ value: m, done: false });
      else this.queue.push(m);
    });
    stream.on("error", (e) => {
      this.error = e;
      this.done = true;
      for (const f of this.failures.splice(0)) f(e);
      this.waiters.splice(0);
    });
    stream.on("end", () => {
      this.done = true;
      for (const w of this.waiters.splice(0)) w({ value: undefined as any, done: true });
      this.failures.splice(0);
    });
  }
  /** The next response (rejects on a stream error; resolves `undefined` at the end). */
  next(): Promise<T | undefined> {
    const q = this.queue.shift();
    if (q !== undefined) return Promise.resolve(q);
    if (this.error) return Promise.reject(this.error);
    if (this.done) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      this.waiters.push((r) => resolve(r.done ? undefined : r.value));
      this.failures.push(reject);
    });
  }
  /** Resolves when the stream ends OK; rejects with its error status. */
  finished(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.error) return reject(this.error);
      if (this.done) return resolve();
      this.stream.on("error", reject);
      this.stream.on("end", () => resolve());
      this.stream.on("status", (s: grpc.StatusObject) => {
        if (s.code === grpc.status.OK) resolve();
      });
    });
  }
}

/** Splits a buffer into pieces of `size` bytes. */
export function pieces(data: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0; off < data.length; off += size) out.push(data.subarray(off, off + size));
  return out;
}

/**
 * Encrypts `data` with EncryptDocumentStream. Lock-step: waits for each response before sending the
 * next chunk; pipelined: sends everything, then reads. Returns the docID, the ciphertext of the
 * data responses, and how many responses arrived after #1.
 */
export async function encrypt(
  client: Client,
  md: grpc.Metadata,
  name: string,
  data: Buffer,
  chunkSize: number,
  mode: "lockstep" | "pipelined",
): Promise<{ docID: string; ciphertext: Buffer; responses: number; first: any }> {
  const stream = client.encryptDocumentStream(md);
  const r = new BidiReader<any>(stream);
  stream.write({ NameOrData: { $case: "docName", docName: name } });
  const first = await r.next();
  if (!first) throw r.error ?? new Error("stream ended before response #1");
  const chunks = pieces(data, chunkSize);
  const out: Buffer[] = [];
  if (mode === "lockstep") {
    for (const c of chunks) {
      stream.write({ NameOrData: { $case: "plaintext", plaintext: c } });
      const m = await r.next();
      if (!m) throw r.error ?? new Error("stream ended early");
      out.push(m.ciphertext);
    }
    stream.end();
    await r.finished();
  } else {
    for (const c of chunks) {
      if (!stream.write({ NameOrData: { $case: "plaintext", plaintext: c } })) await new Promise((res) => stream.once("drain", res));
    }
    stream.end();
    await r.finished();
    for (const m of r.all.slice(1)) out.push(m.ciphertext);
  }
  return { docID: first.docID, ciphertext: Buffer.concat(out), responses: r.all.length - 1, first };
}

/** Decrypts with DecryptDocumentStream (lock-step or pipelined); returns plaintext and response count. */
export async function decrypt(
  client: Client,
  md: grpc.Metadata,
  docID: string,
  ciphertext: Buffer,
  chunkSize: number,
  mode: "lockstep" | "pipelined",
): Promise<{ plaintext: Buffer; responses: number; first: any; ids: string[] }> {
  const stream = client.decryptDocumentStream(md);
  const r = new BidiReader<any>(stream);
  stream.write({ IdOrData: { $case: "docID", docID } });
  const first = await r.next();
  if (!first) throw r.error ?? new Error("stream ended before response #1");
  const chunks = pieces(ciphertext, chunkSize);
  const out: Buffer[] = [first.plaintext];
  if (mode === "lockstep") {
    for (const c of chunks) {
      stream.write({ IdOrData: { $case: "ciphertext", ciphertext: c } });
      const m = await r.next();
      if (!m) throw r.error ?? new Error("stream ended early");
      out.push(m.plaintext);
    }
    stream.end();
    await r.finished();
  } else {
    for (const c of chunks) {
      if (!stream.write({ IdOrData: { $case: "ciphertext", ciphertext: c } })) await new Promise((res) => stream.once("drain", res));
    }
    stream.end();
    await r.finished();
    for (const m of r.all.slice(1)) out.push(m.plaintext);
  }
  return { plaintext: Buffer.concat(out), responses: r.all.length - 1, first, ids: r.all.map((m) => m.docID) };
}

/** Collects the emulator's log lines and lets a test wait for one (no timing assumptions). */
export class LogTap {
  readonly lines: string[] = [];
  private waiters: { re: RegExp; resolve: (line: string) => void }[] = [];
  /** Pass as the `log` option. */
  readonly log = (line: string): void => {
    this.lines.push(line);
    for (const w of [...this.waiters]) {
      if (w.re.test(line)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  /** Resolves with the first line (already logged or future) matching `re`. */
  waitFor(re: RegExp): Promise<string> {
    const seen = this.lines.find((l) => re.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ re, resolve }));
  }
}

/** Opens a stopped emulator's database (same master key) to inspect rows, then closes it. */
export async function inspectDb<T>(dataDir: string, fn: (db: Db) => T): Promise<T> {
  const db = openDatabase(dataDir, new KeyRing(loadMasterKey(dataDir)).databaseKey);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}
