// Members' words are kept only while a prompt may still read them: history older than the prompt's
// window (plus a margin) is deleted, by whichever worker answers a conversation, at most once an
// hour per process. One DELETE on the createdAt index; no scheduler to run or forget.
import { HISTORY_MAX_AGE_MS } from "./history.ts";

export interface HistoryPrunerOptions {
  /** Deletes every message created before `before`; resolves with how many went. */
  deleteOlderThan: (before: Date) => Promise<number>;
  /** How often one process prunes at most (default 1 h). */
  everyMs?: number;
  /** How much history is kept (default the prompt's window plus 1 h). */
  keepMs?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
}

export const PRUNE_EVERY_MS = 3_600_000;
export const HISTORY_KEPT_MS = HISTORY_MAX_AGE_MS + 3_600_000;

/** Returns `prune()`: deletes old history when the last pruning is `everyMs` ago, else does nothing. */
export function createHistoryPruner(options: HistoryPrunerOptions): () => Promise<number> {
  const everyMs = options.everyMs ?? PRUNE_EVERY_MS;
  const keepMs = options.keepMs ?? HISTORY_KEPT_MS;
  const now = options.now ?? Date.now;
  let lastPrunedAt = Number.NEGATIVE_INFINITY;
  return async () => {
    const at = now();
    if (at - lastPrunedAt < everyMs) return 0;
    lastPrunedAt = at;
    try {
      return await options.deleteOlderThan(new Date(at - keepMs));
    } catch (error) {
      // Tried again at the next interval; answering never depends on it.
      options.onError?.(error);
      return 0;
    }
  };
}
