// The four streaming RPCs (BEHAVIOUR §2): UploadDocumentStream (name, then chunks → one reply),
// DownloadDocumentStream (every reply echoes the docID), EncryptDocumentStream and
// DecryptDocumentStream (reply #1 carries only the docID at once; then exactly one reply per data
// message with all output producible so far). All hold constant memory per stream and honour
// back-pressure in both directions. Request data arrives as views of the received messages, and
// encrypt/decrypt reply with their output as parts, joined only by the reply encoder (stream-io.ts).
import Long from "long";
import { status } from "@grpc/grpc-js";
import type * as D from "../../../generated/document";
import type * as N from "../../../generated/documentNoStore";
import type { BidiStreamHandler, ClientStreamHandler, ServerStreamHandler } from "../context";
import { ApiError, invalidArgument } from "../errors";
import { requireText } from "../validate";
import { confirmInputComplete, connectionGone, inputEnded, requests, send, type StreamReply } from "../stream-io";
import { INDEX_PREFIX_BYTES, createPending, documentKey, readableDocument } from "../store/documents";
import type { ChunkWriter } from "../store/blobs";
import { CiphertextError, StreamDecryptor, StreamEncryptor } from "../crypto/stream-cipher";
import { commitDocument, discardPending, rollbackDocument } from "./lifecycle";
import { documentName, requireEncryptOnly, requireStored } from "./documents";

const EMPTY = Buffer.alloc(0);

/** Collects the first 8 MiB of a plaintext stream for the search index. */
class PrefixCollector {
  private parts: Buffer[] = [];
  private bytes = 0;
  add(data: Buffer): void {
    if (this.bytes >= INDEX_PREFIX_BYTES || data.length === 0) return;
    const take = data.subarray(0, INDEX_PREFIX_BYTES - this.bytes);
    this.parts.push(Buffer.from(take));
    this.bytes += take.length;
  }
  get(): Buffer {
    return Buffer.concat(this.parts);
  }
}

function nameFirst(rpc: string): ApiError {
  return invalidArgument("docName", `the first ${rpc} message must carry the document name (and only that)`);
}

