// The intake gate: one Redis round trip decides whether an update is a
// redelivery, whether the member or the community is over its rate, and whether
// the member is cooling down. Redis is shared by every replica, so the limits hold
// across them.
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

// KEYS: 1 seen-update, 2 community window, 3 community told, 4 member cooldown, 5 cooldown told,
//       6 member window, 7 member told
// ARGV: 1 in-progress lease ms, 2 community limit (0 = none), 3 window ms, 4 cooldown ms (0 = none),
//       5 call id, 6 member limit (0 = none), 7 seen ttl ms
// "told" keys make a limited user hear about it once per limit, not on every message.
//
// The seen-update key keeps the call id and its decision. When a dropped connection loses the reply,
// ioredis sends the very same call again, and it must get the same decision, not "duplicate".
// An admitted update holds only a short lease ("in progress") until `complete` marks it done. Another
// delivery meanwhile waits; once the lease has run out, the delivery that held it is presumed dead (a
// bot that died between admission and enqueue) and the redelivery carries the update on, without
// being charged its limits and cooldown a second time.
const ADMIT_SCRIPT = `
local function nowMs()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
local function holdLease(id)
  redis.call('SET', KEYS[1], id .. ' admitted 0 0 ' .. (nowMs() + tonumber(ARGV[1])), 'PX', ARGV[7])
end
local previous = redis.call('GET', KEYS[1])
if previous then
  local id, status, ttl, first, lease = string.match(previous, '^(%S+) (%S+) (%S+) (%S+) ?(%S*)$')
  if id == ARGV[5] then return {status, tonumber(ttl), tonumber(first)} end
  if status ~= 'admitted' then return {'duplicate', 0, 0} end
  local left = (tonumber(lease) or 0) - nowMs()
  if left > 0 then return {'in_progress', left, 0} end
  holdLease(ARGV[5])
  return {'admitted', 0, 0}
end
local function limit(window, told, max)
  if max <= 0 then return nil end
  local count = redis.call('INCR', window)
  if count == 1 then redis.call('PEXPIRE', window, ARGV[3]) end
  if count <= max then return nil end
  local ttl = redis.call('PTTL', window)
  if ttl <= 0 then ttl = tonumber(ARGV[3]) end
  local first = redis.call('SET', told, '1', 'NX', 'PX', ttl)
  return {ttl, first and 1 or 0}
end
local function decide()
  -- The member's own limit first: a spammer over it does not use up the community's budget.
  local member = limit(KEYS[6], KEYS[7], tonumber(ARGV[6]))
  if member then return 'user_rate_limited', member[1], member[2] end
  local community = limit(KEYS[2], KEYS[3], tonumber(ARGV[2]))
  if community then return 'rate_limited', community[1], community[2] end
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
if status == 'admitted' then
  holdLease(ARGV[5])
else
  -- Nothing more to do for a limited update: its decision is final at once.
  redis.call('SET', KEYS[1], ARGV[5] .. ' ' .. status .. ' ' .. ttl .. ' ' .. first, 'PX', ARGV[7])
end
return {status, ttl, first}
`;

export type LimitStatus = "rate_limited" | "user_rate_limited" | "cooldown";

export type GateDecision =
  | { status: "admitted" }
  | { status: "duplicate" }
  | { status: LimitStatus; retryAfterMs: number; notify: boolean };

export interface AdmitRequest {
  updateKey: string;
  communityKey: string;
  rateLimitPerMinute: number;
  /** The member within the community (`platform:community:user`): limits never cross communities. */
  memberKey: string;
  /** Commands per minute for one member of the community; 0 = none. */
  memberRateLimitPerMinute: number;
  /** Omitted for replies that are not a command run (errors, unknown commands). */
  cooldown?: { command: string; seconds: number };
}

