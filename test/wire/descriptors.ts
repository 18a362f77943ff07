// Test helper: load FileDescriptorSets (ours, compiled by buf; the historical contract) and
// flatten package `proto` into comparable rows of messages, fields, enums and RPCs.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fromBinary } from "@bufbuild/protobuf";
import {
  FileDescriptorSetSchema,
  type DescriptorProto,
  type FileDescriptorSet,
} from "@bufbuild/protobuf/wkt";

/** Repository root (this file lives in test/wire/). */
export const repoRoot = resolve(__dirname, "..", "..");

/** Where the historical contract lives: `STRONGDOC_CONTRACT`, else `../shared/reference/` beside the clone. */
export const contractPath =
  process.env.STRONGDOC_CONTRACT ?? resolve(repoRoot, "..", "shared", "reference", "strongdoc-contract.binpb");

/** Whether the historical contract file is present on this machine. */
export const hasContract = existsSync(contractPath);

/** Reads a serialized FileDescriptorSet. */
export function readDescriptorSet(path: string): FileDescriptorSet {
  return fromBinary(FileDescriptorSetSchema, readFileSync(path));
}

/** Compiles our proto/ with buf and returns the resulting FileDescriptorSet. */
export function buildOurDescriptorSet(): FileDescriptorSet {
  const dir = mkdtempSync(join(tmpdir(), "strongdoc-desc-"));
  try {
    const out = join(dir, "ours.binpb");
    execFileSync(join(repoRoot, "node_modules", ".bin", "buf"), ["build", "--exclude-source-info", "-o", out], {
      cwd: repoRoot,
    });
    return readDescriptorSet(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The wire-relevant shape of package `proto`, keyed by fully qualified name. */
export interface WireShape {
  /** Message name → sorted field rows "number name type label typeName oneof". */
  messages: Map<string, string[]>;
  /** Enum name → sorted value rows "number name". */
  enums: Map<string, string[]>;
  /** RPC name → "input output clientStreaming serverStreaming". */
  rpcs: Map<string, string>;
}

function addMessage(shape: WireShape, prefix: string, msg: DescriptorProto): void {
  const name = `${prefix}.${msg.name}`;
  shape.messages.set(
    name,
    msg.field
      .map((f) => {
        const oneof = f.oneofIndex !== undefined && msg.oneofDecl[f.oneofIndex] ? msg.oneofDecl[f.oneofIndex].name : "";
        return [f.number, f.name, f.type, f.label, f.typeName ?? "", oneof, f.proto3Optional ? "opt" : ""].join(" ");
      })
      .sort(),
  );
  for (const nested of msg.nestedType) addMessage(shape, name, nested);
  for (const e of msg.enumType) addEnum(shape, name, e.name, e.value);
}

function addEnum(shape: WireShape, prefix: string, name: string, values: { number?: number; name?: string }[]): void {
  shape.enums.set(`${prefix}.${name}`, values.map((v) => `${v.number} ${v.name}`).sort());
}

/** Flattens every message, enum and RPC declared in package `proto`. */
export function wireShape(set: FileDescriptorSet): WireShape {
  const shape: WireShape = { messages: new Map(), enums: new Map(), rpcs: new Map() };
  for (const file of set.file) {
    if (file.package !== "proto") continue;
    for (const msg of file.messageType) addMessage(shape, ".proto", msg);
    for (const e of file.enumType) addEnum(shape, ".proto", e.name, e.value);
    for (const svc of file.service) {
      for (const m of svc.method) {
        shape.rpcs.set(
          `.proto.${svc.name}/${m.name}`,
          [m.inputType, m.outputType, Boolean(m.clientStreaming), Boolean(m.serverStreaming)].join(" "),
        );
      }
    }
  }
  return shape;
}
