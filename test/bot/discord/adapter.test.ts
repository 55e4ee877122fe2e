import { createDiscordAdapter, type DiscordAdapter } from "../../../apps/bot/src/discord/adapter.ts";
import type { Dispatch } from "@memebot/core";
import { jobIdFor } from "@memebot/jobs";
import { MessageFlags, PermissionFlagsBits } from "discord.js";
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { chatInputInteraction, type ChatInputInteractionInput } from "../../fakes/discord/interactions.ts";
import { startFakeDiscord, type FakeDiscord } from "../../fakes/discord/server.ts";
import { createBotCore, LEVEL, type BotCore } from "../../support/bot-core.ts";
import { startDatabaseProxy, type DatabaseProxy } from "../../support/tcp-proxy.ts";
import { uniqueSnowflake } from "../../support/unique-ids.ts";
import { COMMAND_NAMES } from "../../support/commands.ts";

const manageServer = PermissionFlagsBits.ManageGuild.toString();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("Discord adapter", () => {
  let fake: FakeDiscord;
  let core: BotCore;
  let adapter: DiscordAdapter | undefined;
  // The database outlives each test and is shared with other test files: every test
  // gets a guild and a member of its own, so no settings or rate windows carry over.
  let guildId: string;
  let member: { id: string; username: string; global_name: string };

  beforeEach(async () => {
    guildId = uniqueSnowflake();
    member = { id: uniqueSnowflake(), username: "alice", global_name: "Alice" };
    // Discord drops an interaction not acknowledged within 3 s; the fake enforces that too.
    fake = await startFakeDiscord({ heartbeatIntervalMs: 200, ackDeadlineMs: 3000 });
    core = await createBotCore();
    adapter = undefined;
  });

  afterEach(async () => {
    await adapter?.stop();
    await fake.close();
    await core.close();
  });

  /** Swaps the core for one that reaches PostgreSQL through a proxy the test can cut. */
  async function coreBehindProxy(): Promise<DatabaseProxy> {
    const database = await startDatabaseProxy();
    onTestFinished(() => database.close());
    await core.close();
    core = await createBotCore({ databaseUrl: database.url });
    return database;
  }

  const guild = () => ({ platform: "discord" as const, externalId: guildId });

  async function startAdapter(
    extra: { dispatch?: Dispatch; deferAfterMs?: number; registerCommands?: boolean; guildId?: string } = {},
  ) {
    adapter = createDiscordAdapter({
      token: "fake-bot-token",
      apiBase: fake.apiBase,
      dispatch: extra.dispatch ?? core.dispatch,
      registry: core.registry,
      logger: core.logger,
      registerCommands: extra.registerCommands ?? false,
      ...(extra.guildId ? { guildId: extra.guildId } : {}),
      ...(extra.deferAfterMs ? { deferAfterMs: extra.deferAfterMs } : {}),
    });
    await adapter.start();
    return adapter;
  }

  function command(
    commandName: string,
    options: Record<string, string> = {},
    extra: Partial<ChatInputInteractionInput> = {},
  ) {
    return chatInputInteraction({
      // The fake's own ids count from zero in each process; run keys must not meet other files' runs.
      id: uniqueSnowflake(),
      applicationId: fake.applicationId,
      guildId,
      user: member,
      commandName,
      options: Object.entries(options).map(([name, value]) => ({ name, type: 3, value })),
      ...extra,
    });
  }

  /** Delivers an interaction and waits until the adapter has sent everything it will send. */
  async function deliver(interaction: ReturnType<typeof command>, settleMs = 150) {
    expect(fake.dispatchInteraction(interaction)).toBe(1);
    await fake.waitForInteractionCallback(interaction.id);
    await sleep(settleMs);
    return fake.calls.filter((call) => call.path.includes(interaction.token));
  }

  it("defers /meme <topic> and enqueues one job whose answer goes to the interaction", async () => {
    await startAdapter();
    const interaction = command("meme", { topic: "  rugged   by a cat " });

    fake.dispatchInteraction(interaction);
    const callback = await fake.waitForInteractionCallback(interaction.id);
    await expect.poll(async () => (await core.jobs()).length).toBe(1);
    await sleep(100);

    expect(callback.type).toBe(5);
    expect((callback.data?.flags as number | undefined) ?? 0).toBe(0);
    const jobs = await core.jobs();
    expect(jobs).toHaveLength(1);
    const job = jobs[0];
    expect(job?.name).toBe("meme.create");
    expect(job?.id).toBe(jobIdFor(`discord:${interaction.id}`));
    expect(job?.data).toMatchObject({
      topic: "rugged by a cat",
      run: {
        key: `discord:${interaction.id}`,
        command: "meme",
        community: { platform: "discord", externalId: guildId, kind: "group" },
        actor: { platform: "discord", externalId: member.id, username: "alice", displayName: "Alice" },
        target: {
          platform: "discord",
          applicationId: fake.applicationId,
          interactionToken: interaction.token,
          // Where alerts and digests set up by this command would post later.
          channelId: interaction.channel_id,
        },
      },
    });
    // The worker answers: the adapter leaves the deferred reply alone.
    expect(fake.originalEdits).toHaveLength(0);
    expect(fake.followUps).toHaveLength(0);
  });

  it("answers /help at once with a public reply", async () => {
    await startAdapter();
    const interaction = command("help");

    await deliver(interaction);

    const [callback] = fake.interactionCallbacks;
    expect(callback?.type).toBe(4);
    expect(((callback?.data?.flags as number | undefined) ?? 0) & MessageFlags.Ephemeral).toBe(0);
    expect(callback?.data?.content).toContain("Commands you can use here:");
    expect(callback?.data?.content).toContain("/meme <topic>");
    // Echoed text must not ping anyone.
    expect(callback?.data?.allowed_mentions).toEqual({ parse: [] });
  });

  it("replaces the public deferral of /meme without a topic by a private usage message", async () => {
    await startAdapter();
    const interaction = command("meme");

    await deliver(interaction);
    // The usage message follows the deferral; on a busy machine it may take a moment.
    await expect.poll(() => fake.followUps.length).toBe(1);
    const calls = fake.calls.filter((call) => call.path.includes(interaction.token));

    expect(fake.interactionCallbacks.map((callback) => callback.type)).toEqual([5]);
    expect(calls.some((call) => call.method === "DELETE" && call.path.endsWith("/messages/@original"))).toBe(
      true,
    );
    expect(fake.followUps).toHaveLength(1);
    const followUp = fake.followUps[0];
    expect(followUp?.editedDeferredOriginal).toBeUndefined();
    expect((followUp?.message.flags ?? 0) & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(followUp?.message.content).toBe("Missing <topic>.\nUsage: /meme <topic>");
    expect(fake.originalMessage(interaction.token)).toBeUndefined();
    expect(await core.jobs()).toHaveLength(0);
  });

  it("refuses a setting change from a member without Manage Server, privately", async () => {
    await startAdapter();
    const interaction = command("config", { key: "language", value: "es" }, { permissions: "0" });

    await deliver(interaction);

    const [callback] = fake.interactionCallbacks;
    expect(callback?.type).toBe(4);
    expect(callback?.data?.flags).toBe(MessageFlags.Ephemeral);
    expect(callback?.data?.content).toBe(
      "Only admins of this community can do that (members with the Manage Server permission).",
    );
    await expect
      .poll(() => core.runs({ key: `discord:${interaction.id}` }))
      .toMatchObject([{ command: "config", status: "rejected", outcome: "error.adminOnly" }]);
    // Recording the run created the community, with nothing set.
    expect(await core.settingsOf(guild())).toEqual({});
  });

  it("applies a setting change from a member with Manage Server and says so publicly", async () => {
    await startAdapter();
    const interaction = command("config", { key: "language", value: "es" }, { permissions: manageServer });

    await deliver(interaction);

    const [callback] = fake.interactionCallbacks;
    expect(callback?.type).toBe(4);
    expect(callback?.data?.flags ?? 0).toBe(0);
    expect(callback?.data?.content).toBe("language is now es.");
    expect(await core.settingsOf(guild())).toMatchObject({ language: "es" });
  });

  it("lets any member view the settings", async () => {
    await startAdapter();
    const interaction = command("config", {}, { permissions: "0" });

    await deliver(interaction);

    const [callback] = fake.interactionCallbacks;
    expect(callback?.type).toBe(4);
    expect(callback?.data?.flags ?? 0).toBe(0);
    expect(callback?.data?.content).toContain("language = en");
  });

  it("treats a DM as a private community whose user is its admin", async () => {
    await startAdapter();
    const channelId = uniqueSnowflake();
    const interaction = chatInputInteraction({
      id: uniqueSnowflake(),
      applicationId: fake.applicationId,
      channelId,
      user: member,
      commandName: "config",
      options: [
        { name: "key", type: 3, value: "rate_limit" },
        { name: "value", type: 3, value: "30" },
      ],
    });

    await deliver(interaction);

    expect(fake.interactionCallbacks[0]?.data?.content).toBe("rate_limit is now 30.");
    const dm = { platform: "discord" as const, externalId: `dm:${channelId}` };
    expect(await core.settingsOf(dm)).toMatchObject({ rateLimitPerMinute: 30 });
    // A DM has no guild name, so the community is stored untitled.
    await expect
      .poll(() => core.runs({ community: dm }))
      .toMatchObject([
        {
          key: `discord:${interaction.id}`,
          command: "config",
          status: "succeeded",
          community: { ...dm, title: null },
          actor: { platform: "discord", externalId: member.id, username: "alice", displayName: "Alice" },
        },
      ]);
  });

  it("enqueues one job when the same interaction is delivered twice", async () => {
    await startAdapter();
    const interaction = command("meme", { topic: "double spend" });

    fake.dispatchInteraction(interaction);
    fake.dispatchInteraction(interaction);
    await fake.waitForInteractionCallback(interaction.id);
    await expect.poll(async () => (await core.jobs()).length).toBe(1);
    await sleep(300);

    expect(await core.jobs()).toHaveLength(1);
    expect(fake.interactionCallbacks).toHaveLength(1);
    // The second delivery finds the interaction acknowledged and steps aside quietly.
    expect(core.logs.filter((line) => line.level >= LEVEL.error)).toEqual([]);
    expect(core.logs.filter((line) => line.msg.includes("can no longer be answered"))).toHaveLength(1);
  });

  it("answers a redelivered /help once", async () => {
    await startAdapter();
    const interaction = command("help");

    await deliver(interaction);
    fake.dispatchInteraction(interaction);
    await sleep(300);

    expect(fake.interactionCallbacks).toHaveLength(1);
    await expect.poll(() => core.runs({ community: guild() })).toHaveLength(1);
    expect(await core.runs({ community: guild() })).toMatchObject([
      { key: `discord:${interaction.id}`, command: "help", status: "succeeded" },
    ]);
  });

  it("defers a reply whose dispatch is slow, then fills it in", async () => {
    const slowDispatch: Dispatch = async (invocation) => {
      await sleep(400);
      return core.dispatch(invocation);
    };
    // A 250 ms acknowledgement deadline stands in for Discord's 3 seconds.
    await fake.close();
    fake = await startFakeDiscord({ heartbeatIntervalMs: 200, ackDeadlineMs: 250 });
    await startAdapter({ dispatch: slowDispatch, deferAfterMs: 100 });
    const interaction = command("help");

    fake.dispatchInteraction(interaction);
    const callback = await fake.waitForInteractionCallback(interaction.id);
    const edit = await fake.waitForOriginalEdit(interaction.token);

    expect(callback.type).toBe(5);
    expect(edit.message.content).toContain("Commands you can use here:");
    expect(fake.originalMessage(interaction.token)?.flags ?? 0).toBe(0);
  });

  it("turns a slow private answer into an ephemeral follow-up after removing the deferral", async () => {
    const slowDispatch: Dispatch = async (invocation) => {
      await sleep(300);
      return core.dispatch(invocation);
    };
    await startAdapter({ dispatch: slowDispatch, deferAfterMs: 50 });
    const interaction = command(
      "config",
      { key: "language", value: "klingon" },
      { permissions: manageServer },
    );

    await deliver(interaction);
    await expect.poll(() => fake.followUps.length).toBe(1);

    expect(fake.interactionCallbacks.map((callback) => callback.type)).toEqual([5]);
    expect(fake.originalMessage(interaction.token)).toBeUndefined();
    expect(fake.followUps).toHaveLength(1);
    expect(fake.followUps[0]?.message.flags).toBe(MessageFlags.Ephemeral);
    expect(fake.followUps[0]?.message.content).toContain("“klingon” is not a valid value for language");
  });

  it("tells a rate-limited member privately, also once they were told before", async () => {
    // Seeded before the guild's first command, which reads (and caches) its settings.
    await core.seedSettings(guild(), { rateLimitPerMinute: 1 });
    await startAdapter();
    const first = command("help");
    const second = command("help");
    const third = command("help");

    await deliver(first);
    await deliver(second);
    await deliver(third);

    const [answered, limited, limitedAgain] = fake.interactionCallbacks;
    expect(answered?.data?.flags ?? 0).toBe(0);
    expect(limited?.data?.flags).toBe(MessageFlags.Ephemeral);
    expect(limited?.data?.content).toMatch(/sending commands too fast/);
    // The gate says "told already", but an interaction must still get an answer.
    expect(limitedAgain?.type).toBe(4);
    expect(limitedAgain?.data?.flags).toBe(MessageFlags.Ephemeral);
    expect(limitedAgain?.data?.content).toMatch(/sending commands too fast/);
  });

  it("answers an unknown command privately instead of leaving the interaction to fail", async () => {
    await startAdapter();
    const interaction = command("wen_moon");

    await deliver(interaction);

    expect(fake.interactionCallbacks[0]?.data).toMatchObject({
      flags: MessageFlags.Ephemeral,
      content: "I don't know /wen_moon. Send /help to see what I can do.",
    });
  });

  it("logs a failing dispatch and answers privately in the user's language", async () => {
    const database = await coreBehindProxy();
    await startAdapter();
    // The guild is new to the settings cache, so the dispatcher's first step reads the database.
    database.cut();
    const interaction = command("help", {}, { locale: "es-ES" });

    await deliver(interaction);

    expect(fake.interactionCallbacks[0]?.data).toMatchObject({
      flags: MessageFlags.Ephemeral,
      content: "Algo salió mal de nuestro lado. Inténtalo de nuevo.",
    });
    const failure = core.logs.find((line) => line.msg === "discord interaction failed");
    expect(failure?.level).toBe(LEVEL.error);
    // Prisma's P1017, from the settings read on the connection the proxy refused.
    expect(failure?.err?.message).toContain("Server has closed the connection");
  });

  it("answers a dispatch that fails after the deferral with a private error", async () => {
    const database = await coreBehindProxy();
    database.cut();
    // Slow first, then failing on the database that is gone.
    const slowFailingDispatch: Dispatch = async (invocation) => {
      await sleep(200);
      return core.dispatch(invocation);
    };
    await startAdapter({ dispatch: slowFailingDispatch, deferAfterMs: 50 });
    const interaction = command("help");

    await deliver(interaction);
    await expect.poll(() => fake.followUps.length).toBe(1);

    expect(fake.interactionCallbacks.map((callback) => callback.type)).toEqual([5]);
    expect(fake.originalMessage(interaction.token)).toBeUndefined();
    expect(fake.followUps[0]?.message).toMatchObject({
      flags: MessageFlags.Ephemeral,
      content: "Something went wrong on our side. Please try again.",
    });
  });

  it("does not run /meme when its interaction expired before it could be deferred", async () => {
    await startAdapter();
    fake.failNext(
      { method: "POST", path: "/interactions/:id/:token/callback" },
      { status: 404, body: { message: "Unknown interaction", code: 10062 } },
    );
    const interaction = command("meme", { topic: "too late" });

    fake.dispatchInteraction(interaction);
    await fake.waitForCall((call) => call.path.endsWith("/callback"));
    await sleep(200);

    expect(await core.jobs()).toEqual([]);
    expect(core.logs.filter((line) => line.level >= LEVEL.error)).toEqual([]);
    expect(core.logs.some((line) => line.msg.includes("can no longer be answered"))).toBe(true);
  });

  it("answers an autocomplete request with an empty list", async () => {
    await startAdapter();
    const interaction = { ...command("meme", { topic: "ca" }), type: 4 };

    fake.dispatchInteraction(interaction);
    const callback = await fake.waitForInteractionCallback(interaction.id);

    expect(callback.type).toBe(8);
    expect(callback.data).toEqual({ choices: [] });
  });

  it("registers the registry's commands on start when asked to", async () => {
    await startAdapter({ registerCommands: true, guildId });

    const registered = fake.registeredCommands(guildId);
    expect(registered.map((registeredCommand) => registeredCommand.name)).toEqual([...COMMAND_NAMES]);
    expect(registered.find((registeredCommand) => registeredCommand.name === "meme")?.options).toEqual([
      expect.objectContaining({ name: "topic", type: 3, required: true, max_length: 200 }),
    ]);
    expect(fake.registeredCommands()).toEqual([]);
    expect(core.logs.some((line) => line.msg === "discord slash commands registered")).toBe(true);
  });

  it("does not touch the commands on start unless asked to", async () => {
    await startAdapter();

    expect(fake.calls.filter((call) => call.path.includes("/commands"))).toEqual([]);
    expect(adapter?.client.isReady()).toBe(true);
  });

  it("closes the gateway connection on stop", async () => {
    const started = await startAdapter();

    await started.stop();
    adapter = undefined;

    expect(started.client.isReady()).toBe(false);
    await expect.poll(() => fake.readyClientCount).toBe(0);
  });
});
