// The intake gate: one Redis round trip decides whether an update is a
// redelivery, whether the community is over its rate, and whether the user is
// cooling down. Redis is shared by every replica, so the limits hold across them.
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

// KEYS: 1 seen-update, 2 community window, 3 community told, 4 user cooldown, 5 user told
// ARGV: 1 dedup ttl ms, 2 community limit (0 = none), 3 window ms, 4 cooldown ms (0 = none), 5 call id
// "told" keys make a limited user hear about it once per limit, not on every message.
// The seen-update key keeps the call id and its decision: when a dropped connection loses the reply,
// ioredis sends the very same call again, and it must get the same decision, not "duplicate".
const ADMIT_SCRIPT = `
local previous = redis.call('GET', KEYS[1])
if previous then
  local id, status, ttl, first = string.match(previous, '^(%S+) (%S+) (%S+) (%S+)$')
  if id == ARGV[5] then return {status, tonumber(ttl), tonumber(first)} end
  return {'duplicate', 0, 0}
end
local function decide()
  local limit = tonumber(ARGV[2])
  if limit > 0 then
    local count = redis.call('INCR', KEYS[2])
    if count == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
    if count > limit then
      local ttl = redis.call('PTTL', KEYS[2])
      if ttl <= 0 then ttl = tonumber(ARGV[3]) end
      local first = redis.call('SET', KEYS[3], '1', 'NX', 'PX', ttl)
      return 'rate_limited', ttl, first and 1 or 0
    end
  end
  local cooldown = tonumber(ARGV[4])
  if cooldown > 0 then
    if not redis.call('SET', KEYS[4], '1', 'NX', 'PX', cooldown) then
      local ttl = redis.call('PTTL', KEYS[4])
      if ttl <= 0 then ttl = cooldown end
      local first = redis.call('SET', KEYS[5], '1', 'NX', 'PX', ttl)
      return 'cooldown', ttl, first and 1 or 0
    end
  end
  return 'admitted', 0, 0
end
local status, ttl, first = decide()
redis.call('SET', KEYS[1], ARGV[5] .. ' ' .. status .. ' ' .. ttl .. ' ' .. first, 'PX', ARGV[1])
return {status, ttl, first}
`;

export type GateDecision =
  | { status: "admitted" }
  | { status: "duplicate" }
  | { status: "rate_limited" | "cooldown"; retryAfterMs: number; notify: boolean };

export interface AdmitRequest {
  updateKey: string;
  communityKey: string;
  rateLimitPerMinute: number;
  /** Omitted for replies that are not a command run (errors, unknown commands). */
  cooldown?: { userKey: string; command: string; seconds: number };
}

export interface Gate {
  admit(request: AdmitRequest): Promise<GateDecision>;
  /** Undoes an admission whose command could not be taken on, so a redelivery is handled afresh. */
  release(request: AdmitRequest): Promise<void>;
}

const RATE_WINDOW_MS = 60_000;

export function createGate(options: { redis: Redis; prefix: string; dedupTtlMs?: number }): Gate {
  const { redis, prefix } = options;
  const dedupTtlMs = options.dedupTtlMs ?? 24 * 60 * 60 * 1000;
  // defineCommand sends the script once and then calls it by its SHA (EVALSHA).
  if (!("memebotAdmit" in redis)) redis.defineCommand("memebotAdmit", { numberOfKeys: 5, lua: ADMIT_SCRIPT });
  const admitScript = (
    redis as unknown as { memebotAdmit: (...args: (string | number)[]) => Promise<unknown> }
  ).memebotAdmit;
  const keysOf = (request: AdmitRequest) => {
    const cooldown = request.cooldown;
    const userKey = cooldown
      ? `${prefix}:cooldown:${cooldown.command}:${cooldown.userKey}`
      : `${prefix}:none`;
    return [
      `${prefix}:seen:${request.updateKey}`,
      `${prefix}:rate:${request.communityKey}`,
      `${prefix}:rate-told:${request.communityKey}`,
      userKey,
      `${userKey}:told`,
    ];
  };

  return {
    async admit(request) {
      const cooldownMs = request.cooldown ? request.cooldown.seconds * 1000 : 0;
      const reply = (await admitScript.call(
        redis,
        ...keysOf(request),
        dedupTtlMs,
        request.rateLimitPerMinute,
        RATE_WINDOW_MS,
        cooldownMs,
        // Tells this call apart from another delivery of the same update (see the script).
        randomUUID(),
      )) as [string, number, number];
      const [status, ttl, first] = reply;
      if (status === "admitted") return { status };
      if (status === "duplicate") return { status };
      if (status === "rate_limited" || status === "cooldown") {
        return { status, retryAfterMs: Number(ttl), notify: Number(first) === 1 };
      }
      throw new Error(`Unexpected gate reply: ${String(status)}`);
    },
    async release(request) {
      const [seen, , , cooldown] = keysOf(request);
      await redis.del(seen as string, ...(request.cooldown ? [cooldown as string] : []));
    },
  };
}