export interface Gate {
  /**
   * Admits an update once. While another delivery of it is still being handled, waits until that one
   * completes (then: duplicate) or its lease runs out (then this delivery carries the update on).
   */
  admit(request: AdmitRequest): Promise<GateDecision>;
  /** Marks an admitted update done: its job is enqueued or its reply sent. Redeliveries are duplicates now. */
  complete(request: AdmitRequest): Promise<void>;
  /** Undoes an admission whose command could not be taken on, so a redelivery is handled afresh. */
  release(request: AdmitRequest): Promise<void>;
}

export interface GateOptions {
  redis: Redis;
  prefix: string;
  /** How long an update is remembered, to drop redeliveries. */
  doneTtlMs?: number;
  /** How long an admitted update counts as being handled before a redelivery may carry it on. */
  inProgressTtlMs?: number;
  /** How often a redelivery waiting on an update in progress looks again. */
  pollMs?: number;
}

const RATE_WINDOW_MS = 60_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createGate(options: GateOptions): Gate {
  const { redis, prefix } = options;
  const doneTtlMs = options.doneTtlMs ?? 24 * 60 * 60 * 1000;
  const inProgressTtlMs = options.inProgressTtlMs ?? 15_000;
  const pollMs = options.pollMs ?? 250;
  // defineCommand sends the script once and then calls it by its SHA (EVALSHA).
  if (!("memebotAdmit" in redis)) redis.defineCommand("memebotAdmit", { numberOfKeys: 7, lua: ADMIT_SCRIPT });
  const admitScript = (
    redis as unknown as { memebotAdmit: (...args: (string | number)[]) => Promise<unknown> }
  ).memebotAdmit;
  const seenKeyOf = (request: AdmitRequest) => `${prefix}:seen:${request.updateKey}`;
  const cooldownKeyOf = (request: AdmitRequest) =>
    request.cooldown
      ? `${prefix}:cooldown:${request.cooldown.command}:${request.memberKey}`
      : `${prefix}:none`;
  const keysOf = (request: AdmitRequest) => {
    const cooldownKey = cooldownKeyOf(request);
    const memberWindow = `${prefix}:member-rate:${request.memberKey}`;
    return [
      seenKeyOf(request),
      `${prefix}:rate:${request.communityKey}`,
      `${prefix}:rate-told:${request.communityKey}`,
      cooldownKey,
      `${cooldownKey}:told`,
      memberWindow,
      `${memberWindow}:told`,
    ];
  };

  async function decideOnce(request: AdmitRequest) {
    const cooldownMs = request.cooldown ? request.cooldown.seconds * 1000 : 0;
    const reply = (await admitScript.call(
      redis,
      ...keysOf(request),
      inProgressTtlMs,
      request.rateLimitPerMinute,
      RATE_WINDOW_MS,
      cooldownMs,
      // Tells this call apart from another delivery of the same update (see the script).
      randomUUID(),
      request.memberRateLimitPerMinute,
      doneTtlMs,
    )) as [string, number, number];
    return { status: reply[0], ttl: Number(reply[1]), first: Number(reply[2]) };
  }

  return {
    async admit(request) {
      // Bounded: a lease runs out after inProgressTtlMs, and then this delivery takes the update on.
      const giveUpAt = Date.now() + inProgressTtlMs + 5 * pollMs;
      for (;;) {
        const { status, ttl, first } = await decideOnce(request);
        if (status === "admitted" || status === "duplicate") return { status };
        if (status === "rate_limited" || status === "user_rate_limited" || status === "cooldown") {
          return { status, retryAfterMs: ttl, notify: first === 1 };
        }
        if (status !== "in_progress") throw new Error(`Unexpected gate reply: ${status}`);
        if (Date.now() > giveUpAt) return { status: "duplicate" };
        await sleep(Math.max(10, Math.min(pollMs, ttl)));
      }
    },
    async complete(request) {
      await redis.set(seenKeyOf(request), "- done 0 0", "PX", doneTtlMs);
    },
    async release(request) {
      await redis.del(seenKeyOf(request), ...(request.cooldown ? [cooldownKeyOf(request)] : []));
    },
  };
}
