// Serializers for the four document streams that copy each data chunk once, and deserializers
// that hand out the payload as a view of the received message instead of a copy. The generated
// codec copies a chunk three times when encoding (BinaryWriter growth, finish(), Buffer.from) and
// once when decoding. Wire bytes are identical: every stream message is field 1 = string (name or
// docID) and field 2 = bytes (the data).
import { BinaryReader } from "@bufbuild/protobuf/wire";
import { StrongDocServiceService } from "../generated/strongdoc";

type Definition = typeof StrongDocServiceService;

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

/** Encodes field 2 (bytes) alone, exactly as the generated encoder does, with one copy of `data`. */
export function dataMessage(data: Uint8Array): Buffer {
  const header = varint(data.length);
  return Buffer.concat([Buffer.from([0x12]), header, data], 1 + header.length + data.length);
}

/** Decodes `{ docID = 1; <payload> = 2 }`, the payload a view into `bytes`; skips unknown fields. */
export function idAndPayload(bytes: Buffer): { docID: string; payload: Buffer } {
  const reader = new BinaryReader(bytes);
  let docID = "";
  let payload: Buffer = Buffer.alloc(0);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1 && wireType === 2) docID = reader.string();
    else if (field === 2 && wireType === 2) {
      const length = reader.uint32();
      payload = bytes.subarray(reader.pos, reader.pos + length);
      reader.pos += length;
    } else reader.skip(wireType);
  }
  return { docID, payload };
}

const s = StrongDocServiceService;

/** The generated service definition with the fewer-copies codecs on the four document streams. */
export const StreamOptimizedService: Definition = {
  ...s,
  uploadDocumentStream: {
    ...s.uploadDocumentStream,
    requestSerialize: (v) => (v.NameOrData?.$case === "plaintext" ? dataMessage(v.NameOrData.plaintext) : s.uploadDocumentStream.requestSerialize(v)),
  },
  downloadDocumentStream: {
    ...s.downloadDocumentStream,
    responseDeserialize: (b) => {
      const { docID, payload } = idAndPayload(b);
      return { docID, plaintext: payload };
    },
  },
  encryptDocumentStream: {
    ...s.encryptDocumentStream,
    requestSerialize: (v) => (v.NameOrData?.$case === "plaintext" ? dataMessage(v.NameOrData.plaintext) : s.encryptDocumentStream.requestSerialize(v)),
    responseDeserialize: (b) => {
      const { docID, payload } = idAndPayload(b);
      return { docID, ciphertext: payload };
    },
  },
  decryptDocumentStream: {
    ...s.decryptDocumentStream,
    requestSerialize: (v) => (v.IdOrData?.$case === "ciphertext" ? dataMessage(v.IdOrData.ciphertext) : s.decryptDocumentStream.requestSerialize(v)),
    responseDeserialize: (b) => {
      const { docID, payload } = idAndPayload(b);
      return { docID, plaintext: payload };
    },
  },
};
