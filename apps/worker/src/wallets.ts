// Wallet linking's side of the worker: the hourly clean-up of expired link requests and old
// attempts, a thin call of its use case over the wallets repository.
import { cleanUpWalletLinks } from "@memebot/core";
import type { Repositories } from "@memebot/db";
import type { JobHandlers } from "@memebot/jobs";

export interface WalletHandlerOptions {
  repositories: Pick<Repositories, "wallets">;
  logger: { info(obj: object, msg: string): void };
  /** The clock; Date.now unless a test moves it. */
  now?: () => Date;
}

export function createWalletHandlers(options: WalletHandlerOptions): Pick<JobHandlers, "wallet.cleanup"> {
  const { repositories, logger } = options;
  return {
    "wallet.cleanup": async (_payload, { signal }) => {
      const result = await cleanUpWalletLinks(
        {
          deleteExpiredRequests: (before, limit) => repositories.wallets.deleteExpiredRequests(before, limit),
          deleteAttemptsBefore: (before, limit) => repositories.wallets.deleteAttemptsBefore(before, limit),
          ...(options.now ? { now: options.now } : {}),
        },
        signal,
      );
      if (result.requests + result.attempts > 0) logger.info({ ...result }, "old wallet link rows deleted");
      return result;
    },
  };
}
