// A Discord message (MESSAGE_CREATE) made platform-neutral for the listener pipeline.
//
// Without the privileged Message Content intent, Discord still sends the content of DMs and of
// messages that mention the bot; every other guild message arrives with empty content and is
// dropped by the pipeline as text-less. A reply to the bot whose author switched the reply ping
// off also arrives empty. DISCORD_MESSAGE_CONTENT=1 asks for the intent (it must be enabled in
// the Developer Portal too), for features that read all chatter.
import type { ListenedMessage } from "@memebot/core";
import type { Message } from "discord.js";

/** The text without the mentions of the bot that addressed it. */
const withoutMentionOf = (content: string, botId: string) =>
  content
    .replace(new RegExp(`<@!?${botId}>`, "g"), " ")
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
    text: withoutMentionOf(content, botId),
    isPrivate: !inGuild,
    mentionsBot: new RegExp(`<@!?${botId}>`).test(content),
    repliesToBot: message.mentions.repliedUser?.id === botId,
    replyTo: { platform: "discord", channelId, replyToMessageId: message.id },
    receivedAt,
  };
}
