// The burst guarantee of chatter sentiment, on the platform as production composes it: the bot's core
// (createBotDispatch: dispatcher and listener pipeline, with the chatter-ingest consumer) and the
// worker (startWorker: every queue, the model gateway, delivery), on this run's PostgreSQL and the
// real Redis under a prefix of their own, with the fake model and the fake Telegram Bot API outside.
//
// A burst of thousands of group messages in ten busy groups is ingested; the fake model holds every sentiment call it
// gets until the test lets go. Meanwhile a member's /meme is dispatched and must be answered while
// those calls are still held: the command is not queued behind scoring (scoring has a queue of its
// own, and the bot never waits on ingest). Then the held calls are answered and every stored message
// must end up scored by the model: none dropped, none left pending. No clocks are compared: the
// order of events is what is asserted. Ten groups at once: more scoring jobs than a queue runs at
// once, each asking the model for several batches, so neither a shared queue nor scoring holding
// every provider slot would let the command through.
import { randomInt, randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseEnv } from "@memebot/config";
import type { CommandInvocation, ListenedMessage } from "@memebot/core";
import { openInfrastructure, type Infrastructure, type ProcessComponent } from "@memebot/runtime";
import { startWorker } from "@memebot/worker";
import { DEFAULT_SCORING_CALLS_AT_ONCE } from "../../apps/worker/src/sentiment.ts";
import {
  memeReply,
  sentimentReply,
  startFakeOpenAI,
  type FakeChatRequest,
  type FakeOpenAI,
  type FakeOpenAIBehaviour,
} from "../fakes/openai/server.ts";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram/server.ts";
import { createBotCore, type BotCore } from "../support/bot-core.ts";
import { fakeServicesEnv } from "../support/fake-services-env.ts";
import { uniqueTelegramGroupId } from "../support/unique-ids.ts";

const BURST = 3_000;
// More busy communities than the worker runs jobs of one queue at once (WORKER_CONCURRENCY): were
// scoring on the commands' queue, its held jobs would fill every slot; and each job's round asks the
// model for several batches at once, more than the provider's slots, were they not capped.
const COMMUNITIES = 10;

let telegram: FakeTelegram;
let model: FakeOpenAI;
let core: BotCore;
let worker: { infrastructure: Infrastructure; components: ProcessComponent[] };

const isSentiment = (body: FakeChatRequest) =>
  String(body.messages?.[0]?.content ?? "").includes("You rate the sentiment");
// Sentiment calls wait here until the test lets them go; everything else is answered at once.
let releaseSentiment: () => void = () => undefined;
const sentimentHeld = new Promise<void>((resolve) => (releaseSentiment = resolve));
let heldCalls = 0;

beforeAll(async () => {
  [telegram, model] = await Promise.all([startFakeTelegram(), startFakeOpenAI()]);
  model.setBehaviour((body): FakeOpenAIBehaviour | Promise<FakeOpenAIBehaviour> => {
    if (!isSentiment(body)) return memeReply(body);
    heldCalls += 1;
    return sentimentHeld.then(() => sentimentReply(body));
  });
  const prefix = `test-burst-${randomUUID()}`;
  const env = {
    ...fakeServicesEnv({ prefix, telegram, model }),
    // Held calls must not run out of time and be scored offline before the test lets them go.
    LLM_TIMEOUT_MS: "45000",
    WORKER_CONCURRENCY: "8",
  };
  core = await createBotCore({ prefix, env });
  const infrastructure = await openInfrastructure(
    parseEnv({ NODE_ENV: "test", LOG_LEVEL: "silent", DATA_DIR: tmpdir(), ...env }),
  );
  worker = { infrastructure, components: await startWorker(infrastructure) };
});

afterAll(async () => {
  releaseSentiment();
  if (worker) {
    for (const component of [...worker.components].reverse()) await component.stop();
    await worker.infrastructure.close();
  }
  await core?.close();
  await Promise.all([telegram?.close(), model?.close()]);
});

const TEXTS = [
  "to the moon, loaded another bag",
  "chart looks weak, thinking of selling",
  "who is still holding since the launch?",
  "dev is quiet today, a bit worried",
  "bought the dip again",
  "volume is way down this week",
];

