import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createDispatcher,
  createGate,
  createPersonaStore,
  createRegistry,
  createSettingsModel,
  createSettingsStore,
  type CommandInvocation,
  type Dispatch,
  type UsageReader,
} from "@memebot/core";
import { createTokenBudgetLedger } from "@memebot/ai";
import { createRepositories, type Database, type Repositories } from "@memebot/db";
import { createJobProducer } from "@memebot/jobs";
import { openTestDatabase, repositoryOptions } from "../support/database.ts";
import { startTcpProxy } from "../support/tcp-proxy.ts";

const redis = new Redis("redis://127.0.0.1:6379", { maxRetriesPerRequest: null });
let database: Database;
let prefix: string;
let dispatch: Dispatch;
let producer: ReturnType<typeof createJobProducer>;
let errors: unknown[];

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
  await redis.quit();
});

type DispatcherParts = Partial<Parameters<typeof createDispatcher>[0]>;

/** /usage's reader as the bot composes it: the stored accounting and the token ledger on this prefix. */
const usageReader = (repositories: Repositories): UsageReader => ({
  summary: (community, since) => repositories.usage.summary(community, { since }),
  spentToday: (community) => createTokenBudgetLedger({ redis, prefix }).spentToday(community),
});

/** The dispatcher on this test's Redis prefix and the test database, with some parts swapped. */
function makeDispatcher(parts: DispatcherParts = {}): Dispatch {
  const registry = createRegistry();
  const settingsModel = createSettingsModel(registry.all);
  const repositories = createRepositories(database.prisma, repositoryOptions);
  return createDispatcher({
    registry,
    settingsModel,
    settings: createSettingsStore({ repository: repositories.communities, model: settingsModel, ttlMs: 0 }),
    gate: createGate({ redis, prefix }),
    jobs: producer,
    runs: repositories.commandRuns,
    personas: createPersonaStore({ repository: repositories.personas, ttlMs: 0 }),
    usage: usageReader(repositories),
    logger: { error: (object) => errors.push(object), warn: (object) => errors.push(object) },
    ...parts,
  });
}

beforeEach(async () => {
  prefix = `test-${randomUUID()}`;
  errors = [];
  producer?.close();
  producer = createJobProducer({ connection: redis, prefix });
  dispatch = makeDispatcher();
});

let counter = 0;
function invocation(text: string, overrides: Partial<CommandInvocation> = {}): CommandInvocation {
  counter += 1;
  const match = /^\/(\S+)\s*(.*)$/s.exec(text);
  const chat = overrides.community?.externalId ?? `chat-${prefix}`;
  return {
    key: `test:${prefix}:${counter}`,
    platform: "telegram",
    community: { platform: "telegram", externalId: chat, title: "Test chat", kind: "group" },
    actor: { platform: "telegram", externalId: "user-1", username: "alice", displayName: "Alice" },
    name: match ? (match[1] ?? "").toLowerCase() : null,
    args: { kind: "text", text: match?.[2] ?? "" },
    addressed: true,
    target: { platform: "telegram", chatId: chat, replyToMessageId: counter },
    receivedAt: Date.now(),
    isAdmin: async () => false,
    ...overrides,
  };
}

const replyText = (result: Awaited<ReturnType<Dispatch>>) =>
  result.kind === "reply" ? result.message.text : "";

