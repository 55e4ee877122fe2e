// Slash-command registration: the core registry is the single source of truth,
// Discord gets a JSON copy of it through one idempotent bulk overwrite.
import {
  DEFAULT_LANGUAGE,
  languagePacks,
  translate,
  translateIn,
  type AnyCommand,
  type ArgSpec,
  type CommandRegistry,
  type LanguagePack,
  type MessageId,
} from "@memebot/core";
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  Locale,
  Routes,
  type LocalizationMap,
  type REST,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  type RESTPutAPIApplicationCommandsResult,
  type APIApplicationCommandAttachmentOption,
  type APIApplicationCommandStringOption,
} from "discord.js";

/** Discord rejects a command or option description longer than this. */
export const MAX_DESCRIPTION_LENGTH = 100;

export type SlashCommandBody = RESTPostAPIChatInputApplicationCommandsJSONBody;

/** Clipped to what Discord accepts. */
function description(text: string): string {
  const characters = [...text];
  if (characters.length <= MAX_DESCRIPTION_LENGTH) return text;
  return `${characters.slice(0, MAX_DESCRIPTION_LENGTH - 1).join("")}…`;
}

const discordLocales = new Set<string>(Object.values(Locale));
const isDiscordLocale = (locale: string): locale is Locale => discordLocales.has(locale);

/** The text in every language but the default one (that is `description` itself), under each of its locales. */
function localizations(id: MessageId, packs: readonly LanguagePack[]): LocalizationMap {
  const map: LocalizationMap = {};
  for (const pack of packs) {
    if (pack.code === DEFAULT_LANGUAGE) continue;
    for (const locale of pack.discordLocales) {
      // Discord refuses the whole registration over one unknown locale; say which file is wrong.
      if (!isDiscordLocale(locale)) {
        throw new Error(`language "${pack.code}": Discord has no locale "${locale}"`);
      }
      map[locale] = description(translateIn(pack, id));
    }
  }
  return map;
}

function optionFrom(spec: ArgSpec, packs: readonly LanguagePack[]): APIApplicationCommandStringOption {
  return {
    type: ApplicationCommandOptionType.String,
    name: spec.name,
    description: description(translate(DEFAULT_LANGUAGE, spec.description)),
    description_localizations: localizations(spec.description, packs),
    required: spec.required,
    // Discord caps a string option at 6000 characters; our own limits are far below that.
    max_length: Math.min(spec.maxLength, 6000),
  };
}

/** A command that takes a file gets an optional attachment option, after its text options. */
function attachmentOptionFrom(
  attachment: NonNullable<AnyCommand["attachment"]>,
  packs: readonly LanguagePack[],
): APIApplicationCommandAttachmentOption {
  return {
    type: ApplicationCommandOptionType.Attachment,
    name: attachment.name,
    description: description(translate(DEFAULT_LANGUAGE, attachment.description)),
    description_localizations: localizations(attachment.description, packs),
    required: false,
  };
}

/** The bodies for Discord's bulk overwrite, one per registry command, in registry order. */
export function slashCommandsFrom(
  registry: CommandRegistry,
  packs: readonly LanguagePack[] = languagePacks,
): SlashCommandBody[] {
  return registry.all.map((command) => {
    // Discord refuses a required option after an optional one; the stable sort keeps each group's order.
    const args = [...command.args].sort((a, b) => Number(b.required) - Number(a.required));
    return {
      type: ApplicationCommandType.ChatInput,
      name: command.name,
      description: description(translate(DEFAULT_LANGUAGE, command.description)),
      description_localizations: localizations(command.description, packs),
      options: [
        ...args.map((spec) => optionFrom(spec, packs)),
        ...(command.attachment ? [attachmentOptionFrom(command.attachment, packs)] : []),
      ],
      // Installed to servers, usable there and in the bot's DMs. No default_member_permissions:
      // members may read /config; changing a setting is checked in core against Manage Server.
      integration_types: [ApplicationIntegrationType.GuildInstall],
      contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
      nsfw: false,
    };
  });
}

export interface RegisterSlashCommandsOptions {
  rest: REST;
  applicationId: string;
  /** Registers to one server, where changes show at once; without it, globally. */
  guildId?: string;
  registry: CommandRegistry;
}

export interface RegisteredSlashCommands {
  scope: "guild" | "global";
  route: string;
  /** What Discord stored, with the ids it assigned. */
  commands: RESTPutAPIApplicationCommandsResult;
}

/**
 * Replaces the application's whole command set with the registry's (PUT is a bulk
 * overwrite, so running it again leaves the same set and removes stale commands).
 */
export async function registerSlashCommands(
  options: RegisterSlashCommandsOptions,
): Promise<RegisteredSlashCommands> {
  const { rest, applicationId, guildId, registry } = options;
  const route = guildId
    ? Routes.applicationGuildCommands(applicationId, guildId)
    : Routes.applicationCommands(applicationId);
  const commands = (await rest.put(route, {
    body: slashCommandsFrom(registry),
  })) as RESTPutAPIApplicationCommandsResult;
  return { scope: guildId ? "guild" : "global", route, commands };
}
