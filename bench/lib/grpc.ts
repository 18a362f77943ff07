// Bench-only access to the raw, generated gRPC layer: a typed client built straight from the
// generated service definition, TLS credentials from a CA file, and the bearer-token metadata.
// The `raw` and `lockstep` baselines and the account setup use this instead of the facade.
import { readFileSync } from "node:fs";
import * as grpc from "@grpc/grpc-js";
import { StrongDocServiceService } from "../../generated/strongdoc";
import { fastCodecDefinition } from "./fast-codec";
import type {
  UploadDocStreamReq,
  UploadDocStreamResp,
  DownloadDocStreamReq,
  DownloadDocStreamResp,
} from "../../generated/document";
import type {
  EncryptDocStreamReq,
  EncryptDocStreamResp,
  DecryptDocStreamReq,
  DecryptDocStreamResp,
} from "../../generated/documentNoStore";
import type {
  RegisterOrganizationReq,
  RegisterOrganizationResp,
  LoginReq,
  LoginResp,
  GetUserInfoReq,
  GetUserInfoResp,
} from "../../generated/accounts";
import type { ListDocumentsReq, ListDocumentsResp, UploadDocReq, UploadDocResp } from "../../generated/document";

/** Where a bench client connects: loopback host, port and the PEM file of the emulator's CA. */
export interface Endpoint {
  host: string;
  port: number;
  caFile: string;
}

type Unary<Req, Resp> = (
  req: Req,
  metadata: grpc.Metadata,
  options: Partial<grpc.CallOptions>,
  callback: (err: grpc.ServiceError | null, resp?: Resp) => void,
) => grpc.ClientUnaryCall;

/** The subset of the generated StrongDocService client the benchmarks call. */
export interface RawClient extends grpc.Client {
  registerOrganization: Unary<RegisterOrganizationReq, RegisterOrganizationResp>;
  login: Unary<LoginReq, LoginResp>;
  getUserInfo: Unary<GetUserInfoReq, GetUserInfoResp>;
  listDocuments: Unary<ListDocumentsReq, ListDocumentsResp>;
  uploadDocument: Unary<UploadDocReq, UploadDocResp>;
  uploadDocumentStream(
    metadata: grpc.Metadata,
    callback: (err: grpc.ServiceError | null, resp?: UploadDocStreamResp) => void,
  ): grpc.ClientWritableStream<UploadDocStreamReq>;
  downloadDocumentStream(
    req: DownloadDocStreamReq,
    metadata: grpc.Metadata,
  ): grpc.ClientReadableStream<DownloadDocStreamResp>;
  encryptDocumentStream(metadata: grpc.Metadata): grpc.ClientDuplexStream<EncryptDocStreamReq, EncryptDocStreamResp>;
  decryptDocumentStream(metadata: grpc.Metadata): grpc.ClientDuplexStream<DecryptDocStreamReq, DecryptDocStreamResp>;
}

// Same constructor ts-proto emits for `outputClientImpl=grpc-js`; built here so the bench does not
// depend on that option being on.
const RawClientCtor = grpc.makeGenericClientConstructor(
  StrongDocServiceService as unknown as grpc.ServiceDefinition,
  "StrongDocService",
) as unknown as new (address: string, creds: grpc.ChannelCredentials, options?: grpc.ChannelOptions) => RawClient;

type RawCtor = new (address: string, creds: grpc.ChannelCredentials, options?: grpc.ChannelOptions) => RawClient;
let FastClientCtor: RawCtor | undefined;

/** A raw client class whose stream codecs copy less (see fast-codec.ts); built on first use. */
function fastCtor(): RawCtor {
  return (FastClientCtor ??= grpc.makeGenericClientConstructor(fastCodecDefinition(), "StrongDocService") as unknown as RawCtor);
}

/** Like {@link openRawClient}, with the fewer-copies stream codecs of fast-codec.ts. */
export function openFastCodecClient(ep: Endpoint, options: grpc.ChannelOptions = {}): RawClient {
  return new (fastCtor())(`${ep.host}:${ep.port}`, grpc.credentials.createSsl(readFileSync(ep.caFile)), options);
}

const caCache = new Map<string, Buffer>();

/**
 * Opens a raw client on a new channel. `fresh: true` uses a private subchannel pool, so the call
 * really opens its own TCP connection and TLS handshake (grpc-js would otherwise share a pooled,
 * already-connected subchannel between clients with the same target).
 */
export function openRawClient(ep: Endpoint, options: grpc.ChannelOptions = {}, fresh = false): RawClient {
  let ca = caCache.get(ep.caFile);
  if (!ca) caCache.set(ep.caFile, (ca = readFileSync(ep.caFile)));
  const creds = grpc.credentials.createSsl(ca);
  const opts: grpc.ChannelOptions = { ...options };
  if (fresh) opts["grpc.use_local_subchannel_pool"] = 1;
  return new RawClientCtor(`${ep.host}:${ep.port}`, creds, opts);
}

/** `authorization: Bearer <token>` metadata, as every authenticated call carries it. */
export function bearer(token: string): grpc.Metadata {
  const md = new grpc.Metadata();
  md.set("authorization", `Bearer ${token}`);
  return md;
}

/** Promisified unary call on a raw client. */
export function unary<Req, Resp>(
  client: RawClient,
  method: Unary<Req, Resp>,
  req: Req,
  metadata = new grpc.Metadata(),
  timeoutMs = 60_000,
): Promise<Resp> {
  return new Promise((resolve, reject) => {
    method.call(client, req, metadata, { deadline: Date.now() + timeoutMs }, (err, resp) =>
      err ? reject(err) : resolve(resp as Resp),
    );
  });
}
