// One streaming call's lifetime: the first failure (gRPC status, abort, deadline, a failing input
// or output) wins, cancels the call, releases every pending wait, and is what the caller sees.
import { onAbort } from "./call-options";
import type { PreparedCall } from "./client";
import { StrongDocError, toStrongDocError } from "./errors";

/**
 * The lifetime of one streaming call. The first failure wins: it cancels the gRPC call, stops the
 * input, makes every pending wait reject, and is what the caller's promise rejects with.
 * Waits register and unregister their hooks, so a long transfer accumulates nothing.
 */
export class StreamOperation {
  /** The first failure, or undefined while the operation is healthy. */
  error: unknown = undefined;
  private readonly onFailure = new Set<() => void>();
  private readonly onSettle: (() => void)[] = [];

  constructor(signal: AbortSignal | undefined) {
    this.onSettle.push(onAbort(signal, (err) => this.fail(err)));
  }

  /** Records the failure (if it is the first) and runs the failure hooks. */
  fail(err: unknown): void {
    if (this.error !== undefined) return;
    this.error = toStrongDocError(err);
    const hooks = [...this.onFailure];
    this.onFailure.clear();
    for (const hook of hooks) hook();
    this.settle();
  }

  /** Runs `hook` if and when the operation fails; returns a function that unregisters it. */
  whenFailed(hook: () => void): () => void {
    if (this.error !== undefined) {
      hook();
      return () => {};
    }
    this.onFailure.add(hook);
    return () => this.onFailure.delete(hook);
  }

  /** Runs `hook` once when the operation ends either way (for listener removal). */
  whenSettled(hook: () => void): void {
    this.onSettle.push(hook);
  }

  /** Ends the operation (runs the settle hooks). */
  settle(): void {
    for (const hook of this.onSettle.splice(0)) hook();
  }

  /** `promise`, but rejecting with the operation's failure as soon as there is one. */
  guard<T>(promise: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const unregister = this.whenFailed(() => reject(this.error));
      promise.then(
        (value) => {
          unregister();
          resolve(value);
        },
        (err) => {
          unregister();
          reject(err);
        },
      );
    });
  }

  /** Resolves on the next `event` of `emitter`; rejects if the operation fails first. */
  nextEvent(emitter: NodeJS.EventEmitter, event: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        unregister();
        resolve();
      };
      const unregister = this.whenFailed(() => {
        emitter.off(event, done);
        reject(this.error);
      });
      if (this.error === undefined) emitter.once(event, done);
    });
  }
}

/**
 * Runs one streaming operation: sets up abort and the deadline, maps failures, settles hooks.
 * The deadline is enforced here too, not only by grpc-js, because grpc-js delivers a call's status
 * only after the messages before it have been read, and a stalled `output` stops the reading.
 */
export async function runOperation<T>(
  signal: AbortSignal | undefined,
  prepared: PreparedCall,
  body: (op: StreamOperation) => Promise<T>,
): Promise<T> {
  const op = new StreamOperation(signal);
  const deadline = prepared.grpcOptions.deadline;
  if (deadline instanceof Date) {
    const timer = setTimeout(() => op.fail(new StrongDocError(4, "deadline exceeded")), deadline.getTime() - Date.now());
    op.whenSettled(() => clearTimeout(timer));
  }
  try {
    const result = await op.guard(body(op));
    if (op.error !== undefined) throw op.error;
    op.settle();
    return result;
  } catch (err) {
    op.fail(err);
    throw op.error;
  }
}
