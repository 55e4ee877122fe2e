import { randomBytes } from "node:crypto";
import type {
  APIApplicationCommandInteractionDataOption,
  APIAttachment,
  APIChatInputApplicationCommandInteraction,
  APIMessage,
  APIMessageComponentButtonInteraction,
  APIUser,
} from "discord.js";
import { snowflake } from "./snowflake.ts";

/**
 * Builds APPLICATION_COMMAND (chat input) and MESSAGE_COMPONENT (button press) interaction payloads
 * shaped like the gateway's INTERACTION_CREATE, for FakeDiscord.dispatchInteraction().
 */

export interface InteractionUserInput {
  id: string;
  username: string;
  global_name?: string | null;
}

export interface CommandOptionInput {
  name: string;
  /** ApplicationCommandOptionType: 1 subcommand, 2 group, 3 string, 4 integer, 5 boolean, 6 user, ... */
  type: number;
  value?: string | number | boolean;
  options?: CommandOptionInput[];
}

export interface ChatInputInteractionInput {
  id?: string;
  token?: string;
  applicationId: string;
  /** Omit for a direct message with the bot. */
  guildId?: string;
  channelId?: string;
  user: InteractionUserInput;
  /** The member's permission bitfield as a decimal string (guild only); default "0", no permissions. */
  permissions?: string;
  /** The bot's own permissions in the channel; default: view, send, embed, attach, read history, use commands. */
  appPermissions?: string;
  roles?: string[];
  commandName: string;
  commandId?: string;
  options?: CommandOptionInput[];
  /** Files of attachment options (type 11, value = the attachment's id), resolved as Discord sends them. */
  attachments?: APIAttachment[];
  locale?: string;
  guildLocale?: string;
}

// ViewChannel | SendMessages | EmbedLinks | AttachFiles | ReadMessageHistory | UseApplicationCommands
const DEFAULT_APP_PERMISSIONS = (
  (1n << 10n) |
  (1n << 11n) |
  (1n << 14n) |
  (1n << 15n) |
  (1n << 16n) |
  (1n << 31n)
).toString();

const NO_USER_FLAGS = 0 as NonNullable<APIUser["flags"]>;

/** Interaction tokens are long opaque strings; discord.js only passes them back in URLs. */
export function interactionToken(): string {
  return `aW50ZXJhY3Rpb246${randomBytes(48).toString("base64url")}`;
}

export function apiUser(input: InteractionUserInput): APIUser {
  return {
    id: input.id,
    username: input.username,
    global_name: input.global_name ?? input.username,
    discriminator: "0",
    avatar: null,
    public_flags: NO_USER_FLAGS,
    flags: NO_USER_FLAGS,
    avatar_decoration_data: null,
    collectibles: null,
    primary_guild: null,
  };
}

// The payload is written out as Discord sends it; the cast only bridges discord-api-types'
// branded enums and its guild/DM union.
export function chatInputInteraction(
  input: ChatInputInteractionInput,
): APIChatInputApplicationCommandInteraction {
  const data = {
    id: input.commandId ?? snowflake(),
    name: input.commandName,
    type: 1,
    ...(input.options === undefined
      ? {}
      : { options: input.options as unknown as APIApplicationCommandInteractionDataOption[] }),
    ...(input.attachments === undefined
      ? {}
      : {
          resolved: {
            attachments: Object.fromEntries(
              input.attachments.map((attachment) => [attachment.id, attachment]),
            ),
          },
        }),
  };
  return withContext(input, 2, data) as unknown as APIChatInputApplicationCommandInteraction;
}

export interface ButtonInteractionInput extends Omit<
  ChatInputInteractionInput,
  "commandName" | "commandId" | "options" | "attachments"
> {
  /** The message that carries the button (its channel_id is the interaction's channel). */
  message: APIMessage;
  customId: string;
}

/** A press of a button (component_type 2) on `message`, as Discord delivers it. */
export function buttonInteraction(input: ButtonInteractionInput): APIMessageComponentButtonInteraction {
  const data = { custom_id: input.customId, component_type: 2 };
  return withContext(
    { channelId: input.message.channel_id, ...input },
    3,
    data,
    input.message,
  ) as unknown as APIMessageComponentButtonInteraction;
}

/** The fields every interaction carries: who, where (guild or DM), and the token to answer with. */
function withContext(
  input: Omit<ChatInputInteractionInput, "commandName">,
  type: number,
  data: Record<string, unknown>,
  message?: APIMessage,
): Record<string, unknown> {
  const user = apiUser(input.user);
  const channelId = input.channelId ?? snowflake();
  const locale = input.locale ?? "en-US";
  const base = {
    id: input.id ?? snowflake(),
    application_id: input.applicationId,
    type,
    token: input.token ?? interactionToken(),
    version: 1,
    data,
    ...(message === undefined ? {} : { message }),
    channel_id: channelId,
    app_permissions: input.appPermissions ?? DEFAULT_APP_PERMISSIONS,
    locale,
    entitlements: [],
    attachment_size_limit: 10_485_760,
  };
  if (input.guildId === undefined) {
    return {
      ...base,
      user,
      channel: { id: channelId, type: 1, recipients: [user], flags: 0, last_message_id: null },
      // A guild-installed app answering in its own DM: owner "0" under GUILD_INSTALL.
      authorizing_integration_owners: { 0: "0" },
      context: 1,
    };
  }
  return {
    ...base,
    guild_id: input.guildId,
    guild: { id: input.guildId, locale: input.guildLocale ?? "en-US", features: [] },
    guild_locale: input.guildLocale ?? "en-US",
    channel: {
      id: channelId,
      type: 0,
      guild_id: input.guildId,
      name: "general",
      position: 0,
      parent_id: null,
      topic: null,
      nsfw: false,
      flags: 0,
      rate_limit_per_user: 0,
      last_message_id: null,
      permissions: input.permissions ?? "0",
    },
    member: {
      user,
      roles: input.roles ?? [],
      permissions: input.permissions ?? "0",
      joined_at: new Date(Date.now() - 86_400_000).toISOString(),
      premium_since: null,
      nick: null,
      avatar: null,
      banner: null,
      deaf: false,
      mute: false,
      pending: false,
      flags: 0,
      communication_disabled_until: null,
    },
    authorizing_integration_owners: { 0: input.guildId },
    context: 0,
  };
}
