// One chat-input interaction, or one press of a reply button, made platform-neutral for the core
// dispatcher.
import type { AttachmentRef, CommandInvocation } from "@memebot/core";
import {
  ApplicationCommandOptionType,
  PermissionFlagsBits,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
} from "discord.js";

/** String options by name; subcommands are not used, so options are flat. */
function optionValues(interaction: ChatInputCommandInteraction): Record<string, string> {
  const values: Record<string, string> = {};
  for (const option of interaction.options.data) {
    if (option.type === ApplicationCommandOptionType.String && typeof option.value === "string") {
      values[option.name] = option.value;
    }
  }
  return values;
}

/** Files given in attachment options, as Discord resolved them (CDN URL, name, size, type). */
function attachmentsOf(interaction: ChatInputCommandInteraction): AttachmentRef[] {
  const attachments: AttachmentRef[] = [];
  for (const option of interaction.options.data) {
    const file = option.type === ApplicationCommandOptionType.Attachment ? option.attachment : undefined;
    if (!file) continue;
    attachments.push({
      platform: "discord",
      url: file.url,
      ...(file.name ? { name: file.name } : {}),
      ...(Number.isSafeInteger(file.size) && file.size >= 0 ? { size: file.size } : {}),
      ...(file.contentType ? { mimeType: file.contentType } : {}),
    });
  }
  return attachments;
}

/** Who, where and how to answer: the same for a slash command and for a button pressed. */
function originOf(
  interaction: ChatInputCommandInteraction | ButtonInteraction,
): Pick<CommandInvocation, "key" | "platform" | "community" | "actor" | "target" | "isAdmin"> {
  const { user, guildId } = interaction;
  const inGuild = guildId !== null;
  const title = interaction.guild?.name;
  return {
    // Interaction ids are unique snowflakes, so a second delivery of one is recognised as a duplicate.
    key: `discord:${interaction.id}`,
    platform: "discord",
    community: {
      platform: "discord",
      // A DM has no guild: the DM channel is the "community" its settings belong to.
      externalId: guildId ?? `dm:${interaction.channelId}`,
      ...(title ? { title } : {}),
      kind: inGuild ? "group" : "private",
    },
    actor: {
      platform: "discord",
      externalId: user.id,
      username: user.username,
      ...(user.globalName ? { displayName: user.globalName } : {}),
    },
    target: {
      platform: "discord",
      applicationId: interaction.applicationId,
      interactionToken: interaction.token,
      ...(interaction.channelId ? { channelId: interaction.channelId } : {}),
    },
    // Discord computes the member's permissions in this channel for us; in a DM the user is alone with the bot.
    // They arrive with the interaction itself, as current as the command, so `fresh` needs no other call.
    isAdmin: async () =>
      inGuild ? (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false) : true,
  };
}

export function invocationFrom(
  interaction: ChatInputCommandInteraction,
  receivedAt: number,
): CommandInvocation {
  const attachments = attachmentsOf(interaction);
  const { key, platform, community, actor, target, isAdmin } = originOf(interaction);
  return {
    key,
    platform,
    community,
    actor,
    name: interaction.commandName.toLowerCase(),
    args: { kind: "options", values: optionValues(interaction) },
    ...(attachments.length > 0 ? { attachments } : {}),
    // A slash command is always meant for the application it was registered by.
    addressed: true,
    target,
    receivedAt,
    isAdmin,
  };
}

/**
 * A reply button pressed: `/<command> <args>` (read from its custom_id by the caller) run by the
 * member who pressed it, answered as a new message through the press's own interaction token.
 */
export function invocationFromButton(
  interaction: ButtonInteraction,
  pressed: { command: string; args: string },
  receivedAt: number,
): CommandInvocation {
  const { key, platform, community, actor, target, isAdmin } = originOf(interaction);
  return {
    key,
    platform,
    community,
    actor,
    name: pressed.command,
    args: { kind: "text", text: pressed.args },
    // Our own button, on our own message.
    addressed: true,
    target,
    receivedAt,
    isAdmin,
  };
}
