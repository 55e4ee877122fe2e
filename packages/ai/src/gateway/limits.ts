// Per-provider limits shared by every process through Redis: requests in flight at once (a lease
// per request, so a crashed process cannot hold a slot past its lease), requests started per
// minute, and the pause a provider asked for with a 429's retry-after.
//
// Taking a slot checks all three and takes it in one script call; giving it back (and storing a
// retry-after) is one script call too. What a process asks in one turn of the event loop goes
// to Redis together, as one call of the same script (releases are applied first, so their slots
// are there for the acquires): under load, that is one Redis call for dozens of requests.
//
// Keys, under `<prefix>:gateway:<provider>:`
//   leases          ZSET of lease ids scored by their expiry (ms, Redis's clock)
//   rpm:<minute>    requests started in that minute (a fixed window; expires after two)
//   retry-after     present while the provider asked us to wait; its TTL is the wait
// The minute's key is built inside the script from Redis's clock, so the script assumes one
// Redis (not a Cluster, where every key must be declared up front).
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { REDIS_WAIT_MS, RedisSilentError } from "./redis-wait.ts";

export type SlotRefusal = "concurrency" | "rpm" | "retry_after";

export type SlotDecision =
  | { granted: true; leaseId: string }
  /** waitMs: when the refusal ends at the latest (for concurrency: when the oldest lease expires). */
  | { granted: false; why: SlotRefusal; waitMs: number };

export interface ProviderLimit {
  name: string;
  maxConcurrent: number;
  /** undefined: no per-minute limit. */
  requestsPerMinute: number | undefined;
}

export interface ProviderLimits {
  acquire(provider: ProviderLimit, leaseTtlMs: number): Promise<SlotDecision>;
  /** Frees the slot; with retryAfterMs, the provider takes no new request (from any process) until then. */
  release(provider: ProviderLimit, leaseId: string, retryAfterMs?: number): Promise<void>;
}

