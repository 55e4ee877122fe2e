// When the bot may speak in a chat: at most one answer per cooldown per thread, across replicas.
//
// A message that arrives while the chat is cooling down is not lost. The first such message gets
// an answer scheduled for the moment the cooldown ends ("later"); messages after it, until shortly
// before that answer starts, are folded into it ("fold"): their jobs only store them in the
// thread's history, and the scheduled answer reads that history, so it answers all of them at
// once. Folding stops FOLD_MARGIN_MS before the scheduled answer starts, so every folded message
// is stored by then; a message in that last moment gets an answer of its own one cooldown later.
//
// Each author also has a limit of answered messages per window, whatever the chat: every private
// chat is a community of its own with no budget, so without it anyone could drive unlimited model
// calls. A message past the limit is "limited": kept in the history, not answered, and the first
// such message of a window tells the author so. Folded messages cost nothing (no answer of their own).
//
// One Lua script decides, on Redis's clock (replicas' clocks may differ), and also marks the
// message seen: a redelivered update is told "duplicate" and changes nothing.
import type { Redis } from "ioredis";

export type TurnDecision =
  | { kind: "now" }
  | { kind: "later"; delayMs: number }
  | { kind: "fold" }
  | { kind: "duplicate" }
  /** Past the author's limit; `tell` for the first such message of the window. */
  | { kind: "limited"; tell: boolean };

export interface ConversationTurns {
  /** `authorKey` names the author across chats, e.g. "telegram:42". */
  take(message: { key: string; threadKey: string; authorKey: string }): Promise<TurnDecision>;
  /** Forgets that the message was seen, so a redelivery is taken again (its job could not be enqueued). */
  forget(key: string): Promise<void>;
}

export interface ConversationTurnsOptions {
  redis: Redis;
  prefix: string;
  cooldownMs: number;
  /** How long a message's key is remembered against redelivery; a day, like the command gate's. */
  seenTtlMs?: number;
  /** Answered messages per author and window: 20 per 10 minutes by default. */
  authorLimit?: { count: number; windowMs: number };
}

export const DEFAULT_AUTHOR_LIMIT = { count: 20, windowMs: 10 * 60_000 } as const;

/** Folded messages must be stored before the answer they fold into reads the history. */
export const FOLD_MARGIN_MS = 1_000;

// KEYS: seen mark, next answer time, "answer scheduled" mark, the author's answered count.
// ARGV: cooldown, seen TTL, fold margin, author limit, author window.
const TAKE_TURN = `
if not redis.call("SET", KEYS[1], "1", "PX", ARGV[2], "NX") then return {"duplicate", 0} end
local time = redis.call("TIME")
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local cooldown = tonumber(ARGV[1])
local margin = tonumber(ARGV[3])
local nextAt = tonumber(redis.call("GET", KEYS[2]) or "0")
if nextAt > now and redis.call("EXISTS", KEYS[3]) == 1 then return {"fold", 0} end
-- An answer of its own: counted against its author (the window starts with the first one).
local count = redis.call("INCR", KEYS[4])
if count == 1 then redis.call("PEXPIRE", KEYS[4], ARGV[5]) end
local limit = tonumber(ARGV[4])
if count > limit then return {"limited", count == limit + 1 and 1 or 0} end
if nextAt <= now then
  redis.call("SET", KEYS[2], tostring(now + cooldown), "PX", cooldown)
  return {"now", 0}
end
local delay = nextAt - now
redis.call("SET", KEYS[2], tostring(nextAt + cooldown), "PX", delay + cooldown)
if delay > margin then redis.call("SET", KEYS[3], "1", "PX", delay - margin) end
return {"later", delay}
`;

export function createConversationTurns(options: ConversationTurnsOptions): ConversationTurns {
  const { redis, prefix, cooldownMs } = options;
  const seenTtlMs = options.seenTtlMs ?? 86_400_000;
  const authorLimit = options.authorLimit ?? DEFAULT_AUTHOR_LIMIT;
  const seenKey = (key: string) => `${prefix}:conversation:seen:${key}`;

  return {
    async take({ key, threadKey, authorKey }) {
      const [kind, value] = (await redis.eval(
        TAKE_TURN,
        4,
        seenKey(key),
        `${prefix}:conversation:next:${threadKey}`,
        `${prefix}:conversation:scheduled:${threadKey}`,
        `${prefix}:conversation:author:${authorKey}`,
        cooldownMs,
        seenTtlMs,
        FOLD_MARGIN_MS,
        authorLimit.count,
        authorLimit.windowMs,
      )) as [TurnDecision["kind"], number];
      if (kind === "later") return { kind, delayMs: Number(value) };
      if (kind === "limited") return { kind, tell: Number(value) === 1 };
      return { kind } as TurnDecision;
    },
    async forget(key) {
      await redis.del(seenKey(key));
    },
  };
}
