// Job kinds that run on a clock (a catalog entry with `schedule`) get a BullMQ job scheduler. An
// upsert is idempotent: every worker replica registers the same schedulers at start-up, and BullMQ
// makes one job per tick (its id is the scheduler's id and the tick's time), so one replica runs it.
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { jobCatalog, type JobCatalog } from "@memebot/core";
import { backoffOptions } from "./backoff.ts";

export interface JobSchedulerOptions {
  connection: Redis;
  prefix: string;
  catalog?: JobCatalog;
}

/** A finished scheduled job is not worth keeping past a few runs; a failed one stays a week for inspection. */
const REMOVE_ON_COMPLETE = { count: 100 };
const REMOVE_ON_FAIL = { age: 7 * 86_400, count: 1_000 };

/** Registers (or updates) the scheduler of every scheduled catalog kind; returns their names. */
export async function registerJobSchedulers(options: JobSchedulerOptions): Promise<string[]> {
  const { connection, prefix, catalog = jobCatalog } = options;
  const scheduled: string[] = [];
  const queues = new Map<string, Queue>();
  try {
    for (const [name, definition] of Object.entries(catalog)) {
      const schedule: { everyMs: number; payload: unknown } | undefined =
        "schedule" in definition ? definition.schedule : undefined;
      if (!schedule) continue;
      let queue = queues.get(definition.queue);
      if (!queue) {
        queue = new Queue(definition.queue, { connection, prefix });
        queues.set(definition.queue, queue);
      }
      await queue.upsertJobScheduler(
        // The kind's name is the scheduler's id: one scheduler per kind, replaced when its clock changes.
        name,
        { every: schedule.everyMs },
        {
          name,
          data: definition.payload.parse(schedule.payload),
          opts: {
            attempts: definition.attempts,
            backoff: backoffOptions(definition.backoffMs),
            removeOnComplete: REMOVE_ON_COMPLETE,
            removeOnFail: REMOVE_ON_FAIL,
          },
        },
      );
      scheduled.push(name);
    }
  } finally {
    await Promise.all([...queues.values()].map((queue) => queue.close()));
  }
  return scheduled;
}
