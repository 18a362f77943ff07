// The fewer-copies document-stream codecs, for the bench's "raw + fast codec" probe. Since the
// facade adopted them (src/stream-codec.ts, tuning log 5), this only adapts that definition.
import type * as grpc from "@grpc/grpc-js";
import { StreamOptimizedService } from "../../src/stream-codec";

/** The service definition whose four document streams copy each chunk once (same wire bytes). */
export function fastCodecDefinition(): grpc.ServiceDefinition {
  return StreamOptimizedService as unknown as grpc.ServiceDefinition;
}
