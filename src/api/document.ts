// The `document` module: store, fetch, encrypt without storing, decrypt, list, remove and share
// documents (the Python SDK's strongdoc.api.document), with its result types.
import type { Writable } from "node:stream";
import type { CallOptions } from "../call-options";
import { defaultEndpoint, type Endpoint } from "../client";
import { toSafeNumber } from "../convert";
import { decryptStream, downloadStream, encryptStream, memorySink, uploadStream, writableSink } from "../streams";
import { unaryCall } from "../unary";
import { checkBinaryInput, checkId, checkOutput, checkString, checkToken, type BinaryInput } from "../validate";

export type { BinaryInput } from "../validate";

/** A document the caller can read, as {@link DocumentApi.listDocuments} returns it. */
export interface DocumentMetadata {
  readonly docId: string;
  readonly docName: string;
  /** Size in bytes. */
  readonly size: number;
}

/** The result of {@link DocumentApi.encryptDocument}. */
export interface EncryptedDocument {
  /** The ID to decrypt the ciphertext with. */
  readonly docId: string;
  readonly ciphertext: Buffer;
}

/**
 * Document functions. Each takes a session token from `login.login` first and an optional
 * {@link CallOptions} last. Content (`plaintext`, `ciphertext`) may be a Buffer, a Uint8Array or a
 * Readable; it always travels over the streaming RPCs in chunks, with back-pressure, so memory
 * stays constant however large a stream is. The `*Stream` functions write to a caller's Writable,
 * honour its back-pressure, never write to it after their promise rejects, and do not end it.
 */
export interface DocumentApi {
  /**
   * Stores a document (encrypted at rest by the service) and returns its docId.
   * @example
   * ```ts
   * const docId = await document.uploadDocument(token, "report.pdf", fs.createReadStream("report.pdf"));
   * const small = await document.uploadDocument(token, "hello.txt", Buffer.from("hello"));
   * ```
   */
  uploadDocument(token: string, docName: string, plaintext: BinaryInput, options?: CallOptions): Promise<string>;

  /**
   * A stored document's content, in memory (use {@link DocumentApi.downloadDocumentStream} for large ones).
   * @example
   * ```ts
   * const text = (await document.downloadDocument(token, docId)).toString("utf8");
   * ```
   */
  downloadDocument(token: string, docId: string, options?: CallOptions): Promise<Buffer>;

  /**
   * Writes a stored document's content to `output`; resolves once `output` has accepted all of it.
   * `output` is not ended.
   * @example
   * ```ts
   * const out = fs.createWriteStream("copy.pdf");
   * await document.downloadDocumentStream(token, docId, out);
   * out.end();
   * ```
   */
  downloadDocumentStream(token: string, docId: string, output: Writable, options?: CallOptions): Promise<void>;

  /**
   * Encrypts without storing the content; returns the new docId and the ciphertext.
   * @example
   * ```ts
   * const { docId, ciphertext } = await document.encryptDocument(token, "note.txt", Buffer.from("secret"));
   * ```
   */
  encryptDocument(token: string, docName: string, plaintext: BinaryInput, options?: CallOptions): Promise<EncryptedDocument>;

  /**
   * Encrypts without storing, writing the ciphertext to `output`; returns the new docId.
   * `output` is not ended.
   * @example
   * ```ts
   * const out = fs.createWriteStream("big.enc");
   * const docId = await document.encryptDocumentStream(token, "big.iso", fs.createReadStream("big.iso"), out);
   * out.end();
   * ```
   */
  encryptDocumentStream(
    token: string,
    docName: string,
    plaintext: BinaryInput,
    output: Writable,
    options?: CallOptions,
  ): Promise<string>;

  /**
   * Decrypts ciphertext from {@link DocumentApi.encryptDocument}, in memory.
   * @example
   * ```ts
   * const plaintext = await document.decryptDocument(token, docId, ciphertext);
   * ```
   */
  decryptDocument(token: string, docId: string, ciphertext: BinaryInput, options?: CallOptions): Promise<Buffer>;

  /**
   * Decrypts ciphertext (any chunking), writing the plaintext to `output`. `output` is not ended.
   * @example
   * ```ts
   * const out = fs.createWriteStream("big.iso");
   * await document.decryptDocumentStream(token, docId, fs.createReadStream("big.enc"), out);
   * out.end();
   * ```
   */
  decryptDocumentStream(
    token: string,
    docId: string,
    ciphertext: BinaryInput,
    output: Writable,
    options?: CallOptions,
  ): Promise<void>;

