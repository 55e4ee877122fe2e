import type { APIMessage, APIUser } from "discord.js";
import { snowflake } from "./snowflake.ts";

/**
 * Builders for the gateway events a bot that reads messages sees: GUILD_CREATE (discord.js only
 * delivers a guild channel's messages once the guild is cached) and MESSAGE_CREATE, shaped like
 * Discord's, for FakeDiscord.dispatch().
 */

export interface GuildInput {
  id: string;
  name?: string;
  channels: Array<{ id: string; name?: string; type?: number }>;
  /**
   * The bot as a member of the guild, holding the managed role Discord creates for a bot on
   * install (tags.bot_id names the bot). discord.js reads it as `guild.members.me.roles.botRole`.
   */
  botMember?: { user: Pick<APIUser, "id" | "username">; managedRoleId: string };
}

/** A role as Discord sends it; @everyone has the guild's id. */
const roleOf = (id: string, name: string, extra: Record<string, unknown> = {}) => ({
  id,
  name,
  color: 0,
  hoist: false,
  icon: null,
  unicode_emoji: null,
  position: 0,
  permissions: "0",
  managed: false,
  mentionable: false,
  flags: 0,
  ...extra,
});

/** A guild as Discord announces it after READY: its text channels included. */
export function guildCreatePayload(input: GuildInput): Record<string, unknown> {
  const bot = input.botMember;
  return {
    id: input.id,
    name: input.name ?? `Guild ${input.id}`,
    icon: null,
    owner_id: snowflake(),
    unavailable: false,
    member_count: 2,
    large: false,
    features: [],
    roles: [
      roleOf(input.id, "@everyone"),
      ...(bot
        ? [
            roleOf(bot.managedRoleId, bot.user.username, {
              managed: true,
              position: 1,
              tags: { bot_id: bot.user.id },
            }),
          ]
        : []),
    ],
    emojis: [],
    stickers: [],
    members: bot
      ? [
          {
            user: {
              id: bot.user.id,
              username: bot.user.username,
              global_name: null,
              discriminator: "0",
              avatar: null,
              bot: true,
            },
            roles: [bot.managedRoleId],
            joined_at: new Date().toISOString(),
            deaf: false,
            mute: false,
            flags: 0,
          },
        ]
      : [],
    presences: [],
    voice_states: [],
    threads: [],
    stage_instances: [],
    guild_scheduled_events: [],
    joined_at: new Date().toISOString(),
    channels: input.channels.map((channel, position) => ({
      id: channel.id,
      // 0 GUILD_TEXT, 11 PUBLIC_THREAD…
      type: channel.type ?? 0,
      name: channel.name ?? `channel-${position}`,
      guild_id: input.id,
      position,
      permission_overwrites: [],
      nsfw: false,
      parent_id: null,
    })),
  };
}

export interface MessageInput {
  id?: string;
  channelId: string;
  /** Omit for a DM. */
  guildId?: string;
  author: Pick<APIUser, "id" | "username"> & { bot?: boolean; global_name?: string | null };
  content: string;
  /** Users the message mentions (<@id> in the content); Discord lists them in `mentions`. */
  mentions?: Array<Pick<APIUser, "id" | "username"> & { bot?: boolean }>;
  /** Roles the message mentions (<@&id> in the content); Discord lists them in `mention_roles`. */
  mentionRoles?: string[];
  /** The message this one replies to (Discord sends it whole as referenced_message). */
  replyTo?: APIMessage;
  /** Set for messages a webhook posted. */
  webhookId?: string;
  /** MessageType: 0 default, 19 reply, 7 member join… Defaults to 19 with replyTo, 0 otherwise. */
  type?: number;
}

const userOf = (user: MessageInput["author"]) => ({
  id: user.id,
  username: user.username,
  global_name: user.global_name ?? null,
  discriminator: "0",
  avatar: null,
  ...(user.bot ? { bot: true } : {}),
});

/** A MESSAGE_CREATE dispatch's data. */
export function messageCreatePayload(input: MessageInput): Record<string, unknown> {
  const payload: Record<string, unknown> = {
    id: input.id ?? snowflake(),
    type: input.type ?? (input.replyTo ? 19 : 0),
    channel_id: input.channelId,
    // discord.js creates a DM channel it has not cached from this (with Partials.Channel).
    channel_type: input.guildId === undefined ? 1 : 0,
    author: userOf(input.author),
    content: input.content,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: (input.mentions ?? []).map(userOf),
    mention_roles: input.mentionRoles ?? [],
    attachments: [],
    embeds: [],
    components: [],
    pinned: false,
    flags: 0,
  };
  if (input.guildId !== undefined) {
    payload.guild_id = input.guildId;
    payload.member = { roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 };
  }
  if (input.webhookId !== undefined) payload.webhook_id = input.webhookId;
  if (input.replyTo) {
    payload.message_reference = {
      type: 0,
      message_id: input.replyTo.id,
      channel_id: input.channelId,
      ...(input.guildId === undefined ? {} : { guild_id: input.guildId }),
    };
    payload.referenced_message = input.replyTo;
  }
  return payload;
}
