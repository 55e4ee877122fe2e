// /alert and its check, over this run's PostgreSQL and Redis: the real dispatcher parses and stores
// alerts (admins only, asked afresh; tokens must be tracked), checkCommunityAlerts reads scored chatter
// with a clock of the test's choosing and posts through the real delivery claims, and the worker's
// sentiment.alerts job, run by a BullMQ job scheduler, posts a crossing to the fake Telegram once.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  checkCommunityAlerts,
  createRegistry,
  createSettingsModel,
  jobCatalog,
  type AlertCheckSummary,
  type CommandInvocation,
  type DeliverOnce,
  type Dispatch,
  type JobCatalog,
  type OutgoingMessage,
  type ReplyTarget,
  type SentimentAlertCheckDependencies,
} from "@memebot/core";
import { createRepositories, MAX_SENTIMENT_ALERTS_PER_COMMUNITY, type Database } from "@memebot/db";
import { createDeliverOnce, createPlatformSender, DeliveryError } from "@memebot/delivery";
import { createJobWorker, registerJobSchedulers } from "@memebot/jobs";
import { createSentimentHandlers } from "../../apps/worker/src/sentiment.ts";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram/server.ts";
import { deletePrefix, REDIS_URL, scrubText, withOtherKinds } from "../jobs/support.ts";
import { openTestDatabase, repositoryOptions } from "../support/database.ts";
import { testDispatcher } from "../support/dispatcher.ts";
import { uniqueSnowflake, uniqueTelegramGroupId } from "../support/unique-ids.ts";

const MINUTE = 60_000;
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const registry = createRegistry();
const settingsModel = createSettingsModel(registry.all);
let database: Database;
let repositories: ReturnType<typeof createRepositories>;
let dispatch: Dispatch;
let prefix: string;
let chat: string;
let adminChecks: unknown[];
let sent: Array<{ target: ReplyTarget; message: OutgoingMessage }>;
/** What the platform's send does; recording by default, a test may make it fail. */
let send: (target: ReplyTarget, message: OutgoingMessage) => Promise<void>;
let deliver: DeliverOnce;

beforeAll(async () => {
  database = await openTestDatabase();
  repositories = createRepositories(database.prisma, repositoryOptions);
});
afterAll(async () => {
  await database.close();
  await redis.quit();
});

beforeEach((context) => {
  prefix = `test-alerts-${randomUUID()}`;
  chat = String(uniqueTelegramGroupId());
  adminChecks = [];
  sent = [];
  send = async (target, message) => {
    sent.push({ target, message });
  };
  deliver = createDeliverOnce({ redis, prefix, send: (target, message) => send(target, message) });
  dispatch = testDispatcher({
    redis,
    prefix,
    repositories,
    // /alert queues nothing: a producer that is never asked.
    jobs: {
      enqueue: () => {
        throw new Error("/alert enqueues no job");
      },
    },
  });
  context.onTestFinished(() => deletePrefix(redis, prefix));
});

const community = () => ({ platform: "telegram" as const, externalId: chat });

let counter = 0;
function invocation(
  text: string,
  options: { admin?: boolean; chatKind?: "group" | "private"; topic?: number } = {},
): CommandInvocation {
  counter += 1;
  const match = /^\/(\S+)\s*(.*)$/s.exec(text);
  return {
    key: `test:${prefix}:${counter}`,
    platform: "telegram",
    community: {
      platform: "telegram",
      externalId: chat,
      title: "Alert chat",
      kind: options.chatKind ?? "group",
    },
    actor: { platform: "telegram", externalId: "admin-7", username: "dana" },
    name: (match?.[1] ?? "").toLowerCase(),
    args: { kind: "text", text: match?.[2] ?? "" },
    addressed: true,
    target: {
      platform: "telegram",
      chatId: chat,
      replyToMessageId: counter,
      ...(options.topic !== undefined ? { messageThreadId: options.topic } : {}),
    },
    receivedAt: Date.now(),
    isAdmin: async (check) => {
      adminChecks.push(check);
      return options.admin ?? false;
    },
  };
}

async function replyTo(command: CommandInvocation): Promise<string> {
  const result = await dispatch(command);
  if (result.kind !== "reply") throw new Error(`expected a reply, got ${result.kind}`);
  await result.complete();
  return result.message.text;
}

