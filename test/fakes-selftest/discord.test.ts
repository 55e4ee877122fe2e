import { once } from "node:events";
import {
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  MessageFlags,
  PermissionFlagsBits,
  REST,
  Routes,
  type ChatInputCommandInteraction,
} from "discord.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { chatInputInteraction } from "../fakes/discord/interactions.ts";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord/server.ts";

const guildId = "1200000000000000001";
const alice = { id: "1300000000000000001", username: "alice" };

describe("fake Discord REST and gateway", () => {
  let fake: FakeDiscord;
  let client: Client | undefined;

  beforeEach(async () => {
    fake = await startFakeDiscord({ heartbeatIntervalMs: 100 });
    client = undefined;
  });

  afterEach(async () => {
    await client?.destroy();
    await fake.close();
  });

  /** Logs a real discord.js client in and routes chat-input interactions to `onCommand`. */
  async function loginClient(onCommand: (interaction: ChatInputCommandInteraction) => Promise<unknown>) {
    const started = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiBase } });
    client = started;
    const errors: unknown[] = [];
    started.on(Events.InteractionCreate, (interaction) => {
      if (interaction.isChatInputCommand())
        onCommand(interaction).catch((error: unknown) => errors.push(error));
    });
    const ready = once(started, Events.ClientReady);
    await started.login("fake-bot-token");
    await ready;
    return { client: started, errors };
  }

  function commandFor(extra: Partial<Parameters<typeof chatInputInteraction>[0]> = {}) {
    return chatInputInteraction({
      applicationId: fake.applicationId,
      guildId,
      user: alice,
      commandName: "meme",
      ...extra,
    });
  }

  it("logs a discord.js client in through the fake gateway and hands it READY", async () => {
    const { client: ready } = await loginClient(async () => {});
    expect(ready.user?.id).toBe(fake.applicationId);
    expect(ready.application?.id).toBe(fake.applicationId);
    expect(fake.identifies).toHaveLength(1);
    expect(fake.identifies[0]?.intents).toBe(GatewayIntentBits.Guilds);
    expect(fake.readyClientCount).toBe(1);
  });

  it("records deferReply as callback type 5 and editReply as a PATCH of @original", async () => {
    await loginClient(async (interaction) => {
      await interaction.deferReply();
      await interaction.editReply("done");
    });
    const interaction = commandFor();

    expect(fake.dispatchInteraction(interaction)).toBe(1);
    const callback = await fake.waitForInteractionCallback(interaction.id);
    const edit = await fake.waitForOriginalEdit(interaction.token);

    expect(callback).toMatchObject({ type: 5, withResponse: false });
    expect(edit.body).toMatchObject({ content: "done" });
    expect(edit.message).toMatchObject({
      content: "done",
      type: 20,
      flags: 0,
      webhook_id: fake.applicationId,
    });
    expect(fake.calls.find((call) => call.method === "PATCH")?.path).toBe(
      `/webhooks/${fake.applicationId}/${interaction.token}/messages/@original`,
    );
  });

  it("records an ephemeral reply with flag 64", async () => {
    await loginClient((interaction) =>
      interaction.reply({ content: "only you", flags: MessageFlags.Ephemeral }),
    );
    const interaction = commandFor();
    fake.dispatchInteraction(interaction);

    const callback = await fake.waitForInteractionCallback(interaction.id);
    expect(callback.type).toBe(4);
    expect(callback.data).toMatchObject({ content: "only you", flags: 64 });
    expect(fake.originalMessage(interaction.token)?.flags).toBe(MessageFlags.Ephemeral);
  });

  it("gives discord.js the member permissions and options the builder was given", async () => {
    const seen: Array<{ manageGuild: boolean | undefined; template: string | null; inGuild: boolean }> = [];
    await loginClient(async (interaction) => {
      seen.push({
        manageGuild: interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild),
        template: interaction.options.getString("template"),
        inGuild: interaction.inGuild(),
      });
      await interaction.reply("ok");
    });
    const moderator = commandFor({
      permissions: PermissionFlagsBits.ManageGuild.toString(),
      options: [{ name: "template", type: 3, value: "drake" }],
    });
    const member = commandFor();
    const direct = chatInputInteraction({
      applicationId: fake.applicationId,
      user: alice,
      commandName: "meme",
    });

    for (const interaction of [moderator, member, direct]) {
      fake.dispatchInteraction(interaction);
      await fake.waitForInteractionCallback(interaction.id);
    }

    expect(seen).toEqual([
      { manageGuild: true, template: "drake", inGuild: true },
      { manageGuild: false, template: null, inGuild: true },
      { manageGuild: undefined, template: null, inGuild: false },
    ]);
  });

  it("turns the first follow-up after deferReply into the reply, and later ones into new messages", async () => {
    await loginClient(async (interaction) => {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      await interaction.followUp("first");
      await interaction.followUp("second");
    });
    const interaction = commandFor();
    fake.dispatchInteraction(interaction);

    await fake.waitForCall(
      (call) =>
        call.method === "POST" &&
        call.path.startsWith("/webhooks/") &&
        call.body !== undefined &&
        (call.body as { content?: string }).content === "second",
    );
    expect(
      fake.followUps.map((record) => [record.message.content, record.editedDeferredOriginal ?? false]),
    ).toEqual([
      ["first", true],
      ["second", false],
    ]);
    expect(fake.originalMessage(interaction.token)).toMatchObject({
      content: "first",
      flags: MessageFlags.Ephemeral,
    });
  });

  it("rejects a second acknowledgement of the same interaction with 40060", async () => {
    const outcome: unknown[] = [];
    await loginClient(async (interaction) => {
      await interaction.reply("one");
      // Bypass discord.js's own guard to hit Discord's rule.
      interaction.replied = false;
      outcome.push(await interaction.reply("two").catch((error: unknown) => error));
    });
    fake.dispatchInteraction(commandFor());
    await fake.waitForCall((call) => call.status === 400);
    await expect.poll(() => outcome.length).toBe(1);
    expect(outcome[0]).toBeInstanceOf(DiscordAPIError);
    expect(outcome[0]).toMatchObject({ code: 40060, status: 400 });
  });

  it("stores slash commands registered through @discordjs/rest and keeps ids on re-registration", async () => {
    const rest = new REST({ api: fake.apiBase }).setToken("fake-bot-token");
    const commands = [
      {
        name: "meme",
        description: "Make a meme",
        options: [{ name: "template", description: "Template", type: 3 }],
      },
      { name: "price", description: "Show the token price" },
    ];

    const first = (await rest.put(Routes.applicationCommands(fake.applicationId), {
      body: commands,
    })) as Array<{ id: string; name: string }>;
    const second = (await rest.put(Routes.applicationCommands(fake.applicationId), {
      body: commands,
    })) as Array<{ id: string }>;
    const listed = (await rest.get(Routes.applicationCommands(fake.applicationId))) as Array<{
      name: string;
    }>;
    await rest.put(Routes.applicationGuildCommands(fake.applicationId, guildId), { body: [commands[0]] });

    expect(first.map((command) => command.name)).toEqual(["meme", "price"]);
    expect(second.map((command) => command.id)).toEqual(first.map((command) => command.id));
    expect(listed.map((command) => command.name)).toEqual(["meme", "price"]);
    expect(fake.registeredCommands()).toHaveLength(2);
    expect(fake.registeredCommands(guildId)).toMatchObject([{ name: "meme", guild_id: guildId }]);

    const invalid = await rest
      .put(Routes.applicationCommands(fake.applicationId), { body: [{ name: "Bad Name", description: "x" }] })
      .catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(DiscordAPIError);
    expect(invalid).toMatchObject({ code: 50035 });
  });

  it("replays an interaction dispatched while the client was disconnected once it resumes", async () => {
    await loginClient((interaction) => interaction.reply("back"));
    fake.disconnectAll();
    const interaction = commandFor();

    expect(fake.dispatchInteraction(interaction)).toBe(0);
    const callback = await fake.waitForInteractionCallback(interaction.id, 10_000);

    expect(callback.type).toBe(4);
    expect(fake.identifies).toHaveLength(1);
  });

  it("lets the client identify again after a session-ending disconnect", async () => {
    await loginClient((interaction) => interaction.reply("again"));
    fake.disconnectAll(1000);
    await expect.poll(() => fake.identifies.length, { timeout: 10_000 }).toBe(2);
    await fake.waitForReady();
    const interaction = commandFor();
    expect(fake.dispatchInteraction(interaction)).toBe(1);
    await expect(fake.waitForInteractionCallback(interaction.id)).resolves.toMatchObject({ type: 4 });
  });

  it("answers heartbeats so discord.js measures a ping", async () => {
    const { client: ready } = await loginClient(async () => {});
    await expect.poll(() => fake.heartbeatCount, { timeout: 5000 }).toBeGreaterThan(0);
    await expect.poll(() => ready.ws.ping, { timeout: 5000 }).toBeGreaterThanOrEqual(0);
  });

  it("injects failures: a 500 is retried by @discordjs/rest, a 404 surfaces as DiscordAPIError", async () => {
    fake.failNext(
      { method: "PUT", path: "/applications/:app/commands" },
      { status: 500, body: { message: "boom", code: 0 } },
    );
    fake.failNext(
      { path: /^\/users\/@me$/ },
      { status: 404, body: { message: "Unknown User", code: 10013 } },
    );
    const rest = new REST({ api: fake.apiBase }).setToken("fake-bot-token");

    await expect(rest.put(Routes.applicationCommands(fake.applicationId), { body: [] })).resolves.toEqual([]);
    expect(fake.calls.filter((call) => call.method === "PUT").map((call) => call.status)).toEqual([500, 200]);
    await expect(rest.get(Routes.user())).rejects.toMatchObject({ code: 10013, status: 404 });
    await expect(rest.get(Routes.user())).resolves.toMatchObject({ id: fake.applicationId, bot: true });
  });

  it("answers unknown routes with Discord's 404 and 204s without a JSON content type", async () => {
    const unknown = await fetch(`${fake.apiBase}/v10/nothing/here`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ message: "404: Not Found", code: 0 });

    const interaction = commandFor();
    fake.dispatchInteraction(interaction);
    const callback = await fetch(
      `${fake.apiBase}/v10/interactions/${interaction.id}/${interaction.token}/callback`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ type: 5 }),
      },
    );
    expect(callback.status).toBe(204);
    expect(callback.headers.get("content-type")).toBeNull();
  });

  it("stores channel messages the bot posts and rejects empty ones with 50006", async () => {
    const rest = new REST({ api: fake.apiBase }).setToken("fake-bot-token");
    const channelId = "1400000000000000001";

    const posted = await rest.post(Routes.channelMessages(channelId), { body: { content: "gm" } });
    const empty = await rest
      .post(Routes.channelMessages(channelId), { body: { content: "" } })
      .catch((e: unknown) => e);

    expect(posted).toMatchObject({
      content: "gm",
      channel_id: channelId,
      author: { id: fake.applicationId },
    });
    expect(fake.channelMessages(channelId).map((message) => message.content)).toEqual(["gm"]);
    expect(empty).toMatchObject({ code: 50006, status: 400 });
  });

  it("expires interactions not acknowledged within ackDeadlineMs", async () => {
    const strict = await startFakeDiscord({ ackDeadlineMs: 50 });
    try {
      const interaction = chatInputInteraction({
        applicationId: strict.applicationId,
        user: alice,
        commandName: "meme",
      });
      strict.dispatchInteraction(interaction);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const late = await fetch(
        `${strict.apiBase}/v10/interactions/${interaction.id}/${interaction.token}/callback`,
        {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ type: 5 }),
        },
      );
      expect(late.status).toBe(404);
      expect(await late.json()).toEqual({ message: "Unknown interaction", code: 10062 });
    } finally {
      await strict.close();
    }
  });

  it("returns the callback resource when asked with_response=true", async () => {
    const interaction = commandFor();
    fake.dispatchInteraction(interaction);
    const answer = await fetch(
      `${fake.apiBase}/v10/interactions/${interaction.id}/${interaction.token}/callback?with_response=true`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ type: 4, data: { content: "hi" } }),
      },
    );
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({
      interaction: {
        id: interaction.id,
        type: 2,
        response_message_loading: false,
        response_message_ephemeral: false,
      },
      resource: { type: 4, message: { content: "hi", channel_id: interaction.channel_id } },
    });
  });
});
