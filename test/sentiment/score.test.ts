// Scoring stored chatter through the real gateway (fake OpenAI server) and the real PostgreSQL: a burst
// of pending messages is scored 50 to a model call and every row records its scorer; a failing model
// leaves offline scores, labelled so; scored rows are left alone; and the trigger makes one job per
// community and time window however many batches ask (real Redis, a prefix of its own).
import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it, type TestContext } from "vitest";
import { createSentimentScorer } from "@memebot/ai";
import {
  createChatterIngest,
  createRegistry,
  createSettingsModel,
  createScoringTrigger,
  scoreChatter,
  scoringJobOf,
  SCORE_WAIT_MS,
  type ChatterCommunity,
  type ScoreChatterDependencies,
  type ScoreChatterResult,
} from "@memebot/core";
import { createRepositories, type Database } from "@memebot/db";
import { createJobProducer, jobIdFor } from "@memebot/jobs";
import { createSentimentHandlers } from "../../apps/worker/src/sentiment.ts";
import { startFakeOpenAI, type FakeChatRequest, type FakeOpenAI } from "../fakes/openai/server.ts";
import { gatewayFactory, modelsConfig, provider } from "../ai/gateway/support.ts";
import { deletePrefix, REDIS_URL, uniquePrefix } from "../jobs/support.ts";
import { openTestDatabase, repositoryOptions } from "../support/database.ts";

let database: Database;
let repositories: ReturnType<typeof createRepositories>;
let fake: FakeOpenAI;
beforeAll(async () => {
  database = await openTestDatabase();
  repositories = createRepositories(database.prisma, repositoryOptions);
  fake = await startFakeOpenAI();
});
afterAll(async () => {
  await fake.close();
  await database.close();
});

/** The short ids of a request, as the prompt lists them. */
const sentIds = (body: FakeChatRequest) => {
  const user = String(body.messages?.find((message) => message.role === "user")?.content ?? "");
  return [...user.matchAll(/^<chat_message id="([^"]+)">/gm)].map((match) => match[1] as string);
};
const bullishForAll = (body: FakeChatRequest) => ({
  kind: "reply" as const,
  content: JSON.stringify({
    scores: sentIds(body).map((id) => ({ id, label: "bullish", score: 0.6, confidence: 0.8 })),
  }),
});

beforeEach(() => {
  fake.requests.splice(0);
  fake.setBehaviour(bullishForAll);
});

/** A tracking community with `count` pending messages, one second apart, oldest first. */
async function communityWith(count: number): Promise<ChatterCommunity> {
  const community = { platform: "telegram" as const, externalId: `-100${randomUUID()}` };
  await repositories.chatter.trackToken({ community, symbol: "SEED", aliases: [], createdBy: "1" });
  const start = Date.now() - count * 1_000;
  await repositories.chatter.insertMessages(
    Array.from({ length: count }, (_, index) => ({
      community,
      key: `telegram:${community.externalId}:${index}`,
      channelKey: `telegram:${community.externalId}`,
      authorId: "4242",
      text: `message ${index} bonk to the moon`,
      mentions: [],
      contentHash: randomUUID(),
      createdAt: new Date(start + index * 1_000),
    })),
  );
  return community;
}

const rowsOf = (community: ChatterCommunity) =>
  database.prisma.chatterMessage.findMany({
    where: { community: { platform: community.platform, externalId: community.externalId } },
    orderBy: { createdAt: "asc" },
  });

function dependencies(
  context: TestContext,
  overrides: Partial<ScoreChatterDependencies> = {},
): ScoreChatterDependencies & { asked: ChatterCommunity[] } {
  const { gateway } = gatewayFactory(context).open(
    modelsConfig([provider("local", fake.baseURL, { models: ["qwen", "llama"] })]),
  );
  const asked: ChatterCommunity[] = [];
  return {
    asked,
    settings: async () => ({ models: {}, tokenBudgetPerDay: 0 }),
    pendingMessages: (community, limit) => repositories.chatter.pendingMessages(community, limit),
    storeScores: (rows) => repositories.chatter.storeScores(rows),
    scorer: createSentimentScorer({ gateway }),
    requestScoring: async (community) => asked.push(community),
    ...overrides,
  };
}

