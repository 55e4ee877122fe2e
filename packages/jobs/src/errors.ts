import { UnrecoverableError } from "bullmq";

/** An attempt ran longer than its job kind's `timeoutMs`; the job is retried if attempts remain. */
export class JobTimeoutError extends Error {
  override readonly name = "JobTimeoutError";
  readonly retryable = true;
  constructor(
    readonly jobName: string,
    readonly timeoutMs: number,
  ) {
    super(`Job "${jobName}" took longer than ${timeoutMs} ms`);
  }
}

/**
 * Errors that say retrying cannot help (`retryable: false`, e.g. a bot blocked by the user)
 * end the job at once instead of using up its attempts. Duck-typed so this package does not
 * depend on the packages that throw them.
 */
export function isPermanent(error: unknown): boolean {
  if (error instanceof UnrecoverableError) return true;
  if (typeof error !== "object" || error === null) return false;
  return (error as { retryable?: unknown }).retryable === false;
}

/** Wraps a permanent error so BullMQ fails the job without retrying; the original stays as `cause`. */
export function unrecoverable(error: unknown): UnrecoverableError {
  if (error instanceof UnrecoverableError) return error;
  const wrapped = new UnrecoverableError(error instanceof Error ? error.message : String(error));
  // BullMQ stores the stack: the handler's says where the failure happened, the wrapper's only where it was wrapped.
  if (error instanceof Error && error.stack !== undefined) wrapped.stack = error.stack;
  wrapped.cause = error;
  return wrapped;
}

/**
 * The error a processor throws is what BullMQ writes to Redis (its message as the job's failedReason, its stack
 * into the stacktrace), kept there for a week. This copy has secrets scrubbed from both, and is otherwise the same
 * error: same class and name, same own fields, so `instanceof`, `retryable` and `retryAfterMs` still steer the
 * retry. (Its other fields may still hold secrets, e.g. a client error's request URL; BullMQ does not store
 * them, and the logger scrubs whatever it writes.)
 */
export function withScrubbedText(error: unknown, scrubText: (text: string) => string): Error {
  if (!(error instanceof Error)) return new Error(scrubText(String(error)));
  const copy = Object.create(Object.getPrototypeOf(error) as object | null) as Error;
  const fields: Record<string, PropertyDescriptor> = Object.getOwnPropertyDescriptors(error);
  delete fields.message;
  delete fields.stack;
  Object.defineProperties(copy, fields);
  const hidden = { writable: true, configurable: true, enumerable: false };
  Object.defineProperty(copy, "message", { ...hidden, value: scrubText(error.message) });
  if (error.stack !== undefined)
    Object.defineProperty(copy, "stack", { ...hidden, value: scrubText(error.stack) });
  return copy;
}

/** The error a handler threw, unwrapped from our UnrecoverableError wrapper. */
export function originalError(error: unknown): unknown {
  return error instanceof UnrecoverableError && error.cause !== undefined ? error.cause : error;
}
