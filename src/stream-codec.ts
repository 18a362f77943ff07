// Codecs for the four document streams that copy each data chunk once. The client (the facade)
// uses serializers with one copy of the payload and deserializers that hand out the payload as a
// view of the received message; the emulator uses the server-side halves (`stringOrBytes` to
// decode requests as views, `idAndPayloadMessage` to encode replies with one copy). The generated
// codec copies a chunk three times when encoding (BinaryWriter growth, finish(), Buffer.from) and
// once when decoding. Wire bytes are identical: every stream message is field 1 = string (name or
// docID) and field 2 = bytes (the data).
import { BinaryReader } from "@bufbuild/protobuf/wire";
import { StrongDocServiceService } from "../generated/strongdoc";

type Definition = typeof StrongDocServiceService;

/** Bytes of the varint of `n` (n < 2^32). */
function varintLength(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

/** Writes the varint of `n` (n < 2^32) into `out` at `pos`; returns the position after it. */
function writeVarint(out: Buffer, pos: number, n: number): number {
  while (n > 0x7f) {
    out[pos++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  out[pos++] = n;
  return pos;
}

/** Encodes field 2 (bytes) alone, exactly as the generated encoder does, with one copy of `data`. */
export function dataMessage(data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(1 + varintLength(data.length) + data.length);
  out[0] = 0x12;
  out.set(data, writeVarint(out, 1, data.length));
  return out;
}

/** A Uint8Array view as a Buffer over the same memory (no copy). */
function asBuffer(view: Uint8Array): Buffer {
  return Buffer.isBuffer(view) ? view : Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

/**
 * A data payload: one buffer, or several whose concatenation is the payload (so a producer that
 * makes its output in pieces, e.g. one per cipher frame, need not join them first).
 */
export type Payload = Uint8Array | readonly Uint8Array[];

/** Total length in bytes of a {@link Payload}. */
export function payloadLength(payload: Payload): number {
  if (payload instanceof Uint8Array) return payload.length;
  let n = 0;
  for (const part of payload) n += part.length;
  return n;
}

/**
 * Encodes `{ string docID = 1; bytes <payload> = 2; }` (the replies of the document streams)
 * exactly as the generated encoder does — each field only when non-empty — copying the payload
 * once, straight from its parts into the message.
 */
export function idAndPayloadMessage(docID: string, payload: Payload): Buffer {
  const idLength = docID === "" ? 0 : Buffer.byteLength(docID, "utf8");
  const dataLength = payloadLength(payload);
  const size = (docID === "" ? 0 : 1 + varintLength(idLength) + idLength) + (dataLength === 0 ? 0 : 1 + varintLength(dataLength) + dataLength);
  const out = Buffer.allocUnsafe(size);
  let pos = 0;
  if (docID !== "") {
    out[pos++] = 0x0a;
    pos = writeVarint(out, pos, idLength);
    pos += out.write(docID, pos, "utf8");
  }
  if (dataLength !== 0) {
    out[pos++] = 0x12;
    pos = writeVarint(out, pos, dataLength);
    for (const part of payload instanceof Uint8Array ? [payload] : payload) {
      out.set(part, pos);
      pos += part.length;
    }
  }
  return out;
}

/**
 * Decodes `{ docID = 1; <payload> = 2 }` (the replies of the document streams) exactly as the
 * generated decoder does — the last of each field wins, unknown fields and known numbers with
 * another wire type are skipped, decoding stops at a zero tag or an end-group tag, and a truncated
 * message throws instead of yielding a shortened payload — except that the payload is a view
 * into `bytes`.
 */
export function idAndPayload(bytes: Buffer): { docID: string; payload: Buffer } {
  const reader = new BinaryReader(bytes);
  let docID = "";
  let payload: Buffer = Buffer.alloc(0);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag === 10) docID = reader.string();
    else if (tag === 18) {
      payload = asBuffer(reader.bytes()); // bytes() checks the length against the end of the message
    } else if ((tag & 7) === 4 || tag === 0) break;
    else reader.skip(tag & 7);
  }
  return { docID, payload };
}

/**
 * Decodes a stream request `{ oneof { string <text> = 1; bytes <data> = 2; } }` (the requests of
 * the document streams) exactly as the generated decoder does — the last of the two fields wins,
 * a known field number with another wire type is skipped like an unknown field, decoding stops at
 * a zero tag or an end-group tag, and a truncated message throws — except that `data` is a view
 * into the reader's buffer instead of a copy. The string is read with `reader.string()`, so a
 * reader subclass decides how invalid UTF-8 is handled. Undefined when neither field is present.
 */
export function stringOrBytes(reader: BinaryReader): { field: 1; text: string } | { field: 2; data: Buffer } | undefined {
  let result: { field: 1; text: string } | { field: 2; data: Buffer } | undefined;
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag === 10) {
      result = { field: 1, text: reader.string() };
      continue;
    }
    if (tag === 18) {
      result = { field: 2, data: asBuffer(reader.bytes()) };
      continue;
    }
    if ((tag & 7) === 4 || tag === 0) break;
    reader.skip(tag & 7);
  }
  return result;
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
