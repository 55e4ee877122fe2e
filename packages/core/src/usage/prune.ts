// The model-call accounting's clean-up (`usage.prune`, hourly): ModelCall rows older than
// MODEL_CALLS_KEPT_MS are deleted, a bounded batch at a time, so the table does not grow forever.
import { deleteInBatches, type BatchedDelete } from "../jobs/batched-delete.ts";

const DAY_MS = 86_400_000;

/**
 * Rows are kept 90 days: /usage reads the last 30, and the rest leaves an operator a quarter of
 * history to look back on (a provider's outage, a community's spending) before it goes.
 */
export const MODEL_CALLS_KEPT_MS = 90 * DAY_MS;

export interface ModelCallPruneDependencies {
  /** Deletes at most `limit` calls made before `before`, oldest first; returns how many went. */
  deleteCallsBefore(before: Date, limit: number): Promise<number>;
  /** The clock (tests move it); Date.now by default. */
  now?: () => Date;
  /** Batch size and cap of batches per run, unless a test makes them small (batched-delete.ts). */
  batchSize?: number;
  maxBatches?: number;
}

/** Deletes model calls older than MODEL_CALLS_KEPT_MS. */
export function pruneModelCalls(
  deps: ModelCallPruneDependencies,
  signal?: AbortSignal,
): Promise<BatchedDelete> {
  const before = new Date((deps.now ?? (() => new Date()))().getTime() - MODEL_CALLS_KEPT_MS);
  return deleteInBatches((limit) => deps.deleteCallsBefore(before, limit), {
    batchSize: deps.batchSize,
    maxBatches: deps.maxBatches,
    signal,
  });
}
