import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DeliverOnce, ReplyTarget } from "@memebot/core";
import { createDeliverOnce, createPlatformSender, deliveryKeyOf, DeliveryError } from "@memebot/delivery";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram/server.ts";
import { deletePrefix, REDIS_URL, uniquePrefix } from "../jobs/support.ts";
import { startTcpProxy } from "../support/tcp-proxy.ts";
import { rejectionOf } from "./support.ts";

const redis = new Redis(REDIS_URL);
let telegram: FakeTelegram;
let prefix: string;
let deliver: DeliverOnce;
let chatId: number;
let target: ReplyTarget;

beforeAll(async () => {
  telegram = await startFakeTelegram();
});
afterAll(async () => {
  await telegram.close();
  await redis.quit();
});

let chats = -1_002_000_000_000;
beforeEach(async (context) => {
  prefix = uniquePrefix();
  chatId = chats -= 1;
  target = { platform: "telegram", chatId: String(chatId), replyToMessageId: 1 };
  const sender = createPlatformSender({ telegram: { token: telegram.token, apiRoot: telegram.apiRoot } });
  deliver = createDeliverOnce({ redis, prefix, send: sender.send, claimTtlMs: 2_000 });
  context.onTestFinished(() => deletePrefix(redis, prefix));
});

const sendsTo = (chat: number) =>
  telegram.callsOf("sendMessage").filter((call) => Number(call.params.chat_id) === chat);

describe("createDeliverOnce", () => {
  it("sends at once when the reply to its claim was lost and ioredis sent the claim again", async () => {
    const proxy = await startTcpProxy({ host: "127.0.0.1", port: 6379 });
    const flaky = new Redis(`redis://127.0.0.1:${proxy.port}`);
    // The dropped connection is reported as an error event; ioredis reconnects by itself.
    flaky.on("error", () => undefined);
    try {
      const sender = createPlatformSender({ telegram: { token: telegram.token, apiRoot: telegram.apiRoot } });
      const deliverFlaky = createDeliverOnce({ redis: flaky, prefix, send: sender.send, claimTtlMs: 60_000 });
      await flaky.ping();
      proxy.loseNextReply();
      const key = `telegram:${randomUUID()}`;
      await deliverFlaky(target, { text: "despite the blip" }, key);

      expect(sendsTo(chatId)).toHaveLength(1);
      expect(await redis.get(deliveryKeyOf(prefix, key))).toBe("sent");
    } finally {
      flaky.disconnect();
      await proxy.close();
    }
  });

  it("sends a message once however often it is delivered", async () => {
    const key = `telegram:${randomUUID()}`;
    await deliver(target, { text: "once" }, key);
    await deliver(target, { text: "once" }, key);
    await deliver(target, { text: "once" }, key);

    expect(sendsTo(chatId)).toHaveLength(1);
    expect(await redis.get(deliveryKeyOf(prefix, key))).toBe("sent");
    // Remembered for a week, past every retry and redelivery.
    expect(await redis.pttl(deliveryKeyOf(prefix, key))).toBeGreaterThan(6 * 86_400_000);
  });

  it("sends once when many attempts deliver the same message at the same time", async () => {
    const key = `telegram:${randomUUID()}`;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, () => deliver(target, { text: "race" }, key)),
    );

    expect(sendsTo(chatId)).toHaveLength(1);
    // The losers were told to come back later (or found it sent already), never that it failed for good.
    for (const outcome of outcomes) {
      if (outcome.status === "rejected") {
        expect(outcome.reason).toBeInstanceOf(DeliveryError);
        expect(outcome.reason).toMatchObject({ reason: "in_progress", retryable: true });
        expect((outcome.reason as DeliveryError).retryAfterMs).toBeGreaterThan(0);
      }
    }
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled").length).toBeGreaterThanOrEqual(1);
  });

  it("lets the next attempt send after a failed send", async () => {
    const key = `telegram:${randomUUID()}`;
    telegram.failNext("sendMessage", { error_code: 502, description: "Bad Gateway" });

    const error = await rejectionOf(deliver(target, { text: "second time lucky" }, key));
    expect(error).toMatchObject({ reason: "unavailable", retryable: true });
    expect(await redis.exists(deliveryKeyOf(prefix, key))).toBe(0);

    await deliver(target, { text: "second time lucky" }, key);
    const calls = sendsTo(chatId);
    expect(calls).toHaveLength(2);
    expect(calls[0]?.error?.error_code).toBe(502);
    expect(calls[1]?.error).toBeUndefined();
    expect(telegram.sentMessages(chatId)).toHaveLength(1);
  });

  it("waits out the claim of an attempt that died mid-send, then sends", async () => {
    const key = `telegram:${randomUUID()}`;
    // What a worker killed during the send leaves behind.
    await redis.set(deliveryKeyOf(prefix, key), "sending:dead-worker", "PX", 300);

    const error = await rejectionOf(deliver(target, { text: "after the crash" }, key));
    expect(error).toMatchObject({ reason: "in_progress", retryable: true });
    expect((error as DeliveryError).retryAfterMs).toBeLessThanOrEqual(300);
    expect(sendsTo(chatId)).toHaveLength(0);

    await new Promise((resolve) => setTimeout(resolve, 350));
    await deliver(target, { text: "after the crash" }, key);
    expect(sendsTo(chatId)).toHaveLength(1);
  });

  it("does not release a claim that another attempt took over after ours expired", async () => {
    const key = `telegram:${randomUUID()}`;
    const slowFailure = createDeliverOnce({
      redis,
      prefix,
      claimTtlMs: 50,
      send: async () => {
        // Our claim expires meanwhile and another attempt claims the message.
        await new Promise((resolve) => setTimeout(resolve, 100));
        await redis.set(deliveryKeyOf(prefix, key), "sending:other-attempt", "PX", 5_000);
        throw new Error("send failed late");
      },
    });

    await expect(slowFailure(target, { text: "x" }, key)).rejects.toThrow("send failed late");
    expect(await redis.get(deliveryKeyOf(prefix, key))).toBe("sending:other-attempt");
  });

  it("releases the claim after a permanent failure, leaving nothing marked sent", async () => {
    const key = `telegram:${randomUUID()}`;
    telegram.failNext("sendMessage", {
      error_code: 403,
      description: "Forbidden: bot was blocked by the user",
    });

    const error = await rejectionOf(deliver(target, { text: "x" }, key));
    expect(error).toMatchObject({ reason: "forbidden", retryable: false });
    expect(await redis.exists(deliveryKeyOf(prefix, key))).toBe(0);
  });
});
