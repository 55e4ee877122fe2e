import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it, vi } from "vitest";
import type { OutgoingMessage } from "@memebot/core";
import {
  consoleChannelOf,
  createPlatformSender,
  DeliveryError,
  subscribeConsoleReplies,
} from "@memebot/delivery";
import { REDIS_URL, uniquePrefix } from "../jobs/support.ts";
import { rejectionOf } from "./support.ts";

const publisher = new Redis(REDIS_URL);
const subscriber = new Redis(REDIS_URL);
afterAll(async () => {
  await Promise.all([publisher.quit(), subscriber.quit()]);
});

describe("console reply channel", () => {
  it("carries a worker's answer to the console session that asked, its picture's bytes and its buttons intact", async () => {
    const prefix = uniquePrefix();
    const sessionId = randomUUID();
    const received: OutgoingMessage[] = [];
    const subscription = subscribeConsoleReplies({
      redis: subscriber,
      prefix,
      sessionId,
      onMessage: (message) => received.push(message),
    });
    await subscription.ready;
    const sender = createPlatformSender({ consoleChannel: { redis: publisher, prefix } });

    const sent = {
      text: "TOP\nBOTTOM",
      // Bytes through JSON: every value a byte can take, so a lossy encoding would show.
      picture: {
        bytes: Uint8Array.from({ length: 256 }, (_, index) => index),
        mimeType: "image/webp" as const,
        fileName: "meme.webp",
      },
      buttons: [{ label: "🔁 Another one", command: "meme", args: "again abc" }],
    };
    await sender.send({ platform: "console", sessionId }, sent);
    await vi.waitFor(() => expect(received).toHaveLength(1));
    expect(received[0]).toEqual(sent);
    expect(received[0]?.picture?.bytes).toBeInstanceOf(Uint8Array);
    await subscription.close();
  });

  it("keeps two sessions on one connection apart", async () => {
    const prefix = uniquePrefix();
    const [first, second] = [randomUUID(), randomUUID()];
    const got = { first: [] as string[], second: [] as string[] };
    const subscriptions = [
      subscribeConsoleReplies({
        redis: subscriber,
        prefix,
        sessionId: first,
        onMessage: (m) => got.first.push(m.text),
      }),
      subscribeConsoleReplies({
        redis: subscriber,
        prefix,
        sessionId: second,
        onMessage: (m) => got.second.push(m.text),
      }),
    ];
    await Promise.all(subscriptions.map((subscription) => subscription.ready));
    const sender = createPlatformSender({ consoleChannel: { redis: publisher, prefix } });

    await sender.send({ platform: "console", sessionId: first }, { text: "for first" });
    await sender.send({ platform: "console", sessionId: second }, { text: "for second" });
    await vi.waitFor(() => expect(got).toEqual({ first: ["for first"], second: ["for second"] }));
    await Promise.all(subscriptions.map((subscription) => subscription.close()));
  });

  it("skips a message on the channel that is not an answer", async () => {
    const prefix = uniquePrefix();
    const sessionId = randomUUID();
    const received: OutgoingMessage[] = [];
    const invalid: string[] = [];
    const subscription = subscribeConsoleReplies({
      redis: subscriber,
      prefix,
      sessionId,
      onMessage: (message) => received.push(message),
      onInvalid: (raw) => invalid.push(raw),
    });
    await subscription.ready;

    await publisher.publish(consoleChannelOf(prefix, sessionId), "not json");
    await publisher.publish(consoleChannelOf(prefix, sessionId), JSON.stringify({ text: "fine" }));
    await vi.waitFor(() => expect(received).toEqual([{ text: "fine" }]));
    expect(invalid).toEqual(["not json"]);
    await subscription.close();
  });

  it("reports an answer nobody listens for as a permanent failure", async () => {
    const prefix = uniquePrefix();
    const sessionId = randomUUID();
    const subscription = subscribeConsoleReplies({
      redis: subscriber,
      prefix,
      sessionId,
      onMessage: () => {},
    });
    await subscription.ready;
    await subscription.close();
    const sender = createPlatformSender({ consoleChannel: { redis: publisher, prefix } });

    const error = await rejectionOf(sender.send({ platform: "console", sessionId }, { text: "anyone?" }));
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ platform: "console", reason: "no_listener", retryable: false });
  });
});
