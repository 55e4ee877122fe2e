// A Discord message (MESSAGE_CREATE) made platform-neutral for the listener pipeline.
//
// Without the privileged Message Content intent, Discord still sends the content of DMs and of
// messages that mention the bot; every other guild message arrives with empty content and is
// dropped by the pipeline as text-less. A reply to the bot whose author switched the reply ping
// off also arrives empty. DISCORD_MESSAGE_CONTENT=1 asks for the intent (it must be enabled in
// the Developer Portal too), for features that read all chatter.
import type { ListenedMessage } from "@memebot/core";
import type { Message } from "discord.js";

/**
 * What names the bot in a message's content: its user (<@id>, <@!id>) or the role Discord made
 * for it when it joined the guild (<@&roleId>), which the @ autocomplete often offers for "@Bot".
 * Ids are snowflakes (digits only), so they are safe inside the pattern.
 */
function botMentionPattern(message: Message, botId: string): RegExp {
  const roleId = message.guild?.members.me?.roles.botRole?.id;
  return new RegExp(roleId ? `<@!?${botId}>|<@&${roleId}>` : `<@!?${botId}>`, "g");
}

/** The text without the mentions of the bot that addressed it. */
const withoutMentionOf = (content: string, mentionOfBot: RegExp) =>
  content
    .replace(mentionOfBot, " ")
    .replace(/[ \t]+/g, " ")
    .trim();

export function listenedMessageFromDiscord(
  message: Message,
  botId: string,
  receivedAt: number,
): ListenedMessage {
  const { guildId, channelId } = message;
  const inGuild = guildId !== null;
  const title = message.guild?.name;
  const content = message.content;
  const mentionOfBot = botMentionPattern(message, botId);
  return {
    // Message ids are unique snowflakes: a replayed MESSAGE_CREATE (gateway resume) has the same one.
    key: `discord:${message.id}`,
    platform: "discord",
    community: {
      platform: "discord",
      // As for commands: a DM has no guild, so its channel is the community.
      externalId: guildId ?? `dm:${channelId}`,
      ...(title ? { title } : {}),
      kind: inGuild ? "group" : "private",
    },
    // A thread is a channel of its own, so it is a conversation of its own.
    threadKey: `discord:${channelId}`,
    author: { externalId: message.author.id, isBot: message.author.bot || message.author.id === botId },
    origin: message.webhookId !== null ? "webhook" : message.system ? "system" : "user",
    text: withoutMentionOf(content, mentionOfBot),
    isPrivate: !inGuild,
    mentionsBot: content.search(mentionOfBot) !== -1,
    repliesToBot: message.mentions.repliedUser?.id === botId,
    replyTo: { platform: "discord", channelId, replyToMessageId: message.id },
    receivedAt,
  };
}
