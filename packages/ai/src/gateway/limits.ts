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
import { randomUUID } from "node:crypto";
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

// KEYS: per operation, its provider's leases, rpm and retry-after keys.
// ARGV: per operation, its kind ("acquire" or "release"), lease id, lease TTL or pause (ms),
// max concurrent, requests per minute (0: none).
// Reply: per operation, {granted (1/0), why, wait ms}; releases answer {1, "released", 0}.
// Redis's own clock, so every process agrees on when a lease expires and which minute it is.
const SLOTS_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local count = #ARGV / 5
local reply = {}
for i = 0, count - 1 do
  local a, k = i * 5, i * 3
  if ARGV[a + 1] == 'release' then
    redis.call('ZREM', KEYS[k + 1], ARGV[a + 2])
    local pause = tonumber(ARGV[a + 3])
    if pause > 0 and redis.call('PTTL', KEYS[k + 3]) < pause then
      redis.call('SET', KEYS[k + 3], '1', 'PX', pause)
    end
  end
end
for i = 0, count - 1 do
  local a, k = i * 5, i * 3
  local leases, counter, pauseKey = KEYS[k + 1], KEYS[k + 2], KEYS[k + 3]
  local granted, why, wait = 1, 'released', 0
  if ARGV[a + 1] == 'acquire' then
    local ttl, max, rpm = tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4]), tonumber(ARGV[a + 5])
    local pause = redis.call('PTTL', pauseKey)
    redis.call('ZREMRANGEBYSCORE', leases, '-inf', now)
    if pause > 0 then
      granted, why, wait = 0, 'retry_after', pause
    elseif redis.call('ZCARD', leases) >= max then
      local oldest = redis.call('ZRANGE', leases, 0, 0, 'WITHSCORES')
      granted, why, wait = 0, 'concurrency', math.max(1, tonumber(oldest[2] or now + 1000) - now)
    else
      local minute = math.floor(now / 60000)
      local minuteKey = counter .. ':' .. minute
      if rpm > 0 and tonumber(redis.call('GET', minuteKey) or '0') >= rpm then
        granted, why, wait = 0, 'rpm', math.max(1, (minute + 1) * 60000 - now)
      else
        if rpm > 0 then
          redis.call('INCR', minuteKey)
          redis.call('PEXPIRE', minuteKey, 120000)
        end
        redis.call('ZADD', leases, now + ttl, ARGV[a + 2])
        -- The set lives as long as its longest lease, so an idle provider leaves nothing behind.
        if redis.call('PTTL', leases) < ttl then redis.call('PEXPIRE', leases, ttl) end
        why = 'granted'
      end
    end
  end
  reply[#reply + 1] = granted
  reply[#reply + 1] = why
  reply[#reply + 1] = wait
end
return reply
`;

interface Operation {
  kind: "acquire" | "release";
  provider: ProviderLimit;
  leaseId: string;
  /** acquire: the lease's TTL; release: the pause to store (0: none). */
  ms: number;
  settle(reply: [number, SlotRefusal | "granted" | "released", number]): void;
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
  const keyOf = (provider: ProviderLimit, name: string) => `${prefix}:gateway:${provider.name}:${name}`;
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
    const keys: string[] = [];
    const args: (string | number)[] = [];
    for (const { kind, provider, leaseId, ms } of batch) {
      keys.push(keyOf(provider, "leases"), keyOf(provider, "rpm"), keyOf(provider, "retry-after"));
      args.push(
        kind,
        leaseId,
        Math.max(0, Math.ceil(ms)),
        provider.maxConcurrent,
        provider.requestsPerMinute ?? 0,
      );
    }
    let answered = false;
    const silence = setTimeout(() => {
      answered = true;
      const error = new RedisSilentError(silentAfterMs);
      for (const operation of batch) operation.fail(error);
    }, silentAfterMs);
    silence.unref();
    script.call(redis, keys.length, ...keys, ...args).then(
      (reply) => {
        clearTimeout(silence);
        if (answered) return;
        answered = true;
        const values = reply as (number | string)[];
        batch.forEach((operation, i) =>
          operation.settle([
            Number(values[i * 3]),
            values[i * 3 + 1] as SlotRefusal | "granted" | "released",
            Number(values[i * 3 + 2]),
          ]),
        );
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
      const leaseId = randomUUID();
      return new Promise((resolve, reject) => {
        enqueue({
          kind: "acquire",
          provider,
          leaseId,
          ms: Math.max(1, leaseTtlMs),
          settle: ([granted, why, waitMs]) =>
            resolve(
              granted === 1
                ? { granted: true, leaseId }
                : { granted: false, why: why as SlotRefusal, waitMs },
            ),
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
          settle: () => resolve(),
          fail: reject,
        });
      });
    },
  };
}
