// /digest and the sentiment.digest job over this run's PostgreSQL and Redis: the real dispatcher,
// the bot's repository services, the worker's handler and the real delivery claims; the clock is the
// test's, set in 2099 so the workers other tests start (on today's clock) never find these digests
// due, and each test deletes its digests. Only the platform's send is a stand-in, except in the last
// test, where the job runs in a BullMQ worker on its scheduler and posts to the fake Telegram.
import { randomInt, randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { repositoryServicesOf } from "@memebot/bot";
import {
  createRegistry,
  createSettingsModel,
  DigestsNotPostedError,
  jobCatalog,
  type CommandInvocation,
  type CommunityRef,
  type Dispatch,
  type JobCatalog,
  type OutgoingMessage,
  type ReplyTarget,
} from "@memebot/core";
import { createRepositories, type Database } from "@memebot/db";
import { createDeliverOnce, createPlatformSender, DeliveryError } from "@memebot/delivery";
import { createJobProducer, createJobWorker, registerJobSchedulers } from "@memebot/jobs";
import { drawSentimentChart } from "@memebot/render";
import { slashCommandsFrom } from "../../apps/bot/src/discord/commands.ts";
import { createSentimentHandlers } from "../../apps/worker/src/sentiment.ts";
import { isRecordedFile } from "../fakes/shared/http.ts";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram/server.ts";
import { deletePrefix, REDIS_URL, scrubText, withOtherKinds } from "../jobs/support.ts";
import { openTestDatabase, repositoryOptions } from "../support/database.ts";
import { testDispatcher } from "../support/dispatcher.ts";

const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const registry = createRegistry();
const settingsModel = createSettingsModel(registry.all);
let database: Database;
let repositories: ReturnType<typeof createRepositories>;
let dispatch: Dispatch;
let prefix: string;
let chat: string;
let clock: number;
let adminChecks: unknown[];
let sent: Array<{ target: ReplyTarget; message: OutgoingMessage }>;
/** Sends that fail (retryably) before the next one succeeds. */
let failingSends: number;
/** The platform refuses every send for good (the bot was removed from the chat). */
let refusing: boolean;
let handlers: ReturnType<typeof createSentimentHandlers>;
/** The communities a test used: their digests are deleted after it. */
let used: string[];

beforeAll(async () => {
  database = await openTestDatabase();
  repositories = createRepositories(database.prisma, repositoryOptions);
});
afterAll(async () => {
  await database.close();
  await redis.quit();
});

const newChat = () => {
  const id = `-100${randomInt(10 ** 9, 10 ** 10 - 1)}`;
  used.push(id);
  return id;
};

beforeEach((context) => {
  prefix = `test-digest-${randomUUID()}`;
  used = [];
  chat = newChat();
  clock = Date.parse("2099-03-10T06:00:00Z");
  adminChecks = [];
  sent = [];
  failingSends = 0;
  refusing = false;
  const producer = createJobProducer({ connection: redis, prefix });
  const { digests } = repositoryServicesOf(repositories, { redis, prefix });
  if (!digests) throw new Error("the bot's services have no digests");
  dispatch = testDispatcher({
    redis,
    prefix,
    repositories,
    jobs: producer,
    registry,
    settingsModel,
    digests: { ...digests, now: () => clock },
  });
  handlers = createSentimentHandlers({
    repositories,
    settingsModel,
    logger: { info: () => undefined, warn: () => undefined },
    reports: {
      drawChart: drawSentimentChart,
      deliver: createDeliverOnce({
        redis,
        prefix,
        send: async (target, message) => {
          if (refusing) {
            throw new DeliveryError("Forbidden: bot was kicked", {
              platform: target.platform,
              reason: "forbidden",
              retryable: false,
            });
          }
          if (failingSends > 0) {
            failingSends -= 1;
            throw new DeliveryError("Bad Gateway", {
              platform: target.platform,
              reason: "unavailable",
              retryable: true,
            });
          }
          sent.push({ target, message });
        },
      }),
      runs: repositories.commandRuns,
      now: () => clock,
    },
  });
  context.onTestFinished(async () => {
    await database.prisma.sentimentDigest.deleteMany({ where: { community: { externalId: { in: used } } } });
    await producer.close();
    await deletePrefix(redis, prefix);
  });
});

const community = (): CommunityRef => ({ platform: "telegram", externalId: chat, kind: "group" });

let counter = 0;
function invocation(
  text: string,
  options: { admin?: boolean; kind?: "group" | "private" } = {},
): CommandInvocation {
  counter += 1;
  const match = /^\/(\S+)\s*(.*)$/s.exec(text);
  return {
    key: `test:${prefix}:${counter}`,
    platform: "telegram",
    community: {
      platform: "telegram",
      externalId: chat,
      title: "Digest chat",
      kind: options.kind ?? "group",
    },
    actor: { platform: "telegram", externalId: "admin-7", username: "dana" },
    name: (match?.[1] ?? "").toLowerCase(),
    args: { kind: "text", text: match?.[2] ?? "" },
    addressed: true,
    target: { platform: "telegram", chatId: chat, replyToMessageId: counter, messageThreadId: 5 },
    receivedAt: clock,
    isAdmin: async (check) => {
      adminChecks.push(check);
      return options.admin ?? false;
    },
  };
}

async function answer(call: CommandInvocation): Promise<string> {
  const result = await dispatch(call);
  if (result.kind !== "reply") throw new Error(`expected a reply, got ${result.kind}`);
  await result.complete();
  return result.message.text;
}

const reply = (text: string, options: Parameters<typeof invocation>[1] = {}) =>
  answer(invocation(text, options));

/** The job run as the worker runs it. */
const runDigests = () =>
  handlers["sentiment.digest"](
    { reason: "schedule" },
    { jobId: `digest-${randomUUID()}`, attempt: 1, signal: new AbortController().signal },
  );

/** Stored and scored chatter: [author, label, score, minutes before the clock]. */
async function chatter(rows: ReadonlyArray<[string, string, number, number]>) {
  const keys = rows.map(() => `telegram:${chat}:${randomUUID()}`);
  await repositories.chatter.insertMessages(
    rows.map(([authorId, label, , minutes], index) => ({
      community: community(),
      key: keys[index] ?? "",
      channelKey: `telegram:${chat}`,
      authorId,
      text: `${label} about bonk, said by ${authorId}`,
      mentions: ["BONK"],
      contentHash: randomUUID(),
      createdAt: new Date(clock - minutes * 60_000),
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
        scoredAt: new Date(clock),
      };
    }),
  );
}

/** A lively day: eight people, mostly bullish, over the 24 hours before the clock. */
const livelyDay = () =>
  chatter(
    Array.from({ length: 16 }, (_, index) => [
      `author-${index % 8}`,
      index % 4 === 0 ? "bearish" : "bullish",
      index % 4 === 0 ? -0.6 : 0.7,
      30 + index * 60,
    ]),
  );

const storedDigest = () => repositories.sentimentDigests.find(community());

describe("/digest", () => {
  it("lets admins switch it on at a local hour, shows anyone when the next one comes, and switches off", async () => {
    expect(await reply("/digest")).toBe(
      "No daily sentiment digest here. Admins start one with /digest on <hour 0-23> [time zone], e.g. /digest on 9 Europe/Berlin.",
    );
    // 06:00 UTC is 07:00 in Berlin: today's 09:00 is two hours away.
    expect(await reply("/digest on 9 europe/berlin", { admin: true })).toBe(
      [
        "Daily sentiment digest on: every day at 09:00 (Europe/Berlin), posted here.",
        "Next: today at 09:00 (in 2 h 0 min).",
        "Chatter tracking is off here: admins turn it on with /config sentiment on.",
      ].join("\n"),
    );
    expect(adminChecks).toEqual([{ fresh: true }]);
    // Posted in the chat and topic it was switched on in, not as a reply to the command.
    expect(await storedDigest()).toMatchObject({
      enabled: true,
      hour: 9,
      timeZone: "Europe/Berlin",
      target: { platform: "telegram", chatId: chat, messageThreadId: 5 },
      lastLocalDate: "2099-03-09",
      updatedBy: "admin-7",
    });

    adminChecks = [];
    await reply("/config sentiment on", { admin: true });
    clock += 3 * 3_600_000;
    expect(await reply("/digest")).toBe(
      [
        "Daily sentiment digest: every day at 09:00 (Europe/Berlin), posted where /digest on was used.",
        "Next: within a few minutes.",
      ].join("\n"),
    );

    // Members may look, not change; the check is fresh each time.
    adminChecks = [];
    expect(await reply("/digest off")).toMatch(/Only admins/);
    expect(await reply("/digest on 7")).toMatch(/Only admins/);
    expect(adminChecks).toEqual([{ fresh: true }, { fresh: true }]);
    expect(await storedDigest()).toMatchObject({ enabled: true, hour: 9 });

    expect(await reply("/digest off", { admin: true })).toBe("Daily sentiment digest off.");
    expect(await reply("/digest off", { admin: true })).toBe("There is no daily sentiment digest on here.");
    expect(await reply("/digest")).toBe(
      "The daily sentiment digest is off (it was at 09:00, Europe/Berlin). Admins switch it on again with /digest on <hour> [time zone].",
    );
    // No zone is UTC; past the hour, the first digest is tomorrow's.
    expect(await reply("/digest on 7", { admin: true })).toBe(
      [
        "Daily sentiment digest on: every day at 07:00 (UTC), posted here.",
        "Next: tomorrow at 07:00 (in 22 h 0 min).",
      ].join("\n"),
    );
  });

  it("answers bad hours, zones and words clearly, before asking about admin rights", async () => {
    expect(await reply("/digest on 25", { admin: true })).toBe(
      "“25” isn't an hour: give a whole hour from 0 to 23, e.g. /digest on 9 Europe/Berlin.",
    );
    expect(await reply("/digest on 9:30", { admin: true })).toContain("“9:30” isn't an hour");
    expect(await reply("/digest on 9 Mars/Olympus_Mons", { admin: true })).toBe(
      "“Mars/Olympus_Mons” isn't a time zone I know: use a name like Europe/Berlin, America/New_York or UTC.",
    );
    expect(await reply("/digest on", { admin: true })).toContain("How to use /digest:");
    expect(await reply("/digest weekly", { admin: true })).toMatch(
      /^I don't know “weekly”\.\nHow to use \/digest:/,
    );
    expect(await reply("/digest on 9 UTC soon", { admin: true })).toContain("Too many arguments.");
    expect(await reply("/digest on 9", { admin: true, kind: "private" })).toBe(
      "Digests are for group chats, where chatter is read: use /digest on in the group.",
    );
    expect(adminChecks).toEqual([]);
    expect(await storedDigest()).toBeNull();
  });

  it("takes Discord options and posts to the interaction's channel; the console posts to its session", async () => {
    const discordBody = slashCommandsFrom(registry).find((body) => body.name === "digest");
    expect(discordBody?.options?.map((option) => [option.name, option.required])).toEqual([
      ["action", false],
      ["hour", false],
      ["zone", false],
    ]);

    const guild = `1${randomInt(10 ** 12, 10 ** 13)}0000`;
    used.push(guild);
    const discord = (channelId?: string): CommandInvocation => ({
      key: `test:${prefix}:discord:${randomUUID()}`,
      platform: "discord",
      community: { platform: "discord", externalId: guild, title: "Guild", kind: "group" },
      actor: { platform: "discord", externalId: "3001" },
      name: "digest",
      args: { kind: "options", values: { action: "on", hour: "21", zone: "America/New_York" } },
      addressed: true,
      target: {
        platform: "discord",
        applicationId: "4001",
        interactionToken: "token",
        ...(channelId ? { channelId } : {}),
      },
      receivedAt: clock,
      isAdmin: async () => true,
    });
    expect(await answer(discord())).toBe(
      "I can't tell which channel this is, so I'd have nowhere to post. Use /digest on in a server channel.",
    );
    expect(await answer(discord("5001"))).toContain("every day at 21:00 (America/New_York)");
    expect(
      await repositories.sentimentDigests.find({ platform: "discord", externalId: guild }),
    ).toMatchObject({ target: { platform: "discord", channelId: "5001" }, hour: 21 });

    const session = randomUUID();
    used.push(session);
    expect(
      await answer({
        key: `test:${prefix}:console:${randomUUID()}`,
        platform: "console",
        community: { platform: "console", externalId: session, kind: "group" },
        actor: { platform: "console", externalId: "local" },
        name: "digest",
        args: { kind: "text", text: "on 0 Asia/Tokyo" },
        addressed: true,
        target: { platform: "console", sessionId: session },
        receivedAt: clock,
        isAdmin: async () => true,
      }),
    ).toContain("every day at 00:00 (Asia/Tokyo)");
    expect(
      await repositories.sentimentDigests.find({ platform: "console", externalId: session }),
    ).toMatchObject({ target: { platform: "console", sessionId: session } });
  });
});

describe("the sentiment.digest job", () => {
  beforeEach(async () => {
    await reply("/config sentiment on", { admin: true });
    await reply("/digest on 9 Europe/Berlin", { admin: true });
  });

  it("posts the last 24 hours' report with its chart once, from the hour on, however often it runs", async () => {
    clock = Date.parse("2099-03-10T07:59:00Z");
    await livelyDay();
    expect(await runDigests()).toEqual({ sent: 0, quiet: 0, skipped: 0 });
    expect(sent).toEqual([]);

    // The worker was down at 09:00; at 14:00 two runs meet (a retry and the next tick).
    clock = Date.parse("2099-03-10T13:00:00Z");
    const runs = await Promise.allSettled([runDigests(), runDigests()]);
    // The loser either found the day done or met the winner's send in progress (and would be retried).
    for (const run of runs) {
      if (run.status === "rejected") expect(run.reason).toBeInstanceOf(DigestsNotPostedError);
    }
    expect(await runDigests()).toEqual({ sent: 0, quiet: 0, skipped: 0 });
    expect(sent).toHaveLength(1);
    const [post] = sent;
    expect(post?.target).toEqual({ platform: "telegram", chatId: chat, messageThreadId: 5 });
    const lines = post?.message.text.split("\n") ?? [];
    expect(lines[0]).toBe("Daily sentiment digest, 2099-03-10");
    expect(lines[1]).toMatch(/^Sentiment of this community's tokens, last 24h: \+\d+ \(bullish\)$/);
    expect(post?.message.text).toContain("16 messages from 8 people");
    // The picture is the chart, a PNG, as /sentiment draws it.
    const picture = post?.message.picture;
    expect(picture).toMatchObject({ mimeType: "image/png", fileName: "sentiment-digest-2099-03-10.png" });
    const meta = await sharp(picture?.bytes).metadata();
    expect(meta.format).toBe("png");
    expect(meta.width).toBeGreaterThan(300);
    expect(meta.height).toBeGreaterThan(150);
    expect((await sharp(picture?.bytes).stats()).isOpaque).toBe(true);
    expect(await storedDigest()).toMatchObject({ lastLocalDate: "2099-03-10" });

    // Later that day: nothing more. The next day at its hour: the next digest.
    clock = Date.parse("2099-03-10T22:30:00Z");
    await runDigests();
    expect(sent).toHaveLength(1);
    // The chatter was all before 08:00 yesterday: a quiet day.
    clock = Date.parse("2099-03-11T08:00:00Z");
    expect(await runDigests()).toEqual({ sent: 0, quiet: 1, skipped: 0 });
    expect(sent.map((entry) => entry.message.text.split(/[\n:]/)[0])).toEqual([
      "Daily sentiment digest, 2099-03-10",
      "Daily sentiment digest, 2099-03-11",
    ]);
  });

  it("never posts a day twice when a retry comes after the post but before the day was recorded", async () => {
    await livelyDay();
    clock = Date.parse("2099-03-10T08:10:00Z");
    // The platform fails first: nothing is recorded, and the job fails to be retried.
    failingSends = 1;
    await expect(runDigests()).rejects.toBeInstanceOf(DigestsNotPostedError);
    expect(await storedDigest()).toMatchObject({ lastLocalDate: "2099-03-09" });
    expect(await runDigests()).toMatchObject({ sent: 1 });
    // As if the worker died after posting, before recording the day: the retry finds it delivered.
    await database.prisma.sentimentDigest.updateMany({
      where: { community: { externalId: chat } },
      data: { lastLocalDate: new Date("2099-03-09T00:00:00Z") },
    });
    await runDigests();
    expect(sent).toHaveLength(1);
    expect(await storedDigest()).toMatchObject({ lastLocalDate: "2099-03-10" });
  });

  it("skips a day the platform refuses for good, and tries again the next day", async () => {
    refusing = true;
    clock = Date.parse("2099-03-10T08:00:00Z");
    expect(await runDigests()).toEqual({ sent: 0, quiet: 0, skipped: 1 });
    expect(await storedDigest()).toMatchObject({ lastLocalDate: "2099-03-10" });
    expect(await runDigests()).toEqual({ sent: 0, quiet: 0, skipped: 0 });
    refusing = false;
    clock = Date.parse("2099-03-11T08:00:00Z");
    expect(await runDigests()).toEqual({ sent: 0, quiet: 1, skipped: 0 });
    expect(sent).toHaveLength(1);
  });

  it("posts one short line on a quiet day, and nothing where chatter is no longer read", async () => {
    await chatter([["author-1", "bullish", 0.5, 60]]);
    clock = Date.parse("2099-03-10T08:00:00Z");
    expect(await runDigests()).toEqual({ sent: 0, quiet: 1, skipped: 0 });
    expect(sent.map((entry) => entry.message)).toEqual([
      {
        text: "Daily sentiment digest, 2099-03-10: a quiet day, with fewer than 5 scored messages in the last 24h.",
      },
    ]);

    await reply("/config sentiment off", { admin: true });
    clock = Date.parse("2099-03-11T08:00:00Z");
    expect(await runDigests()).toEqual({ sent: 0, quiet: 0, skipped: 1 });
    expect(sent).toHaveLength(1);
    expect(await storedDigest()).toMatchObject({ lastLocalDate: "2099-03-11" });
  });

  it("speaks the community's language", async () => {
    await reply("/config language es", { admin: true });
    clock = Date.parse("2099-03-10T08:00:00Z");
    await runDigests();
    expect(sent[0]?.message.text).toBe(
      "Resumen diario del sentimiento, 2099-03-10: un día tranquilo, con menos de 5 mensajes puntuados en las últimas 24h.",
    );
  });
});

describe("the digest in a running worker", () => {
  let telegram: FakeTelegram;
  beforeAll(async () => {
    telegram = await startFakeTelegram();
  });
  afterAll(async () => {
    await telegram.close();
  });

  it("runs on its job scheduler and posts the chart to the Telegram chat once", async () => {
    await reply("/config sentiment on", { admin: true });
    await reply("/digest on 9 Europe/Berlin", { admin: true });
    await livelyDay();
    clock = Date.parse("2099-03-10T08:30:00Z");

    // Only the digest on a clock, every 200 ms; the other kinds keep their catalog entries unscheduled.
    const catalog = Object.fromEntries(
      Object.entries(jobCatalog).map(([name, definition]) => {
        const { schedule: _unused, ...rest } = definition as typeof definition & { schedule?: unknown };
        return [
          name,
          name === "sentiment.digest"
            ? { ...rest, schedule: { everyMs: 200, payload: { reason: "schedule" } } }
            : rest,
        ];
      }),
    ) as unknown as JobCatalog;
    const sender = createPlatformSender({ telegram: { token: telegram.token, apiRoot: telegram.apiRoot } });
    const workerHandlers = createSentimentHandlers({
      repositories,
      settingsModel,
      logger: { info: () => undefined, warn: () => undefined },
      reports: {
        drawChart: drawSentimentChart,
        deliver: createDeliverOnce({ redis, prefix, send: sender.send }),
        runs: repositories.commandRuns,
        now: () => clock,
      },
    });
    let ticks = 0;
    const worker = createJobWorker({
      connection: redis,
      prefix,
      concurrency: 2,
      lockDurationMs: 5_000,
      catalog,
      handlers: withOtherKinds({
        "sentiment.digest": async (payload, context) => {
          ticks += 1;
          return workerHandlers["sentiment.digest"](payload, context);
        },
      }),
      onFinalFailure: () => undefined,
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
      scrubText,
    });
    await worker.ready();
    expect(await registerJobSchedulers({ connection: redis, prefix, catalog })).toEqual(["sentiment.digest"]);
    try {
      const call = await telegram.waitForCall(
        "sendPhoto",
        (entry) => String(entry.params.chat_id) === chat,
        15_000,
      );
      expect(call.params.message_thread_id).toBe(5);
      expect(String(call.params.caption)).toMatch(/^Daily sentiment digest, 2099-03-10\n/);
      const photo = call.params.photo;
      if (!isRecordedFile(photo)) throw new Error("sendPhoto without an uploaded file");
      expect((await sharp(photo.bytes).metadata()).format).toBe("png");
      // More ticks come and go; the day is done.
      const after = ticks;
      await expect.poll(() => ticks, { timeout: 10_000, interval: 50 }).toBeGreaterThanOrEqual(after + 3);
    } finally {
      await worker.close();
      const queue = new Queue("maintenance", { connection: redis, prefix });
      await queue.removeJobScheduler("sentiment.digest");
      await queue.close();
    }
    expect(
      telegram.callsOf("sendPhoto").filter((entry) => String(entry.params.chat_id) === chat),
    ).toHaveLength(1);
  });
});
