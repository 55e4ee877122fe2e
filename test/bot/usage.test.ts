// /usage on the bot's real core (createBotCore: PostgreSQL, Redis, the production dispatcher), with the
// accounting written by the real batched recorder and budget spending charged to the real ledger;
// admin status comes from the fake Telegram's getChatMember and Discord's member permissions.
import { randomUUID } from "node:crypto";
import { createTokenBudgetLedger } from "@memebot/ai";
import type { CommandInvocation, DispatchResult, Platform } from "@memebot/core";
import { createModelCallRecorder, type ModelCallEntry } from "@memebot/db";
import { PermissionFlagsBits } from "discord.js";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createDiscordAdapter, type DiscordAdapter } from "../../apps/bot/src/discord/adapter.ts";
import { chatInputInteraction } from "../fakes/discord/interactions.ts";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord/server.ts";
import { textMessageUpdate, type ChatInput, type UserInput } from "../fakes/telegram/updates.ts";
import { createBotCore, type BotCore } from "../support/bot-core.ts";
import { uniqueSnowflake, uniqueTelegramGroupId, uniqueTelegramUserId } from "../support/unique-ids.ts";
import { startHarness, type Harness } from "./telegram/harness.ts";

const HOUR = 3_600_000;
const hoursAgo = (hours: number) => new Date(Date.now() - hours * HOUR);
const logger = { warn: () => undefined };

/** Stores calls the way the gateway reports them: through the batched recorder, flushed. */
async function seedCalls(core: BotCore, calls: ModelCallEntry[]) {
  const recorder = createModelCallRecorder(core.infrastructure.database.prisma, { logger });
  for (const call of calls) recorder.record(call);
  await recorder.close();
}

function call(community: { platform: Platform; externalId: string }, overrides: Partial<ModelCallEntry>) {
  return {
    community,
    task: "meme-text",
    provider: "vllm",
    model: "qwen3-32b",
    outcome: "ok",
    tokensIn: 100,
    tokensOut: 20,
    latencyMs: 500,
    at: hoursAgo(1),
    ...overrides,
  } satisfies ModelCallEntry;
}

/** Thirty task and model pairs, each with more tokens than the one before. */
function manyModels(community: { platform: Platform; externalId: string }) {
  return Array.from({ length: 30 }, (_, n) =>
    call(community, {
      model: `some-org/an-unusually-long-model-name-${String(n).padStart(2, "0")}-instruct-fp8`,
      tokensIn: (n + 1) * 1000,
      at: hoursAgo(2),
    }),
  );
}

const replyText = (result: DispatchResult) => (result.kind === "reply" ? result.message.text : "");

