// Wallet linking's background jobs. The job catalog (../jobs/catalog.ts) takes them in as they are;
// the worker gives each its handler (apps/worker/src/wallets.ts).
import { z } from "zod";
import { defineJob } from "../jobs/job-definition.ts";

/** How often expired link requests and old attempts are deleted (cleanup.ts). */
export const WALLET_CLEANUP_EVERY_MS = 60 * 60_000;

export const walletJobs = {
  /** Deletes link requests expired over a day ago and attempts older than a week (cleanup.ts). */
  "wallet.cleanup": defineJob({
    // With the chatter purge: quick database work that neither waits behind pictures nor holds them up.
    queue: "maintenance",
    payload: z.object({ reason: z.literal("schedule") }),
    attempts: 3,
    backoffMs: 30_000,
    // At most 50 batches of 1,000 rows of each table; what is left goes at the next run.
    timeoutMs: 5 * 60_000,
    schedule: { everyMs: WALLET_CLEANUP_EVERY_MS, payload: { reason: "schedule" } },
  }),
} as const;
