// What commands read and change through the repositories, as the dispatcher takes it: one mapping
// for the bot and for tests that build a dispatcher the way the bot does.
// The accounting entry point, not the package's: the bot only reads the ledger and needs no model client.
import { createTokenBudgetLedger } from "@memebot/ai/accounting";
import { createPersonaStore, walletLinkSettingsOf, type DispatcherDependencies } from "@memebot/core";
import { MAX_SENTIMENT_ALERTS_PER_COMMUNITY, type Repositories } from "@memebot/db";
import type { Redis } from "ioredis";

export type RepositoryServices = Pick<
  DispatcherDependencies,
  "runs" | "personas" | "templates" | "tracking" | "alerts" | "wallets" | "digests" | "usage"
>;

export function repositoryServicesOf(
  repositories: Repositories,
  options: {
    redis: Redis;
    prefix: string;
    /** How long a community's persona is answered from memory (the store's default unless given). */
    personaCacheMs?: number;
    /** The web server's public URL (PUBLIC_URL): /wallet link's page and the signed messages' domain. */
    publicUrl?: string;
    /** True once the web server serves the wallet verification page: /wallet link then hands out links. */
    walletPage?: boolean;
  },
): RepositoryServices {
  // The same counters the workers' gateway charges: one per community and UTC day, in Redis.
  const ledger = createTokenBudgetLedger({ redis: options.redis, prefix: options.prefix });
  return {
    runs: repositories.commandRuns,
    personas: createPersonaStore({
      repository: repositories.personas,
      ...(options.personaCacheMs === undefined ? {} : { ttlMs: options.personaCacheMs }),
    }),
    // /template remove; adding and listing templates are the worker's (pictures are decoded there).
    templates: { remove: (community, name) => repositories.memeTemplates.remove(community, name) },
    // /track: tracked tokens and the community's stored chatter.
    tracking: {
      list: (community) => repositories.chatter.trackedTokens(community),
      add: (input) => repositories.chatter.trackToken(input),
      remove: (community, symbol) => repositories.chatter.untrackToken(community, symbol),
      purge: (community) => repositories.chatter.purgeCommunity(community),
    },
    // /alert: admins' alerts on chatter; the worker's sentiment.alerts job checks and posts them.
    alerts: {
      list: (community) => repositories.sentimentAlerts.list(community),
      add: (input) => repositories.sentimentAlerts.add(input),
      remove: (community, id) => repositories.sentimentAlerts.remove(community, id),
      limit: MAX_SENTIMENT_ALERTS_PER_COMMUNITY,
    },
    // /wallet: wallets linked by signed message; the web page (later) completes links through the same store.
    wallets: {
      store: repositories.wallets,
      settings: walletLinkSettingsOf(options.publicUrl, { page: options.walletPage ?? false }),
    },
    // /digest: the daily sentiment digest; the worker's sentiment.digest job posts it.
    digests: {
      find: async (community) => (await repositories.sentimentDigests.find(community)) ?? undefined,
      switchOn: (input) => repositories.sentimentDigests.switchOn(input),
      switchOff: (community, updatedBy) => repositories.sentimentDigests.switchOff(community, updatedBy),
    },
    usage: {
      summary: (community, since) => repositories.usage.summary(community, { since }),
      spentToday: (community) => ledger.spentToday(community),
    },
  };
}
