// Unary document RPCs: ListDocuments, RemoveDocument, and the string-field UploadDocument /
// DownloadDocument / EncryptDocument / DecryptDocument (UTF-8 text only; ciphertext as base64).
import Long from "long";
import { status } from "@grpc/grpc-js";
import type * as D from "../../../generated/document";
import type * as N from "../../../generated/documentNoStore";
import type { Emu, UnaryHandler } from "../context";
import type { Caller } from "../auth";
import { ApiError, invalidArgument } from "../errors";
import { requireText } from "../validate";
import { INDEX_PREFIX_BYTES, createPending, documentKey, listReadable, readableDocument, type DocumentRow } from "../store/documents";
import type { ChunkWriter } from "../store/blobs";
import { CiphertextError, StreamDecryptor, StreamEncryptor } from "../crypto/stream-cipher";
import { commitDocument, discardPending, removeDocument } from "./lifecycle";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Refuses a document that was made by encryption (it has no stored body to download). */
export function requireStored(doc: DocumentRow): void {
  if (doc.stored !== 1) {
    throw new ApiError(
      status.FAILED_PRECONDITION,
      `docID: document ${doc.doc_id} was made by EncryptDocument and is not stored; decrypt its ciphertext instead`,
    );
  }
}

/** Refuses a stored document (decrypt needs a document made by EncryptDocument). */
export function requireEncryptOnly(doc: DocumentRow): void {
  if (doc.stored !== 0) {
    throw new ApiError(
      status.FAILED_PRECONDITION,
      `docID: document ${doc.doc_id} was uploaded, not encrypted; download it instead`,
    );
  }
}

/** Documents a stream or unary call creates; shared by the unary and streaming handlers. */
export function documentName(name: string): string {
  return requireText("docName", name, 1024);
}

async function storeText(emu: Emu, caller: Caller, name: string, data: Buffer): Promise<string> {
  const { docId, key } = createPending(emu.db, emu.keys, { orgId: caller.orgId, ownerId: caller.userId, name, stored: true, now: emu.now() });
  let writer: ChunkWriter | undefined;
  try {
    writer = emu.blobs.writer(docId, key);
    writer.write(data);
    await commitDocument(emu, { docId, orgId: caller.orgId, ownerId: caller.userId, name, size: data.length, writer, prefix: writer.prefix() });
    return docId;
  } catch (e) {
    discardPending(emu, docId, writer);
    throw e;
  }
}

function unaryTooLarge(emu: Emu, doc: DocumentRow, rpc: string): void {
  if (doc.size > emu.settings.unaryDocumentLimit) {
    throw new ApiError(
      status.FAILED_PRECONDITION,
      `docID: document ${doc.doc_id} has ${doc.size} bytes, more than ${rpc} returns (${emu.settings.unaryDocumentLimit}); use the stream RPC`,
    );
  }
}

function asText(field: string, bytes: Buffer, docId: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new ApiError(status.FAILED_PRECONDITION, `${field}: document ${docId} is not UTF-8 text; use the stream RPC`);
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Unary document RPC implementations. */
export const documentHandlers = {
  listDocuments: {
    kind: "unary",
    access: "user",
    handle(emu, caller): D.ListDocumentsResp {
      return {
        documents: listReadable(emu.db, caller).map((d) => ({ docID: d.doc_id, docName: d.name, size: Long.fromNumber(d.size, true) })),
      };
    },
  } satisfies UnaryHandler<D.ListDocumentsReq, D.ListDocumentsResp>,

  removeDocument: {
    kind: "unary",
    access: "user",
    async handle(emu, caller, req): Promise<D.RemoveDocumentResp> {
      await removeDocument(emu, caller, requireText("docID", req.docID));
      return { status: true };
    },
  } satisfies UnaryHandler<D.RemoveDocumentReq, D.RemoveDocumentResp>,

  uploadDocument: {
    kind: "unary",
    access: "user",
    async handle(emu, caller, req): Promise<D.UploadDocResp> {
      const name = documentName(req.docName);
      return { docID: await storeText(emu, caller, name, Buffer.from(req.plaintext, "utf8")) };
    },
  } satisfies UnaryHandler<D.UploadDocReq, D.UploadDocResp>,

  downloadDocument: {
    kind: "unary",
    access: "user",
    handle(emu, caller, req): D.DownloadDocResp {
      const doc = readableDocument(emu.db, caller, requireText("docID", req.docID));
      requireStored(doc);
      unaryTooLarge(emu, doc, "DownloadDocument");
      const reader = emu.blobs.reader(emu.db, doc, documentKey(emu.db, emu.keys, doc));
      try {
        const parts: Buffer[] = [];
        for (let seq = 0; seq < reader.chunkCount; seq++) parts.push(reader.read(seq));
        return { docID: doc.doc_id, plaintext: asText("docID", Buffer.concat(parts), doc.doc_id) };
      } finally {
        reader.close();
      }
    },
  } satisfies UnaryHandler<D.DownloadDocReq, D.DownloadDocResp>,

  encryptDocument: {
    kind: "unary",
    access: "user",
    async handle(emu, caller, req): Promise<N.EncryptDocResp> {
      const name = documentName(req.docName);
      const plain = Buffer.from(req.plaintext, "utf8");
      const { docId, key } = createPending(emu.db, emu.keys, { orgId: caller.orgId, ownerId: caller.userId, name, stored: false, now: emu.now() });
      try {
        const enc = new StreamEncryptor(key, docId);
        const ciphertext = enc.push(plain);
        await commitDocument(emu, {
          docId,
          orgId: caller.orgId,
          ownerId: caller.userId,
          name,
          size: plain.length,
          frames: enc.frames,
          prefix: plain.subarray(0, INDEX_PREFIX_BYTES),
        });
        return { docID: docId, ciphertext: ciphertext.toString("base64") };
      } catch (e) {
        discardPending(emu, docId);
        throw e;
      }
    },
  } satisfies UnaryHandler<N.EncryptDocReq, N.EncryptDocResp>,

  decryptDocument: {
    kind: "unary",
    access: "user",
    handle(emu, caller, req): N.DecryptDocResp {
      const doc = readableDocument(emu.db, caller, requireText("docID", req.docID));
      requireEncryptOnly(doc);
      const text = req.ciphertext.replace(/\s+/g, "");
      if (!BASE64.test(text) || text.length % 4 !== 0) throw invalidArgument("ciphertext", "must be the base64 text EncryptDocument returned");
      const dec = new StreamDecryptor(documentKey(emu.db, emu.keys, doc), doc.doc_id, doc.frames);
      try {
        const plain = dec.push(Buffer.from(text, "base64"));
        dec.finish();
        return { docID: doc.doc_id, plaintext: asText("ciphertext", plain, doc.doc_id) };
      } catch (e) {
        if (e instanceof CiphertextError) throw new ApiError(status.INVALID_ARGUMENT, e.message);
        throw e;
      }
    },
  } satisfies UnaryHandler<N.DecryptDocReq, N.DecryptDocResp>,
};
