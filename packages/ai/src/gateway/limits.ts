// Per-provider limits shared by every process through Redis: requests in flight at once (a lease
// per request, so a crashed process cannot hold a slot past its lease), requests started per
// minute, and the pause a provider asked for with a 429's retry-after.
//
// Taking a slot checks all three and takes it in one script call; giving it back (and storing a
// retry-after) is one script call too. What a process asks in one turn of the event loop goes
// to Redis together, as one call of the same script (releases are applied first, so their slots
// are there for the acquires): under load, that is one Redis call for dozens of requests.
//
// Granted at once: every answer of the script also says where each provider of the batch stands
// (leases held, requests started this minute, pause). While that word is fresh (VIEW_FRESH_MS) and
// shows the provider at most half full, an acquire does not wait for Redis's answer: it is granted
// when its batch goes to Redis, and the script records its lease unconditionally ("forced"), so
// the shared counts stay true and other processes see it. The Redis round trip then runs beside
// the request instead of before it, and the turn's requests still go out together.
// The price is a bounded overshoot. A process holds at most atOnceAllowance(limit) leases granted
// at once that Redis has not acknowledged yet (1/16 of the limit, at most MAX_AT_ONCE), and grants
// nothing at once while its latest answer shows the provider over half full or paused. A lease
// past a limit can only be a forced one, decided on an answer from before the provider went over,
// so each process adds at most its allowance: with P processes, at most
// maxConcurrent + P × atOnceAllowance(maxConcurrent) requests in flight, and likewise per minute.
// An overdraft corrects itself: the answer that shows it stops the grants at once. Limits under
// 16 get no allowance, so they stay exact.
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
  /**
   * A slot: granted when the turn's batch goes to Redis if this process's latest answer from Redis
   * shows the provider far from its limits (see "Granted at once" above), else when Redis answers.
   */
  acquire(provider: ProviderLimit, leaseTtlMs: number): Promise<SlotDecision>;
  /** Frees the slot; with retryAfterMs, the provider takes no new request (from any process) until then. */
  release(provider: ProviderLimit, leaseId: string, retryAfterMs?: number): Promise<void>;
}

/** The share of a limit a process may take at once, unacknowledged by Redis, and its ceiling. */
export const AT_ONCE_SHARE = 1 / 16;
export const MAX_AT_ONCE = 32;
/** How long an answer from Redis is trusted for granting at once. */
const VIEW_FRESH_MS = 1_000;

/** How many leases a process may hold unacknowledged under `limit` (0: every lease asks Redis first). */
export const atOnceAllowance = (limit: number) => Math.min(MAX_AT_ONCE, Math.floor(limit * AT_ONCE_SHARE));

