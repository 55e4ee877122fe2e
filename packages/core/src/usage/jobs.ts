// The model-call accounting's background job. The job catalog (../jobs/catalog.ts) takes it in as
// it is; the worker gives it its handler (apps/worker/src/usage.ts).
import { defineCleanupJob } from "../jobs/job-definition.ts";

/** How often old model calls are deleted (prune.ts). */
export const USAGE_PRUNE_EVERY_MS = 60 * 60_000;

export const usageJobs = {
  /** Deletes ModelCall rows older than 90 days (prune.ts). */
  "usage.prune": defineCleanupJob(USAGE_PRUNE_EVERY_MS),
} as const;
