// The wallet-link clean-up (`wallet.cleanup`, hourly): link requests long expired and attempts no
// longer needed are deleted, a bounded batch at a time, so neither table grows forever. Links
// themselves (the wallets members proved they hold) are never touched here.
import { DELETE_BATCH, DELETE_MAX_BATCHES, deleteInBatches } from "../jobs/batched-delete.ts";

const DAY_MS = 86_400_000;

/**
 * A request is kept a day past its expiry (10 minutes after it was issued): meanwhile a member who
 * opens an old link, or pastes a signature late, is told it expired rather than that it never existed.
 */
export const EXPIRED_REQUESTS_KEPT_MS = DAY_MS;

/**
 * Attempts are kept a week. The failure limit (link.ts) reads only the last WALLET_FAILURE_WINDOW_MS
 * (15 minutes), so it must stay below this; the rest is the audit trail: who tried to link which wallet, and how it failed, so an
 * admin asking about a member's trouble or a run of forged signatures days ago still has an answer.
 */
export const WALLET_ATTEMPTS_KEPT_MS = 7 * DAY_MS;

/** Rows one statement deletes (see batched-delete.ts). */
export const WALLET_CLEANUP_BATCH = DELETE_BATCH;

/** Batches of each kind one run deletes at most; a backlog goes over several hourly runs. */
export const WALLET_CLEANUP_MAX_BATCHES = DELETE_MAX_BATCHES;

export interface WalletCleanupDependencies {
  /** Deletes at most `limit` requests that expired before `before`; returns how many went. */
  deleteExpiredRequests(before: Date, limit: number): Promise<number>;
  /** Deletes at most `limit` attempts made before `before`, oldest first; returns how many went. */
  deleteAttemptsBefore(before: Date, limit: number): Promise<number>;
  /** The clock (tests move it); Date.now by default. */
  now?: () => Date;
  /** WALLET_CLEANUP_BATCH unless a test makes batches small. */
  batchSize?: number;
  /** WALLET_CLEANUP_MAX_BATCHES unless a test lowers it. */
  maxBatches?: number;
}

export interface WalletCleanupResult {
  requests: number;
  attempts: number;
  /** True when a kind hit the batch cap and left rows for the next run. */
  more: boolean;
}

/** Deletes requests expired more than a day ago and attempts older than a week. */
export async function cleanUpWalletLinks(
  deps: WalletCleanupDependencies,
  signal?: AbortSignal,
): Promise<WalletCleanupResult> {
  const now = (deps.now ?? (() => new Date()))().getTime();
  const options = {
    batchSize: deps.batchSize ?? WALLET_CLEANUP_BATCH,
    maxBatches: deps.maxBatches ?? WALLET_CLEANUP_MAX_BATCHES,
    signal,
  };
  const requestsBefore = new Date(now - EXPIRED_REQUESTS_KEPT_MS);
  const attemptsBefore = new Date(now - WALLET_ATTEMPTS_KEPT_MS);
  const requests = await deleteInBatches(
    (limit) => deps.deleteExpiredRequests(requestsBefore, limit),
    options,
  );
  const attempts = await deleteInBatches(
    (limit) => deps.deleteAttemptsBefore(attemptsBefore, limit),
    options,
  );
  return { requests: requests.deleted, attempts: attempts.deleted, more: requests.more || attempts.more };
}