// KEYS: for each provider in the batch, its leases, rpm and retry-after keys.
// ARGV: the number of providers P; for each, its max concurrent and requests per minute (0: none);
// then per operation: its kind ("acquire" or "release"), its provider's number (1..P), lease id,
// lease TTL or pause (ms), and for an acquire whether it is forced (1: the request already went,
// record it whatever the limits; 0: check them).
// Reply: per operation, {code, wait ms}: code 0 granted (or released), 1 concurrency, 2 rpm, 3 retry-after;
// then per provider, where it stands after the batch: {leases held, requests this minute, pause ms}.
// Redis's own clock, so every process agrees on when a lease expires and which minute it is.
// The first pass applies releases and forced acquires (already granted: no check); the second
// checks the other acquires against what is left.
const SLOTS_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local minute = math.floor(now / 60000)
local providers = tonumber(ARGV[1])
local first = 2 + providers * 2
local count = (#ARGV - first + 1) / 5
local reply = {}
local function take(k, rpm, ttl, id)
  if rpm > 0 then
    local minuteKey = KEYS[k + 2] .. ':' .. minute
    redis.call('INCR', minuteKey)
    redis.call('PEXPIRE', minuteKey, 120000)
  end
  redis.call('ZADD', KEYS[k + 1], now + ttl, id)
  -- The set lives as long as its longest lease, so an idle provider leaves nothing behind.
  if redis.call('PTTL', KEYS[k + 1]) < ttl then redis.call('PEXPIRE', KEYS[k + 1], ttl) end
end
for i = 0, count - 1 do
  local a = first + i * 5
  local p = tonumber(ARGV[a + 1])
  local k = (p - 1) * 3
  if ARGV[a] == 'release' then
    redis.call('ZREM', KEYS[k + 1], ARGV[a + 2])
    local pause = tonumber(ARGV[a + 3])
    if pause > 0 and redis.call('PTTL', KEYS[k + 3]) < pause then
      redis.call('SET', KEYS[k + 3], '1', 'PX', pause)
    end
  elseif ARGV[a + 4] == '1' then
    take(k, tonumber(ARGV[p * 2 + 1]), tonumber(ARGV[a + 3]), ARGV[a + 2])
  end
end
for p = 1, providers do
  redis.call('ZREMRANGEBYSCORE', KEYS[(p - 1) * 3 + 1], '-inf', now)
end
for i = 0, count - 1 do
  local a = first + i * 5
  local code, wait = 0, 0
  if ARGV[a] == 'acquire' and ARGV[a + 4] ~= '1' then
    local p = tonumber(ARGV[a + 1])
    local k = (p - 1) * 3
    local leases, counter, pauseKey = KEYS[k + 1], KEYS[k + 2], KEYS[k + 3]
    local max, rpm = tonumber(ARGV[p * 2]), tonumber(ARGV[p * 2 + 1])
    local pause = redis.call('PTTL', pauseKey)
    if pause > 0 then
      code, wait = 3, pause
    elseif redis.call('ZCARD', leases) >= max then
      local oldest = redis.call('ZRANGE', leases, 0, 0, 'WITHSCORES')
      code, wait = 1, math.max(1, tonumber(oldest[2] or now + 1000) - now)
    elseif rpm > 0 and tonumber(redis.call('GET', counter .. ':' .. minute) or '0') >= rpm then
      code, wait = 2, math.max(1, (minute + 1) * 60000 - now)
    else
      take(k, rpm, tonumber(ARGV[a + 3]), ARGV[a + 2])
    end
  end
  reply[#reply + 1] = code
  reply[#reply + 1] = wait
end
for p = 1, providers do
  local k = (p - 1) * 3
  reply[#reply + 1] = redis.call('ZCARD', KEYS[k + 1])
  local started = 0
  if tonumber(ARGV[p * 2 + 1]) > 0 then
    started = tonumber(redis.call('GET', KEYS[k + 2] .. ':' .. minute) or '0')
  end
  reply[#reply + 1] = started
  reply[#reply + 1] = math.max(0, redis.call('PTTL', KEYS[k + 3]))
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
  /** An acquire granted at once (when its batch went): Redis records it whatever the limits. */
  forced: boolean;
  /** For a forced acquire: the view that counts it as unacknowledged until Redis answers. */
  countedIn?: View | undefined;
  /** The script's code (0: granted or released) and wait. */
  settle(code: number, waitMs: number): void;
  fail(error: unknown): void;
}

/** Where a provider stood in this process's latest answer from Redis, and what it took at once since. */
interface View {
  leases: number;
  /** Requests started in Redis's current minute (0 when the provider has no per-minute limit). */
  started: number;
  /** performance.now() until which the provider asked us to wait. */
  pausedUntil: number;
  /** performance.now() of the answer. */
  at: number;
  /** Leases granted at once whose batch Redis has not answered yet. */
  unacknowledged: number;
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
  const views = new Map<string, View>();
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

  /** The view that lets an acquire be granted before Redis answers (counting it there), if any. */
  function grantingView(provider: ProviderLimit, now: number): View | undefined {
    const view = views.get(provider.name);
    if (!view || now - view.at > VIEW_FRESH_MS || now < view.pausedUntil) return undefined;
    const { maxConcurrent, requestsPerMinute } = provider;
    const ahead = view.unacknowledged + 1;
    if (ahead > atOnceAllowance(maxConcurrent) || 2 * (view.leases + ahead) > maxConcurrent) return undefined;
    if (
      requestsPerMinute !== undefined &&
      (ahead > atOnceAllowance(requestsPerMinute) || 2 * (view.started + ahead) > requestsPerMinute)
    )
      return undefined;
    view.unacknowledged = ahead;
    return view;
  }

  function flush() {
    const batch = queued;
    queued = [];
    const now = performance.now();
    // The batch's providers (usually one or two), each named once: keys and limits.
    const numbers = new Map<string, number>();
    const keys: string[] = [];
    const limits: number[] = [];
    const operations: (string | number)[] = [];
    for (const operation of batch) {
      const { kind, provider, leaseId, ms } = operation;
      let number = numbers.get(provider.name);
      if (number === undefined) {
        number = numbers.size + 1;
        numbers.set(provider.name, number);
        keys.push(...providerKeys(provider));
        limits.push(provider.maxConcurrent, provider.requestsPerMinute ?? 0);
      }
      if (kind === "acquire") {
        operation.countedIn = grantingView(provider, now);
        operation.forced = operation.countedIn !== undefined;
      }
      operations.push(kind, number, leaseId, Math.max(0, Math.ceil(ms)), operation.forced ? 1 : 0);
    }
    let answered = false;
    const fail = (error: unknown) => {
      // Redis is failing: nothing is granted at once until it answers again.
      for (const name of numbers.keys()) views.delete(name);
      for (const operation of batch) {
        if (!operation.forced) operation.fail(error);
      }
    };
    const silence = setTimeout(() => {
      answered = true;
      fail(new RedisSilentError(silentAfterMs));
    }, silentAfterMs);
    silence.unref();
    script.call(redis, keys.length, ...keys, numbers.size, ...limits, ...operations).then(
      (reply) => {
        clearTimeout(silence);
        if (answered) return;
        answered = true;
        const values = reply as number[];
        const at = performance.now();
        let v = batch.length * 2;
        for (const name of numbers.keys()) {
          const view = views.get(name);
          const leases = values[v] ?? 0;
          const started = values[v + 1] ?? 0;
          const pausedUntil = at + (values[v + 2] ?? 0);
          v += 3;
          if (!view) views.set(name, { leases, started, pausedUntil, at, unacknowledged: 0 });
          else {
            view.leases = leases;
            view.started = started;
            // A 429 heard here may not have reached Redis with this batch: a pause only ends by time.
            view.pausedUntil = Math.max(view.pausedUntil, pausedUntil);
            view.at = at;
          }
        }
        for (let i = 0; i < batch.length; i += 1) {
          const operation = batch[i] as Operation;
          // A view replaced meanwhile (Redis failed, then answered again) no longer counts it.
          if (operation.countedIn) operation.countedIn.unacknowledged -= 1;
          else operation.settle(values[i * 2] ?? 0, values[i * 2 + 1] ?? 0);
        }
      },
      (error: unknown) => {
        clearTimeout(silence);
        if (answered) return;
        answered = true;
        fail(error);
      },
    );
    // Granted at once: their requests go now, together, while Redis records their leases.
    for (const operation of batch) {
      if (operation.forced) operation.settle(0, 0);
    }
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
          forced: false,
          countedIn: undefined,
          settle(code, waitMs) {
            const why = REFUSAL_OF_CODE[code];
            resolve(why === undefined ? { granted: true, leaseId } : { granted: false, why, waitMs });
          },
          fail: reject,
        });
      });
    },
    release(provider, leaseId, retryAfterMs = 0) {
      // This process heard the 429 itself: it grants nothing more at once, before Redis says so.
      const view = retryAfterMs > 0 ? views.get(provider.name) : undefined;
      if (view) view.pausedUntil = Math.max(view.pausedUntil, performance.now() + retryAfterMs);
      return new Promise((resolve, reject) => {
        enqueue({
          kind: "release",
          provider,
          leaseId,
          ms: retryAfterMs,
          forced: false,
          countedIn: undefined,
          settle() {
            resolve();
          },
          fail: reject,
        });
      });
    },
  };
}
