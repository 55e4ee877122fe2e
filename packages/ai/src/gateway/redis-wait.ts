// The gateway asks Redis two things before a request: a provider slot (limits.ts) and, with a
// budget, what the community spent today. Redis answers either in about a millisecond; one that
// stays silent longer is taken as failing, and the caller goes ahead without it rather than
// letting a black-holed Redis hold every call until its deadline.
import { untilAborted } from "../model-failure.ts";

/** How long Redis may take before it counts as failing. */
export const REDIS_WAIT_MS = 1_000;

export class RedisSilentError extends Error {
  override readonly name = "RedisSilentError";
  constructor(waitMs: number) {
    super(`Redis did not answer within ${waitMs} ms`);
  }
}

/**
 * `work`'s answer if Redis gives it within `waitMs`; otherwise rejects with RedisSilentError. Rejects
 * with the signal's reason as soon as the signal fires.
 */
export function redisAnswer<T>(work: Promise<T>, signal: AbortSignal, waitMs = REDIS_WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const silent = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisSilentError(waitMs)), waitMs);
  });
  return untilAborted(Promise.race([work, silent]), signal).finally(() => clearTimeout(timer));
}
