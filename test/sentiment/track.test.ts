// /track through the dispatcher, over this run's PostgreSQL and Redis: anyone lists, only admins
// (asked afresh) add, remove and purge; the retention purge job deletes only what is past each
// community's retention; the purge runs from one BullMQ job scheduler however many workers register it.
import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createRegistry,
  createSettingsModel,
  jobCatalog,
  type CommandInvocation,
  type Dispatch,
  type JobCatalog,
} from "@memebot/core";
import { createRepositories, type Database } from "@memebot/db";
import { createJobProducer, createJobWorker, registerJobSchedulers } from "@memebot/jobs";
import { createSentimentHandlers } from "../../apps/worker/src/sentiment.ts";
import { deletePrefix, REDIS_URL, scrubText, withOtherKinds } from "../jobs/support.ts";
import { openTestDatabase, repositoryOptions } from "../support/database.ts";
import { testDispatcher } from "../support/dispatcher.ts";

const BONK_MINT = "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263";
const DAY = 86_400_000;

const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
let database: Database;
let repositories: ReturnType<typeof createRepositories>;
let dispatch: Dispatch;
let prefix: string;
let chat: string;
let adminChecks: unknown[];
const registry = createRegistry();
const settingsModel = createSettingsModel(registry.all);

beforeAll(async () => {
  database = await openTestDatabase();
  repositories = createRepositories(database.prisma, repositoryOptions);
});
afterAll(async () => {
  await database.close();
  await redis.quit();
});

beforeEach((context) => {
  prefix = `test-track-${randomUUID()}`;
  chat = `-100${randomUUID()}`;
  adminChecks = [];
  const producer = createJobProducer({ connection: redis, prefix });
  dispatch = testDispatcher({
    redis,
    prefix,
    repositories,
    jobs: producer,
  });
  context.onTestFinished(async () => {
    await producer.close();
    await deletePrefix(redis, prefix);
  });
});

const community = () => ({ platform: "telegram" as const, externalId: chat });

let counter = 0;
function invocation(text: string, options: { admin?: boolean } = {}): CommandInvocation {
  counter += 1;
  const match = /^\/(\S+)\s*(.*)$/s.exec(text);
  return {
    key: `test:${prefix}:${counter}`,
    platform: "telegram",
    community: { platform: "telegram", externalId: chat, title: "Track chat", kind: "group" },
    actor: { platform: "telegram", externalId: "admin-7", username: "dana" },
    name: (match?.[1] ?? "").toLowerCase(),
    args: { kind: "text", text: match?.[2] ?? "" },
    addressed: true,
    target: { platform: "telegram", chatId: chat, replyToMessageId: counter },
    receivedAt: Date.now(),
    isAdmin: async (check) => {
      adminChecks.push(check);
      return options.admin ?? false;
    },
  };
}

async function reply(text: string, options: { admin?: boolean } = {}): Promise<string> {
  const result = await dispatch(invocation(text, options));
  if (result.kind !== "reply") throw new Error(`expected a reply, got ${result.kind}`);
  await result.complete();
  return result.message.text;
}

async function storeChatter(ageDays: readonly number[], where = community()) {
  await repositories.chatter.insertMessages(
    ageDays.map((days) => ({
      community: where,
      key: `telegram:1:${randomUUID()}`,
      channelKey: `telegram:${where.externalId}`,
      authorId: "42",
      text: `${days} days old`,
      mentions: [],
      contentHash: randomUUID(),
      createdAt: new Date(Date.now() - days * DAY),
    })),
  );
}

const storedTexts = async (where = community()) =>
  (
    await database.prisma.chatterMessage.findMany({
      where: { community: { platform: where.platform, externalId: where.externalId } },
      orderBy: { createdAt: "asc" },
    })
  ).map((row) => row.text);