const reply = (text: string, options: Parameters<typeof invocation>[1] = {}) =>
  replyTo(invocation(text, options));

/** Sets an alert as an admin; its number. */
async function setAlert(text: string): Promise<number> {
  const answer = await reply(text, { admin: true });
  const id = /^Alert #(\d+) set/.exec(answer)?.[1];
  if (!id) throw new Error(`not set: ${answer}`);
  return Number(id);
}

/** Chatter tracking on, and room for a test's many commands within a minute. */
async function openGroup() {
  await reply("/config sentiment on", { admin: true });
  await reply("/config rate_limit 600", { admin: true });
  await reply("/config user_rate_limit 600", { admin: true });
}

/** A group that tracks BONK (and more), with chatter tracking on. */
async function trackingGroup(...symbols: string[]) {
  await openGroup();
  for (const symbol of ["BONK", ...symbols]) await reply(`/track add ${symbol}`, { admin: true });
  adminChecks = [];
}

/**
 * Stored chatter at `minutes` from `base`: one message per author, each with its score (-1..1) or
 * unscored (null). Mentions say which tokens it is about.
 */
async function chatter(
  base: number,
  minutes: number,
  scores: ReadonlyArray<number | null>,
  mentions: readonly string[] = ["BONK"],
) {
  const keys = scores.map(() => `telegram:${chat}:${randomUUID()}`);
  await repositories.chatter.insertMessages(
    scores.map((_, index) => ({
      community: community(),
      key: keys[index] ?? "",
      channelKey: `telegram:${chat}`,
      authorId: `author-${index}`,
      text: `message ${index}`,
      mentions,
      contentHash: randomUUID(),
      createdAt: new Date(base + minutes * MINUTE),
    })),
  );
  const stored = await database.prisma.chatterMessage.findMany({
    where: { key: { in: keys } },
    select: { id: true, key: true },
  });
  await repositories.chatter.storeScores(
    stored.flatMap(({ id, key }) => {
      const score = scores[keys.indexOf(key)];
      if (score === null || score === undefined) return [];
      const label = score > 0.1 ? "bullish" : score < -0.1 ? "bearish" : "neutral";
      return [{ id, label, score, confidence: 0.9, scorer: "test", scoredAt: new Date(base) }];
    }),
  );
}

const voices = (count: number, score: number | null) => Array.from({ length: count }, () => score);

/** The check's dependencies as the worker gives them, with the test's clock. */
function checkDependencies(at: number): SentimentAlertCheckDependencies {
  return {
    alerts: repositories.sentimentAlerts,
    chatter: {
      scoredIn: (where, range) => repositories.sentimentAlerts.scoresIn(where, range),
      countMessages: (where, range) => repositories.sentimentAlerts.countMessages(where, range),
    },
    settingsModel,
    deliver,
    now: () => at,
  };
}

/** One check of this test's community at `at`; its summary. */
async function check(at: number): Promise<AlertCheckSummary> {
  const stored = await database.prisma.community.findUniqueOrThrow({
    where: { platform_externalId: community() },
    select: { settings: true },
  });
  return checkCommunityAlerts(community(), stored.settings, checkDependencies(at));
}

const stateOf = async (id: number) =>
  database.prisma.sentimentAlert.findUniqueOrThrow({
    where: { id },
    select: { state: true, crossings: true, lastFiredAt: true },
  });

/**
 * The check tests' clock: days ahead of the real one. Workers that other test files start check every
 * community's alerts on the real clock; in these tests' windows they find no chatter, and no chatter
 * leaves a sentiment alert as it is.
 */
const future = () => Date.now() + 10 * 24 * 60 * MINUTE;

