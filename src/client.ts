// Endpoints: where the server is (env vars, configure(), createClient()), the one cached channel per
// endpoint with its credentials, keepalive and retry policy, the connect timeout, per-call auth
// metadata, and close().
import { readFileSync } from "node:fs";
import {
  connectivityState,
  credentials,
  InterceptingCall,
  Metadata,
  type CallOptions as GrpcCallOptions,
  type ChannelCredentials,
  type ChannelOptions,
  type Interceptor,
} from "@grpc/grpc-js";
import { abortError, type CallOptions } from "./call-options";
import { StrongDocError } from "./errors";
import { StrongDocServiceClientClass, type StrongDocServiceClient } from "./service-client";
import { checkBoolean, checkString, describe } from "./validate";

/**
 * Where and how to reach a StrongDoc server. Every field you leave out is taken from the
 * environment when the endpoint is first used, then from the defaults:
 *
 * | field | environment | default |
 * |---|---|---|
 * | `host` | `STRONGDOC_EMULATOR_HOST` (`host:port`), else `STRONGDOC_HOST` | `api.strongsalt.com` |
 * | `port` | `STRONGDOC_EMULATOR_HOST`, else `STRONGDOC_PORT` | `9090` |
 * | `caFile` | `STRONGDOC_CA_FILE` (PEM; for an emulator: its `<data-dir>/ca.pem`) | the system's root CAs |
 *
 * @example
 * ```ts
 * configure({ host: "localhost", port: 9090, caFile: "/tmp/emu/ca.pem" });
 * ```
 */
export interface EndpointOptions {
  /** Server host name or IP address. */
  readonly host?: string;
  /** Server port (1–65535). */
  readonly port?: number;
  /** Path of a PEM file with the CA certificate(s) to trust instead of the system's roots. */
  readonly caFile?: string;
  /** The CA certificate(s) to trust, as PEM text; takes precedence over `caFile`. */
  readonly caPem?: string | Uint8Array;
  /** Plaintext HTTP/2 without TLS, e.g. for an emulator started with `--insecure`. Default false. */
  readonly insecure?: boolean;
  /**
   * How long a call waits for a connection before failing with `UNAVAILABLE`, in milliseconds.
   * Default 10 000.
   */
  readonly connectTimeoutMs?: number;
}

const DEFAULT_HOST = "api.strongsalt.com";
const DEFAULT_PORT = 9090;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Unary reads that are safe to repeat: retried by grpc-js on UNAVAILABLE with exponential backoff.
 * Writes are never retried, since a lost reply does not mean the write did not happen.
 */
const RETRIED_READS = [
  "ListDocuments",
  "DownloadDocumentStream",
  "ListUsers",
  "GetAccountInfo",
  "GetUserInfo",
  "Search",
  "GetBillingDetails",
  "GetLargeTraffic",
  "GetBillingFrequencyList",
  "ListCreditCards",
] as const;

const RETRY_POLICY = {
  maxAttempts: 4,
  initialBackoff: "0.1s",
  maxBackoff: "1s",
  backoffMultiplier: 2,
  retryableStatusCodes: ["UNAVAILABLE"],
};

const SERVICE_CONFIG = {
  methodConfig: [
    {
      name: RETRIED_READS.map((method) => ({ service: "proto.StrongDocService", method })),
      retryPolicy: RETRY_POLICY,
    },
  ],
};

const CHANNEL_OPTIONS: ChannelOptions = {
  // Keepalive pings only while calls are active, every 5 minutes: grpc-go servers (the hosted
  // service) answer more frequent pings with GOAWAY "too_many_pings" under their default policy.
  "grpc.keepalive_time_ms": 300_000,
  "grpc.keepalive_timeout_ms": 20_000,
  "grpc.keepalive_permit_without_calls": 0,
  // Stream chunks are far smaller; this only bounds unary answers such as long document lists.
  "grpc.max_receive_message_length": 64 * 1024 * 1024,
  // Reconnect soon after a server restart (the grpc default grows to 120 s).
  "grpc.max_reconnect_backoff_ms": 10_000,
  "grpc.service_config": JSON.stringify(SERVICE_CONFIG),
};

