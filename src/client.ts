// Endpoints: the one cached channel per endpoint (shared by every call and token), the connect
// timeout, the default endpoint with configure(), close(), and per-call auth metadata.
import {
  connectivityState,
  InterceptingCall,
  Metadata,
  type CallOptions as GrpcCallOptions,
  type Interceptor,
} from "@grpc/grpc-js";
import { abortError, type CallOptions } from "./call-options";
import { CHANNEL_OPTIONS } from "./channel-options";
import { checkEndpointOptions, resolveEndpoint, type EndpointOptions, type ResolvedEndpoint } from "./endpoint-options";
import { StrongDocError } from "./errors";
import { StrongDocServiceClientClass, type StrongDocServiceClient } from "./service-client";

export { checkEndpointOptions, type EndpointOptions } from "./endpoint-options";

/** Every endpoint with an open channel, so that the global close() can release them all. */
const openEndpoints = new Set<Endpoint>();

/**
 * One StrongDoc server: its settings (resolved when first used) and one cached gRPC channel,
 * shared by every call and every token. Reopened on demand after {@link Endpoint.close}.
 */
export class Endpoint {
  private open: { config: ResolvedEndpoint; service: StrongDocServiceClient } | undefined;

  /** @param options - returns the endpoint options; called when the channel is (re)opened. */
  constructor(private readonly options: () => EndpointOptions) {}

  /** The typed client on this endpoint's channel, opening the channel if needed. */
  service(): StrongDocServiceClient {
    const open = this.open;
    if (open && open.service.getChannel().getConnectivityState(false) !== connectivityState.SHUTDOWN) {
      return open.service;
    }
    const config = resolveEndpoint(this.options());
    const service = new StrongDocServiceClientClass(config.address, config.credentials, CHANNEL_OPTIONS);
    this.open = { config, service };
    openEndpoints.add(this);
    return service;
  }

  /**
   * A separate typed client sharing this endpoint's channel, with its own interceptors
   * (used for the `client` escape hatch so that its users cannot disturb the facade's client).
   */
  serviceWith(interceptors: Interceptor[]): StrongDocServiceClient {
    const channel = this.service().getChannel();
    return new StrongDocServiceClientClass(this.open!.config.address, this.open!.config.credentials, {
      channelOverride: channel,
      interceptors,
    });
  }

  /**
   * Resolves once the channel is connected, or has just failed to connect (the call then fails
   * fast with UNAVAILABLE). Rejects with UNAVAILABLE after the connect timeout, with
   * DEADLINE_EXCEEDED at `deadline`, and with an AbortError when `signal` aborts.
   */
  async ready(deadline: Date | undefined, signal: AbortSignal | undefined): Promise<void> {
    const channel = this.service().getChannel();
    const { connectTimeoutMs, address } = this.open!.config;
    let state = channel.getConnectivityState(true);
    if (state === connectivityState.READY) return;
    const connectBy = Date.now() + connectTimeoutMs;
    const limit = deadline && deadline.getTime() < connectBy ? deadline.getTime() : connectBy;
    while (state === connectivityState.IDLE || state === connectivityState.CONNECTING) {
      if (signal?.aborted) throw abortError(signal);
      const changed = await new Promise<boolean>((resolve, reject) => {
        const stop = () => signal?.removeEventListener("abort", aborted);
        const aborted = () => reject(abortError(signal!));
        signal?.addEventListener("abort", aborted, { once: true });
        channel.watchConnectivityState(state, limit, (err) => {
          stop();
          resolve(!err);
        });
      });
      if (!changed) {
        if (limit !== connectBy) throw new StrongDocError(4, `deadline exceeded while connecting to ${address}`);
        throw new StrongDocError(14, `could not connect to ${address} within ${connectTimeoutMs} ms`);
      }
      state = channel.getConnectivityState(true);
    }
  }

  /** Closes the channel; the next call opens a new one. In-flight calls are not interrupted. */
  close(): void {
    this.open?.service.close();
    this.open = undefined;
    openEndpoints.delete(this);
  }
}

/** Options given to configure(); read (with the environment) when the default endpoint first opens. */
let defaultOptions: EndpointOptions = {};

/** The endpoint the module-level functions (`document.uploadDocument`, …) talk to. */
export const defaultEndpoint = new Endpoint(() => defaultOptions);

/**
 * Sets where the module-level functions (`account.*`, `document.*`, …) connect to. Fields left
 * out come from the environment, then the defaults (see {@link EndpointOptions}). Closes the
 * current default channel, so the next call connects with the new settings.
 *
 * @example
 * ```ts
 * import { configure, document } from "strongdoc";
 * configure({ host: "localhost", port: 9090, caFile: "./emulator-data/ca.pem" });
 * const docs = await document.listDocuments(token);
 * ```
 */
export function configure(options: EndpointOptions): void {
  checkEndpointOptions(options);
  defaultOptions = { ...options };
  defaultEndpoint.close();
}

/**
 * Releases every channel this library opened (the default endpoint's and those of clients from
 * `createClient`), so the process can exit. Calls made later reconnect.
 *
 * @example
 * ```ts
 * import { close, login } from "strongdoc";
 * const token = await login.login(userId, password, orgId);
 * // … work …
 * close();
 * ```
 */
export function close(): void {
  for (const endpoint of [...openEndpoints]) endpoint.close();
}

/** The per-call metadata carrying a session token. */
export function authMetadata(token: string | undefined): Metadata {
  const metadata = new Metadata();
  if (token !== undefined) metadata.set("authorization", `Bearer ${token}`);
  return metadata;
}

/** An interceptor adding `authorization: Bearer <token>` to every call of a client. */
export function bearerInterceptor(token: string): Interceptor {
  return (options, nextCall) =>
    new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        metadata.set("authorization", `Bearer ${token}`);
        next(metadata, listener);
      },
    });
}

/** What a call needs once the endpoint is connected. */
export interface PreparedCall {
  readonly service: StrongDocServiceClient;
  readonly metadata: Metadata;
  readonly grpcOptions: Partial<GrpcCallOptions>;
}

/**
 * Waits for the endpoint's connection (bounded by the connect timeout and the deadline) and
 * returns the client, the auth metadata and the deadline for one call.
 */
export async function prepareCall(
  endpoint: Endpoint,
  token: string | undefined,
  options: CallOptions | undefined,
  deadline: Date | undefined,
): Promise<PreparedCall> {
  const signal = options?.signal;
  if (signal?.aborted) throw abortError(signal);
  await endpoint.ready(deadline, signal);
  return {
    service: endpoint.service(),
    metadata: authMetadata(token),
    grpcOptions: deadline ? { deadline } : {},
  };
}