describe("/usage through the bot's dispatcher", () => {
  let core: BotCore;
  let sequence = 0;
  beforeAll(async () => {
    core = await createBotCore();
  });
  afterAll(async () => {
    await core.close();
  });

  const newGroup = () => ({ platform: "telegram" as const, externalId: String(uniqueTelegramGroupId()) });

  function usageCommand(
    community: { platform: Platform; externalId: string },
    isAdmin: boolean,
  ): CommandInvocation {
    sequence += 1;
    const target =
      community.platform === "discord"
        ? { platform: "discord" as const, applicationId: "1", interactionToken: `token-${sequence}` }
        : { platform: "telegram" as const, chatId: community.externalId };
    return {
      key: `test-usage:${randomUUID()}`,
      platform: community.platform,
      community: { ...community, kind: "group" },
      actor: { platform: community.platform, externalId: `admin-${sequence}` },
      name: "usage",
      args: { kind: "text", text: "" },
      addressed: true,
      target,
      receivedAt: Date.now(),
      isAdmin: async () => isAdmin,
    };
  }

  it("GIVEN model calls and a budget THEN an admin sees both periods by task and model and today's spending", async () => {
    const community = newGroup();
    await core.seedSettings(community, { tokenBudgetPerDay: 5000 });
    await seedCalls(core, [
      call(community, { tokensIn: 100, tokensOut: 50, latencyMs: 400, at: hoursAgo(1) }),
      call(community, { tokensIn: 300, tokensOut: 50, latencyMs: 600, at: hoursAgo(2) }),
      call(community, {
        provider: "offline",
        outcome: "unavailable",
        tokensIn: 0,
        tokensOut: 0,
        latencyMs: 9000,
        at: hoursAgo(3),
      }),
      call(community, { task: "chat", model: "kimi-k2", tokensIn: 12_000, tokensOut: 345, at: hoursAgo(72) }),
      call(community, {
        task: "chat",
        model: "kimi-k2",
        provider: "offline",
        outcome: "over_budget",
        tokensIn: 0,
        tokensOut: 0,
        at: hoursAgo(70),
      }),
    ]);
    const ledger = createTokenBudgetLedger({ redis: core.infrastructure.redis, prefix: core.prefix });
    await ledger.add(community, 1500);

    const result = await core.dispatch(usageCommand(community, true));

    expect(result).toMatchObject({ kind: "reply", outcome: "usage.shown", private: false });
    expect(replyText(result)).toBe(
      [
        "Model usage in this community, by task and model:",
        "",
        "Last 24 hours:",
        "• meme-text · qwen3-32b — calls: 3, tokens in/out: 400/100, answered offline: 33%, average answer time: 500 ms",
        "",
        "Last 30 days:",
        "• chat · kimi-k2 — calls: 2, tokens in/out: 12,000/345, answered offline: 50%, average answer time: 500 ms",
        "• meme-text · qwen3-32b — calls: 3, tokens in/out: 400/100, answered offline: 33%, average answer time: 500 ms",
        "",
        "Daily token budget: 1,500 of 5,000 tokens spent today (UTC), 30%.",
      ].join("\n"),
    );
  });

  it("GIVEN a community that never called a model THEN it says so and shows there is no budget", async () => {
    const community = newGroup();
    const result = await core.dispatch(usageCommand(community, true));
    expect(result).toMatchObject({ kind: "reply", outcome: "usage.empty" });
    expect(replyText(result)).toBe(
      [
        "Model usage in this community, by task and model:",
        "No model calls yet in this community: they appear here once /meme and other AI tasks run.",
        "",
        "Daily token budget: none (admins set one with /config token_budget <tokens>). Tokens spent today (UTC): 0.",
      ].join("\n"),
    );
  });

  it("GIVEN a spent budget and Spanish THEN the reply is in Spanish and says tasks answer offline", async () => {
    const community = newGroup();
    await core.seedSettings(community, { language: "es", tokenBudgetPerDay: 20_000 });
    await seedCalls(core, [call(community, { tokensIn: 20_000, tokensOut: 1234, latencyMs: 1500 })]);
    const ledger = createTokenBudgetLedger({ redis: core.infrastructure.redis, prefix: core.prefix });
    await ledger.add(community, 21_234);

    const text = replyText(await core.dispatch(usageCommand(community, true)));
    expect(text).toContain(
      "• meme-text · qwen3-32b — llamadas: 1, tokens de entrada/salida: 20.000/1234, respondidas sin conexión: 0\u00a0%, tiempo medio de respuesta: 1500 ms",
    );
    expect(text).toContain(
      "Presupuesto diario de tokens: 21.234 de 20.000 tokens gastados hoy (UTC): agotado, así que las tareas de IA responden sin conexión hasta la medianoche UTC.",
    );
  });

  it("GIVEN a non-admin THEN the dispatcher refuses before anything is read", async () => {
    const community = newGroup();
    const result = await core.dispatch(usageCommand(community, false));
    expect(result).toMatchObject({ kind: "reply", private: true, outcome: "error.adminOnly" });
    expect(replyText(result)).toBe(
      "Only admins of this community can do that (Telegram chat administrators).",
    );
  });

  it("GIVEN thirty models THEN Telegram's reply shows the ten with most tokens per period and counts the rest", async () => {
    const community = newGroup();
    await seedCalls(core, manyModels(community));
    const text = replyText(await core.dispatch(usageCommand(community, true)));

    expect(text.length).toBeLessThanOrEqual(4096);
    const rows = text.split("\n").filter((line) => line.startsWith("• "));
    expect(rows).toHaveLength(20);
    // Most tokens first; names past 48 characters are clipped.
    expect(rows[0]).toContain("some-org/an-unusually-long-model-name-29-instru…");
    expect(rows[9]).toContain("-name-20-");
    expect(text.split("\n").filter((line) => line === "…and 20 more")).toHaveLength(2);
    expect(text.endsWith("Tokens spent today (UTC): 0.")).toBe(true);
  });

  it("GIVEN thirty models on Discord THEN fewer rows are shown so the reply fits 2,000 characters", async () => {
    const community = { platform: "discord" as const, externalId: uniqueSnowflake() };
    await seedCalls(core, manyModels(community));
    const text = replyText(await core.dispatch(usageCommand(community, true)));

    expect(text.length).toBeLessThanOrEqual(2000);
    const rows = text.split("\n").filter((line) => line.startsWith("• "));
    expect(rows.length).toBeGreaterThanOrEqual(2);
    const shown = rows.length / 2;
    expect(text.split("\n").filter((line) => line === `…and ${30 - shown} more`)).toHaveLength(2);
    expect(text.endsWith("Tokens spent today (UTC): 0.")).toBe(true);
  });
});