  /**
   * The documents the caller can read (admins: every document of the organization).
   * @example
   * ```ts
   * for (const d of await document.listDocuments(token)) console.log(d.docId, d.docName, d.size);
   * ```
   */
  listDocuments(token: string, options?: CallOptions): Promise<DocumentMetadata[]>;

  /**
   * Removes a document for everyone; returns true.
   * @example
   * ```ts
   * await document.removeDocument(token, docId);
   * ```
   */
  removeDocument(token: string, docId: string, options?: CallOptions): Promise<boolean>;

  /**
   * Lets another user read a document; returns true.
   * @example
   * ```ts
   * await document.shareDocument(token, docId, "bob@example.com");
   * ```
   */
  shareDocument(token: string, docId: string, userId: string, options?: CallOptions): Promise<boolean>;

  /**
   * Withdraws a user's access to a document; returns the number of documents unshared.
   * @example
   * ```ts
   * const count = await document.unshareDocument(token, docId, "bob@example.com"); // 1
   * ```
   */
  unshareDocument(token: string, docId: string, userId: string, options?: CallOptions): Promise<number>;
}

/** The document functions bound to `endpoint` (see `createClient`). */
export function documentApi(endpoint: Endpoint): DocumentApi {
  return {
    async uploadDocument(token, docName, plaintext, options) {
      checkToken(token);
      checkString("docName", docName);
      checkBinaryInput("plaintext", plaintext);
      return uploadStream(endpoint, token, docName, plaintext, options);
    },
    async downloadDocument(token, docId, options) {
      checkToken(token);
      checkId("docId", docId);
      const sink = memorySink();
      await downloadStream(endpoint, token, docId, sink.factory, options);
      return sink.result();
    },
    async downloadDocumentStream(token, docId, output, options) {
      checkToken(token);
      checkId("docId", docId);
      checkOutput("output", output);
      await downloadStream(endpoint, token, docId, writableSink(output), options);
    },
    async encryptDocument(token, docName, plaintext, options) {
      checkToken(token);
      checkString("docName", docName);
      checkBinaryInput("plaintext", plaintext);
      const sink = memorySink();
      const docId = await encryptStream(endpoint, token, docName, plaintext, sink.factory, options);
      return { docId, ciphertext: sink.result() };
    },
    async encryptDocumentStream(token, docName, plaintext, output, options) {
      checkToken(token);
      checkString("docName", docName);
      checkBinaryInput("plaintext", plaintext);
      checkOutput("output", output);
      return encryptStream(endpoint, token, docName, plaintext, writableSink(output), options);
    },
    async decryptDocument(token, docId, ciphertext, options) {
      checkToken(token);
      checkId("docId", docId);
      checkBinaryInput("ciphertext", ciphertext);
      const sink = memorySink();
      await decryptStream(endpoint, token, docId, ciphertext, sink.factory, options);
      return sink.result();
    },
    async decryptDocumentStream(token, docId, ciphertext, output, options) {
      checkToken(token);
      checkId("docId", docId);
      checkBinaryInput("ciphertext", ciphertext);
      checkOutput("output", output);
      await decryptStream(endpoint, token, docId, ciphertext, writableSink(output), options);
    },
    async listDocuments(token, options) {
      checkToken(token);
      const resp = await unaryCall(endpoint, "listDocuments", token, {}, options);
      return resp.documents.map((d) => ({
        docId: d.docID,
        docName: d.docName,
        size: toSafeNumber(d.size, "Document.size"),
      }));
    },
    async removeDocument(token, docId, options) {
      checkToken(token);
      checkId("docId", docId);
      return (await unaryCall(endpoint, "removeDocument", token, { docID: docId }, options)).status;
    },
    async shareDocument(token, docId, userId, options) {
      checkToken(token);
      checkId("docId", docId);
      checkId("userId", userId);
      return (await unaryCall(endpoint, "shareDocument", token, { docID: docId, userID: userId }, options)).success;
    },
    async unshareDocument(token, docId, userId, options) {
      checkToken(token);
      checkId("docId", docId);
      checkId("userId", userId);
      const resp = await unaryCall(endpoint, "unshareDocument", token, { docID: docId, userID: userId }, options);
      return toSafeNumber(resp.count, "UnshareDocumentResp.count");
    },
  };
}

/**
 * Document functions on the default endpoint (env vars or `configure()`).
 * @example
 * ```ts
 * import { document } from "strongdoc";
 * const docId = await document.uploadDocument(token, "hello.txt", Buffer.from("hello"));
 * ```
 */
export const document: DocumentApi = documentApi(defaultEndpoint);
