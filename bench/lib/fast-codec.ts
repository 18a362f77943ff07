// A tuning probe for "copies per chunk": serializers for the four document streams that copy a
// data chunk once (protobuf header + chunk via Buffer.concat) instead of the generated encoder's
// grow-copy + finish() slice + Buffer.from copy, and deserializers that return the payload as a
// view of the received message instead of a copy. Wire bytes are identical to the generated code's
// (every stream message is: field 1 = string name/docID, field 2 = bytes data).
import { BinaryReader } from "@bufbuild/protobuf/wire";
import * as grpc from "@grpc/grpc-js";
import { StrongDocServiceService } from "../../generated/strongdoc";

/** Protobuf varint of `n` (n < 2^32). */
function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}

type Oneof = { $case: string } & Record<string, unknown>;

/** Serializer for a request whose oneof `field` holds either the name/ID or a data chunk. */
function requestSerializer(field: string, dataCase: string, generated: (v: unknown) => Buffer): (v: Record<string, Oneof>) => Buffer {
  return (value) => {
    const o = value[field];
    if (o?.$case !== dataCase) return generated(value);
    const data = o[dataCase] as Buffer;
    return data.length === 0 ? Buffer.alloc(0) : Buffer.concat([Buffer.from([0x12]), varint(data.length), data]);
  };
}

/** Deserializer for a `{ docID = 1; <payload> = 2 }` response, the payload a view, not a copy. */
function responseDeserializer(payload: string): (bytes: Buffer) => Record<string, unknown> {
  return (bytes) => {
    const r = new BinaryReader(bytes);
    let docID = "";
    let data: Buffer = Buffer.alloc(0);
    while (r.pos < r.len) {
      const [no, wt] = r.tag();
      if (no === 1 && wt === 2) docID = r.string();
      else if (no === 2 && wt === 2) {
        const len = r.uint32();
        data = bytes.subarray(r.pos, r.pos + len);
        r.pos += len;
      } else r.skip(wt);
    }
    return { docID, [payload]: data };
  };
}

/** The generated service definition with the fast stream codecs swapped in. */
export function fastCodecDefinition(): grpc.ServiceDefinition {
  const s = StrongDocServiceService;
  return {
    ...s,
    uploadDocumentStream: {
      ...s.uploadDocumentStream,
      requestSerialize: requestSerializer("NameOrData", "plaintext", s.uploadDocumentStream.requestSerialize as (v: unknown) => Buffer),
    },
    downloadDocumentStream: { ...s.downloadDocumentStream, responseDeserialize: responseDeserializer("plaintext") },
    encryptDocumentStream: {
      ...s.encryptDocumentStream,
      requestSerialize: requestSerializer("NameOrData", "plaintext", s.encryptDocumentStream.requestSerialize as (v: unknown) => Buffer),
      responseDeserialize: responseDeserializer("ciphertext"),
    },
    decryptDocumentStream: {
      ...s.decryptDocumentStream,
      requestSerialize: requestSerializer("IdOrData", "ciphertext", s.decryptDocumentStream.requestSerialize as (v: unknown) => Buffer),
      responseDeserialize: responseDeserializer("plaintext"),
    },
  } as unknown as grpc.ServiceDefinition;
}