describe("/alert", () => {
  it("sets, lists and removes alerts for admins, posting where it was set", async () => {
    await trackingGroup();
    const drop = await setAlert("/alert sentiment $bonk drop 20 6h");
    expect(adminChecks).toEqual([{ fresh: true }]);
    const added = await reply("/alert volume all 3x 1h", { admin: true, topic: 5 });
    expect(added).toMatch(
      /^Alert #\d+ set: messages about this community's tokens reach 3× those of the 1h before, over 1h\. I'll post here once each time it crosses\.$/,
    );
    const volume = Number(/#(\d+)/.exec(added)?.[1]);
    // The same alert again is not a second one.
    expect(await reply("/alert sentiment BONK DROP 20 6H", { admin: true })).toBe(
      `That alert is already set: #${drop}.`,
    );
    // Anyone lists, without an admin check.
    adminChecks = [];
    const listed = await reply("/alert");
    expect(listed.split("\n")).toEqual([
      `Alerts here (2 of ${MAX_SENTIMENT_ALERTS_PER_COMMUNITY}):`,
      `#${drop} — sentiment of $BONK falls 20 points or more over 6h, against the 6h before`,
      `#${volume} — messages about this community's tokens reach 3× those of the 1h before, over 1h`,
    ]);
    expect(adminChecks).toEqual([]);
    // Stored with where to post: the chat (and its topic), not a reply to the command.
    const stored = await repositories.sentimentAlerts.list(community());
    expect(
      stored.map(({ kind, symbol, direction, threshold, window, target, state, crossings }) => ({
        kind,
        symbol,
        direction,
        threshold,
        window,
        target,
        state,
        crossings,
      })),
    ).toEqual([
      {
        kind: "sentiment",
        symbol: "BONK",
        direction: "drop",
        threshold: 20,
        window: "6h",
        target: { platform: "telegram", chatId: chat },
        state: "armed",
        crossings: 0,
      },
      {
        kind: "volume",
        symbol: null,
        direction: null,
        threshold: 3,
        window: "1h",
        target: { platform: "telegram", chatId: chat, messageThreadId: 5 },
        state: "armed",
        crossings: 0,
      },
    ]);
    // An alert outlives its token's tracking, and the list says so.
    await reply("/track remove BONK", { admin: true });
    expect(await reply("/alert list")).toContain(
      `#${drop} — sentiment of $BONK falls 20 points or more over 6h, against the 6h before — $BONK isn't tracked any more (/track add BONK)`,
    );
    expect(await reply(`/alert remove #${drop}`, { admin: true })).toBe(`Alert #${drop} removed.`);
    expect(await reply(`/alert remove ${drop}`, { admin: true })).toBe(
      `There is no alert #${drop} here: /alert list shows this community's alerts.`,
    );
    expect((await repositories.sentimentAlerts.list(community())).map((alert) => alert.id)).toEqual([volume]);
  });

  it("answers every malformed alert clearly, before asking about admin rights", async () => {
    await trackingGroup();
    const cases: Array<[string, string]> = [
      ["/alert sentiment", "Say what to watch: /alert sentiment <$TOKEN|all> <drop|rise> <points> <window>"],
      ["/alert sentiment drop 20 6h", "Say what to watch: /alert sentiment"],
      ["/alert sentiment $BONK drop 20", "Say what to watch: /alert sentiment"],
      ["/alert sentiment $BONK drop 20 6h now", "Say what to watch: /alert sentiment"],
      ["/alert sentiment $$$ drop 20 6h", "“$$$” isn't a token: give a tracked token such as $BONK, or all."],
      ["/alert sentiment $BONK fall 20 6h", "“fall” isn't a direction: use drop or rise"],
      ["/alert sentiment $BONK drop 0 6h", "“0” isn't a number of points: use a whole number from 1 to 200"],
      ["/alert sentiment $BONK drop 201 6h", "“201” isn't a number of points"],
      ["/alert sentiment $BONK drop 2.5 6h", "“2.5” isn't a number of points"],
      ["/alert sentiment $BONK rise ten 6h", "“ten” isn't a number of points"],
      ["/alert sentiment $BONK drop 20 2h", "“2h” isn't a window: use 1h, 6h, 24h or 7d."],
      ["/alert volume 3x 1h", "Say what to watch: /alert volume <$TOKEN|all> <times> <window>"],
      ["/alert volume $BONK 1.2x 1h", "“1.2x” isn't a multiple: use a number from 1.5 to 100, e.g. 3 or 3x."],
      ["/alert volume $BONK 101 1h", "“101” isn't a multiple"],
      ["/alert volume $BONK lots 1h", "“lots” isn't a multiple"],
      ["/alert volume $BONK 3x 90m", "“90m” isn't a window"],
      ["/alert volume $BONK 3x", "Say what to watch: /alert volume"],
      ["/alert remove", "Which alert? /alert remove <number>"],
      ["/alert remove 3 4", "Which alert? /alert remove <number>"],
      ["/alert remove abc", "“abc” isn't an alert number: /alert list shows them"],
      ["/alert remove 0", "“0” isn't an alert number"],
      ["/alert mute", "I don't know “mute”.\nHow to use /alert:"],
      ["/alert list everything", "How to use /alert:"],
    ];
    for (const [text, expected] of cases)
      expect(await reply(text, { admin: true }), text).toContain(expected);
    expect(adminChecks).toEqual([]);
    expect(await repositories.sentimentAlerts.list(community())).toEqual([]);
  });

  it("refuses members who are not admins, and changes nothing", async () => {
    await trackingGroup();
    const id = await setAlert("/alert sentiment all rise 30 24h");
    adminChecks = [];
    const refused = "Only admins of this community can do that (Telegram chat administrators).";
    expect(await reply("/alert sentiment $BONK drop 20 6h")).toBe(refused);
    expect(await reply("/alert volume $BONK 3 1h")).toBe(refused);
    expect(await reply(`/alert remove ${id}`)).toBe(refused);
    expect(adminChecks).toEqual([{ fresh: true }, { fresh: true }, { fresh: true }]);
    expect((await repositories.sentimentAlerts.list(community())).map((alert) => alert.id)).toEqual([id]);
    // Listing is for everyone.
    expect(await reply("/alert list")).toContain(`#${id} — sentiment of this community's tokens rises 30`);
  });

  it("takes tracked tokens or all, only in groups, up to the community's limit", async () => {
    await openGroup();
    // Nothing tracked yet: a token is refused, all is fine.
    expect(await reply("/alert sentiment $BONK drop 20 6h", { admin: true })).toBe(
      "This community doesn't track $BONK: it tracks no tokens yet. Admins add one with /track add <symbol>, or set the alert on all.",
    );
    await setAlert("/alert volume all 2x 24h");
    await reply("/track add BONK", { admin: true });
    await reply("/track add WIF", { admin: true });
    expect(await reply("/alert volume $POPCAT 3x 1h", { admin: true })).toBe(
      "This community doesn't track $POPCAT. Tracked here: $BONK, $WIF. Set the alert on one of them, or on all.",
    );
    expect(await reply("/alert sentiment all drop 20 6h", { admin: true, chatKind: "private" })).toBe(
      "Alerts watch a group's chatter: set them in the group, not in a private chat.",
    );
    // Fill up to the limit, then one more is refused.
    for (let points = 1; points < MAX_SENTIMENT_ALERTS_PER_COMMUNITY; points += 1)
      await setAlert(`/alert sentiment $WIF rise ${points} 7d`);
    expect(await reply("/alert sentiment $BONK drop 20 6h", { admin: true })).toBe(
      `This community has ${MAX_SENTIMENT_ALERTS_PER_COMMUNITY} alerts, the most it can: remove one first with /alert remove <number>.`,
    );
    expect(await repositories.sentimentAlerts.list(community())).toHaveLength(
      MAX_SENTIMENT_ALERTS_PER_COMMUNITY,
    );
  });

  it("works from Discord's options and the console, storing the channel to post in", async () => {
    const guild = uniqueSnowflake();
    const channel = uniqueSnowflake();
    const discord = (channelId?: string): CommandInvocation => ({
      key: `discord:${uniqueSnowflake()}`,
      platform: "discord",
      community: { platform: "discord", externalId: guild, title: "Guild", kind: "group" },
      actor: { platform: "discord", externalId: uniqueSnowflake(), username: "mod" },
      name: "alert",
      args: {
        kind: "options",
        values: { action: "sentiment", token: "all", change: "drop 15", window: "24h" },
      },
      addressed: true,
      target: {
        platform: "discord",
        applicationId: "app",
        interactionToken: "token",
        ...(channelId ? { channelId } : {}),
      },
      receivedAt: Date.now(),
      isAdmin: async () => true,
    });
    expect(await replyTo(discord())).toBe(
      "I can't tell which channel this is, so I'd have nowhere to post. Use /alert in a server channel.",
    );
    expect(await replyTo(discord(channel))).toMatch(
      /^Alert #\d+ set: sentiment of this community's tokens falls 15 points or more over 24h/,
    );
    const [onDiscord] = await repositories.sentimentAlerts.list({ platform: "discord", externalId: guild });
    expect(onDiscord?.target).toEqual({ platform: "discord", channelId: channel });

    const session = randomUUID();
    const console: CommandInvocation = {
      key: `console:${session}:1`,
      platform: "console",
      community: {
        platform: "console",
        externalId: `local-${session}`,
        title: "Local console",
        kind: "group",
      },
      actor: { platform: "console", externalId: "local:me", username: "me" },
      name: "alert",
      args: { kind: "text", text: "volume all 4 6h" },
      addressed: true,
      target: { platform: "console", sessionId: session },
      receivedAt: Date.now(),
      isAdmin: async () => true,
    };
    expect(await replyTo(console)).toMatch(
      /^Alert #\d+ set: messages about this community's tokens reach 4×/,
    );
    const [onConsole] = await repositories.sentimentAlerts.list({
      platform: "console",
      externalId: `local-${session}`,
    });
    expect(onConsole?.target).toEqual({ platform: "console", sessionId: session });
  });
});

describe("the alert check", () => {
  it("posts a sentiment crossing once, stays quiet while it holds, and again only after it cleared", async () => {
    await trackingGroup();
    const drop = await setAlert("/alert sentiment $BONK drop 20 1h");
    const rise = await setAlert("/alert sentiment all rise 50 1h");
    const base = future();
    // The hour before: five voices at +0.5; this hour: five at -0.2.
    await chatter(base, -90, voices(5, 0.5));
    await chatter(base, -30, voices(5, -0.2));

    expect(await check(base)).toEqual({ checked: 2, fired: 1, rearmed: 0, failed: 0 });
    expect(sent).toEqual([
      {
        target: { platform: "telegram", chatId: chat },
        message: {
          text: [
            `🔻 Alert #${drop}: sentiment of $BONK fell 70 points over the last 1h: -20 now, +50 in the 1h before. (Set for a fall of 20 or more.)`,
            "/sentiment $BONK 1h shows the whole picture.",
          ].join("\n"),
        },
      },
    ]);
    expect(await stateOf(drop)).toEqual({ state: "fired", crossings: 1, lastFiredAt: new Date(base) });

    // A minute later the drop still holds: nothing more.
    expect(await check(base + MINUTE)).toMatchObject({ fired: 0, rearmed: 0 });
    expect(sent).toHaveLength(1);

    // The next hour is as glum as the last: no change, the alert is armed again, nothing posted.
    await chatter(base, 30, voices(5, -0.2));
    expect(await check(base + 60 * MINUTE)).toMatchObject({ fired: 0, rearmed: 1 });
    expect(await stateOf(drop)).toMatchObject({ state: "armed", crossings: 1 });
    expect(sent).toHaveLength(1);

    // Then it falls again: a second crossing, a second post.
    await chatter(base, 90, voices(5, -0.9));
    expect(await check(base + 120 * MINUTE)).toMatchObject({ fired: 1 });
    expect(sent).toHaveLength(2);
    expect(sent[1]?.message.text).toContain(
      `Alert #${drop}: sentiment of $BONK fell 70 points over the last 1h: -90 now, -20 in the 1h before.`,
    );
    expect(await stateOf(drop)).toMatchObject({ state: "fired", crossings: 2 });

    // And recovers: the drop clears, the rise of all chatter fires.
    await chatter(base, 150, voices(5, 0.5));
    expect(await check(base + 180 * MINUTE)).toMatchObject({ fired: 1, rearmed: 1 });
    expect(sent[2]?.message.text).toBe(
      [
        `🔺 Alert #${rise}: sentiment of this community's tokens rose 140 points over the last 1h: +50 now, -90 in the 1h before. (Set for a rise of 50 or more.)`,
        "/sentiment 1h shows the whole picture.",
      ].join("\n"),
    );
    // Silence says nothing: with no chatter in either window, the rise stays fired and nothing is posted.
    expect(await check(base + 600 * MINUTE)).toMatchObject({ fired: 0, rearmed: 0 });
    expect(await stateOf(rise)).toMatchObject({ state: "fired", crossings: 1 });
    expect(sent).toHaveLength(3);
  });

  it("posts a volume burst, counting messages scored or not, and ignores a burst of three", async () => {
    await trackingGroup("WIF");
    const bonk = await setAlert("/alert volume $BONK 3x 1h");
    const wif = await setAlert("/alert volume $WIF 2 1h");
    const base = future();
    await chatter(base, -90, voices(8, 0.1));
    // 30 messages this hour, half not scored yet: 3.75 times the 8 before.
    await chatter(base, -30, [...voices(15, 0.1), ...voices(15, null)]);
    // WIF: one message, then three: three times as many, but no burst.
    await chatter(base, -90, voices(1, 0.1), ["WIF"]);
    await chatter(base, -30, voices(3, 0.1), ["WIF"]);

    expect(await check(base)).toEqual({ checked: 2, fired: 1, rearmed: 0, failed: 0 });
    expect(sent.map((post) => post.message.text)).toEqual([
      [
        `📈 Alert #${bonk}: 30 messages about $BONK in the last 1h, 3.8× the 8 of the 1h before. (Set for 3× or more.)`,
        "/sentiment $BONK 1h shows the whole picture.",
      ].join("\n"),
    ]);
    expect(await stateOf(wif)).toMatchObject({ state: "armed", crossings: 0 });
    // An hour on, 30 messages after 30 is no burst: armed again.
    expect(await check(base + 60 * MINUTE)).toMatchObject({ fired: 0 });
    expect(await stateOf(bonk)).toMatchObject({ state: "armed", crossings: 1 });
  });

  it("reads a long window's alert less often than every minute", async () => {
    await trackingGroup();
    const id = await setAlert("/alert volume $BONK 3x 24h");
    const base = future();
    expect(await check(base)).toMatchObject({ checked: 1, fired: 0 });
    // A burst arrives: five minutes on, a 24h alert is not read yet; a quarter of an hour on, it is.
    await chatter(base, 1, voices(25, 0.1));
    expect(await check(base + 5 * MINUTE)).toMatchObject({ checked: 0, fired: 0 });
    expect(await check(base + 15 * MINUTE)).toMatchObject({ checked: 1, fired: 1 });
    expect(sent.map((post) => post.message.text)).toEqual([
      [
        `📈 Alert #${id}: 25 messages about $BONK in the last 24h, after only 0 in the 24h before. (Set for 3× or more.)`,
        "/sentiment $BONK 24h shows the whole picture.",
      ].join("\n"),
    ]);
  });

  it("posts in the community's language", async () => {
    await trackingGroup();
    const id = await setAlert("/alert volume $BONK 3x 1h");
    await reply("/config language es", { admin: true });
    const base = future();
    await chatter(base, -30, voices(25, 0.3));
    await check(base);
    expect(sent.map((post) => post.message.text)).toEqual([
      [
        `📈 Aviso #${id}: 25 mensajes sobre $BONK en las últimas 1h, tras solo 0 en las 1h anteriores. (Creado para 3× o más.)`,
        "/sentiment $BONK 1h muestra el panorama completo.",
      ].join("\n"),
    ]);
  });

  it("posts a crossing once when the check is retried or runs twice at once", async () => {
    await trackingGroup();
    const id = await setAlert("/alert sentiment $BONK drop 20 1h");
    const base = future();
    await chatter(base, -90, voices(5, 0.5));
    await chatter(base, -30, voices(5, -0.5));
    // An earlier attempt posted this crossing and died before marking it fired.
    await deliver(
      { platform: "telegram", chatId: chat },
      { text: "posted by the attempt that died" },
      `sentiment-alert:${id}:1`,
    );
    expect(sent).toHaveLength(1);
    // Two checks at once (a retry overlapping the next tick): neither posts it again, one marks it.
    const summaries = await Promise.all([check(base), check(base)]);
    expect(sent).toHaveLength(1);
    expect(summaries.reduce((total, summary) => total + summary.fired, 0)).toBe(1);
    expect(await stateOf(id)).toMatchObject({ state: "fired", crossings: 1 });
  });

  it("tries a failed post again at the next check, and gives up a crossing the bot may not post", async () => {
    await trackingGroup();
    const id = await setAlert("/alert sentiment $BONK drop 20 1h");
    const base = future();
    await chatter(base, -90, voices(5, 0.5));
    await chatter(base, -30, voices(5, -0.5));
    send = async () => {
      throw new DeliveryError("Telegram is unavailable", {
        platform: "telegram",
        reason: "unavailable",
        retryable: true,
      });
    };
    expect(await check(base)).toMatchObject({ fired: 0, failed: 1 });
    expect(await stateOf(id)).toMatchObject({ state: "armed", crossings: 0 });
    send = async (target, message) => {
      sent.push({ target, message });
    };
    expect(await check(base + MINUTE)).toMatchObject({ fired: 1, failed: 0 });
    expect(sent).toHaveLength(1);

    // Cleared, then crossed again while the bot was removed from the group: given up, not retried.
    await chatter(base, 30, voices(5, -0.5));
    expect(await check(base + 60 * MINUTE)).toMatchObject({ rearmed: 1 });
    await chatter(base, 90, voices(5, -1));
    send = async () => {
      throw new DeliveryError("The bot was kicked", {
        platform: "telegram",
        reason: "forbidden",
        retryable: false,
      });
    };
    expect(await check(base + 120 * MINUTE)).toMatchObject({ fired: 0, failed: 1 });
    expect(await stateOf(id)).toMatchObject({ state: "fired", crossings: 2 });
    expect(sent).toHaveLength(1);
  });
});

describe("the sentiment.alerts job", () => {
  let telegram: FakeTelegram;
  beforeAll(async () => {
    telegram = await startFakeTelegram();
  });
  afterAll(async () => {
    await telegram.close();
  });

  it("runs from its job scheduler and posts a crossing to the chat once, however many ticks follow", async () => {
    await trackingGroup();
    const id = await setAlert("/alert sentiment $BONK rise 30 6h");
    // The six hours before: five voices at -0.1; these six hours: five at +0.4.
    const base = future();
    await chatter(base, -9 * 60, voices(5, -0.1));
    await chatter(base, -2 * 60, voices(5, 0.4));

    const sender = createPlatformSender({ telegram: { token: telegram.token, apiRoot: telegram.apiRoot } });
    const handlers = createSentimentHandlers({
      repositories,
      settingsModel,
      logger: { info: () => undefined, warn: () => undefined },
      // The check tests' clock, standing still: every tick sees the rise hold.
      alerts: { deliver: createDeliverOnce({ redis, prefix, send: sender.send }), now: () => base },
    });
    const catalog: JobCatalog = {
      ...jobCatalog,
      "sentiment.alerts": {
        ...jobCatalog["sentiment.alerts"],
        schedule: { everyMs: 300, payload: { reason: "schedule" } },
      },
    };
    expect(await registerJobSchedulers({ connection: redis, prefix, catalog })).toContain("sentiment.alerts");
    const ticks: unknown[] = [];
    const worker = createJobWorker({
      connection: redis,
      prefix,
      concurrency: 1,
      lockDurationMs: 5_000,
      catalog,
      // Only the alerts' check runs here; the other scheduled kinds fail quietly.
      handlers: withOtherKinds({
        "sentiment.alerts": async (payload, context) => {
          const summary = await handlers["sentiment.alerts"](payload, context);
          ticks.push(summary);
          return summary;
        },
      }),
      onFinalFailure: () => undefined,
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
      scrubText,
    });
    try {
      await worker.ready();
      const call = await telegram.waitForCall(
        "sendMessage",
        (entry) => String(entry.params.chat_id) === chat,
      );
      expect(call.params.text).toBe(
        [
          `🔺 Alert #${id}: sentiment of $BONK rose 50 points over the last 6h: +40 now, -10 in the 6h before. (Set for a rise of 30 or more.)`,
          "/sentiment $BONK 6h shows the whole picture.",
        ].join("\n"),
      );
      // More ticks while the burst holds post nothing more.
      const seen = ticks.length;
      await expect
        .poll(() => ticks.length, { timeout: 10_000, interval: 50 })
        .toBeGreaterThanOrEqual(seen + 3);
    } finally {
      await worker.close();
    }
    expect(telegram.sentMessages(Number(chat))).toHaveLength(1);
    expect(await stateOf(id)).toMatchObject({ state: "fired", crossings: 1 });
  });
});
