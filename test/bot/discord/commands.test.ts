import {
  createRegistry,
  DEFAULT_LANGUAGE,
  defaultCommands,
  defineCommand,
  languagePacks,
  loadLanguagePacks,
  ok,
  translate,
  type AnyCommand,
} from "@memebot/core";
import { ApplicationCommandOptionType, Locale, REST } from "discord.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  MAX_DESCRIPTION_LENGTH,
  registerSlashCommands,
  slashCommandsFrom,
} from "../../../apps/bot/src/discord/commands.ts";
import { startFakeDiscord, type FakeDiscord } from "../../fakes/discord/server.ts";
import { COMMAND_NAMES } from "../../support/commands.ts";

const guildId = "1200000000000000001";

describe("slashCommandsFrom", () => {
  const bodies = slashCommandsFrom(createRegistry());
  const byName = (name: string) => bodies.find((body) => body.name === name);

  it("describes every registry command in English with Spanish for Spain and Latin America", () => {
    expect(bodies.map((body) => body.name)).toEqual([...COMMAND_NAMES]);
    expect(byName("meme")).toMatchObject({
      description: "Make a meme picture about a topic",
      description_localizations: {
        "es-ES": "Hacer un meme (imagen) sobre un tema",
        "es-419": "Hacer un meme (imagen) sobre un tema",
      },
    });
    for (const body of bodies) {
      expect(body.description.length).toBeGreaterThan(0);
      expect(body.description.length).toBeLessThanOrEqual(MAX_DESCRIPTION_LENGTH);
    }
  });

  it("turns each argument into a string option with its limits", () => {
    expect(byName("meme")?.options).toEqual([
      {
        type: ApplicationCommandOptionType.String,
        name: "topic",
        description: "What the meme is about",
        description_localizations: { "es-ES": "De qué trata el meme", "es-419": "De qué trata el meme" },
        required: true,
        max_length: 200,
      },
    ]);
    expect(byName("config")?.options?.map((option) => [option.name, option.required])).toEqual([
      ["key", false],
      ["value", false],
    ]);
    expect(byName("help")?.options).toEqual([]);
  });

  it("GIVEN each language THEN its Discord locales are ones Discord knows", () => {
    const known: string[] = Object.values(Locale);
    for (const pack of languagePacks) {
      expect(pack.discordLocales.length, pack.code).toBeGreaterThan(0);
      for (const locale of pack.discordLocales) expect(known, pack.code).toContain(locale);
    }
  });

  it("GIVEN each language but the default THEN every command and option has its text under each of its locales", () => {
    const others = languagePacks.filter((pack) => pack.code !== DEFAULT_LANGUAGE);
    const registry = createRegistry();
    for (const command of registry.all) {
      const body = byName(command.name);
      const expected = Object.fromEntries(
        others.flatMap((pack) =>
          pack.discordLocales.map((locale) => [locale, translate(pack.code, command.description)]),
        ),
      );
      expect(body?.description_localizations, command.name).toEqual(expected);
      for (const option of body?.options ?? []) {
        expect(Object.keys(option.description_localizations ?? {}).sort()).toEqual(
          Object.keys(expected).sort(),
        );
      }
    }
  });

  it("GIVEN one more language file THEN its texts reach Discord under its locales, with no other edit", async () => {
    const packs = await loadLanguagePacks(new URL("../../core/fixtures/languages/", import.meta.url));

    const [meme] = slashCommandsFrom(
      createRegistry(defaultCommands.filter((command) => command.name === "meme")),
      packs,
    );

    expect(meme?.name).toBe("meme");
    expect(meme?.description_localizations).toEqual({ fr: "Écrire un mème sur un sujet" });
    expect(meme?.options?.[0]?.description_localizations).toEqual({ fr: "Le sujet du mème" });
  });

  it("GIVEN a language with a locale Discord does not know THEN refuses to build the commands, naming it", () => {
    const spanish = languagePacks.find((pack) => pack.code === "es");
    const misspelt = { ...spanish!, discordLocales: ["es-MX"] };

    expect(() => slashCommandsFrom(createRegistry(), [misspelt])).toThrow(
      /language "es": Discord has no locale "es-MX"/,
    );
  });

  it("leaves /config open to every member and allows the commands in servers and DMs", () => {
    for (const body of bodies) {
      expect(body.default_member_permissions).toBeUndefined();
      expect(body.contexts).toEqual([0, 1]);
    }
  });

  it("puts required options before optional ones, as Discord demands", () => {
    const command: AnyCommand = defineCommand({
      ...defaultCommands[0]!,
      name: "tip",
      args: [
        { name: "note", description: "arg.config.value", required: false, maxLength: 50 },
        { name: "who", description: "arg.config.key", required: true, maxLength: 32 },
        { name: "amount", description: "arg.config.key", required: true, maxLength: 16 },
      ],
      parse: () => ok({}),
    });

    const [body] = slashCommandsFrom(createRegistry([command]));

    expect(body?.options?.map((option) => option.name)).toEqual(["who", "amount", "note"]);
  });
});

describe("registerSlashCommands", () => {
  let fake: FakeDiscord;
  let rest: REST;

  beforeEach(async () => {
    fake = await startFakeDiscord();
    rest = new REST({ api: fake.apiBase }).setToken("fake-bot-token");
  });

  afterEach(async () => {
    await fake.close();
  });

  it("stores the commands with their options in one server", async () => {
    const registered = await registerSlashCommands({
      rest,
      applicationId: fake.applicationId,
      guildId,
      registry: createRegistry(),
    });

    expect(registered.scope).toBe("guild");
    const stored = fake.registeredCommands(guildId);
    expect(stored.map((command) => command.name)).toEqual([...COMMAND_NAMES]);
    expect(stored.find((command) => command.name === "config")?.options).toEqual([
      expect.objectContaining({ name: "key", type: 3, required: false, max_length: 64 }),
      expect.objectContaining({ name: "value", type: 3, required: false, max_length: 64 }),
    ]);
    expect(fake.registeredCommands()).toEqual([]);
    expect(fake.calls.filter((call) => call.method === "PUT")).toHaveLength(1);
  });

  it("leaves the same set, with the same ids, when run twice", async () => {
    const options = { rest, applicationId: fake.applicationId, registry: createRegistry() };

    const first = await registerSlashCommands(options);
    const second = await registerSlashCommands(options);

    expect(second.scope).toBe("global");
    const idsOf = (commands: typeof first.commands) => commands.map((command) => [command.name, command.id]);
    expect(idsOf(second.commands)).toEqual(idsOf(first.commands));
    expect(fake.registeredCommands()).toHaveLength(COMMAND_NAMES.length);
  });

  it("removes a command the registry no longer has", async () => {
    const options = { rest, applicationId: fake.applicationId, guildId };
    await registerSlashCommands({ ...options, registry: createRegistry() });

    await registerSlashCommands({ ...options, registry: createRegistry(defaultCommands.slice(1)) });

    expect(fake.registeredCommands(guildId).map((command) => command.name)).toEqual(COMMAND_NAMES.slice(1));
  });
});