// KEYS: for each provider in the batch, its leases, rpm and retry-after keys.
// ARGV: the number of providers P; for each, its max concurrent and requests per minute (0: none);
// then per operation: its kind ("acquire" or "release"), its provider's number (1..P), lease id,
// and lease TTL or pause (ms).
// Reply: per operation, {code, wait ms}: code 0 granted (or released), 1 concurrency, 2 rpm, 3 retry-after.
// Redis's own clock, so every process agrees on when a lease expires and which minute it is.
const SLOTS_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local providers = tonumber(ARGV[1])
local first = 2 + providers * 2
local count = (#ARGV - first + 1) / 4
local reply = {}
for i = 0, count - 1 do
  local a = first + i * 4
  if ARGV[a] == 'release' then
    local k = (tonumber(ARGV[a + 1]) - 1) * 3
    redis.call('ZREM', KEYS[k + 1], ARGV[a + 2])
    local pause = tonumber(ARGV[a + 3])
    if pause > 0 and redis.call('PTTL', KEYS[k + 3]) < pause then
      redis.call('SET', KEYS[k + 3], '1', 'PX', pause)
    end
  end
end
for i = 0, count - 1 do
  local a = first + i * 4
  local code, wait = 0, 0
  if ARGV[a] == 'acquire' then
    local p = tonumber(ARGV[a + 1])
    local k = (p - 1) * 3
    local leases, counter, pauseKey = KEYS[k + 1], KEYS[k + 2], KEYS[k + 3]
    local ttl, max, rpm = tonumber(ARGV[a + 3]), tonumber(ARGV[p * 2]), tonumber(ARGV[p * 2 + 1])
    local pause = redis.call('PTTL', pauseKey)
    redis.call('ZREMRANGEBYSCORE', leases, '-inf', now)
    if pause > 0 then
      code, wait = 3, pause
    elseif redis.call('ZCARD', leases) >= max then
      local oldest = redis.call('ZRANGE', leases, 0, 0, 'WITHSCORES')
      code, wait = 1, math.max(1, tonumber(oldest[2] or now + 1000) - now)
    else
      local minute = math.floor(now / 60000)
      local minuteKey = counter .. ':' .. minute
      if rpm > 0 and tonumber(redis.call('GET', minuteKey) or '0') >= rpm then
        code, wait = 2, math.max(1, (minute + 1) * 60000 - now)
      else
        if rpm > 0 then
          redis.call('INCR', minuteKey)
          redis.call('PEXPIRE', minuteKey, 120000)
        end
        redis.call('ZADD', leases, now + ttl, ARGV[a + 2])
        -- The set lives as long as its longest lease, so an idle provider leaves nothing behind.
        if redis.call('PTTL', leases) < ttl then redis.call('PEXPIRE', leases, ttl) end
      end
    end
  end
  reply[#reply + 1] = code
  reply[#reply + 1] = wait
end
return reply
`;

/** The script's reply codes, by number. */
const REFUSAL_OF_CODE: readonly (SlotRefusal | undefined)[] = [
  undefined,
  "concurrency",
  "rpm",
  "retry_after",
];

interface Operation {
  kind: "acquire" | "release";
  provider: ProviderLimit;
  leaseId: string;
  /** acquire: the lease's TTL; release: the pause to store (0: none). */
  ms: number;
  /** The script's code (0: granted or released) and wait. */
  settle(code: number, waitMs: number): void;
  fail(error: unknown): void;
}

type Script = (...args: (string | number)[]) => Promise<unknown>;

/**
 * `silentAfterMs`: a batch Redis has not answered by then fails with RedisSilentError (one timer per
 * batch rather than one per call), so a black-holed Redis cannot hold calls until their deadline.
 */
export function createProviderLimits(
  redis: Redis,
  prefix: string,
  silentAfterMs = REDIS_WAIT_MS,
): ProviderLimits {
  // defineCommand sends the script once and then calls it by its SHA (EVALSHA). Without
  // numberOfKeys, the first argument says how many keys follow.
  if (!("memebotGatewaySlots" in redis)) redis.defineCommand("memebotGatewaySlots", { lua: SLOTS_SCRIPT });
  const script = (redis as unknown as Record<"memebotGatewaySlots", Script>).memebotGatewaySlots;
  // Each provider's three keys, built once.
  const keysOf = new Map<string, readonly string[]>();
  const providerKeys = (provider: ProviderLimit) => {
    let keys = keysOf.get(provider.name);
    if (!keys) {
      const base = `${prefix}:gateway:${provider.name}:`;
      keysOf.set(provider.name, (keys = [`${base}leases`, `${base}rpm`, `${base}retry-after`]));
    }
    return keys;
  };
  // Lease ids: this process's random part and a counter (unique without a UUID per request).
  const leaseIdPrefix = `${randomBytes(12).toString("base64url")}:`;
  let leaseCount = 0;
  let queued: Operation[] = [];

  function enqueue(operation: Operation) {
    queued.push(operation);
    // Once this turn of the event loop has handled all its I/O: under load, the answers of many
    // requests arrive in one turn, and their releases and the next calls' acquires share one call.
    if (queued.length === 1) setImmediate(flush);
  }

  function flush() {
    const batch = queued;
    queued = [];
    // The batch's providers (usually one or two), each named once: keys and limits.
    const numbers = new Map<string, number>();
    const keys: string[] = [];
    const limits: number[] = [];
    const operations: (string | number)[] = [];
    for (const { kind, provider, leaseId, ms } of batch) {
      let number = numbers.get(provider.name);
      if (number === undefined) {
        number = numbers.size + 1;
        numbers.set(provider.name, number);
        keys.push(...providerKeys(provider));
        limits.push(provider.maxConcurrent, provider.requestsPerMinute ?? 0);
      }
      operations.push(kind, number, leaseId, Math.max(0, Math.ceil(ms)));
    }
    let answered = false;
    const silence = setTimeout(() => {
      answered = true;
      const error = new RedisSilentError(silentAfterMs);
      for (const operation of batch) operation.fail(error);
    }, silentAfterMs);
    silence.unref();
    script.call(redis, keys.length, ...keys, numbers.size, ...limits, ...operations).then(
      (reply) => {
        clearTimeout(silence);
        if (answered) return;
        answered = true;
        const values = reply as number[];
        for (let i = 0; i < batch.length; i += 1)
          batch[i]?.settle(values[i * 2] ?? 0, values[i * 2 + 1] ?? 0);
      },
      (error: unknown) => {
        clearTimeout(silence);
        if (answered) return;
        answered = true;
        for (const operation of batch) operation.fail(error);
      },
    );
  }

  return {
    acquire(provider, leaseTtlMs) {
      leaseCount += 1;
      const leaseId = leaseIdPrefix + leaseCount.toString(36);
      return new Promise((resolve, reject) => {
        enqueue({
          kind: "acquire",
          provider,
          leaseId,
          ms: Math.max(1, leaseTtlMs),
          settle(code, waitMs) {
            const why = REFUSAL_OF_CODE[code];
            resolve(why === undefined ? { granted: true, leaseId } : { granted: false, why, waitMs });
          },
          fail: reject,
        });
      });
    },
    release(provider, leaseId, retryAfterMs = 0) {
      return new Promise((resolve, reject) => {
        enqueue({
          kind: "release",
          provider,
          leaseId,
          ms: retryAfterMs,
          settle() {
            resolve();
          },
          fail: reject,
        });
      });
    },
  };
}
