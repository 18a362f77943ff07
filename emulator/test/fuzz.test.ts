// Robustness: random and hand-made hostile payloads sent to all 39 RPCs, with and without a
// valid token, never produce INTERNAL or UNKNOWN and never take the server down.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import { StrongDocServiceService } from "../../generated/strongdoc";
import { GetBillingDetailsReq, SetNextBillingFrequencyReq } from "../../generated/billing";
import { call, connect, newOrg, rawClient, start, type Client } from "./helpers";
import type { RunningEmulator } from "../src/index";

let emu: RunningEmulator;
let client: Client;
let raw: grpc.Client;
before(async () => {
  emu = await start();
  client = connect(emu);
  raw = rawClient(emu);
});
after(async () => {
  raw.close();
  client.close();
  await emu.stop();
});

/** Deterministic PRNG (mulberry32) so a failure can be replayed. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const id = (b: Buffer) => b;
/** Messages per RPC and token state (raise with FUZZ_ROUNDS for a longer local run). */
const ROUNDS = Number(process.env.FUZZ_ROUNDS ?? 12);

/** Sends raw message bytes to a method (any kind); resolves with the final status code. */
function sendRaw(def: { path: string; requestStream: boolean; responseStream: boolean }, messages: Buffer[], md: grpc.Metadata): Promise<grpc.status> {
  return new Promise((resolve) => {
    const done = (e: grpc.ServiceError | null) => resolve(e ? e.code : grpc.status.OK);
    if (!def.requestStream && !def.responseStream) {
      raw.makeUnaryRequest(def.path, id, id, messages[0] ?? Buffer.alloc(0), md, done);
    } else if (!def.requestStream) {
      const s = raw.makeServerStreamRequest(def.path, id, id, messages[0] ?? Buffer.alloc(0), md);
      s.on("data", () => {});
      s.on("error", (e: grpc.ServiceError) => resolve(e.code));
      s.on("end", () => resolve(grpc.status.OK));
    } else if (!def.responseStream) {
      const s = raw.makeClientStreamRequest(def.path, id, id, md, done);
      for (const m of messages) s.write(m);
      s.end();
    } else {
      const s = raw.makeBidiStreamRequest(def.path, id, id, md);
      s.on("data", () => {});
      s.on("error", (e: grpc.ServiceError) => resolve(e.code));
      s.on("end", () => resolve(grpc.status.OK));
      for (const m of messages) s.write(m);
      s.end();
    }
  });
}

function randomMessage(r: () => number): Buffer {
  const kind = r();
  const len = Math.floor(r() * 64);
  const b = Buffer.alloc(len);
  for (let i = 0; i < len; i++) b[i] = Math.floor(r() * 256);
  if (kind < 0.5) return b;
  // A well-formed-looking message: field 1 or 2 as length-delimited random bytes (e.g. invalid UTF-8).
  const field = r() < 0.5 ? 0x0a : 0x12;
  return Buffer.concat([Buffer.from([field, b.length]), b]);
}

test("random bytes to every RPC never yield INTERNAL/UNKNOWN, with or without a token", async () => {
  const org = await newOrg(client);
  const r = rng(12345);
  const bad: string[] = [];
  for (const def of Object.values(StrongDocServiceService)) {
    for (let i = 0; i < ROUNDS; i++) {
      const msgs = Array.from({ length: 1 + Math.floor(r() * 3) }, () => randomMessage(r));
      for (const md of [new grpc.Metadata(), org.md]) {
        const code = await sendRaw(def, msgs, md);
        if (code === grpc.status.INTERNAL || code === grpc.status.UNKNOWN) {
          bad.push(`${def.path} ${grpc.status[code]} ${msgs.map((m) => m.toString("hex")).join(",")}`);
        }
      }
    }
  }
  assert.deepEqual(bad, []);
  // Still serving (the random messages may well have removed the org above: RemoveOrganization{force}).
  const fresh = await newOrg(client);
  await call(client, "listDocuments", {}, fresh.md);
});

test("out-of-range timestamps are INVALID_ARGUMENT, not a crash", async () => {
  const org = await newOrg(client);
  const path = (rpc: string) => `/proto.StrongDocService/${rpc}`;
  // seconds = 2^62 (far beyond what a JS Date can hold), encoded by hand: field 1 (Timestamp) { field 1 varint }.
  const ts = Buffer.from([0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40]);
  const at = Buffer.concat([Buffer.from([0x0a, ts.length]), ts]);
  for (const rpc of ["GetBillingDetails", "GetLargeTraffic"]) {
    const code = await sendRaw({ path: path(rpc), requestStream: false, responseStream: false }, [at], org.md);
    assert.equal(grpc.status[code], "INVALID_ARGUMENT", rpc);
  }
  const next = Buffer.concat([Buffer.from([0x08, 0x01, 0x12, ts.length]), ts]);
  const code = await sendRaw({ path: path("SetNextBillingFrequency"), requestStream: false, responseStream: false }, [next], org.md);
  assert.equal(grpc.status[code], "INVALID_ARGUMENT");
  // The typed messages decode to an invalid Date, which is what the handlers must refuse.
  assert.ok(Number.isNaN(GetBillingDetailsReq.decode(at).at!.getTime()));
  assert.ok(Number.isNaN(SetNextBillingFrequencyReq.decode(next).validFrom!.getTime()));
});

test("hostile strings: very long, control characters, invalid UTF-8 names", async () => {
  const org = await newOrg(client);
  const long = "x".repeat(100_000);
  for (const [rpc, req] of [
    ["uploadDocument", { docName: long, plaintext: "a" }],
    ["registerUser", { userName: long, password: "p", email: "a@b.co" }],
    ["setUserInfo", { name: "a\u0007b", email: "a@b.co" }],
    ["shareDocument", { docID: long, userID: long }],
    ["search", { query: long }],
    ["addSharableOrg", { newOrgID: "\u0000" }],
  ] as const) {
    await assert.rejects(call(client, rpc, req, org.md), (e: grpc.ServiceError) => {
      assert.ok(e.code === grpc.status.INVALID_ARGUMENT || e.code === grpc.status.NOT_FOUND, `${rpc}: ${grpc.status[e.code]} ${e.details}`);
      return true;
    });
  }
});