function chatter(chatId: string, index: number): ListenedMessage {
  return {
    key: `telegram:${telegram.bot.id}:burst-${chatId}-${index}`,
    platform: "telegram",
    community: { platform: "telegram", externalId: chatId, kind: "group" },
    threadKey: `telegram:${chatId}`,
    author: { externalId: String(5_000 + (index % 400)), isBot: false },
    origin: "user",
    // Distinct texts: the raid filter keeps them all.
    text: `${TEXTS[index % TEXTS.length]} #${index}`,
    isPrivate: false,
    mentionsBot: false,
    repliesToBot: false,
    replyTo: { platform: "telegram", chatId, replyToMessageId: index + 1 },
    receivedAt: Date.now(),
  };
}

function memeCommand(chatId: string, messageId: number): CommandInvocation {
  return {
    key: `telegram:${telegram.bot.id}:meme-${randomInt(2 ** 40)}`,
    platform: "telegram",
    community: { platform: "telegram", externalId: chatId, title: "Burst chat", kind: "group" },
    actor: { platform: "telegram", externalId: String(randomInt(1, 2 ** 40)), username: "member" },
    name: "meme",
    args: { kind: "text", text: "when the burst hits" },
    addressed: true,
    target: { platform: "telegram", chatId, replyToMessageId: messageId },
    receivedAt: Date.now(),
    isAdmin: async () => false,
  };
}

describe("a burst of chatter", () => {
  it("GIVEN thousands of messages and scoring held at the model THEN a /meme sent meanwhile is answered first, and afterwards every stored message is scored", async () => {
    const chats = Array.from({ length: COMMUNITIES }, () => String(uniqueTelegramGroupId()));
    for (const chat of chats)
      await core.seedSettings({ platform: "telegram", externalId: chat }, { sentiment: { tracking: true } });
    const chatId = chats[0] as string;

    // The burst, with the command in the middle of it: the dispatcher answers it while ingest buffers.
    const outcomes = new Map<string, number>();
    let command: Awaited<ReturnType<BotCore["dispatch"]>> | undefined;
    for (let index = 0; index < BURST; index += 1) {
      if (index === BURST / 2) command = await core.dispatch(memeCommand(chatId, 900_000));
      const report = await core.listener.receive(chatter(chats[index % COMMUNITIES] as string, index));
      const outcome = report.handled.find((handled) => handled.consumer === "sentiment")?.outcome;
      const id = outcome === undefined || outcome === "failed" ? "not handled" : outcome.outcome;
      outcomes.set(id, (outcomes.get(id) ?? 0) + 1);
    }
    expect(command).toMatchObject({ kind: "queued" });
    expect(Object.fromEntries(outcomes)).toEqual({ "sentiment.buffered": BURST });

    // Scoring has started and is stuck at the model…
    await vi.waitFor(() => expect(heldCalls).toBeGreaterThan(0), { timeout: 30_000, interval: 50 });
    // …and the command is answered all the same.
    const answer = await telegram.waitForCall(
      "sendPhoto",
      (call) => String(call.params.chat_id) === chatId,
      60_000,
    );
    expect(answer).toBeDefined();
    // Scoring never had more calls out than its share of the provider's slots.
    expect(heldCalls).toBeLessThanOrEqual(DEFAULT_SCORING_CALLS_AT_ONCE);
    const { prisma } = core.infrastructure.database;
    const community = { platform: "telegram" as const, externalId: { in: chats } };
    // Nothing was scored yet when the answer went out: the command did not wait for scoring.
    expect(await prisma.chatterMessage.count({ where: { community, scoredAt: { not: null } } })).toBe(0);

    // Scoring goes on once the model answers, until no stored message is pending.
    releaseSentiment();
    await vi.waitFor(
      async () => {
        expect(await prisma.chatterMessage.count({ where: { community, scoredAt: null } })).toBe(0);
      },
      { timeout: 120_000, interval: 200 },
    );
    const stored = await prisma.chatterMessage.groupBy({
      by: ["scorer"],
      where: { community },
      _count: { _all: true },
    });
    // Every message of the burst was stored and scored once, by the model (no offline fallback).
    expect(stored.map((row) => [row.scorer, row._count._all])).toEqual([["model:fake-model", BURST]]);
  }, 240_000);
});
