// The intake gate: one Redis round trip decides whether an update is a
// redelivery, whether the member or the community is over its rate, and whether
// the member is cooling down. Redis is shared by every replica, so the limits hold
// across them.
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

// KEYS: 1 seen-update, 2 community window (a hash), 3 member cooldown, 4 cooldown told
// ARGV: 1 in-progress lease ms, 2 community limit (0 = none), 3 window ms, 4 cooldown ms (0 = none),
//       5 call id, 6 member limit (0 = none), 7 seen ttl ms, 8 member
//
// One hash per community and minute holds the counts: "#" for the community, a field per member,
// and "told" flags, which make a limited user hear about it once per window, not on every message.
// (One key per community rather than one per member: every admission then costs Redis two field
// increments, not a new key and its expiry.)
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
local function limited(status, flag)
  local ttl = redis.call('PTTL', KEYS[2])
  if ttl <= 0 then ttl = tonumber(ARGV[3]) end
  return status, ttl, redis.call('HSETNX', KEYS[2], flag, 1)
end
local function decide()
  local communityMax, memberMax = tonumber(ARGV[2]), tonumber(ARGV[6])
  if communityMax > 0 or memberMax > 0 then
    -- The member's own limit first: a spammer over it does not use up the community's budget.
    if memberMax > 0 and redis.call('HINCRBY', KEYS[2], ARGV[8], 1) > memberMax then
      return limited('user_rate_limited', 'told:' .. ARGV[8])
    end
    local all = redis.call('HINCRBY', KEYS[2], '#', 1)
    if all == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
    if communityMax > 0 and all > communityMax then return limited('rate_limited', 'told') end
  end
  local cooldown = tonumber(ARGV[4])
  if cooldown > 0 then
    if not redis.call('SET', KEYS[3], '1', 'NX', 'PX', cooldown) then
      local ttl = redis.call('PTTL', KEYS[3])
      if ttl <= 0 then ttl = cooldown end
      local first = redis.call('SET', KEYS[4], '1', 'NX', 'PX', ttl)
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

// Marks many admitted updates done in one call: ARGV[1] is the ttl; every key gets it.
const DONE_SCRIPT = `
for _, key in ipairs(KEYS) do redis.call('SET', key, '- done 0 0', 'PX', ARGV[1]) end
return #KEYS
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
  if (!("memebotAdmit" in redis)) redis.defineCommand("memebotAdmit", { numberOfKeys: 4, lua: ADMIT_SCRIPT });
  // Without numberOfKeys the first argument says how many keys follow.
  if (!("memebotDone" in redis)) redis.defineCommand("memebotDone", { lua: DONE_SCRIPT });
  const scripts = redis as unknown as Record<
    "memebotAdmit" | "memebotDone",
    (...args: (string | number)[]) => Promise<unknown>
  >;
  const admitScript = scripts.memebotAdmit;
  const markDone = createBatcher((keys: string[]) =>
    scripts.memebotDone.call(redis, keys.length, ...keys, doneTtlMs).then(() => undefined),
  );
  const seenKeyOf = (request: AdmitRequest) => `${prefix}:seen:${request.updateKey}`;
  const cooldownKeyOf = (request: AdmitRequest) =>
    request.cooldown
      ? `${prefix}:cooldown:${request.cooldown.command}:${request.memberKey}`
      : `${prefix}:none`;
  const keysOf = (request: AdmitRequest) => {
    const cooldownKey = cooldownKeyOf(request);
    return [
      seenKeyOf(request),
      `${prefix}:window:${request.communityKey}`,
      cooldownKey,
      `${cooldownKey}:told`,
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
      request.memberKey,
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
    complete(request) {
      return markDone(seenKeyOf(request));
    },
    async release(request) {
      await redis.del(seenKeyOf(request), ...(request.cooldown ? [cooldownKeyOf(request)] : []));
    },
  };
}

/**
 * Collects the keys handed in during one turn of the event loop and writes them in one call. A batch
 * of updates is enqueued together, so their done marks cost one Redis command instead of one each:
 * under a flood the bot is CPU-bound, and a command per update was a tenth of its work.
 */
function createBatcher(write: (keys: string[]) => Promise<void>): (key: string) => Promise<void> {
  let batch: { keys: string[]; written: Promise<void> } | undefined;
  return (key) => {
    if (!batch) {
      const current: { keys: string[]; written: Promise<void> } = { keys: [], written: Promise.resolve() };
      current.written = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        batch = undefined;
        return write(current.keys);
      });
      batch = current;
    }
    batch.keys.push(key);
    return batch.written;
  };
}
