// /persona on Discord: the fake Discord sends the member's permissions with each interaction
// (Manage Server makes an admin) and hosts uploaded files in place of its CDN; the core is real.
import {
  ApplicationCommandOptionType,
  MessageFlags,
  PermissionFlagsBits,
  type APIAttachment,
} from "discord.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createRegistry, DEFAULT_PERSONA } from "@memebot/core";
import { createDiscordAdapter, type DiscordAdapter } from "../../../apps/bot/src/discord/adapter.ts";
import { slashCommandsFrom } from "../../../apps/bot/src/discord/commands.ts";
import { chatInputInteraction } from "../../fakes/discord/interactions.ts";
import { startFakeDiscord, type FakeDiscord } from "../../fakes/discord/server.ts";
import { createBotCore, type BotCore } from "../../support/bot-core.ts";
import { uniqueSnowflake } from "../../support/unique-ids.ts";

const manageServer = PermissionFlagsBits.ManageGuild.toString();

let fake: FakeDiscord;
let core: BotCore;
let adapter: DiscordAdapter;
let guildId: string;
const member = { id: "", username: "ana", global_name: "Ana" };

beforeEach(async () => {
  guildId = uniqueSnowflake();
  member.id = uniqueSnowflake();
  fake = await startFakeDiscord({ heartbeatIntervalMs: 200, ackDeadlineMs: 3000 });
  // The fake serves uploads from its own origin instead of cdn.discordapp.com: allowed for this core only.
  core = await createBotCore({ attachmentOrigins: [fake.attachmentOrigin] });
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

interface Send {
  options?: Record<string, string>;
  file?: APIAttachment;
  admin?: boolean;
}

/** Runs /persona in the guild and answers with the reply and whether only the sender saw it. */
async function persona({ options = {}, file, admin = false }: Send) {
  const interaction = chatInputInteraction({
    id: uniqueSnowflake(),
    applicationId: fake.applicationId,
    guildId,
    user: member,
    permissions: admin ? manageServer : "0",
    commandName: "persona",
    options: [
      ...Object.entries(options).map(([name, value]) => ({
        name,
        type: ApplicationCommandOptionType.String,
        value,
      })),
      ...(file ? [{ name: "file", type: ApplicationCommandOptionType.Attachment, value: file.id }] : []),
    ],
    ...(file ? { attachments: [file] } : {}),
  });
  expect(fake.dispatchInteraction(interaction)).toBe(1);
  const callback = await fake.waitForInteractionCallback(interaction.id);
  return {
    text: callback.data?.content,
    private: ((callback.data?.flags as number | undefined) ?? 0) & MessageFlags.Ephemeral ? true : false,
  };
}

const storedPersona = () =>
  core.infrastructure.database.prisma.persona.findFirst({
    where: { community: { platform: "discord", externalId: guildId } },
    select: { data: true, updatedBy: true },
  });
const downloads = () => fake.calls.filter((call) => call.path.startsWith("/attachments/"));

describe("/persona on Discord", () => {
  it("declares the action and rest text options and an optional file option", () => {
    const body = slashCommandsFrom(createRegistry()).find((command) => command.name === "persona");
    expect(body?.options?.map((option) => [option.name, option.type, option.required])).toEqual([
      ["action", ApplicationCommandOptionType.String, false],
      ["rest", ApplicationCommandOptionType.String, false],
      ["file", ApplicationCommandOptionType.Attachment, false],
    ]);
    expect(body?.options?.[2]?.description_localizations).toMatchObject({
      "es-ES": "Un archivo .json con la personalidad a importar (solo admins)",
    });
  });

  it("GIVEN a member without Manage Server THEN shows the persona publicly but refuses a change privately", async () => {
    expect(await persona({})).toMatchObject({ private: false });
    expect((await persona({})).text).toContain(`Name: ${DEFAULT_PERSONA.name}`);

    const refused = await persona({ options: { action: "set", rest: "name Wojak" } });
    expect(refused).toEqual({
      text: "Only admins of this community can do that (members with the Manage Server permission).",
      private: true,
    });
    expect(await storedPersona()).toBeNull();
  });

  it("GIVEN a member with Manage Server THEN sets a field, publicly", async () => {
    const answer = await persona({ options: { action: "set", rest: "topics ponds, frogs" }, admin: true });
    expect(answer).toEqual({ text: "Persona updated: topics changed.", private: false });
    expect(await storedPersona()).toEqual({
      data: { ...DEFAULT_PERSONA, topics: ["ponds", "frogs"] },
      updatedBy: member.id,
    });
  });

  it("GIVEN an admin's attached JSON file THEN downloads it from the attachment URL and imports it", async () => {
    const file = fake.hostAttachment(
      "persona.json",
      JSON.stringify({ name: "Pepe", style: "dry" }),
      "application/json",
    );

    const answer = await persona({ options: { action: "import" }, file, admin: true });

    expect(answer).toEqual({ text: "Persona imported: I am Pepe now.", private: false });
    expect((await storedPersona())?.data).toEqual({ ...DEFAULT_PERSONA, name: "Pepe", style: "dry" });
    expect(downloads()).toHaveLength(1);
  });

  it("GIVEN a member's attached file THEN refuses it without downloading it", async () => {
    const file = fake.hostAttachment("persona.json", JSON.stringify({ name: "Pepe" }), "application/json");
    const answer = await persona({ options: { action: "import" }, file });
    expect(answer.text).toBe(
      "Only admins of this community can do that (members with the Manage Server permission).",
    );
    expect(downloads()).toHaveLength(0);
  });

  it("GIVEN an attached file with a bad field THEN names it privately; GIVEN one too large THEN says the limit", async () => {
    const bad = fake.hostAttachment("persona.json", JSON.stringify({ name: "Pepe", bio: "see pump.fun" }));
    expect(await persona({ options: { action: "import" }, file: bad, admin: true })).toEqual({
      text: "bio can't contain a domain name: the bot never posts links, domains, @handles, mentions or wallet addresses.",
      private: true,
    });

    const huge = fake.hostAttachment("persona.json", Buffer.alloc(65 * 1024, 0x20));
    expect((await persona({ options: { action: "import" }, file: huge, admin: true })).text).toBe(
      "That file is too large: a persona file may be at most 64 KB.",
    );
    expect(await storedPersona()).toBeNull();
  });

  it("GIVEN an attachment whose URL is not on Discord's CDN THEN does not fetch it", async () => {
    const file = fake.hostAttachment("persona.json", JSON.stringify({ name: "Pepe" }));
    const elsewhere = { ...file, url: "https://attacker.example/persona.json", proxy_url: "" };
    expect((await persona({ options: { action: "import" }, file: elsewhere, admin: true })).text).toBe(
      "I couldn't download that file. Please try again.",
    );
    expect(await storedPersona()).toBeNull();
  });
});
