// Wallet linking's background jobs. The job catalog (../jobs/catalog.ts) takes them in as they are;
// the worker gives each its handler (apps/worker/src/wallets.ts).
import { defineCleanupJob } from "../jobs/job-definition.ts";

/** How often expired link requests and old attempts are deleted (cleanup.ts). */
export const WALLET_CLEANUP_EVERY_MS = 60 * 60_000;

export const walletJobs = {
  /** Deletes link requests expired over a day ago and attempts older than a week (cleanup.ts). */
  "wallet.cleanup": defineCleanupJob(WALLET_CLEANUP_EVERY_MS),
} as const;