describe("dispatch", () => {
  it("GIVEN /help THEN lists the commands the caller may use and records the run", async () => {
    const call = invocation("/help");
    const result = await dispatch(call);
    expect(result).toMatchObject({ kind: "reply", private: false, outcome: "help.listed" });
    expect(replyText(result)).toContain("/meme <topic>");
    expect(replyText(result)).not.toContain("You are an admin");
    await expect
      .poll(() => createRepositories(database.prisma, repositoryOptions).commandRuns.findByKey(call.key))
      .toMatchObject({
        command: "help",
        status: "succeeded",
      });
  });

  it("GIVEN /meme with a topic THEN enqueues one job keyed by the update with where to answer", async () => {
    const call = invocation("/meme   wen   lambo ");
    const result = await dispatch(call);
    expect(result.kind).toBe("queued");
    const queue = new Queue("commands", { connection: redis, prefix });
    const jobs = await queue.getJobs(["waiting", "wait"]);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.name).toBe("meme.create");
    expect(jobs[0]?.data).toMatchObject({ topic: "wen lambo", run: { key: call.key, target: call.target } });
    await queue.close();
  });

  it("GIVEN the same update twice THEN handles it once", async () => {
    const call = invocation("/help");
    const first = await dispatch(call);
    expect(first.kind).toBe("reply");
    // The adapter sent the reply.
    if (first.kind === "reply") await first.complete();
    expect(await dispatch(call)).toEqual({ kind: "ignored", reason: "duplicate" });
  });

  it("GIVEN a bot that dies between admission and enqueue THEN the redelivered update is still queued", async () => {
    const call = invocation("/meme gm");
    // The dying bot's queue connection goes nowhere: its enqueue never finishes, as if the process died there.
    // A black hole rather than a cut: a refused connection would fail BullMQ's start-up after the producer
    // is closed, which BullMQ then re-emits with no listener left (an unhandled rejection, not our code's).
    const proxy = await startTcpProxy({ host: "127.0.0.1", port: 6379 });
    proxy.blackHole();
    const deadConnection = new Redis(`redis://127.0.0.1:${proxy.port}`, { maxRetriesPerRequest: null });
    deadConnection.on("error", () => undefined);
    const deadProducer = createJobProducer({ connection: deadConnection, prefix });
    const fastGate = () => createGate({ redis, prefix, inProgressTtlMs: 500, pollMs: 20 });
    try {
      void makeDispatcher({ gate: fastGate(), jobs: deadProducer })(call).catch(() => undefined);
      await expect.poll(() => redis.exists(`${prefix}:seen:${call.key}`)).toBe(1);

      // Telegram redelivers the unconfirmed update to the restarted bot.
      expect(await makeDispatcher({ gate: fastGate() })(call)).toMatchObject({ kind: "queued" });
      const queue = new Queue("commands", { connection: redis, prefix });
      expect((await queue.getJobs(["waiting"])).map((job) => job.data.run.key)).toEqual([call.key]);
      await queue.close();
      // Done now: a further delivery is a duplicate.
      expect(await dispatch(call)).toEqual({ kind: "ignored", reason: "duplicate" });
    } finally {
      deadConnection.disconnect();
      await deadProducer.close().catch(() => undefined);
      await proxy.close();
    }
  });

  it("GIVEN a member over their own rate THEN only they are limited, and told once", async () => {
    const spammer = { actor: { platform: "telegram" as const, externalId: "spammer" } };
    for (let n = 0; n < 10; n += 1) expect((await dispatch(invocation("/help", spammer))).kind).toBe("reply");
    const limited = await dispatch(invocation("/help", spammer));
    expect(limited).toMatchObject({ kind: "reply", private: true, outcome: "error.userRateLimited" });
    expect(replyText(limited)).toMatch(/You are sending commands too fast\. Try again in \d+s\./);
    expect(await dispatch(invocation("/help", spammer))).toMatchObject({
      kind: "ignored",
      reason: "limited",
    });
    // Everyone else in the group is still answered.
    expect((await dispatch(invocation("/help"))).kind).toBe("reply");
  });

  it("GIVEN an admin's hour-long cooldown in one group THEN the member's /meme elsewhere is not held back", async () => {
    const admin = { isAdmin: async () => true };
    const elsewhere = {
      community: { platform: "telegram" as const, externalId: `other-${prefix}`, kind: "group" as const },
    };
    expect(replyText(await dispatch(invocation("/config meme.cooldown 3600", admin)))).toBe(
      "meme.cooldown is now 3600.",
    );
    expect((await dispatch(invocation("/meme one"))).kind).toBe("queued");
    expect(await dispatch(invocation("/meme two"))).toMatchObject({ outcome: "error.cooldown" });
    expect((await dispatch(invocation("/meme three", elsewhere))).kind).toBe("queued");
  });

  it("GIVEN a user's own words with a link, domain, handle or mention THEN replies never quote them", async () => {
    const admin = { isAdmin: async () => true };
    const quoted = [
      await dispatch(invocation("/config scam.io")),
      await dispatch(invocation("/config t.me/pump x", admin)),
      await dispatch(invocation("/config language @everyone", admin)),
      await dispatch(invocation("/config language <@&123>", admin)),
      await dispatch(
        invocation("/start", {
          actor: { platform: "telegram", externalId: "u-scam", displayName: "claim at scam.io" },
        }),
      ),
    ].map(replyText);
    expect(quoted[0]).toMatch(/^There is no setting called “…”/);
    expect(quoted[4]).toMatch(/^gm claim at!/);
    for (const text of quoted) expect(text).not.toMatch(/scam\.io|t\.me|@everyone|<@&/);
  });

  it("GIVEN invisible format characters in a topic THEN they are stripped, and emoji and joining scripts are kept", async () => {
    const topics = [
      ["wen\u202E lambo\u200B\u2066\u{E0041}", "wen lambo"],
      ["👨‍👩‍👧‍👦 family 🏳️‍🌈", "👨‍👩‍👧‍👦 family 🏳️‍🌈"],
      ["می‌خواهم ماه", "می‌خواهم ماه"],
      ["क्‍ष moon", "क्‍ष moon"],
    ] as const;
    for (const [typed] of topics) {
      expect(
        (
          await dispatch(
            invocation(`/meme ${typed}`, { actor: { platform: "telegram", externalId: randomUUID() } }),
          )
        ).kind,
      ).toBe("queued");
    }
    const queue = new Queue("commands", { connection: redis, prefix });
    const jobs = await queue.getJobs(["waiting"]);
    expect(jobs.map((job) => job.data.topic).sort()).toEqual(topics.map(([, stored]) => stored).sort());
    await queue.close();
    expect(await dispatch(invocation("/meme \u200B\u202E"))).toMatchObject({ outcome: "error.usage" });
  });

  it("GIVEN /meme without a topic THEN answers privately with the usage", async () => {
    const result = await dispatch(invocation("/meme"));
    expect(result).toMatchObject({ kind: "reply", private: true, outcome: "error.usage" });
    expect(replyText(result)).toBe("Missing <topic>.\nUsage: /meme <topic>");
  });

  it("GIVEN a topic over the cap THEN says how long it may be", async () => {
    const result = await dispatch(invocation(`/meme ${"a".repeat(201)}`));
    expect(replyText(result)).toContain("at most 200 characters");
  });

  it("GIVEN an unknown command THEN hints at /help when addressed and stays quiet when not", async () => {
    expect(replyText(await dispatch(invocation("/wat")))).toBe(
      "I don't know /wat. Send /help to see what I can do.",
    );
    expect(await dispatch(invocation("/wat", { addressed: false }))).toEqual({
      kind: "ignored",
      reason: "not_addressed",
    });
  });

  it("GIVEN a second /meme inside the cooldown THEN tells the user once when to retry", async () => {
    expect((await dispatch(invocation("/meme one"))).kind).toBe("queued");
    const second = await dispatch(invocation("/meme two"));
    expect(second).toMatchObject({ kind: "reply", private: true, outcome: "error.cooldown" });
    expect(replyText(second)).toMatch(/again in (9|10)s/);
    expect(await dispatch(invocation("/meme three"))).toMatchObject({ kind: "ignored", reason: "limited" });
  });

  it("GIVEN a member changing a setting THEN refuses, naming who may", async () => {
    const result = await dispatch(invocation("/config meme.enabled off"));
    expect(replyText(result)).toBe(
      "Only admins of this community can do that (Telegram chat administrators).",
    );
  });

  it("GIVEN an admin switching /meme off THEN it is stored, audited and enforced", async () => {
    const admin = { isAdmin: async () => true };
    expect(replyText(await dispatch(invocation("/config meme.enabled off", admin)))).toBe(
      "meme.enabled is now off.",
    );
    expect(replyText(await dispatch(invocation("/meme gm")))).toBe(
      "/meme is switched off in this community.",
    );
    expect(replyText(await dispatch(invocation("/config")))).toContain("meme.enabled = off  (on | off)");
    const changes = await database.prisma.settingChange.findMany({
      where: { community: { externalId: `chat-${prefix}` } },
    });
    expect(changes).toMatchObject([{ key: "meme.enabled", oldValue: true, newValue: false }]);
  });

  it("GIVEN an admin setting a bad value THEN names the allowed values and changes nothing", async () => {
    const admin = { isAdmin: async () => true };
    expect(replyText(await dispatch(invocation("/config language klingon", admin)))).toBe(
      "“klingon” is not a valid value for language. Allowed: en | es.",
    );
    expect(replyText(await dispatch(invocation("/config language")))).toContain("language = en");
  });

  it("GIVEN the community's language set to Spanish THEN answers in Spanish", async () => {
    await dispatch(invocation("/config language es", { isAdmin: async () => true }));
    expect(replyText(await dispatch(invocation("/meme")))).toBe("Falta <topic>.\nUso: /meme <topic>");
  });

  it("GIVEN a Spanish community THEN /config shows values and allowed values in Spanish and takes Spanish words", async () => {
    const admin = { isAdmin: async () => true };
    await dispatch(invocation("/config language es", admin));

    expect(replyText(await dispatch(invocation("/config meme.enabled")))).toBe(
      "Ajustes de esta comunidad:\nmeme.enabled = activado  (activado | desactivado)\n\n" +
        "Los admins cambian uno con /config <clave> <valor>.",
    );
    expect(replyText(await dispatch(invocation("/config")))).toContain(
      "meme.cooldown = 10  (0-3600 segundos)",
    );
    expect(replyText(await dispatch(invocation("/config meme.enabled desactivado", admin)))).toBe(
      "meme.enabled ahora es desactivado.",
    );
    expect(replyText(await dispatch(invocation("/config meme.enabled Sí", admin)))).toBe(
      "meme.enabled ahora es activado.",
    );
    expect(replyText(await dispatch(invocation("/config meme.enabled quizás", admin)))).toBe(
      "«quizás» no es un valor válido para meme.enabled. Permitidos: activado | desactivado.",
    );
    expect(replyText(await dispatch(invocation("/config rate_limit 0", admin)))).toBe(
      "«0» no es un valor válido para rate_limit. Permitidos: 1-600 comandos por minuto.",
    );
  });

  it("GIVEN a community over its rate limit THEN refuses further commands for the minute", async () => {
    const admin = { isAdmin: async () => true };
    await dispatch(invocation("/config rate_limit 3", admin));
    await dispatch(invocation("/help"));
    await dispatch(invocation("/help"));
    const limited = await dispatch(invocation("/help"));
    expect(limited).toMatchObject({ kind: "reply", outcome: "error.rateLimited" });
  });

  it("GIVEN a plain message or a sticker in a private chat THEN explains what it understands", async () => {
    expect(replyText(await dispatch(invocation("gm", { nonCommand: "text" })))).toBe(
      "I answer commands. Send /help to see them.",
    );
    expect(replyText(await dispatch(invocation("", { nonCommand: "unsupported" })))).toContain(
      "can't read that kind of message",
    );
  });

  it("GIVEN the queue is unreachable THEN answers with a generic error and lets a redelivery retry", async () => {
    const call = invocation("/meme moon");
    const broken = createDispatcher({
      registry: createRegistry(),
      settingsModel: createSettingsModel(createRegistry().all),
      settings: createSettingsStore({
        repository: createRepositories(database.prisma, repositoryOptions).communities,
        model: createSettingsModel(createRegistry().all),
      }),
      gate: createGate({ redis, prefix }),
      // A real producer on a Redis that is not there (nothing listens on port 1).
      jobs: createJobProducer({
        connection: new Redis("redis://127.0.0.1:1", {
          enableOfflineQueue: false,
          maxRetriesPerRequest: 0,
          retryStrategy: () => null,
          lazyConnect: true,
        }),
        prefix,
      }),
      runs: createRepositories(database.prisma, repositoryOptions).commandRuns,
      usage: usageReader(createRepositories(database.prisma, repositoryOptions)),
      personas: createPersonaStore({
        repository: createRepositories(database.prisma, repositoryOptions).personas,
      }),
      logger: { error: (object) => errors.push(object), warn: () => undefined },
    });
    expect(await broken(call)).toMatchObject({ kind: "reply", outcome: "error.internal" });
    expect(errors).toHaveLength(1);
    expect((await dispatch(call)).kind).toBe("queued");
  });
});
