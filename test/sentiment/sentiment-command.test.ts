// /sentiment end to end below the platforms: the real dispatcher parses the words (either order),
// checks the token against the community's tracked tokens on PostgreSQL and queues sentiment.report
// on Redis; the worker's handler (apps/worker/src/sentiment.ts) reads the scored chatter, builds the
// report, draws the chart with Vega-Lite and sharp and answers once through the real delivery claims.
// Only the platform's send is a stand-in, recording what would be posted.
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createRegistry,
  createSettingsModel,
  defaultCommands,
  sentimentCommand,
  type CommandInvocation,
  type Dispatch,
  type JobPayload,
  type OutgoingMessage,
  type ReplyTarget,
} from "@memebot/core";
import { createRepositories, type Database } from "@memebot/db";
import { createDeliverOnce } from "@memebot/delivery";
import { createJobProducer } from "@memebot/jobs";
import { drawSentimentChart } from "@memebot/render";
import { createSentimentHandlers } from "../../apps/worker/src/sentiment.ts";
import { deletePrefix, REDIS_URL } from "../jobs/support.ts";
import { openTestDatabase, repositoryOptions } from "../support/database.ts";
import { testDispatcher } from "../support/dispatcher.ts";

const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
// Registered here whether or not the project's registry lists it yet.
const registry = createRegistry(
  defaultCommands.some((command) => command.name === "sentiment")
    ? defaultCommands
    : [...defaultCommands, sentimentCommand],
);
const settingsModel = createSettingsModel(registry.all);
let database: Database;
let repositories: ReturnType<typeof createRepositories>;
let dispatch: Dispatch;
let prefix: string;
let chat: string;
let sent: Array<{ target: ReplyTarget; message: OutgoingMessage }>;
let handlers: ReturnType<typeof createSentimentHandlers>;

beforeAll(async () => {
  database = await openTestDatabase();
  repositories = createRepositories(database.prisma, repositoryOptions);
});
afterAll(async () => {
  await database.close();
  await redis.quit();
});

