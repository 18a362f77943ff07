// Packaging smoke test (TypeScript): compiles against the declarations shipped in the package.
// Only type-checked (tsc --noEmit); a type error here means the published types are wrong.
import { Readable, Writable } from "node:stream";
import {
  account,
  billing,
  client,
  createClient,
  document,
  login,
  search,
  StrongDocError,
  type AccountInfo,
  type BillingDetails,
  type CallOptions,
  type DocumentMetadata,
  type DocumentResult,
  type EncryptedDocument,
  type StrongDocClient,
  type UserInfo,
} from "strongdoc";

export async function useEverything(token: string, out: Writable): Promise<void> {
  const options: CallOptions = { timeoutMs: 1_000, signal: AbortSignal.timeout(5_000) };
  const info: AccountInfo = await account.getAccountInfo(token, options);
  const users: UserInfo[] = await account.listUsers(token);
  const count: number = await account.removeUser(token, users[0]!.userId);
  const docId: string = await document.uploadDocument(token, "a.txt", Readable.from([Buffer.from("a")]));
  const docs: DocumentMetadata[] = await document.listDocuments(token);
  const enc: EncryptedDocument = await document.encryptDocument(token, "b", new Uint8Array([1, 2]));
  await document.decryptDocumentStream(token, enc.docId, enc.ciphertext, out);
  const hits: DocumentResult[] = await search.search(token, "word");
  const bill: BillingDetails | undefined = await billing.getBillingDetails(token, new Date());
  const freq: "MONTHLY" | "YEARLY" | "UNDEFINED" | undefined = bill?.billingFrequency.frequency;
  const other: StrongDocClient = createClient({ host: "localhost", port: 9090, caFile: "ca.pem" });
  const newToken: string = await other.login.login("u", "p", "o");
  client.connectToServerWithAuth(newToken).listDocuments({}, (err, resp) => resp?.documents[0]?.size.toNumber());
  try {
    await login.logout(token);
  } catch (err) {
    if (err instanceof StrongDocError) console.log(err.code, err.codeName, err.details, err.metadata, err.cause);
  }
  console.log(info.orgId, count, docId, docs, hits, freq);
}
