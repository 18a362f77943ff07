// The typed StrongDocService client: a grpc-js client class built from the generated service
// definition, and its type derived method by method from that definition (so it follows the proto).
import {
  makeGenericClientConstructor,
  type CallOptions,
  type Client,
  type ClientDuplexStream,
  type ClientReadableStream,
  type ClientUnaryCall,
  type ClientWritableStream,
  type Metadata,
  type ServiceError,
} from "@grpc/grpc-js";
import { StrongDocServiceService } from "../generated/strongdoc";

type Definition = typeof StrongDocServiceService;
type RequestOf<M> = M extends { requestSerialize: (value: infer T) => Buffer } ? T : never;
type ResponseOf<M> = M extends { responseDeserialize: (value: Buffer) => infer T } ? T : never;
type Callback<T> = (error: ServiceError | null, response?: T) => void;

/** How grpc-js exposes one method, by its streaming kind. */
type ClientMethod<M> = M extends { requestStream: false; responseStream: false }
  ? {
      (request: RequestOf<M>, callback: Callback<ResponseOf<M>>): ClientUnaryCall;
      (request: RequestOf<M>, metadata: Metadata, callback: Callback<ResponseOf<M>>): ClientUnaryCall;
      (
        request: RequestOf<M>,
        metadata: Metadata,
        options: Partial<CallOptions>,
        callback: Callback<ResponseOf<M>>,
      ): ClientUnaryCall;
    }
  : M extends { requestStream: true; responseStream: false }
    ? {
        (callback: Callback<ResponseOf<M>>): ClientWritableStream<RequestOf<M>>;
        (metadata: Metadata, callback: Callback<ResponseOf<M>>): ClientWritableStream<RequestOf<M>>;
        (
          metadata: Metadata,
          options: Partial<CallOptions>,
          callback: Callback<ResponseOf<M>>,
        ): ClientWritableStream<RequestOf<M>>;
      }
    : M extends { requestStream: false; responseStream: true }
      ? {
          (request: RequestOf<M>, options?: Partial<CallOptions>): ClientReadableStream<ResponseOf<M>>;
          (
            request: RequestOf<M>,
            metadata?: Metadata,
            options?: Partial<CallOptions>,
          ): ClientReadableStream<ResponseOf<M>>;
        }
      : {
          (options?: Partial<CallOptions>): ClientDuplexStream<RequestOf<M>, ResponseOf<M>>;
          (metadata?: Metadata, options?: Partial<CallOptions>): ClientDuplexStream<RequestOf<M>, ResponseOf<M>>;
        };

/**
 * The typed gRPC client of `proto.StrongDocService`: one method per RPC (camelCase, e.g.
 * `registerOrganization`, `listDocuments`, `uploadDocumentStream`), taking and returning the
 * generated message types. Obtain one bound to an endpoint and credentials with
 * `client.connectToServerWithAuth(token)` or `client.connectToServerWithNoAuth()`.
 *
 * @example
 * ```ts
 * const c = client.connectToServerWithAuth(token);
 * c.listDocuments({}, (err, resp) => console.log(err ?? resp?.documents));
 * ```
 */
export type StrongDocServiceClient = Client & { readonly [K in keyof Definition]: ClientMethod<Definition[K]> };

/** The names of the unary RPCs. */
export type UnaryMethodName = {
  [K in keyof Definition]: Definition[K] extends { requestStream: false; responseStream: false } ? K : never;
}[keyof Definition];

/** The request type of an RPC by name. */
export type RequestOfMethod<K extends keyof Definition> = RequestOf<Definition[K]>;
/** The response type of an RPC by name. */
export type ResponseOfMethod<K extends keyof Definition> = ResponseOf<Definition[K]>;

/** The grpc-js client class of the service (constructed by `Endpoint`, never by users). */
export const StrongDocServiceClientClass = makeGenericClientConstructor(
  StrongDocServiceService,
  "proto.StrongDocService",
) as unknown as new (...args: ConstructorParameters<typeof Client>) => StrongDocServiceClient;
