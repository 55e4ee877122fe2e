// Who may do what with chatter sentiment, through the real dispatcher over this run's PostgreSQL
// and Redis: only admins switch reading chatter on or off and set how long it is kept (a member's
// try changes nothing, so nothing of the chat is stored); anyone asks /sentiment and lists /track
// without an admin check; an admin demoted since their rights were last cached cannot add, remove
// or purge, because /track asks the platform afresh.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createChatterIngest,
  createListenerPipeline,
  createRegistry,
  createSettingsModel,
  createSettingsStore,
  createTrackedTokenCache,
  defaultCommands,
  sentimentCommand,
  type AdminCheck,
  type CommandInvocation,
  type Dispatch,
  type ListenedMessage,
} from "@memebot/core";
import { createRepositories, type Database } from "@memebot/db";
import { createJobProducer } from "@memebot/jobs";
import { deletePrefix, REDIS_URL } from "../jobs/support.ts";
import { openTestDatabase, repositoryOptions } from "../support/database.ts";
import { testDispatcher } from "../support/dispatcher.ts";

const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
// Registered here whether or not the project's registry lists /sentiment yet.
const registry = createRegistry(
  defaultCommands.some((command) => command.name === "sentiment")
    ? defaultCommands
    : [...defaultCommands, sentimentCommand],
);
const settingsModel = createSettingsModel(registry.all);
const ADMINS_ONLY = "Only admins of this community can do that (Telegram chat administrators).";

let database: Database;
let repositories: ReturnType<typeof createRepositories>;
let dispatch: Dispatch;
let prefix: string;
let chat: string;
let adminChecks: Array<Parameters<AdminCheck>[0]>;

beforeAll(async () => {
  database = await openTestDatabase();
  repositories = createRepositories(database.prisma, repositoryOptions);
});
afterAll(async () => {
  await database.close();
  await redis.quit();
});

beforeEach((context) => {
  prefix = `test-sentiment-permissions-${randomUUID()}`;
  chat = `-100${randomUUID()}`;
  adminChecks = [];
  const producer = createJobProducer({ connection: redis, prefix });
  dispatch = testDispatcher({ redis, prefix, repositories, jobs: producer, registry, settingsModel });
  context.onTestFinished(async () => {
    await producer.close();
    await deletePrefix(redis, prefix);
  });
});

const community = () => ({ platform: "telegram" as const, externalId: chat });

/** Who is asking: a member, an admin, or an admin only in a cache older than their demotion. */
type Role = "member" | "admin" | "demoted";

let counter = 0;
function invocation(text: string, role: Role): CommandInvocation {
  counter += 1;
  const match = /^\/(\S+)\s*(.*)$/s.exec(text);
  return {
    key: `test:${prefix}:${counter}`,
    platform: "telegram",
    community: { platform: "telegram", externalId: chat, title: "Permissions chat", kind: "group" },
    actor: { platform: "telegram", externalId: role === "member" ? "member-3" : "admin-7" },
    name: (match?.[1] ?? "").toLowerCase(),
    args: { kind: "text", text: match?.[2] ?? "" },
    addressed: true,
    target: { platform: "telegram", chatId: chat, replyToMessageId: counter },
    receivedAt: Date.now(),
    isAdmin: async (check) => {
      adminChecks.push(check);
      if (role === "demoted") return check?.fresh !== true;
      return role === "admin";
    },
  };
}

async function reply(text: string, role: Role): Promise<string> {
  const result = await dispatch(invocation(text, role));
  if (result.kind !== "reply") throw new Error(`expected a reply, got ${result.kind}`);
  await result.complete();
  return result.message.text;
}

/** The community's stored settings, read past any cache. */
const storedSettings = () =>
  createSettingsStore({ repository: repositories.communities, model: settingsModel }).get({
    ...community(),
    kind: "group",
  });