beforeEach((context) => {
  prefix = `test-sentiment-${randomUUID()}`;
  chat = `-100${randomUUID()}`;
  sent = [];
  const producer = createJobProducer({ connection: redis, prefix });
  dispatch = testDispatcher({ redis, prefix, repositories, jobs: producer, registry, settingsModel });
  handlers = createSentimentHandlers({
    repositories,
    settingsModel,
    logger: { info: () => undefined },
    reports: {
      drawChart: drawSentimentChart,
      deliver: createDeliverOnce({
        redis,
        prefix,
        send: async (target, message) => {
          sent.push({ target, message });
        },
      }),
      runs: repositories.commandRuns,
    },
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
    community: { platform: "telegram", externalId: chat, title: "Sentiment chat", kind: "group" },
    actor: { platform: "telegram", externalId: "admin-7", username: "dana" },
    name: (match?.[1] ?? "").toLowerCase(),
    args: { kind: "text", text: match?.[2] ?? "" },
    addressed: true,
    target: { platform: "telegram", chatId: chat, replyToMessageId: counter },
    receivedAt: Date.now(),
    isAdmin: async () => options.admin ?? false,
  };
}

async function reply(text: string, options: { admin?: boolean } = {}): Promise<string> {
  const result = await dispatch(invocation(text, options));
  if (result.kind !== "reply") throw new Error(`expected a reply, got ${result.kind}`);
  await result.complete();
  return result.message.text;
}

async function queued(text: string): Promise<JobPayload<"sentiment.report">> {
  const result = await dispatch(invocation(text));
  expect(result).toMatchObject({ kind: "queued" });
  const queue = new Queue("commands", { connection: redis, prefix });
  try {
    const job = await queue.getJob(result.kind === "queued" ? result.jobId : "");
    expect(job?.name).toBe("sentiment.report");
    return job?.data as JobPayload<"sentiment.report">;
  } finally {
    await queue.close();
  }
}

/** The job run as the worker runs it; the answer sent. */
async function answered(payload: JobPayload<"sentiment.report">): Promise<OutgoingMessage> {
  const before = sent.length;
  await handlers["sentiment.report"](payload, {
    signal: new AbortController().signal,
  } as Parameters<(typeof handlers)["sentiment.report"]>[1]);
  expect(sent).toHaveLength(before + 1);
  const message = sent.at(-1)?.message;
  if (!message) throw new Error("nothing sent");
  return message;
}

/** Stored and scored chatter: [author, label, score, minutes ago, text]. */
async function chatter(rows: ReadonlyArray<[string, string, number, number, string?]>, mentions = ["BONK"]) {
  const keys = rows.map(() => `telegram:${chat}:${randomUUID()}`);
  await repositories.chatter.insertMessages(
    rows.map(([authorId, label, , minutes, text], index) => ({
      community: community(),
      key: keys[index] ?? "",
      channelKey: `telegram:${chat}`,
      authorId,
      text: text ?? `${label} about bonk`,
      mentions,
      contentHash: randomUUID(),
      createdAt: new Date(Date.now() - minutes * 60_000),
    })),
  );
  const stored = await database.prisma.chatterMessage.findMany({
    where: { key: { in: keys } },
    select: { id: true, key: true },
  });
  await repositories.chatter.storeScores(
    stored.map(({ id, key }) => {
      const row = rows[keys.indexOf(key)];
      return {
        id,
        label: row?.[1] ?? "neutral",
        score: row?.[2] ?? 0,
        confidence: 0.9,
        scorer: "test",
        scoredAt: new Date(),
      };
    }),
  );
}

describe("/sentiment", () => {
  beforeEach(async () => {
    await reply("/config sentiment on", { admin: true });
    await reply("/track add BONK bonk", { admin: true });
  });

  it("answers bad windows and unknown tokens at once, clearly", async () => {
    // A parse error also shows the usage line.
    expect(await reply("/sentiment $BONK 2h")).toContain(
      "“2h” isn't a window: use 1h, 6h, 24h or 7d (24h if left out).",
    );
    expect(await reply("/sentiment $WIF")).toBe(
      "This community doesn't track $WIF. Tracked here: $BONK. /track list shows them.",
    );
    expect(await reply("/sentiment @@@")).toContain("is neither a token symbol nor a window");
    expect(await reply("/sentiment 1h 6h")).toContain(
      "Give one token and one window at most, e.g. /sentiment $BONK 24h.",
    );
  });

  it("says 'not enough chatter yet' without data", async () => {
    const message = await answered(await queued("/sentiment"));
    expect(message.text).toContain("Not enough chatter yet about this community's tokens in the last 24h");
    expect(message.text).toContain("/config sentiment on");
    expect(message.picture).toBeUndefined();
  });

  it("reports a window with its chart: author-weighted, with the change and quotes, in either order", async () => {
    await chatter([
      // This hour: one loud bull (20 messages), three bears.
      ...Array.from({ length: 20 }, (_, index): [string, string, number, number, string] => [
        "loud",
        "bullish",
        0.9,
        5 + index,
        `moon soon ${index} https://pump.example/bonk @shiller`,
      ]),
      ["b1", "bearish", -0.8, 10, "this is a rug, selling everything"],
      ["b2", "bearish", -0.7, 20, "chart looks awful, exit now"],
      ["b3", "bearish", -0.6, 30],
      // The hour before: five mild bulls.
      ...["p1", "p2", "p3", "p4", "p5"].map((author): [string, string, number, number] => [
        author,
        "bullish",
        0.4,
        90,
      ]),
    ]);
    // Another token's chatter is not counted in $BONK's report.
    await chatter([["x", "bullish", 1, 5]], ["WIF"]);
    const message = await answered(await queued("/sentiment 1h $bonk"));
    const lines = message.text.split("\n");
    // (0.9 - 0.8 - 0.7 - 0.6) / 4 = -0.3; before: 0.4.
    expect(lines[0]).toBe("Sentiment of $BONK, last 1h: -30 (bearish)");
    expect(lines[1]).toBe("Change against the 1h before: -70");
    expect(lines[2]).toBe("Bullish 87% · bearish 13% · neutral 0% of messages");
    expect(lines[3]).toBe("23 messages from 4 people (each person counts as one voice)");
    expect(message.text).toContain("Bullish voices:\n• “moon soon");
    expect(message.text).toContain(
      "Bearish voices:\n• “this is a rug, selling everything”\n• “chart looks awful, exit now”",
    );
    expect(message.text).not.toMatch(/https?:|@|pump\.example|loud|b1/);
    expect(message.picture).toMatchObject({ mimeType: "image/png", fileName: "sentiment.png" });
    const picture = await sharp(message.picture?.bytes).metadata();
    expect(picture).toMatchObject({ format: "png", width: 1200 });
    writeFileSync("/tmp/sentiment-chart-e2e.png", message.picture?.bytes ?? new Uint8Array());
    const run = await database.prisma.commandRun.findUnique({ where: { key: `test:${prefix}:${counter}` } });
    expect(run?.outcome).toBe("sentiment.reported");
  });
});
