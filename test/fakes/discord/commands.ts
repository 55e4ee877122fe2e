import type { APIApplicationCommand } from "discord.js";
import { invalidFormBody, unknownCommand, type DiscordApiError } from "./errors.ts";
import { snowflake } from "./snowflake.ts";

/**
 * Application commands per scope (global or one guild), with Discord's bulk-overwrite rules:
 * a command keeps its id when a command of the same name and type is sent again, others are
 * created or deleted; every change bumps the version.
 */

type CommandInput = Record<string, unknown>;

const NAME = /^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const CHAT_INPUT = 1;

function validateOptions(options: unknown, path: Array<string | number>): DiscordApiError | undefined {
  if (options === undefined || options === null) return undefined;
  if (!Array.isArray(options)) return invalidFormBody(path, "BASE_TYPE_ARRAY", "Must be an array.");
  if (options.length > 25)
    return invalidFormBody(path, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
  for (const [index, option] of options.entries()) {
    const { name, description, options: nested } = (option ?? {}) as CommandInput;
    if (typeof name !== "string" || !NAME.test(name) || name !== name.toLowerCase()) {
      return invalidFormBody(
        [...path, index, "name"],
        "APPLICATION_COMMAND_INVALID_NAME",
        "Command name is invalid",
      );
    }
    if (typeof description !== "string" || description.length < 1 || description.length > 100) {
      return invalidFormBody(
        [...path, index, "description"],
        "BASE_TYPE_BAD_LENGTH",
        "Must be between 1 and 100 in length.",
      );
    }
    const nestedError = validateOptions(nested, [...path, index, "options"]);
    if (nestedError !== undefined) return nestedError;
  }
  return undefined;
}

export function validateCommand(command: unknown, path: Array<string | number>): DiscordApiError | undefined {
  if (typeof command !== "object" || command === null) {
    return invalidFormBody(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
  }
  const { name, description, type = CHAT_INPUT, options } = command as CommandInput;
  if (typeof name !== "string" || !NAME.test(name) || (type === CHAT_INPUT && name !== name.toLowerCase())) {
    return invalidFormBody([...path, "name"], "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid");
  }
  if (
    type === CHAT_INPUT &&
    (typeof description !== "string" || description.length < 1 || description.length > 100)
  ) {
    return invalidFormBody(
      [...path, "description"],
      "BASE_TYPE_BAD_LENGTH",
      "Must be between 1 and 100 in length.",
    );
  }
  return validateOptions(options, [...path, "options"]);
}

export class CommandStore {
  readonly #byScope = new Map<string, APIApplicationCommand[]>();

  constructor(private readonly applicationId: string) {}

  list(guildId?: string): APIApplicationCommand[] {
    return this.#byScope.get(scopeKey(guildId)) ?? [];
  }

  get(commandId: string, guildId?: string): APIApplicationCommand {
    const found = this.list(guildId).find((command) => command.id === commandId);
    if (found === undefined) throw unknownCommand();
    return found;
  }

  bulkOverwrite(input: unknown, guildId?: string): APIApplicationCommand[] {
    if (!Array.isArray(input)) throw invalidFormBody([], "BASE_TYPE_ARRAY", "Must be an array.");
    if (input.length > 100)
      throw invalidFormBody([], "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.");
    const seen = new Set<string>();
    for (const [index, command] of input.entries()) {
      const error = validateCommand(command, [index]);
      if (error !== undefined) throw error;
      const { name, type = CHAT_INPUT } = command as CommandInput;
      const key = `${String(type)}:${String(name)}`;
      if (seen.has(key)) {
        throw invalidFormBody(
          [index, "name"],
          "APPLICATION_COMMANDS_DUPLICATE_NAME",
          "Application command names must be unique",
        );
      }
      seen.add(key);
    }
    const previous = this.list(guildId);
    const next = input.map((command: CommandInput) => this.#stored(command, previous, guildId));
    this.#byScope.set(scopeKey(guildId), next);
    return next;
  }

  /** POST: creates the command, or overwrites the one with the same name and type. */
  upsert(input: unknown, guildId?: string): { command: APIApplicationCommand; created: boolean } {
    const error = validateCommand(input, []);
    if (error !== undefined) throw error;
    const previous = this.list(guildId);
    const command = this.#stored(input as CommandInput, previous, guildId);
    const created = !previous.some((old) => old.id === command.id);
    this.#byScope.set(
      scopeKey(guildId),
      created ? [...previous, command] : previous.map((old) => (old.id === command.id ? command : old)),
    );
    return { command, created };
  }

  edit(commandId: string, patch: unknown, guildId?: string): APIApplicationCommand {
    const existing = this.get(commandId, guildId);
    const merged = { ...existing, ...(patch as CommandInput) };
    const error = validateCommand(merged, []);
    if (error !== undefined) throw error;
    // An edit keeps the id even when it renames the command.
    const command = { ...this.#stored(merged, [existing], guildId), id: existing.id };
    this.#byScope.set(
      scopeKey(guildId),
      this.list(guildId).map((old) => (old.id === commandId ? command : old)),
    );
    return command;
  }

  delete(commandId: string, guildId?: string): void {
    this.get(commandId, guildId);
    this.#byScope.set(
      scopeKey(guildId),
      this.list(guildId).filter((command) => command.id !== commandId),
    );
  }

  #stored(input: CommandInput, previous: APIApplicationCommand[], guildId?: string): APIApplicationCommand {
    const type = (input.type as number | undefined) ?? CHAT_INPUT;
    const same = previous.find((old) => old.name === input.name && old.type === type);
    const command: Record<string, unknown> = {
      id: same?.id ?? snowflake(),
      application_id: this.applicationId,
      version: snowflake(),
      type,
      name: input.name,
      name_localizations: input.name_localizations ?? null,
      description: type === CHAT_INPUT ? input.description : "",
      description_localizations: input.description_localizations ?? null,
      default_member_permissions: input.default_member_permissions ?? null,
      nsfw: input.nsfw ?? false,
      integration_types: input.integration_types ?? [0],
      contexts: input.contexts ?? null,
    };
    if (guildId === undefined) command.dm_permission = input.dm_permission ?? true;
    else command.guild_id = guildId;
    if (Array.isArray(input.options) && input.options.length > 0) command.options = input.options;
    return command as unknown as APIApplicationCommand;
  }
}

function scopeKey(guildId: string | undefined): string {
  return guildId ?? "global";
}
