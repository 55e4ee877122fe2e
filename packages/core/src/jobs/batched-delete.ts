// Deleting old rows a bounded batch at a time, for the maintenance jobs (wallet.cleanup,
// usage.prune): short statements that never hold many row locks at once, and a cap per run, so a
// backlog (the first run, or after an outage) goes over several runs instead of holding a
// maintenance slot the minute's alert check needs.

/** Rows one statement deletes, unless a job says otherwise. */
export const DELETE_BATCH = 1_000;
/** Batches one run deletes at most, unless a job says otherwise. */
export const DELETE_MAX_BATCHES = 50;

export interface BatchedDelete {
  deleted: number;
  /** True when the cap was hit and rows may be left for the next run. */
  more: boolean;
}

/**
 * Calls `remove(batchSize)` until a batch deletes fewer than `batchSize` rows or `maxBatches`
 * batches have run. `remove` deletes at most its `limit` rows and says how many went.
 */
export async function deleteInBatches(
  remove: (limit: number) => Promise<number>,
  options: {
    batchSize?: number | undefined;
    maxBatches?: number | undefined;
    signal?: AbortSignal | undefined;
  } = {},
): Promise<BatchedDelete> {
  const batchSize = options.batchSize ?? DELETE_BATCH;
  const maxBatches = options.maxBatches ?? DELETE_MAX_BATCHES;
  let deleted = 0;
  for (let batch = 0; batch < maxBatches; batch += 1) {
    options.signal?.throwIfAborted();
    const count = await remove(batchSize);
    deleted += count;
    if (count < batchSize) return { deleted, more: false };
  }
  return { deleted, more: true };
}