describe("scoring stored chatter", () => {
  it("GIVEN 120 pending messages THEN three model calls score them all, and each row records its scorer", async (context) => {
    const community = await communityWith(120);
    const deps = dependencies(context);
    const result = await scoreChatter(community, deps);
    expect(fake.requests).toHaveLength(3);
    // One round: its three calls go out together, so they may arrive in any order.
    expect(fake.requests.map((request) => sentIds(request.body).length).sort((a, b) => b - a)).toEqual([
      50, 50, 20,
    ]);
    expect(result).toMatchObject({ scored: 120, batches: 3, requeued: false });
    expect(result.byScorer).toEqual({ "model:qwen": 120 });
    const rows = await rowsOf(community);
    expect(rows.every((row) => row.scorer === "model:qwen" && row.label === "bullish")).toBe(true);
    expect(rows.every((row) => row.score === 0.6 && row.confidence === 0.8 && row.scoredAt)).toBe(true);
    expect(deps.asked).toEqual([]);
  });

  it("GIVEN the community chose a model for sentiment THEN that model scores", async (context) => {
    const community = await communityWith(3);
    const deps = dependencies(context, {
      settings: async () => ({ models: { sentiment: "llama" }, tokenBudgetPerDay: 0 }),
    });
    await scoreChatter(community, deps);
    expect(fake.requests[0]?.body.model).toBe("llama-id");
    expect(new Set((await rowsOf(community)).map((row) => row.scorer))).toEqual(new Set(["model:llama"]));
  });

  it("GIVEN more pending than the job's rounds take THEN it scores its rounds, oldest first, and asks for another job", async (context) => {
    const community = await communityWith(120);
    const deps = dependencies(context, { rounds: 2, batchesPerRound: 1 });
    const result = await scoreChatter(community, deps);
    expect(result).toMatchObject({ scored: 100, batches: 2, requeued: true });
    expect(deps.asked).toEqual([community]);
    const rows = await rowsOf(community);
    expect(rows.slice(0, 100).every((row) => row.scoredAt)).toBe(true);
    expect(rows.slice(100).every((row) => row.scoredAt === null)).toBe(true);
    // The next job takes the rest.
    await scoreChatter(community, deps);
    expect((await rowsOf(community)).every((row) => row.scoredAt)).toBe(true);
  });

  it("GIVEN a job that has scored for longer than its time THEN it starts no more rounds and asks for another job", async (context) => {
    const community = await communityWith(120);
    // Each reading of the clock is 40 s later: the second round would start 80 s into the job.
    let clock = Date.now();
    const deps = dependencies(context, {
      batchesPerRound: 1,
      jobMs: 60_000,
      now: () => new Date((clock += 40_000)),
    });
    const result = await scoreChatter(community, deps);
    expect(result).toMatchObject({ scored: 50, batches: 1, requeued: true });
    expect(deps.asked).toEqual([community]);
    expect((await rowsOf(community)).filter((row) => row.scoredAt)).toHaveLength(50);
  });

  it("GIVEN a model that fails THEN the rows are scored offline and say so", async (context) => {
    fake.setBehaviour({ kind: "status", status: 500 });
    const community = await communityWith(60);
    const result = await scoreChatter(community, dependencies(context));
    expect(result).toMatchObject({ scored: 60, byScorer: { offline: 60 } });
    const rows = await rowsOf(community);
    expect(rows.every((row) => row.scorer === "offline" && row.label !== null && row.scoredAt)).toBe(true);
  });

  it("GIVEN rows already scored THEN they are neither sent nor changed", async (context) => {
    const community = await communityWith(10);
    const before = await rowsOf(community);
    const earlier = new Date("2026-11-01T00:00:00.000Z");
    const old = before.slice(0, 4).map((row) => ({
      id: row.id,
      label: "bearish",
      score: -0.5,
      confidence: 0.5,
      scorer: "model:old",
      scoredAt: earlier,
    }));
    expect(await repositories.chatter.storeScores(old)).toBe(4);
    const result = await scoreChatter(community, dependencies(context));
    expect(result.scored).toBe(6);
    expect(fake.requests.map((request) => sentIds(request.body).length)).toEqual([6]);
    const rows = await rowsOf(community);
    for (const row of rows.slice(0, 4)) {
      expect(row).toMatchObject({ label: "bearish", score: -0.5, scorer: "model:old", scoredAt: earlier });
    }
    expect(rows.slice(4).every((row) => row.scorer === "model:qwen")).toBe(true);
  });

  it("GIVEN the process dies between scoring and storing THEN the rows stay pending and are scored next time", async (context) => {
    const community = await communityWith(5);
    const crashing = dependencies(context, {
      storeScores: async () => {
        throw new Error("killed");
      },
    });
    await expect(scoreChatter(community, crashing)).rejects.toThrow("killed");
    expect((await rowsOf(community)).every((row) => row.scoredAt === null)).toBe(true);
    await scoreChatter(community, dependencies(context));
    expect((await rowsOf(community)).every((row) => row.scorer === "model:qwen")).toBe(true);
  });
});

