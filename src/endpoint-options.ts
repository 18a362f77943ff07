// Where a StrongDoc server is: the endpoint options, their validation, and their resolution
// against the environment (STRONGDOC_HOST, STRONGDOC_PORT, STRONGDOC_CA_FILE,
// STRONGDOC_EMULATOR_HOST) and the defaults, into an address and channel credentials.
import { readFileSync } from "node:fs";
import { credentials, type ChannelCredentials } from "@grpc/grpc-js";
import { badTimeoutMessage, isValidTimeout } from "./call-options";
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
  /**
   * Server host name or IP address. With TLS prefer a name (e.g. `localhost` for an emulator, whose
   * certificate covers it): grpc-js sends the host as the TLS server name, and Node prints a DEP0123
   * warning when that is an IP address (the certificate is still verified against the IP).
   */
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
   * Default 10 000; at most 2 073 600 000 (24 days).
   */
  readonly connectTimeoutMs?: number;
}

const DEFAULT_HOST = "api.strongsalt.com";
const DEFAULT_PORT = 9090;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** An endpoint's settings after env vars and defaults are applied. */
export interface ResolvedEndpoint {
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
  if (t !== undefined && !isValidTimeout(t)) throw new TypeError(badTimeoutMessage("options.connectTimeoutMs", t));
}

function checkPort(name: string, port: unknown): asserts port is number {
  if (!(typeof port === "number" && Number.isInteger(port) && port >= 1 && port <= 65535)) {
    throw new TypeError(`${name} must be an integer from 1 to 65535, got ${describe(port)} ${String(port)}`);
  }
}

/** Applies env vars and defaults to `options`. Reads the CA file, so call it when first needed. */
export function resolveEndpoint(options: EndpointOptions, env: NodeJS.ProcessEnv = process.env): ResolvedEndpoint {
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