describe("/usage on Telegram (fake Bot API)", () => {
  let harness: Harness;
  let group: ChatInput;
  let member: UserInput;
  let admin: UserInput;
  beforeEach(async () => {
    group = { id: uniqueTelegramGroupId(), type: "supergroup", title: "Degens United" };
    member = { id: uniqueTelegramUserId(), username: "bob", first_name: "Bob" };
    admin = { id: uniqueTelegramUserId(), username: "carol", first_name: "Carol" };
    harness = await startHarness();
    await harness.adapter.start();
    await harness.fake.waitForCall("getUpdates");
  });
  afterEach(async () => {
    await harness.close();
  });

  async function deliver(from: UserInput, text: string) {
    const expected = harness.samples.length + 1;
    harness.fake.pushUpdates([textMessageUpdate({ chat: group, from, text })]);
    await harness.fake.waitUntilConsumed();
    await vi.waitFor(() => expect(harness.samples.length).toBeGreaterThanOrEqual(expected));
    return harness.fake.callsOf("sendMessage").at(-1)?.params.text;
  }

  it("GIVEN a group member who is not an administrator THEN /usage is refused; an administrator gets it", async () => {
    const community = { platform: "telegram" as const, externalId: String(group.id) };
    await seedCalls(harness.core, [call(community, { tokensIn: 777 })]);
    harness.fake.setChatMember(group.id, member.id, "member");
    harness.fake.setChatMember(group.id, admin.id, "administrator");

    expect(await deliver(member, "/usage")).toBe(
      "Only admins of this community can do that (Telegram chat administrators).",
    );
    const answer = await deliver(admin, "/usage");
    expect(answer).toContain("• meme-text · qwen3-32b — calls: 1, tokens in/out: 777/20");
    expect(harness.fake.callsOf("getChatMember").map((request) => request.params.user_id)).toEqual([
      member.id,
      admin.id,
    ]);
  });
});

describe("/usage on Discord (fake gateway and REST)", () => {
  const manageServer = PermissionFlagsBits.ManageGuild.toString();
  let fake: FakeDiscord;
  let core: BotCore;
  let adapter: DiscordAdapter;
  let guildId: string;
  beforeEach(async () => {
    guildId = uniqueSnowflake();
    fake = await startFakeDiscord({ heartbeatIntervalMs: 200, ackDeadlineMs: 3000 });
    core = await createBotCore();
    adapter = createDiscordAdapter({
      token: "fake-bot-token",
      apiBase: fake.apiBase,
      dispatch: core.dispatch,
      registry: core.registry,
      logger: core.logger,
      registerCommands: false,
    });
    await adapter.start();
  });
  afterEach(async () => {
    await adapter.stop();
    await fake.close();
    await core.close();
  });

  async function usageBy(permissions: string) {
    const interaction = chatInputInteraction({
      id: uniqueSnowflake(),
      applicationId: fake.applicationId,
      guildId,
      user: { id: uniqueSnowflake(), username: "alice", global_name: "Alice" },
      permissions,
      commandName: "usage",
    });
    expect(fake.dispatchInteraction(interaction)).toBe(1);
    return fake.waitForInteractionCallback(interaction.id);
  }

  it("GIVEN a member without Manage Server THEN /usage is refused privately", async () => {
    await seedCalls(core, [call({ platform: "discord", externalId: guildId }, {})]);
    const callback = await usageBy("0");
    expect(callback.data?.content).toBe(
      "Only admins of this community can do that (members with the Manage Server permission).",
    );
    expect(callback.data?.flags).toBe(1 << 6); // ephemeral
  });

  it("GIVEN a member with Manage Server and thirty models THEN the whole report arrives within 2,000 characters", async () => {
    await seedCalls(core, manyModels({ platform: "discord", externalId: guildId }));
    const callback = await usageBy(manageServer);
    const content = String(callback.data?.content);
    expect(content.length).toBeLessThanOrEqual(2000);
    expect(content.startsWith("Model usage in this community, by task and model:")).toBe(true);
    // The adapter clips an over-long message; the report's last line arriving means nothing was cut.
    expect(content.endsWith("Tokens spent today (UTC): 0.")).toBe(true);
    expect(content).toMatch(/\n…and \d+ more\n/);
  });
});
