// Per-provider limits shared by every process through Redis: requests in flight at once (a lease
// per request, so a crashed process cannot hold a slot past its lease), requests started per
// minute, and the pause a provider asked for with a 429's retry-after. One script call takes a
// slot (checking all three), one gives it back (and stores a retry-after when there is one).
//
// Keys, under `<prefix>:gateway:<provider>:`
//   leases          ZSET of lease ids scored by their expiry (ms, Redis's clock)
//   rpm:<minute>    requests started in that minute (a fixed window; expires after two)
//   retry-after     present while the provider asked us to wait; its TTL is the wait
// The minute's key is built inside the script from Redis's clock, so the scripts assume one
// Redis (not a Cluster, where every key must be declared up front).
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

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

// Redis's own clock, so every process agrees on when a lease expires and which minute it is.
const ACQUIRE_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local pause = redis.call('PTTL', KEYS[3])
if pause > 0 then return {0, 'retry_after', pause} end
local ttl = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, 'concurrency', math.max(1, tonumber(oldest[2]) - now)}
end
local rpm = tonumber(ARGV[4])
if rpm > 0 then
  local minute = math.floor(now / 60000)
  local counter = KEYS[2] .. ':' .. minute
  if tonumber(redis.call('GET', counter) or '0') >= rpm then
    return {0, 'rpm', math.max(1, (minute + 1) * 60000 - now)}
  end
  redis.call('INCR', counter)
  redis.call('PEXPIRE', counter, 120000)
end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
-- The set lives as long as its longest lease, so an idle provider leaves nothing behind.
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return {1, 'granted', 0}
`;

const RELEASE_SCRIPT = `
redis.call('ZREM', KEYS[1], ARGV[1])
local pause = tonumber(ARGV[2])
if pause > 0 and redis.call('PTTL', KEYS[2]) < pause then
  redis.call('SET', KEYS[2], '1', 'PX', pause)
end
return 1
`;

type Script = (...args: (string | number)[]) => Promise<unknown>;

export function createProviderLimits(redis: Redis, prefix: string): ProviderLimits {
  // defineCommand sends each script once and then calls it by its SHA (EVALSHA).
  if (!("memebotGatewayAcquire" in redis)) {
    redis.defineCommand("memebotGatewayAcquire", { numberOfKeys: 3, lua: ACQUIRE_SCRIPT });
  }
  if (!("memebotGatewayRelease" in redis)) {
    redis.defineCommand("memebotGatewayRelease", { numberOfKeys: 2, lua: RELEASE_SCRIPT });
  }
  const scripts = redis as unknown as Record<"memebotGatewayAcquire" | "memebotGatewayRelease", Script>;
  const keyOf = (provider: ProviderLimit, name: string) => `${prefix}:gateway:${provider.name}:${name}`;

  return {
    async acquire(provider, leaseTtlMs) {
      const leaseId = randomUUID();
      const [granted, why, waitMs] = (await scripts.memebotGatewayAcquire.call(
        redis,
        keyOf(provider, "leases"),
        keyOf(provider, "rpm"),
        keyOf(provider, "retry-after"),
        leaseId,
        Math.max(1, Math.ceil(leaseTtlMs)),
        provider.maxConcurrent,
        provider.requestsPerMinute ?? 0,
      )) as [number, SlotRefusal, number];
      return granted === 1 ? { granted: true, leaseId } : { granted: false, why, waitMs: Number(waitMs) };
    },
    async release(provider, leaseId, retryAfterMs = 0) {
      await scripts.memebotGatewayRelease.call(
        redis,
        keyOf(provider, "leases"),
        keyOf(provider, "retry-after"),
        leaseId,
        Math.max(0, Math.ceil(retryAfterMs)),
      );
    },
  };
}