/** Streaming RPC implementations. */
export const streamHandlers = {
  uploadDocumentStream: {
    kind: "clientStream",
    access: "user",
    async handle(emu, caller, call, info): Promise<D.UploadDocStreamResp> {
      const it = requests<D.UploadDocStreamReq>(call, info);
      const first = await it.next();
      if (first.done || first.value.NameOrData?.$case !== "docName") throw nameFirst("UploadDocumentStream");
      const name = documentName(first.value.NameOrData.docName);
      const { docId, key } = createPending(emu.db, emu.keys, { orgId: caller.orgId, ownerId: caller.userId, name, stored: true, now: emu.now() });
      let writer: ChunkWriter | undefined;
      try {
        writer = emu.blobs.writer(docId, key);
        for await (const msg of it) {
          const d = msg.NameOrData;
          if (d?.$case === "docName") throw invalidArgument("docName", "sent again after the first message");
          if (d?.$case === "plaintext") writer.write(d.plaintext);
        }
        await confirmInputComplete(call);
        await commitDocument(emu, { docId, orgId: caller.orgId, ownerId: caller.userId, name, size: writer.bytes, writer, prefix: writer.prefix() });
        info.onAbort = () => rollbackDocument(emu, docId);
        return { docID: docId, bytes: Long.fromNumber(writer.bytes) };
      } catch (e) {
        discardPending(emu, docId, writer);
        throw e;
      }
    },
  } satisfies ClientStreamHandler<D.UploadDocStreamReq, D.UploadDocStreamResp>,

  downloadDocumentStream: {
    kind: "serverStream",
    access: "user",
    async handle(emu, caller, call, info): Promise<void> {
      const doc = readableDocument(emu.db, caller, requireText("docID", call.request.docID));
      requireStored(doc);
      const reader = emu.blobs.reader(emu.db, doc, documentKey(emu.db, emu.keys, doc));
      try {
        for (let seq = 0; seq < reader.chunkCount; seq++) {
          await send(call, info, { docID: doc.doc_id, plaintext: reader.read(seq) } satisfies D.DownloadDocStreamResp);
        }
      } finally {
        reader.close();
      }
    },
  } satisfies ServerStreamHandler<D.DownloadDocStreamReq, D.DownloadDocStreamResp>,

  encryptDocumentStream: {
    kind: "bidiStream",
    access: "user",
    async handle(emu, caller, call, info): Promise<void> {
      // Whether the client reset this stream while its connection stayed up: it cancelled (grpc-js's
      // cancel() sends END_STREAM and then RST_STREAM, so a cancelled stream can look as if its
      // input ended), and nothing is kept. Unobservable: treated as not cancelled.
      const gone = connectionGone(call);
      const resetByClient = () => gone !== undefined && !gone();
      const it = requests<N.EncryptDocStreamReq>(call, info);
      const first = await it.next();
      if (first.done || first.value.NameOrData?.$case !== "docName") throw nameFirst("EncryptDocumentStream");
      const name = documentName(first.value.NameOrData.docName);
      const { docId, key } = createPending(emu.db, emu.keys, { orgId: caller.orgId, ownerId: caller.userId, name, stored: false, now: emu.now() });
      try {
        await send(call, info, { docID: docId, ciphertext: EMPTY } satisfies N.EncryptDocStreamResp);
        const enc = new StreamEncryptor(key, docId);
        const prefix = new PrefixCollector();
        try {
          for await (const msg of it) {
            const d = msg.NameOrData;
            if (d?.$case === "docName") throw invalidArgument("docName", "sent again after the first message");
            const plain = d?.$case === "plaintext" ? d.plaintext : EMPTY;
            prefix.add(plain);
            await send(call, info, { docID: docId, ciphertext: enc.pushParts(plain) } satisfies StreamReply<"ciphertext">);
          }
          await confirmInputComplete(call); // a cancel's RST_STREAM may follow its END_STREAM
        } catch (e) {
          // Go's EncryptDocument and Node's encryptDocument half-close and return without reading
          // on (BEHAVIOUR §2.4); if such a client then exits, the call looks cancelled, yet it holds
          // the ciphertext of everything it sent. So once the input ended — by half-close or by the
          // connection closing (Node's HTTP/2 layer cannot tell the two apart) — the document is
          // kept with what was received; a stream reset on a live connection (RST_STREAM: the
          // client cancelled) discards it.
          if (!(e instanceof ApiError && e.code === status.CANCELLED && inputEnded(call) && !resetByClient())) throw e;
        }
        await commitDocument(emu, { docId, orgId: caller.orgId, ownerId: caller.userId, name, size: enc.bytes, frames: enc.frames, prefix: prefix.get() });
        // Undone only if the client turns out to have cancelled (a reset on a live connection, e.g.
        // the RST_STREAM that follows grpc-js's END_STREAM); a connection that went away keeps it,
        // for the same reason as above: the client may hold its ciphertext.
        info.onAbort = async () => {
          if (!resetByClient()) return false;
          await rollbackDocument(emu, docId);
          return true;
        };
      } catch (e) {
        discardPending(emu, docId);
        throw e;
      }
    },
  } satisfies BidiStreamHandler<N.EncryptDocStreamReq, N.EncryptDocStreamResp>,

  decryptDocumentStream: {
    kind: "bidiStream",
    access: "user",
    async handle(emu, caller, call, info): Promise<void> {
      const it = requests<N.DecryptDocStreamReq>(call, info);
      const first = await it.next();
      if (first.done || first.value.IdOrData?.$case !== "docID") {
        throw invalidArgument("docID", "the first DecryptDocumentStream message must carry the document ID (and only that)");
      }
      const doc = readableDocument(emu.db, caller, requireText("docID", first.value.IdOrData.docID));
      requireEncryptOnly(doc);
      const dec = new StreamDecryptor(documentKey(emu.db, emu.keys, doc), doc.doc_id, doc.frames);
      await send(call, info, { docID: doc.doc_id, plaintext: EMPTY } satisfies N.DecryptDocStreamResp);
      try {
        for await (const msg of it) {
          const d = msg.IdOrData;
          if (d?.$case === "docID") throw invalidArgument("docID", "sent again after the first message");
          const plain = dec.pushParts(d?.$case === "ciphertext" ? d.ciphertext : EMPTY);
          await send(call, info, { docID: doc.doc_id, plaintext: plain } satisfies StreamReply<"plaintext">);
        }
        dec.finish();
      } catch (e) {
        if (e instanceof CiphertextError) throw new ApiError(status.INVALID_ARGUMENT, e.message);
        throw e;
      }
    },
  } satisfies BidiStreamHandler<N.DecryptDocStreamReq, N.DecryptDocStreamResp>,
};
