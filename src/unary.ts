// Unary calls: one request, one response, with the default 60 s deadline, abort support and every
// failure mapped to StrongDocError.
import { checkCallOptions, DEFAULT_UNARY_TIMEOUT_MS, deadlineOf, onAbort, type CallOptions } from "./call-options";
import { prepareCall, type Endpoint } from "./client";
import { toStrongDocError } from "./errors";
import type { RequestOfMethod, ResponseOfMethod, UnaryMethodName } from "./service-client";

type UnaryFn = (
  request: unknown,
  metadata: unknown,
  options: unknown,
  callback: (err: unknown, response: unknown) => void,
) => { cancel(): void };

/**
 * Calls a unary RPC with `authorization: Bearer <token>` (none when `token` is undefined).
 * Rejects with StrongDocError for a gRPC failure and with an AbortError when `options.signal` aborts.
 */
export async function unaryCall<K extends UnaryMethodName>(
  endpoint: Endpoint,
  method: K,
  token: string | undefined,
  request: RequestOfMethod<K>,
  options: CallOptions | undefined,
): Promise<ResponseOfMethod<K>> {
  checkCallOptions(options);
  const deadline = deadlineOf(options, DEFAULT_UNARY_TIMEOUT_MS);
  const { service, metadata, grpcOptions } = await prepareCall(endpoint, token, options, deadline);
  return new Promise<ResponseOfMethod<K>>((resolve, reject) => {
    let stopListening = () => {};
    const fn = service[method] as unknown as UnaryFn;
    const call = fn.call(service, request, metadata, grpcOptions, (err, response) => {
      stopListening();
      if (err) reject(toStrongDocError(err));
      else resolve(response as ResponseOfMethod<K>);
    });
    stopListening = onAbort(options?.signal, (abortErr) => {
      reject(abortErr);
      call.cancel();
    });
  });
}