/** One group message through the chatter ingest on the real repository; whether it was stored. */
async function chatterStored(text: string): Promise<boolean> {
  const settings = createSettingsStore({ repository: repositories.communities, model: settingsModel });
  const logger = { warn: () => undefined, error: () => undefined };
  const ingest = createChatterIngest({
    settings,
    tokens: createTrackedTokenCache((where) => repositories.chatter.trackedTokens(where)),
    insert: (rows) => repositories.chatter.insertMessages(rows),
    logger,
  });
  const pipeline = createListenerPipeline({ consumers: [ingest], logger });
  counter += 1;
  const message: ListenedMessage = {
    key: `telegram:${chat}:${randomUUID()}`,
    platform: "telegram",
    community: { ...community(), kind: "group" },
    threadKey: `telegram:${chat}`,
    author: { externalId: "member-3", isBot: false },
    origin: "user",
    text,
    isPrivate: false,
    mentionsBot: false,
    repliesToBot: false,
    replyTo: { platform: "telegram", chatId: chat, replyToMessageId: counter },
    receivedAt: Date.now(),
  };
  await pipeline.receive(message);
  await ingest.close();
  const stored = await database.prisma.chatterMessage.findMany({ where: { key: message.key } });
  return stored.length === 1;
}

describe("sentiment permissions", () => {
  it("GIVEN a member THEN they can neither switch chatter reading on or off nor change its retention, and nothing is stored", async () => {
    const before = await storedSettings();
    expect(before.sentiment.tracking).toBe(false);

    expect(await reply("/config sentiment on", "member")).toBe(ADMINS_ONLY);
    expect(await reply("/config sentiment.retention_days 1", "member")).toBe(ADMINS_ONLY);
    expect(await storedSettings()).toEqual(before);
    expect(await chatterStored("member tried to switch it on, moon soon")).toBe(false);

    // An admin switches it on; a member can neither switch it off nor shorten what is kept.
    expect(await reply("/config sentiment on", "admin")).toContain("sentiment");
    expect(await reply("/config sentiment off", "member")).toBe(ADMINS_ONLY);
    expect(await reply("/config sentiment.retention_days 1", "member")).toBe(ADMINS_ONLY);
    const after = await storedSettings();
    expect(after.sentiment).toEqual({ ...before.sentiment, tracking: true });
    expect(await chatterStored("now it is read, wagmi")).toBe(true);

    // Only the admin's change is in the audit trail.
    const changes = await database.prisma.settingChange.findMany({
      where: { community: { platform: "telegram", externalId: chat } },
    });
    expect(changes.map((change) => [change.key, change.newValue])).toEqual([["sentiment", true]]);
  });

  it("GIVEN a member THEN /sentiment and /track list answer without asking about admin rights", async () => {
    await reply("/config sentiment on", "admin");
    await reply("/track add BONK bonk", "admin");
    adminChecks = [];
    expect(await dispatch(invocation("/sentiment $BONK 24h", "member"))).toMatchObject({ kind: "queued" });
    expect(await reply("/track list", "member")).toContain("$BONK");
    expect(adminChecks).toEqual([]);
  });

  it("GIVEN an admin demoted since their rights were cached THEN /track add, remove and purge are refused and change nothing", async () => {
    await reply("/config sentiment on", "admin");
    await reply("/track add BONK bonk", "admin");
    expect(await chatterStored("bonk to the moon")).toBe(true);
    adminChecks = [];

    expect(await reply("/track add WIF dogwifhat", "demoted")).toMatch(/admins/i);
    expect(await reply("/track remove BONK", "demoted")).toMatch(/admins/i);
    expect(await reply("/track purge", "demoted")).toMatch(/admins/i);
    // Each asked the platform afresh, not the cache that still says "admin".
    expect(adminChecks).toEqual([{ fresh: true }, { fresh: true }, { fresh: true }]);
    expect((await repositories.chatter.trackedTokens(community())).map((token) => token.symbol)).toEqual([
      "BONK",
    ]);
    const stored = await database.prisma.chatterMessage.count({
      where: { community: { platform: "telegram", externalId: chat } },
    });
    expect(stored).toBe(1);
  });
});
