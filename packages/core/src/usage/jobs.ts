// The model-call accounting's background job. The job catalog (../jobs/catalog.ts) takes it in as
// it is; the worker gives it its handler (apps/worker/src/usage.ts).
import { z } from "zod";
import { defineJob } from "../jobs/job-definition.ts";

/** How often old model calls are deleted (prune.ts). */
export const USAGE_PRUNE_EVERY_MS = 60 * 60_000;

export const usageJobs = {
  /** Deletes ModelCall rows older than 90 days (prune.ts). */
  "usage.prune": defineJob({
    // With the other clean-ups: quick database work that neither waits behind pictures nor holds them up.
    queue: "maintenance",
    payload: z.object({ reason: z.literal("schedule") }),
    attempts: 3,
    backoffMs: 30_000,
    // At most 50 batches of 1,000 rows; what is left goes at the next run.
    timeoutMs: 5 * 60_000,
    schedule: { everyMs: USAGE_PRUNE_EVERY_MS, payload: { reason: "schedule" } },
  }),
} as const;
