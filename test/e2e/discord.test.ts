// `pnpm start` with a Discord token, against the fake Discord REST + gateway and the fake model.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord/server.ts";
import { chatInputInteraction } from "../fakes/discord/interactions.ts";
import { e2eFixture, type E2eFixture } from "./support/fixtures.ts";
import { startPlatform } from "./support/platform-process.ts";
import { COMMAND_NAMES } from "../support/commands.ts";

const MANAGE_GUILD = String(1n << 5n);
let fixture: E2eFixture;
let discord: FakeDiscord;

beforeAll(async () => {
  fixture = await e2eFixture();
  discord = await startFakeDiscord();
  const env = { ...fixture.env, TELEGRAM_BOT_TOKEN: "" };
  const platform = startPlatform("start", {
    ...env,
    DISCORD_TOKEN: "fake-discord-token",
    DISCORD_API_BASE: discord.apiBase,
    DISCORD_REGISTER_COMMANDS: "1",
  });
  fixture.processes.push(platform);
  await platform.port();
  await discord.waitForReady(30_000);
}, 60_000);
afterAll(async () => {
  await fixture.cleanup();
  await discord.close();
});

const meme = (topic: string | undefined, extra: Partial<Parameters<typeof chatInputInteraction>[0]> = {}) =>
  chatInputInteraction({
    applicationId: discord.applicationId,
    guildId: "900000000000000001",
    channelId: "900000000000000002",
    user: { id: "800000000000000001", username: "alice" },
    commandName: "meme",
    options: topic === undefined ? [] : [{ name: "topic", type: 3, value: topic }],
    ...extra,
  });

describe("Discord end to end", { timeout: 60_000 }, () => {
  it("GIVEN start-up with registration on THEN the slash commands are registered from the registry", () => {
    const names = discord.registeredCommands().map((command) => command.name);
    expect(names).toEqual([...COMMAND_NAMES]);
    const memeCommand = discord.registeredCommands().find((command) => command.name === "meme");
    expect(memeCommand?.options).toMatchObject([{ name: "topic", type: 3, required: true, max_length: 200 }]);
  });

  it("GIVEN /meme THEN the reply is deferred at once and the worker edits in the model's meme once", async () => {
    const interaction = meme("diamond hands");
    discord.dispatchInteraction(interaction);
    const callback = await discord.waitForInteractionCallback(interaction.id, 10_000);
    expect(callback.type).toBe(5);
    const edit = await discord.waitForOriginalEdit(interaction.token, 20_000);
    expect(edit.body).toMatchObject({ content: "gm diamond hands frens" });
    expect(edit.files.map((file) => file.filename)).toEqual(["approve-reject.jpeg"]);
    await fixture.settled(edit.at);
    expect(discord.originalEdits.filter((record) => record.token === interaction.token)).toHaveLength(1);
  });

  it("GIVEN the meme's re-roll button pressed THEN a new deferred message gets another take, once per press", async () => {
    const interaction = meme("gas fees", { user: { id: "800000000000000004", username: "dave" } });
    discord.dispatchInteraction(interaction);
    const first = await discord.waitForOriginalEdit(interaction.token, 20_000);

    // Pressed by another member (dave himself would be within /meme's 10 s cooldown).
    const press = discord.pressButton({
      message: first.message,
      guildId: "900000000000000001",
      user: { id: "800000000000000005", username: "erin" },
    });
    // pressButton delivered it; delivered once more, it finds the press already answered.
    discord.dispatchInteraction(press);
    const callback = await discord.waitForInteractionCallback(press.id, 10_000);
    expect(callback.type).toBe(5);
    const again = await discord.waitForOriginalEdit(press.token, 20_000);
    expect(again.body).toMatchObject({ content: "gm gas fees frens" });
    expect(again.files).toHaveLength(1);
    await fixture.settled(again.at);
    expect(discord.originalEdits.filter((record) => record.token === press.token)).toHaveLength(1);
  });

  it("GIVEN the same interaction delivered twice THEN one job runs and one answer is edited in", async () => {
    const interaction = meme("deja vu", { user: { id: "800000000000000003", username: "carol" } });
    const requestsBefore = fixture.model.requestCount;
    discord.dispatchInteraction(interaction);
    discord.dispatchInteraction(interaction);
    const edit = await discord.waitForOriginalEdit(interaction.token, 20_000);
    await fixture.settled(edit.at);
    expect(discord.originalEdits.filter((record) => record.token === interaction.token)).toHaveLength(1);
    expect(fixture.model.requestCount - requestsBefore).toBe(1);
  });

  it("GIVEN /meme without its topic THEN the usage comes back privately", async () => {
    const interaction = meme(undefined, { user: { id: "800000000000000004", username: "dave" } });
    discord.dispatchInteraction(interaction);
    const followUp = await discord.waitForCall(
      (call) =>
        call.method === "POST" && call.path.startsWith("/webhooks/") && call.path.includes(interaction.token),
      10_000,
    );
    expect(followUp.body).toMatchObject({ content: "Missing <topic>.\nUsage: /meme <topic>", flags: 64 });
  });

  it("GIVEN a member without Manage Server changing a setting THEN refused privately; with it, changed", async () => {
    const config = (user: string, permissions: string) =>
      chatInputInteraction({
        applicationId: discord.applicationId,
        guildId: "900000000000000001",
        channelId: "900000000000000002",
        user: { id: user, username: user },
        permissions,
        commandName: "config",
        options: [
          { name: "key", type: 3, value: "meme.cooldown" },
          { name: "value", type: 3, value: "30" },
        ],
      });
    const member = config("800000000000000005", "0");
    discord.dispatchInteraction(member);
    const refusal = await discord.waitForInteractionCallback(member.id, 10_000);
    expect(refusal.data).toMatchObject({
      content: "Only admins of this community can do that (members with the Manage Server permission).",
      flags: 64,
    });
    const admin = config("800000000000000006", MANAGE_GUILD);
    discord.dispatchInteraction(admin);
    const accepted = await discord.waitForInteractionCallback(admin.id, 10_000);
    expect(accepted.type).toBe(4);
    expect(accepted.data).toMatchObject({ content: "meme.cooldown is now 30." });
  });
});
