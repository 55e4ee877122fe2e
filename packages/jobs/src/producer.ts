// The bot's side of the queue: validates a payload against the job catalog and adds it
// under a deterministic id, so a redelivered platform update never becomes a second job.
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import {
  jobCatalog,
  queueNamesOf,
  type JobCatalog,
  type JobName,
  type JobPayload,
  type JobProducer,
} from "@memebot/core";
import { backoffOptions } from "./backoff.ts";
import { jobIdFor } from "./job-id.ts";

export interface QueueCounts {
  queue: string;
  /** Jobs per BullMQ state: waiting, active, delayed, failed, completed, paused, prioritized… */
  counts: Record<string, number>;
}

export interface JobQueueProducer extends JobProducer {
  /** Job counts of every catalog queue, for the metrics gauge. */
  counts(): Promise<QueueCounts[]>;
  /** Closes the queues; the Redis connection stays open (it belongs to the caller). */
  close(): Promise<void>;
}

export interface JobProducerOptions {
  /** Shared by every queue. Its `maxRetriesPerRequest` decides how long an enqueue waits out a Redis outage. */
  connection: Redis;
  /** Redis key prefix of every queue (BullMQ's `prefix`). */
  prefix: string;
  logger?: { error(object: object, message: string): void };
  /** Retry policy and payload schemas; the project's catalog unless a test tightens it. */
  catalog?: JobCatalog;
  /**
   * How many failed jobs each queue keeps for inspection (the newest; older ones go, and all go after a week).
   * DEFAULT_FAILED_JOBS_KEPT unless a test wants to see the cap at work.
   */
  failedJobsKept?: number;
}

/**
 * Failed jobs kept per queue. A week of failures alone is unbounded: a model server down for an afternoon
 * under load would otherwise fill Redis (which must run with `noeviction`) with failed jobs.
 */
export const DEFAULT_FAILED_JOBS_KEPT = 10_000;

/** Finished jobs are dropped after a day (the intake gate dedupes longer); failed ones stay a week for inspection. */
const REMOVE_ON_COMPLETE = { age: 86_400, count: 10_000 };
const FAILED_JOB_AGE_SECONDS = 7 * 86_400;

export function createJobProducer(options: JobProducerOptions): JobQueueProducer {
  const {
    connection,
    prefix,
    logger,
    catalog = jobCatalog,
    failedJobsKept = DEFAULT_FAILED_JOBS_KEPT,
  } = options;
  const removeOnFail = { age: FAILED_JOB_AGE_SECONDS, count: failedJobsKept };
  const queueNames = queueNamesOf(catalog);
  // One Queue per name for the process: creating one per enqueue would re-run its set-up each time.
  const queues = new Map<string, Queue>();

  function queueFor(name: string): Queue {
    let queue = queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection, prefix });
      // An unhandled 'error' event would crash the process; connection trouble surfaces in enqueue() anyway.
      queue.on("error", (error) => logger?.error({ err: error, queue: name }, "job queue error"));
      queues.set(name, queue);
    }
    return queue;
  }

  return {
    async enqueue<N extends JobName>(
      name: N,
      payload: JobPayload<N>,
      enqueueOptions: { jobId: string; delayMs?: number },
    ) {
      const definition = catalog[name];
      // Throws a ZodError on a bad payload: a programming error, better found here than in the worker.
      const data: unknown = definition.payload.parse(payload);
      const jobId = jobIdFor(enqueueOptions.jobId);
      const job = await queueFor(definition.queue).add(name, data, {
        jobId,
        ...(enqueueOptions.delayMs ? { delay: enqueueOptions.delayMs } : {}),
        attempts: definition.attempts,
        backoff: backoffOptions(definition.backoffMs),
        removeOnComplete: REMOVE_ON_COMPLETE,
        removeOnFail,
      });
      return { jobId: job.id ?? jobId };
    },

    async counts() {
      return Promise.all(
        queueNames.map(async (name) => ({ queue: name, counts: await queueFor(name).getJobCounts() })),
      );
    },

    async close() {
      await Promise.all([...queues.values()].map((queue) => queue.close()));
      queues.clear();
    },
  };
}
