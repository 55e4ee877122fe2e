// The daily token budget's ledger, in Redis so every bot and worker process charges the same count.
// One counter per community and UTC day: the day is in the key, so a new day starts at zero without
// anything resetting it, and a counter expires two days after its last charge (yesterday's stays
// readable for a while; older ones clean themselves up).
import type { Redis } from "ioredis";
import type { CallCommunity, TokenBudgetLedger } from "../gateway/types.ts";

export interface TokenBudgetLedgerOptions {
  redis: Redis;
  /** The deployment's key prefix (QUEUE_PREFIX), shared with the queues and the gate. */
  prefix: string;
  /** The clock, in ms since the epoch; tests move it across midnight. */
  now?: () => number;
}

/** A counter outlives its day by one more: long enough for a late read, short enough to clean up. */
export const LEDGER_TTL_SECONDS = 2 * 24 * 60 * 60;

/** The UTC day as yyyymmdd. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replaceAll("-", "");
}

export function createTokenBudgetLedger(options: TokenBudgetLedgerOptions): TokenBudgetLedger {
  const { redis, prefix } = options;
  const now = options.now ?? Date.now;
  const keyOf = (community: CallCommunity) =>
    `${prefix}:tokens:${community.platform}:${community.externalId}:${utcDay(now())}`;

  return {
    async spentToday(community) {
      const spent = await redis.get(keyOf(community));
      return spent === null ? 0 : Number(spent);
    },

    async add(community, tokens) {
      const amount = Number.isFinite(tokens) ? Math.max(0, Math.round(tokens)) : 0;
      if (amount === 0) return;
      const key = keyOf(community);
      // One round trip, applied together: a counter never exists without its expiry.
      const results = await redis.multi().incrby(key, amount).expire(key, LEDGER_TTL_SECONDS).exec();
      const failed = results?.find(([error]) => error !== null);
      if (results === null || failed) {
        throw failed?.[0] ?? new Error("Redis discarded the token ledger's transaction");
      }
    },
  };
}
