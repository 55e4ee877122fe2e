// Trying one platform call again, for callers that have no job queue to hand a failure back to
// (the bot's own immediate answers). The worker does not use it: BullMQ retries its jobs.
import { DeliveryError } from "./errors.ts";

export interface RetryOptions {
  /** Tries in all, the first included. */
  attempts: number;
  /** A wait the platform asks for beyond this is not sat out here: the call fails instead. */
  maxRetryAfterMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How long to wait before trying again, or undefined when trying again cannot help. */
function retryDelayMs(error: unknown, attempt: number, maxRetryAfterMs: number): number | undefined {
  if (!(error instanceof DeliveryError) || !error.retryable) return undefined;
  if (error.retryAfterMs !== undefined) {
    return error.retryAfterMs <= maxRetryAfterMs ? error.retryAfterMs : undefined;
  }
  return 250 * 2 ** attempt;
}

export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 10_000;
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      const delay =
        attempt + 1 < options.attempts ? retryDelayMs(error, attempt, maxRetryAfterMs) : undefined;
      if (delay === undefined) throw error;
      await sleep(delay);
    }
  }
}
