// The channel settings every endpoint uses, as data: the retry policy table (which RPCs are
// retried on UNAVAILABLE), keepalive, message size and reconnect backoff.
import type { ChannelOptions } from "@grpc/grpc-js";

/**
 * Unary reads that are safe to repeat: retried by grpc-js on UNAVAILABLE with exponential backoff.
 * Writes are never retried, since a lost reply does not mean the write did not happen.
 */
export const RETRIED_READS = [
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

/** The grpc-js options of every channel the facade opens. */
export const CHANNEL_OPTIONS: ChannelOptions = {
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
  // 4 MiB HTTP/2 receive window (per stream and per connection) instead of 64 KiB, so downloads and
  // encrypt/decrypt answers are not capped at 64 KiB per round trip (bench/RESULTS.md, tuning log).
  "grpc-node.flow_control_window": 4 * 1024 * 1024,
};

