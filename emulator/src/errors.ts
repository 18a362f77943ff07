// The one error type emulator code throws to answer a call with a gRPC status.
// Handlers turn it into `{ code, details }`; anything else thrown becomes INTERNAL (a bug).
import { status } from "@grpc/grpc-js";

/** A request failure with the gRPC status to answer and a message naming the field at fault. */
export class ApiError extends Error {
  /** The gRPC status code sent to the client. */
  readonly code: status;

  /**
   * @param code - gRPC status code, e.g. `status.INVALID_ARGUMENT`.
   * @param message - what went wrong, naming the field (e.g. "docID: no such document").
   */
  constructor(code: status, message: string) {
    super(message);
    this.name = "ApiError";
    this.code = code;
  }
}

/** Shorthand for an INVALID_ARGUMENT error about `field`. */
export function invalidArgument(field: string, problem: string): ApiError {
  return new ApiError(status.INVALID_ARGUMENT, `${field}: ${problem}`);
}

/** Shorthand for a NOT_FOUND error about `field`. */
export function notFound(field: string, problem: string): ApiError {
  return new ApiError(status.NOT_FOUND, `${field}: ${problem}`);
}
