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
  /**
   * How long a community's count, once read or written, is answered from memory (default 1 s).
   * Another process's spending is seen that much later at most: a budget can be overshot by about
   * a second of the community's calls, in exchange for no Redis read on most calls.
   */
  readCacheMs?: number;
}

/** A counter outlives its day by one more: long enough for a late read, short enough to clean up. */
export const LEDGER_TTL_SECONDS = 2 * 24 * 60 * 60;

const DEFAULT_READ_CACHE_MS = 1_000;

// KEYS: the counters; ARGV: their TTL (seconds), then each key's amount. Reply: each key's new count.
const ADD_SCRIPT = `
local totals = {}
for i, key in ipairs(KEYS) do
  totals[i] = redis.call('INCRBY', key, ARGV[i + 1])
  redis.call('EXPIRE', key, ARGV[1])
end
return totals
`;

type LedgerScript = (...args: (string | number)[]) => Promise<number[]>;

const DAY_MS = 86_400_000;
// Every call asks; the answer changes once a day.
let lastDay = { number: Number.NaN, text: "" };

/** The UTC day as yyyymmdd. */
export function utcDay(ms: number): string {
  const number = Math.floor(ms / DAY_MS);
  if (number !== lastDay.number) {
    lastDay = { number, text: new Date(ms).toISOString().slice(0, 10).replaceAll("-", "") };
  }
  return lastDay.text;
}

export function createTokenBudgetLedger(options: TokenBudgetLedgerOptions): TokenBudgetLedger {
  const { redis, prefix } = options;
  const now = options.now ?? Date.now;
  const readCacheMs = options.readCacheMs ?? DEFAULT_READ_CACHE_MS;
  // Today's key per community, built once (every call asks for it, twice): platform, then external id.
  let keysDay = "";
  let keys = new Map<string, Map<string, string>>();
  function keyOf(community: CallCommunity): string {
    const day = utcDay(now());
    if (day !== keysDay) {
      keysDay = day;
      keys = new Map();
    }
    let ofPlatform = keys.get(community.platform);
    if (!ofPlatform) keys.set(community.platform, (ofPlatform = new Map()));
    let key = ofPlatform.get(community.externalId);
    if (key === undefined) {
      if (ofPlatform.size >= 10_000) ofPlatform.clear();
      key = `${prefix}:tokens:${community.platform}:${community.externalId}:${day}`;
      ofPlatform.set(community.externalId, key);
    }
    return key;
  }

  // The last count seen per key (read, or returned by an increment), and when. Keys carry the day,
  // so yesterday's entries are never read again; the map is cleared when it grows large.
  const known = new Map<string, { spent: number; at: number }>();
  const remember = (key: string, spent: number) => {
    if (known.size >= 10_000) known.clear();
    known.set(key, { spent, at: now() });
  };

  // Additions made in one event-loop turn go to Redis together: one transaction for all of them.
  let pending = new Map<string, number>();
  let flushing: Promise<void> | undefined;

  // defineCommand sends the script once and then calls it by its SHA (EVALSHA).
  if (!("memebotLedgerAdd" in redis)) redis.defineCommand("memebotLedgerAdd", { lua: ADD_SCRIPT });
  const script = (redis as unknown as Record<"memebotLedgerAdd", LedgerScript>).memebotLedgerAdd;

  async function flush(batch: Map<string, number>): Promise<void> {
    const keys = [...batch.keys()];
    // One command for the whole batch (a transaction of two commands per key cost more CPU than the
    // calls it accounted for), applied at once: a counter never exists without its expiry.
    const totals = await script.call(redis, keys.length, ...keys, LEDGER_TTL_SECONDS, ...batch.values());
    keys.forEach((key, index) => remember(key, Number(totals[index])));
  }

  /** The count remembered for `key` while it is fresh, with what is still on its way to Redis. */
  const fresh = (key: string): number | undefined => {
    const seen = known.get(key);
    return seen && now() - seen.at < readCacheMs ? seen.spent + (pending.get(key) ?? 0) : undefined;
  };

  return {
    peek: (community) => fresh(keyOf(community)),

    async spentToday(community) {
      const key = keyOf(community);
      const remembered = fresh(key);
      if (remembered !== undefined) return remembered;
      const spent = await redis.get(key);
      remember(key, spent === null ? 0 : Number(spent));
      return (known.get(key)?.spent ?? 0) + (pending.get(key) ?? 0);
    },

    add(community, tokens) {
      const amount = Number.isFinite(tokens) ? Math.max(0, Math.round(tokens)) : 0;
      if (amount === 0) return Promise.resolve();
      const key = keyOf(community);
      pending.set(key, (pending.get(key) ?? 0) + amount);
      flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        const batch = pending;
        pending = new Map();
        flushing = undefined;
        return flush(batch);
      });
      return flushing;
    },
  };
}
