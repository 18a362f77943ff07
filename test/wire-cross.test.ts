// Cross-implementation wire test: for every message of package `proto`, a fully populated value
// encoded by the ts-proto code decodes to the same value with protobufjs (which parses our .proto
// files independently), and back; both encoders must also produce the same bytes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import Long from "long";
import protobuf from "protobufjs";
import * as accounts from "../generated/accounts";
import * as billing from "../generated/billing";
import * as document from "../generated/document";
import * as documentNoStore from "../generated/documentNoStore";
import * as search from "../generated/search";
import * as strongdoc from "../generated/strongdoc";
import { repoRoot } from "./wire/descriptors";

interface TsMessage {
  encode(value: unknown): { finish(): Uint8Array };
  decode(bytes: Uint8Array): unknown;
}

const generated = new Map<string, TsMessage>();
for (const mod of [accounts, billing, document, documentNoStore, search, strongdoc]) {
  for (const [name, value] of Object.entries(mod)) {
    const v = value as Partial<TsMessage>;
    if (typeof v === "object" && v && typeof v.encode === "function" && typeof v.decode === "function") {
      generated.set(name, v as TsMessage);
    }
  }
}

const root = new protobuf.Root();
root.resolvePath = (_origin, target) => (target.startsWith("google/") ? target : join(repoRoot, "proto", target));
root.loadSync(["strongdoc.proto"], { keepCase: true });
root.resolveAll();

function allTypes(ns: protobuf.NamespaceBase): protobuf.Type[] {
  return ns.nestedArray.flatMap((n) => {
    if (n instanceof protobuf.Type) return [n, ...allTypes(n)];
    if (n instanceof protobuf.Namespace) return allTypes(n);
    return [];
  });
}
const types = allTypes(root.lookup("proto") as protobuf.Namespace);

/** A distinctive value for one scalar field; `seed` varies values between repeated entries. */
function scalar(field: protobuf.Field, seed: number): unknown {
  switch (field.type) {
    case "string": return `${field.name}-${seed}-ünïcødé-€`;
    case "bytes": return Buffer.from([0, 1, 127, 128, 255, seed]);
    case "bool": return true;
    case "double": return 1234.5 + seed;
    case "int64": return Long.fromString(String(9007199254740993n + BigInt(seed)));
    case "uint64": return Long.fromString("18446744073709551615", true).subtract(seed);
    default: throw new Error(`no sample for ${field.type}`);
  }
}

/** Protobufjs-shaped value with every field set; `variant` picks which member of each oneof is set. */
function sample(type: protobuf.Type, variant: number, seed = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    if (field.partOf && field.partOf.fieldsArray[variant % field.partOf.fieldsArray.length] !== field) continue;
    const one = (s: number): unknown => {
      const rt = field.resolvedType;
      if (rt instanceof protobuf.Enum) return 2;
      if (rt instanceof protobuf.Type) {
        if (rt.fullName === ".google.protobuf.Timestamp") return { seconds: Long.fromNumber(1_700_000_000 + s), nanos: 123_000_000 };
        return sample(rt, variant, s);
      }
      return scalar(field, s);
    };
    out[field.name] = field.repeated ? [one(seed + 1), one(seed + 2)] : one(seed);
  }
  return out;
}

/** The same value in ts-proto's shape: oneofs as `{ $case, member }`, Timestamps as Date. */
function toTsProto(type: protobuf.Type, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const oneof of type.oneofsArray) out[oneof.name] = undefined;
  for (const field of type.fieldsArray) {
    if (!(field.name in value)) continue;
    const rt = field.resolvedType;
    const conv = (v: unknown): unknown => {
      if (rt instanceof protobuf.Type) {
        if (rt.fullName === ".google.protobuf.Timestamp") {
          const t = v as { seconds: Long; nanos: number };
          return new Date(t.seconds.toNumber() * 1000 + t.nanos / 1e6);
        }
        return toTsProto(rt, v as Record<string, unknown>);
      }
      return v;
    };
    const converted = field.repeated ? (value[field.name] as unknown[]).map(conv) : conv(value[field.name]);
    if (field.partOf) out[field.partOf.name] = { $case: field.name, [field.name]: converted };
    else out[field.name] = converted;
  }
  return out;
}

const normal = { longs: String, enums: Number, bytes: String, defaults: false, oneofs: false } as const;

test("every message of package proto has ts-proto code and a protobufjs type", () => {
  assert.equal(types.length, 89);
  for (const t of types) {
    const tsName = t.fullName.replace(/^\.proto\./, "").replace(/\./g, "_");
    assert.ok(generated.has(tsName), `ts-proto has no ${tsName}`);
  }
});

for (const type of types) {
  const tsName = type.fullName.replace(/^\.proto\./, "").replace(/\./g, "_");
  const variants = Math.max(1, ...type.oneofsArray.map((o) => o.fieldsArray.length));
  for (let variant = 0; variant < variants; variant++) {
    test(`${tsName} (variant ${variant}) round-trips between ts-proto and protobufjs`, () => {
      const ts = generated.get(tsName)!;
      const value = sample(type, variant);
      const tsValue = toTsProto(type, value);

      const fromTs = ts.encode(tsValue).finish();
      const decodedByPbjs = type.toObject(type.decode(fromTs), normal);
      assert.deepEqual(decodedByPbjs, type.toObject(type.fromObject(value), normal));

      const fromPbjs = type.encode(type.fromObject(value)).finish();
      assert.deepEqual(ts.decode(fromPbjs), tsValue);
      assert.deepEqual(Buffer.from(fromTs), Buffer.from(fromPbjs), "encoders disagree on bytes");
      if (type.fieldsArray.length > 0) assert.ok(fromTs.length > 0, "a populated message encodes to bytes");
    });
  }
}
