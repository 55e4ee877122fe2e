// Exactly-once checks may count replies only when no attempt can still send another one.
// Two things bring a job back after its reply went out: an attempt that failed after sending
// is retried after its backoff, and an attempt whose worker died after sending is handed out
// again once its lock (JOB_LOCK_MS) expired and a stalled-job check (run every lock duration,
// see packages/jobs/src/worker.ts) found it. A short sleep sees neither in time.
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { vi } from "vitest";
import { REDIS_URL } from "./fake-services-env.ts";

export interface QueueSettledOptions {
  /** The QUEUE_PREFIX of the platform under test. */
  prefix: string;
  /** The worker's JOB_LOCK_MS; its stalled-job check runs this often too. */
  lockMs: number;
  /** When the last reply under test went out (Date.now() on this machine). */
  since: number;
  queue?: string;
  redisUrl?: string;
  /** Defaults to enough for the lock to expire, the next stalled check to run, and a retry to finish. */
  timeoutMs?: number;
}

/**
 * Resolves once (1) a stalled-job check has run after the lock of the attempt that answered at
 * `since` would have expired, so a job whose worker died after answering is back in the queue, and
 * (2) nothing is waiting, delayed or active on the queue, so every retry that was coming has run.
 * Both are read from BullMQ itself (the check writes its time to the queue's `stalled-check` key),
 * so the wait ends as soon as the worker's own check has passed, not after a blind sleep.
 */
export async function waitUntilQueueSettled(options: QueueSettledOptions): Promise<void> {
  const { prefix, lockMs, since } = options;
  const connection = new Redis(options.redisUrl ?? REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(options.queue ?? "commands", { connection, prefix });
  const lockExpiredBy = since + lockMs;
  let lastCheckAt = 0;
  try {
    await vi.waitFor(
      async () => {
        // The key lives one check interval, so a poll now and then finds it gone; keep the latest seen.
        const checkedAt = Number(await connection.get(queue.toKey("stalled-check")));
        if (Number.isFinite(checkedAt)) lastCheckAt = Math.max(lastCheckAt, checkedAt);
        const unfinished = await queue.getJobCounts(
          "wait",
          "paused",
          "prioritized",
          "waiting-children",
          "delayed",
          "active",
        );
        const pending = Object.entries(unfinished).filter(([, count]) => count > 0);
        if (lastCheckAt < lockExpiredBy || pending.length > 0) {
          throw new Error(
            `queue ${prefix} not settled: last stalled check ${lastCheckAt - since} ms after the reply ` +
              `(needs ${lockMs} or more); unfinished jobs ${JSON.stringify(Object.fromEntries(pending))}`,
          );
        }
      },
      { timeout: options.timeoutMs ?? 3 * lockMs + 10_000, interval: 50 },
    );
  } finally {
    await queue.close();
    await connection.quit();
  }
}
