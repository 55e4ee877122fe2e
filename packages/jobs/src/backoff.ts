// Retry delays. Exponential like BullMQ's built-in strategy, but a failure that says how
// long to wait (Telegram's 429 `retry_after`, Discord's rate limits, a delivery claimed by
// another worker) is not retried before then: retrying earlier only burns an attempt.
// BullMQ does not let a custom strategy replace the built-in "exponential" type, hence a
// type of our own; producer and worker both come from this package, so they agree on it.

import type { ReplyWindow } from "@memebot/core";

export const BACKOFF_TYPE = "exponential-retry-after";

/** Upper bound for a server-requested wait, so a bogus header cannot park a job for days. */
const MAX_RETRY_AFTER_MS = 10 * 60_000;

export function backoffOptions(delayMs: number) {
  return { type: BACKOFF_TYPE, delay: delayMs };
}

/** Milliseconds the error asks us to wait, if it says (duck-typed: any error with `retryAfterMs`). */
export function retryAfterOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const value = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof value === "number" && Number.isFinite(value) && value > 0
    ? Math.min(value, MAX_RETRY_AFTER_MS)
    : undefined;
}

/** BullMQ's `settings.backoffStrategy`, given the job's `{ type, delay }` backoff options. */
export function retryDelay(attemptsMade: number, baseDelayMs: number, error: unknown): number {
  const exponential = Math.round(2 ** Math.max(0, attemptsMade - 1) * baseDelayMs);
  const requested = retryAfterOf(error);
  return requested === undefined ? exponential : Math.max(exponential, requested);
}

/** The base delay of a job's `{ type, delay }` backoff option (1 s when it names none). */
export function backoffBaseOf(backoff: unknown): number {
  const delay =
    typeof backoff === "object" && backoff !== null ? (backoff as { delay?: unknown }).delay : undefined;
  return typeof delay === "number" ? delay : 1_000;
}

/**
 * Whether a failed attempt must end its job as expired instead of going the usual way: the reply
 * window has closed (nothing, not even an apology, can be delivered), or the retry that would
 * follow (`retryDelayMs`; undefined when no attempt is left) would start after its last start.
 */
export function missesReplyWindow(
  window: ReplyWindow,
  now: number,
  retryDelayMs: number | undefined,
): boolean {
  if (now >= window.closesAt) return true;
  return retryDelayMs !== undefined && now + retryDelayMs > window.lastStartAt;
}