describe("/track", () => {
  it("lets admins add, list and remove tokens, with a fresh admin check", async () => {
    expect(await reply(`/track add $bonk ${BONK_MINT} bonk, bonk inu`, { admin: true })).toBe(
      "Now tracking $BONK.",
    );
    expect(adminChecks).toEqual([{ fresh: true }]);
    expect(await reply("/track add WIF dogwifhat hat", { admin: true })).toBe("Now tracking $WIF.");
    expect(await reply("/track add WIF dogwifhat", { admin: true })).toBe("Updated $WIF.");
    // Anyone lists, no admin check; tracking is off until /config sentiment on.
    adminChecks = [];
    expect(await reply("/track list")).toBe(
      [
        "Tokens tracked here (2):",
        `• $BONK — mint ${BONK_MINT} — aliases: bonk, bonk inu`,
        "• $WIF — aliases: dogwifhat",
        "Chatter tracking is off here: admins turn it on with /config sentiment on.",
      ].join("\n"),
    );
    expect(adminChecks).toEqual([]);
    expect(await reply("/config sentiment on", { admin: true })).toContain("sentiment");
    expect(await reply("/track")).not.toContain("tracking is off");
    expect(await reply("/track remove wif", { admin: true })).toBe("Stopped tracking $WIF.");
    expect(await reply("/track remove wif", { admin: true })).toBe("This community doesn't track $WIF.");
    expect((await repositories.chatter.trackedTokens(community())).map((token) => token.symbol)).toEqual([
      "BONK",
    ]);
  });

  it("refuses members who are not admins, and changes nothing", async () => {
    await storeChatterFor();
    const refused = /admins/i;
    expect(await reply("/track add BONK")).toMatch(refused);
    expect(await reply("/track remove BONK")).toMatch(refused);
    expect(await reply("/track purge")).toMatch(refused);
    expect(adminChecks).toEqual([{ fresh: true }, { fresh: true }, { fresh: true }]);
    expect(await repositories.chatter.trackedTokens(community())).toEqual([]);
    expect(await storedTexts()).toHaveLength(1);
  });

  it("checks symbols and aliases before asking about admin rights", async () => {
    expect(await reply("/track add $5", { admin: true })).toContain("isn't a token symbol");
    expect(await reply("/track add BONK x", { admin: true })).toContain("can't be an alias");
    expect(await reply("/track sell BONK", { admin: true })).toContain("I don't know");
    expect(adminChecks).toEqual([]);
  });

  it("purges the community's stored chatter for admins, and no one else's", async () => {
    await storeChatterFor();
    const other = { platform: "telegram" as const, externalId: `-100${randomUUID()}` };
    await repositories.chatter.trackToken({ community: other, symbol: "X1", aliases: [], createdBy: "1" });
    await storeChatter([1], other);
    expect(await reply("/track purge", { admin: true })).toBe(
      "Deleted 1 stored messages of this community's chatter.",
    );
    expect(await storedTexts()).toEqual([]);
    expect(await storedTexts(other)).toHaveLength(1);
  });
});

/** One stored message in this test's community (which needs a row: tracking is a stored setting). */
async function storeChatterFor() {
  await reply("/config sentiment on", { admin: true });
  await storeChatter([1]);
  adminChecks = [];
}

describe("retention purge", () => {
  it("deletes only messages past each community's retention", async () => {
    await reply("/config sentiment on", { admin: true });
    await reply("/config sentiment.retention_days 3", { admin: true });
    await storeChatter([10, 4, 2, 0]);
    const other = { platform: "telegram" as const, externalId: `-100${randomUUID()}` };
    await repositories.chatter.trackToken({ community: other, symbol: "X1", aliases: [], createdBy: "1" });
    // Default retention: 7 days.
    await storeChatter([10, 6], other);
    const logs: object[] = [];
    const handlers = createSentimentHandlers({
      repositories,
      settingsModel,
      logger: { info: (fields) => logs.push(fields) },
    });
    const result = await handlers["sentiment.purge"](
      { reason: "schedule" },
      { jobId: "test", attempt: 1, signal: new AbortController().signal },
    );
    expect(result).toMatchObject({ deleted: expect.any(Number) });
    expect(await storedTexts()).toEqual(["2 days old", "0 days old"]);
    expect(await storedTexts(other)).toEqual(["6 days old"]);
  });

  it("runs once per tick from one job scheduler, however many workers register it", async () => {
    const catalog: JobCatalog = {
      ...jobCatalog,
      "sentiment.purge": {
        ...jobCatalog["sentiment.purge"],
        schedule: { everyMs: 300, payload: { reason: "schedule" } },
      },
    };
    // Two worker replicas start: both register the schedulers, both take jobs. (Other scheduled
    // kinds are registered too; this test watches the purge's.)
    expect(await registerJobSchedulers({ connection: redis, prefix, catalog })).toContain("sentiment.purge");
    expect(await registerJobSchedulers({ connection: redis, prefix, catalog })).toContain("sentiment.purge");
    const queue = new Queue("maintenance", { connection: redis, prefix });
    const schedulers = await queue.getJobSchedulers();
    expect(
      schedulers
        .filter((scheduler) => scheduler.key === "sentiment.purge")
        .map((scheduler) => [scheduler.key, scheduler.every]),
    ).toEqual([["sentiment.purge", 300]]);

    const runs: string[] = [];
    const workers = [1, 2].map(() =>
      createJobWorker({
        connection: redis,
        prefix,
        concurrency: 2,
        lockDurationMs: 5_000,
        catalog,
        handlers: withOtherKinds({
          "sentiment.purge": async (_payload, { jobId }) => {
            runs.push(jobId);
          },
        }),
        onFinalFailure: () => undefined,
        logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
        scrubText,
      }),
    );
    await Promise.all(workers.map((worker) => worker.ready()));
    await expect.poll(() => runs.length, { timeout: 5_000, interval: 50 }).toBeGreaterThanOrEqual(3);
    await Promise.all(workers.map((worker) => worker.close()));
    await queue.close();
    // Each tick's job ran once, on one of the two workers.
    expect(new Set(runs).size).toBe(runs.length);
  });
});
