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
  wrapped.cause = error;
  return wrapped;
}

/** The error a handler threw, unwrapped from our UnrecoverableError wrapper. */
export function originalError(error: unknown): unknown {
  return error instanceof UnrecoverableError && error.cause !== undefined ? error.cause : error;
}
