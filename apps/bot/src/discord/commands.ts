// Slash-command registration: the core registry is the single source of truth,
// Discord gets a JSON copy of it through one idempotent bulk overwrite.
import { translate, type ArgSpec, type CommandRegistry, type MessageId } from "@memebot/core";
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  Locale,
  Routes,
  type REST,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  type RESTPutAPIApplicationCommandsResult,
  type APIApplicationCommandStringOption,
} from "discord.js";

/** Discord rejects a command or option description longer than this. */
export const MAX_DESCRIPTION_LENGTH = 100;

export type SlashCommandBody = RESTPostAPIChatInputApplicationCommandsJSONBody;

function description(id: MessageId, language: "en" | "es"): string {
  const text = translate(language, id);
  const characters = [...text];
  if (characters.length <= MAX_DESCRIPTION_LENGTH) return text;
  return `${characters.slice(0, MAX_DESCRIPTION_LENGTH - 1).join("")}…`;
}

function optionFrom(spec: ArgSpec): APIApplicationCommandStringOption {
  return {
    type: ApplicationCommandOptionType.String,
    name: spec.name,
    description: description(spec.description, "en"),
    description_localizations: { [Locale.SpanishES]: description(spec.description, "es") },
    required: spec.required,
    // Discord caps a string option at 6000 characters; our own limits are far below that.
    max_length: Math.min(spec.maxLength, 6000),
  };
}

/** The bodies for Discord's bulk overwrite, one per registry command, in registry order. */
export function slashCommandsFrom(registry: CommandRegistry): SlashCommandBody[] {
  return registry.all.map((command) => {
    // Discord refuses a required option after an optional one; the stable sort keeps each group's order.
    const args = [...command.args].sort((a, b) => Number(b.required) - Number(a.required));
    return {
      type: ApplicationCommandType.ChatInput,
      name: command.name,
      description: description(command.description, "en"),
      description_localizations: { [Locale.SpanishES]: description(command.description, "es") },
      options: args.map(optionFrom),
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