/** An endpoint's settings after env vars and defaults are applied. */
interface ResolvedEndpoint {
  readonly address: string;
  readonly credentials: ChannelCredentials;
  readonly connectTimeoutMs: number;
}

/** Throws a TypeError unless `options` is a valid {@link EndpointOptions}. */
export function checkEndpointOptions(options: unknown): asserts options is EndpointOptions {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`options must be an object like { host, port, caFile }, got ${describe(options)}`);
  }
  const o = options as Record<string, unknown>;
  if (o.host !== undefined) {
    checkString("options.host", o.host);
    if (o.host === "") throw new TypeError("options.host must be a non-empty string");
  }
  if (o.port !== undefined) checkPort("options.port", o.port);
  if (o.caFile !== undefined) checkString("options.caFile", o.caFile);
  if (o.caPem !== undefined && typeof o.caPem !== "string" && !(o.caPem instanceof Uint8Array)) {
    throw new TypeError(`options.caPem must be a string or a Uint8Array, got ${describe(o.caPem)}`);
  }
  if (o.insecure !== undefined) checkBoolean("options.insecure", o.insecure);
  const t = o.connectTimeoutMs;
  if (t !== undefined && !(typeof t === "number" && t > 0 && Number.isFinite(t))) {
    throw new TypeError(`options.connectTimeoutMs must be a positive finite number, got ${describe(t)}`);
  }
}

function checkPort(name: string, port: unknown): asserts port is number {
  if (!(typeof port === "number" && Number.isInteger(port) && port >= 1 && port <= 65535)) {
    throw new TypeError(`${name} must be an integer from 1 to 65535, got ${describe(port)} ${String(port)}`);
  }
}

/** Applies env vars and defaults to `options`. Reads the CA file, so call it when first needed. */
function resolveEndpoint(options: EndpointOptions, env: NodeJS.ProcessEnv = process.env): ResolvedEndpoint {
  let envHost = env.STRONGDOC_HOST || undefined;
  let envPort: number | undefined = env.STRONGDOC_PORT ? Number(env.STRONGDOC_PORT) : undefined;
  if (env.STRONGDOC_PORT) checkPort("STRONGDOC_PORT", envPort);
  const emulator = env.STRONGDOC_EMULATOR_HOST;
  if (emulator) {
    const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(emulator);
    if (!m) throw new TypeError(`STRONGDOC_EMULATOR_HOST must look like host:port, got "${emulator}"`);
    envHost = m[1]!.replace(/^\[|\]$/g, "");
    envPort = Number(m[2]);
    checkPort("the port of STRONGDOC_EMULATOR_HOST", envPort);
  }
  const host = options.host ?? envHost ?? DEFAULT_HOST;
  const port = options.port ?? envPort ?? DEFAULT_PORT;
  const caFile = options.caFile ?? (env.STRONGDOC_CA_FILE || undefined);
  let creds: ChannelCredentials;
  if (options.insecure) {
    creds = credentials.createInsecure();
  } else if (options.caPem !== undefined) {
    creds = credentials.createSsl(Buffer.from(options.caPem));
  } else if (caFile !== undefined) {
    let pem: Buffer;
    try {
      pem = readFileSync(caFile);
    } catch (err) {
      throw new TypeError(`cannot read the CA file "${caFile}": ${(err as Error).message}`, { cause: err });
    }
    creds = credentials.createSsl(pem);
  } else if (emulator && options.host === undefined) {
    throw new TypeError(
      "STRONGDOC_EMULATOR_HOST is set but no CA is: set STRONGDOC_CA_FILE to the ca.pem the emulator printed",
    );
  } else {
    creds = credentials.createSsl();
  }
  return {
    address: host.includes(":") && !host.startsWith("[") ? `[${host}]:${port}` : `${host}:${port}`,
    credentials: creds,
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
  };
}

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
 * configure({ host: "127.0.0.1", port: 9090, caFile: "./emulator-data/ca.pem" });
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
