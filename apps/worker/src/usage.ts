// Model-call accounting's side of the worker: the hourly deletion of old ModelCall rows, a thin call
// of its use case over the usage repository.
import { pruneModelCalls } from "@memebot/core";
import type { Repositories } from "@memebot/db";
import type { JobHandlers } from "@memebot/jobs";

export interface UsageHandlerOptions {
  repositories: Pick<Repositories, "usage">;
  logger: { info(obj: object, msg: string): void };
  /** The clock; Date.now unless a test moves it. */
  now?: () => Date;
}

export function createUsageHandlers(options: UsageHandlerOptions): Pick<JobHandlers, "usage.prune"> {
  const { repositories, logger } = options;
  return {
    "usage.prune": async (_payload, { signal }) => {
      const result = await pruneModelCalls(
        {
          deleteCallsBefore: (before, limit) => repositories.usage.deleteCallsBefore(before, limit),
          ...(options.now ? { now: options.now } : {}),
        },
        signal,
      );
      if (result.deleted > 0) logger.info({ ...result }, "old model calls deleted");
      return result;
    },
  };
}
