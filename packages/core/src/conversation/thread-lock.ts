// One answer at a time per thread, across worker processes. Without it, a message that arrives
// while the model is still answering the one before gets its own job (after the chat's cooldown)
// that reads a history without that answer yet: it answers the earlier message a second time.
// Held while a job reads the history, asks the model and stores the answer; a job that finds it
// held waits. The lock expires on its own, so a worker that dies holding it blocks the thread
// for at most `ttlMs`.
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

export interface ThreadLocks {
  /** Waits until the thread is free (or the lock expired), takes it; call the result to let go. */
  acquire(threadKey: string, signal?: AbortSignal): Promise<() => Promise<void>>;
}

export interface ThreadLocksOptions {
  redis: Redis;
  prefix: string;
  /** How long a holder may keep the thread: two model calls and a margin, below the job's timeout. */
  ttlMs?: number;
  /** How often a waiting job looks again. */
  pollMs?: number;
  /** What the locks are for, in their Redis keys (default "conversation:answering"). */
  purpose?: string;
}

/** Deletes the lock only if it is still ours (it may have expired and been taken by another job). */
const RELEASE = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`;

export const DEFAULT_THREAD_LOCK_TTL_MS = 90_000;

export function createThreadLocks(options: ThreadLocksOptions): ThreadLocks {
  const { redis, prefix } = options;
  const ttlMs = options.ttlMs ?? DEFAULT_THREAD_LOCK_TTL_MS;
  const pollMs = options.pollMs ?? 100;
  const purpose = options.purpose ?? "conversation:answering";
  const keyOf = (threadKey: string) => `${prefix}:${purpose}:${threadKey}`;

  return {
    async acquire(threadKey, signal) {
      const key = keyOf(threadKey);
      const token = randomUUID();
      // Bounded: the holder's lock expires after ttlMs at the latest, and the job's own timeout aborts us.
      for (;;) {
        signal?.throwIfAborted();
        if ((await redis.set(key, token, "PX", ttlMs, "NX")) === "OK") break;
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
      return async () => {
        await redis.eval(RELEASE, 1, key, token);
      };
    },
  };
}
