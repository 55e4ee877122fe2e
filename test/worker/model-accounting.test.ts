// Accounting on the production path: a /meme job run by the worker as `pnpm start:worker` composes
// it (the batched database recorder, the Redis token ledger under QUEUE_PREFIX) leaves one ModelCall
// row for its community in PostgreSQL and adds its tokens to today's ledger key, the one the bot
// reads for /usage and the budget. A prefix or key mismatch between bot and worker fails here.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTokenBudgetLedger, utcDay } from "@memebot/ai";
import { memeReply, startFakeOpenAI, type FakeOpenAI } from "../fakes/openai/server.ts";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram/server.ts";
import { memePayload, uniquePrefix } from "../jobs/support.ts";
import { fakeServicesEnv } from "../support/fake-services-env.ts";
import { startTestWorker, type RunningWorker } from "./support.ts";

const prefix = uniquePrefix();
const USAGE = { prompt_tokens: 321, completion_tokens: 45 };
let telegram: FakeTelegram;
let model: FakeOpenAI;
let worker: RunningWorker;

beforeAll(async () => {
  [telegram, model] = await Promise.all([startFakeTelegram(), startFakeOpenAI()]);
  model.setBehaviour((body) => {
    const reply = memeReply(body);
    return reply.kind === "reply" ? { ...reply, usage: USAGE } : reply;
  });
  worker = await startTestWorker(prefix, fakeServicesEnv({ prefix, telegram, model }));
});
afterAll(async () => {
  await worker?.close();
  await Promise.all([telegram?.close(), model?.close()]);
});

describe("model call accounting in the worker", () => {
  it("GIVEN a /meme job answered by the model THEN a ModelCall row for its community reaches PostgreSQL and today's ledger key grows by its tokens", async () => {
    const chatId = String(-1_004_000_000_000 - Math.floor(Math.random() * 1_000_000));
    const community = { platform: "telegram", externalId: chatId };
    const payload = memePayload({ chatId, topic: "laser eyes", key: `telegram:${chatId}:${randomUUID()}` });
    await worker.producer.enqueue("meme.create", payload, { jobId: payload.run.key });
    await telegram.waitForCall("sendPhoto", (entry) => String(entry.params.chat_id) === chatId, 10_000);

    // The recorder writes in batches (every second): wait for its flush.
    const rows = await vi.waitFor(
      async () => {
        const found = await worker.infrastructure.database.prisma.modelCall.findMany({
          where: { community: { platform: "telegram", externalId: chatId } },
        });
        expect(found).toHaveLength(1);
        return found;
      },
      { timeout: 5_000, interval: 100 },
    );
    expect(rows[0]).toMatchObject({
      task: "meme-text",
      provider: "default",
      model: "fake-model",
      outcome: "ok",
      tokensIn: USAGE.prompt_tokens,
      tokensOut: USAGE.completion_tokens,
    });

    const tokens = USAGE.prompt_tokens + USAGE.completion_tokens;
    const redis = worker.infrastructure.redis;
    // The key as written, and as the bot's ledger (same QUEUE_PREFIX) reads it.
    await vi.waitFor(
      async () => {
        expect(await redis.get(`${prefix}:tokens:telegram:${chatId}:${utcDay(Date.now())}`)).toBe(
          String(tokens),
        );
      },
      { timeout: 5_000, interval: 50 },
    );
    expect(await createTokenBudgetLedger({ redis, prefix }).spentToday(community)).toBe(tokens);
  });
});
