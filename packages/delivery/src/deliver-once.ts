// At most one delivery per key, across retries and workers. A claim (SET NX with a TTL)
// marks a send in progress; success turns it into "sent" for a week; failure releases it
// so the next attempt may try again. A worker that dies mid-send leaves a claim that
// expires, after which another attempt sends.
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { DeliverOnce, OutgoingMessage, ReplyTarget } from "@memebot/core";
import { DeliveryError } from "./errors.ts";
import type { SendMessage } from "./sender.ts";

export interface DeliverOnceOptions {
  redis: Redis;
  prefix: string;
  send: SendMessage;
  /** How long a send may take before another attempt is allowed to try; longer than the send timeout. */
  claimTtlMs?: number;
  /** How long "already sent" is remembered; beyond every retry and redelivery window. */
  sentTtlMs?: number;
}

const SENT = "sent";
const CLAIM_PREFIX = "sending:";

// Releases the claim only if it is still ours: after our claim expired, another attempt may hold the key.
const RELEASE_SCRIPT = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`;

export const deliveryKeyOf = (prefix: string, deliveryKey: string) => `${prefix}:delivery:${deliveryKey}`;

export function createDeliverOnce(options: DeliverOnceOptions): DeliverOnce {
  const { redis, prefix, send } = options;
  const claimTtlMs = options.claimTtlMs ?? 30_000;
  const sentTtlMs = options.sentTtlMs ?? 7 * 86_400_000;

  return async function deliverOnce(target: ReplyTarget, message: OutgoingMessage, deliveryKey: string) {
    const key = deliveryKeyOf(prefix, deliveryKey);
    const claim = CLAIM_PREFIX + randomUUID();
    const claimed = await redis.set(key, claim, "PX", claimTtlMs, "NX");
    if (claimed !== "OK") {
      const [state, ttl] = await Promise.all([redis.get(key), redis.pttl(key)]);
      if (state === SENT) return;
      // Our own claim: the SET went through, a dropped connection lost its reply, and ioredis sent it
      // again. Anything else is another attempt's claim, or one released or expired between our reads.
      if (state !== claim) {
        throw new DeliveryError("This message is being sent by another attempt", {
          platform: target.platform,
          reason: "in_progress",
          retryable: true,
          retryAfterMs: ttl > 0 ? ttl : 100,
        });
      }
    }
    try {
      await send(target, message);
    } catch (error) {
      await redis.eval(RELEASE_SCRIPT, 1, key, claim).catch(() => undefined);
      throw error;
    }
    await redis.set(key, SENT, "PX", sentTtlMs);
  };
}
