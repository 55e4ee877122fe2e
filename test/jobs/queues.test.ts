// Each catalog queue has workers of its own: conversation jobs waiting on a slow model never hold
// up command jobs, even with every conversation slot taken.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { jobCatalog, type JobPayload } from "@memebot/core";
import { createJobProducer, createJobWorker, type JobHandlers, type JobWorker } from "@memebot/jobs";
import {
  deletePrefix,
  memePayload,
  REDIS_URL,
  recordingLogger,
  scrubText,
  uniquePrefix,
  withOtherKinds,
} from "./support.ts";

const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const prefix = uniquePrefix();
const closing: Array<() => Promise<void>> = [];

afterEach(async () => {
  await Promise.all(closing.splice(0).map((close) => close()));
  await deletePrefix(redis, prefix);
});
afterAll(async () => {
  await redis.quit();
});

function chatPayload(): JobPayload<"chat.reply"> {
  const chatId = "-1009876543210";
  return {
    key: `telegram:7:${randomUUID()}`,
    community: { platform: "telegram", externalId: chatId, kind: "group" },
    threadKey: `telegram:${chatId}`,
    authorId: "4242",
    text: "hey bot",
    target: { platform: "telegram", chatId },
    language: "en",
    receivedAt: Date.now(),
    answer: true,
  };
}

describe("one worker per catalog queue", () => {
  it("GIVEN every conversation slot held by a slow model THEN a command job still runs at once", async () => {
    expect(jobCatalog["chat.reply"].queue).not.toBe(jobCatalog["meme.create"].queue);
    let releaseChats: () => void = () => undefined;
    const chatsHeld = new Promise<void>((resolve) => (releaseChats = resolve));
    const chatsStarted: string[] = [];
    const memesDone: string[] = [];

    const worker: JobWorker = createJobWorker({
      connection: redis,
      prefix,
      // One job at a time on each queue: the held chat job takes the conversation queue's only slot.
      concurrency: 1,
      lockDurationMs: 5_000,
      logger: recordingLogger(),
      scrubText,
      onFinalFailure: () => undefined,
      handlers: withOtherKinds({
        "chat.reply": async (payload) => {
          chatsStarted.push(payload.key);
          await chatsHeld;
        },
        "meme.create": async (payload) => {
          memesDone.push(payload.run.key);
        },
      }),
    });
    const producer = createJobProducer({ connection: redis, prefix });
    closing.push(async () => {
      releaseChats();
      await worker.close();
      await producer.close();
    });
    await worker.ready();

    const chats = [chatPayload(), chatPayload()];
    for (const chat of chats) await producer.enqueue("chat.reply", chat, { jobId: chat.key });
    await vi.waitFor(() => expect(chatsStarted).toHaveLength(1));
    const meme = memePayload();
    await producer.enqueue("meme.create", meme, { jobId: meme.run.key });

    await vi.waitFor(() => expect(memesDone).toEqual([meme.run.key]), { timeout: 3_000 });
    // The second chat job still waits behind the first: the conversation queue is full, not skipped.
    expect(chatsStarted).toHaveLength(1);
    releaseChats();
    await vi.waitFor(() => expect(chatsStarted).toHaveLength(2));
  });

  it("GIVEN a handler map that leaves out a catalog kind THEN it does not compile", () => {
    // @ts-expect-error: "chat.reply" has no handler, and every catalog entry needs one.
    const incomplete: JobHandlers = { "meme.create": async () => undefined };
    expect(Object.keys(incomplete)).toEqual(["meme.create"]);
  });
});