describe("the scoring trigger", () => {
  it("GIVEN many batches of two communities within a few seconds THEN each gets one delayed job; a later window a new one", async () => {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const prefix = uniquePrefix();
    const producer = createJobProducer({ connection: redis, prefix });
    const queue = new Queue("sentiment", { connection: redis, prefix });
    try {
      const windowStart = Math.ceil(Date.now() / SCORE_WAIT_MS) * SCORE_WAIT_MS + 60_000;
      let now = windowStart;
      const request = createScoringTrigger(producer, { now: () => now });
      const busy = { platform: "telegram" as const, externalId: "-100111" };
      const quiet = { platform: "discord" as const, externalId: "222" };
      for (let batch = 0; batch < 40; batch += 1) {
        now = windowStart + batch * 70; // a batch every 70 ms: 40 batches within the 3 s window
        await request(busy);
        if (batch % 10 === 0) await request(quiet);
      }
      const jobs = await queue.getJobs(["delayed", "waiting"]);
      expect(jobs.map((job) => job.id).sort()).toEqual(
        [
          jobIdFor(scoringJobOf(busy, windowStart).jobId),
          jobIdFor(scoringJobOf(quiet, windowStart).jobId),
        ].sort(),
      );
      expect(jobs.find((job) => job.data.externalId === "-100111")?.data).toEqual(busy);
      // Delayed to the window's end: the first batch waits the whole few seconds, none waits longer.
      expect(scoringJobOf(busy, windowStart)).toMatchObject({ delayMs: SCORE_WAIT_MS });
      expect(scoringJobOf(busy, windowStart + 2_900).delayMs).toBe(100);
      now = windowStart + SCORE_WAIT_MS;
      await request(busy);
      expect(await queue.getJobs(["delayed", "waiting"])).toHaveLength(3);
    } finally {
      await producer.close();
      await queue.close();
      await deletePrefix(redis, prefix);
      await redis.quit();
    }
  });
});

describe("ingest asking for scoring", () => {
  it("GIVEN a burst written in many batches THEN the queue holds one scoring job for the community", async () => {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const prefix = uniquePrefix();
    const producer = createJobProducer({ connection: redis, prefix });
    const queue = new Queue("sentiment", { connection: redis, prefix });
    try {
      const community = {
        platform: "telegram" as const,
        externalId: `-100${randomUUID()}`,
        kind: "group" as const,
      };
      await repositories.chatter.trackToken({ community, symbol: "SEED", aliases: [], createdBy: "1" });
      const defaults = createSettingsModel(createRegistry().all).defaults();
      const asks: string[] = [];
      const request = createScoringTrigger(producer);
      const ingest = createChatterIngest({
        settings: { get: async () => ({ sentiment: { ...defaults.sentiment, tracking: true } }) },
        tokens: async () => [],
        insert: (rows) => repositories.chatter.insertMessages(rows),
        requestScoring: (asked) => {
          asks.push(asked.externalId);
          return request(asked);
        },
        logger: { warn: () => undefined, error: () => undefined },
        batchSize: 20,
      });
      // Kept clear of a window's end, so the whole burst falls in one window.
      const intoWindow = Date.now() % SCORE_WAIT_MS;
      if (intoWindow > SCORE_WAIT_MS - 1_000) await sleep(SCORE_WAIT_MS - intoWindow + 10);
      for (let index = 0; index < 200; index += 1) {
        await ingest.handle({
          key: `telegram:${community.externalId}:${index}`,
          platform: "telegram",
          community,
          threadKey: `telegram:${community.externalId}`,
          author: { externalId: String(1000 + (index % 37)), isBot: false },
          origin: "user",
          text: `number ${index} of the burst, price looks ${index % 2 ? "great" : "weak"}`,
          isPrivate: false,
          mentionsBot: false,
          repliesToBot: false,
          replyTo: { platform: "telegram", chatId: community.externalId, replyToMessageId: index },
          receivedAt: Date.now(),
        });
      }
      await ingest.close();
      await sleep(50);
      expect(ingest.stats()).toMatchObject({ written: 200, dropped: 0 });
      expect(asks.length).toBeGreaterThanOrEqual(10);
      const jobs = await queue.getJobs(["delayed", "waiting"]);
      expect(jobs.map((job) => job.data)).toEqual([
        { platform: "telegram", externalId: community.externalId },
      ]);
    } finally {
      await producer.close();
      await queue.close();
      await deletePrefix(redis, prefix);
      await redis.quit();
    }
  });
});

describe("the worker's sentiment.score handler", () => {
  it("GIVEN two jobs of one community at once THEN the lock lets one score and the other find nothing left", async (context) => {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const prefix = uniquePrefix();
    context.onTestFinished(async () => {
      await deletePrefix(redis, prefix);
      await redis.quit();
    });
    const { gateway } = gatewayFactory(context).open(modelsConfig([provider("local", fake.baseURL)]));
    const asked: unknown[] = [];
    const handlers = createSentimentHandlers({
      repositories,
      settingsModel: createSettingsModel(createRegistry().all),
      scoring: {
        settings: { get: async () => ({ models: {}, tokenBudgetPerDay: 0 }) },
        gateway,
        redis,
        prefix,
        jobs: { enqueue: async (_name, payload) => (asked.push(payload), { jobId: "next" }) },
      },
      logger: { info: () => undefined, warn: () => undefined },
    });
    const community = await communityWith(70);
    const run = () =>
      handlers["sentiment.score"](
        { platform: community.platform, externalId: community.externalId },
        { jobId: randomUUID(), attempt: 1, signal: new AbortController().signal },
      );
    const results = (await Promise.all([run(), run()])) as ScoreChatterResult[];
    expect(results.map((result) => result.scored).sort()).toEqual([0, 70]);
    // Each message went to the model once.
    expect(fake.requests.flatMap((request) => sentIds(request.body))).toHaveLength(70);
    expect((await rowsOf(community)).every((row) => row.scorer === "model:qwen")).toBe(true);
    expect(asked).toEqual([]);
  });
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
