// Chatter sentiment's side of the worker: the handler of each sentiment job, each a thin call of its
// use case over the chatter repository.
import { purgeOldChatter, type SettingsModel } from "@memebot/core";
import type { Repositories } from "@memebot/db";
import type { JobHandlers } from "@memebot/jobs";

export interface SentimentOptions {
  repositories: Pick<Repositories, "chatter">;
  /** Reads each community's retention from its stored settings. */
  settingsModel: Pick<SettingsModel, "parse">;
  logger: { info(obj: object, msg: string): void };
}

type SentimentJob = "sentiment.purge";

export function createSentimentHandlers(options: SentimentOptions): Pick<JobHandlers, SentimentJob> {
  const { repositories, settingsModel, logger } = options;
  return {
    "sentiment.purge": async (_payload, { signal }) => {
      const deleted = await purgeOldChatter(
        {
          settingsModel,
          communitiesWithChatter: () => repositories.chatter.communitiesWithChatter(),
          deleteOlderThan: (community, before) => repositories.chatter.deleteOlderThan(community, before),
        },
        signal,
      );
      if (deleted > 0) logger.info({ deleted }, "chatter past its retention deleted");
      return { deleted };
    },
  };
}
