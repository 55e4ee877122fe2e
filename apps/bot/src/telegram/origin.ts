// What both paths read from a Telegram message the same way: its key, its community, who wrote it,
// where an answer goes, and which message it really replies to. The command path (invocation.ts)
// and the listener (listen.ts) both take it from here, so they cannot come to disagree about who a
// member is or which topic an answer belongs in. Pure: no network, no clock.
import type { Actor, CommunityRef, ReplyTarget } from "@memebot/core";
import type { Message, Update, User } from "telegraf/types";

export interface BotIdentity {
  id: number;
  username: string;
}

export type TelegramReplyTarget = Extract<ReplyTarget, { platform: "telegram" }>;

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * A private chat is the sender's own only when its id is the sender's: that is how Telegram numbers
 * them, and anything else (a forged webhook update) must not let one user administer another's chat.
 */
export const isPrivateChat = (message: Message) =>
  message.chat.type === "private" && message.from !== undefined && message.chat.id === message.from.id;

export interface TelegramOrigin {
  /** Telegram redelivers an update with the same id; the bot id keeps two bots on one Redis apart. */
  key: string;
  chatId: string;
  isPrivate: boolean;
  community: CommunityRef;
  /** The forum topic the message was written in; undefined outside forum topics. */
  topicId: number | undefined;
  actor: Actor;
  /** A bot account wrote it. Never one writing as a chat: a person stands behind those. */
  actorIsBot: boolean;
  /** An answer replies to this very message, in its forum topic. */
  target: TelegramReplyTarget;
}

const displayNameOf = (user: User) =>
  [user.first_name, user.last_name].filter(Boolean).join(" ") || undefined;

/**
 * Who acts. A message written as a chat (an anonymous group admin, or a member posting as their
 * channel) comes from a placeholder user (GroupAnonymousBot, Channel_Bot) that every such writer in
 * every group shares; the chat they write as is the only identity of their own they have, so
 * cooldowns, per-user limits and conversation authorship follow it, not the placeholder.
 */
function actorOf(message: Message, from: User): { actor: Actor; isBot: boolean } {
  const senderChat = message.sender_chat;
  if (senderChat) {
    const title = "title" in senderChat ? senderChat.title : undefined;
    const username = "username" in senderChat ? senderChat.username : undefined;
    const actor: Actor = {
      platform: "telegram",
      externalId: `chat:${senderChat.id}`,
      ...(username ? { username } : {}),
      ...(title ? { displayName: title } : {}),
    };
    return { actor, isBot: false };
  }
  const displayName = displayNameOf(from);
  const actor: Actor = {
    platform: "telegram",
    externalId: String(from.id),
    ...(from.username ? { username: from.username } : {}),
    ...(displayName ? { displayName } : {}),
  };
  return { actor, isBot: from.is_bot };
}

/** The origin of a message `from` wrote, delivered in `update`. */
export function originOf(update: Update, message: Message, from: User, bot: BotIdentity): TelegramOrigin {
  const chatId = String(message.chat.id);
  const isPrivate = isPrivateChat(message);
  const title =
    "title" in message.chat
      ? message.chat.title
      : [message.chat.first_name, message.chat.last_name].filter(Boolean).join(" ") || undefined;
  // Only forum topics take a thread id on send; a reply thread in a plain group would be refused.
  const topicId = message.is_topic_message === true ? message.message_thread_id : undefined;
  const { actor, isBot } = actorOf(message, from);
  return {
    key: `telegram:${bot.id}:${update.update_id}`,
    chatId,
    isPrivate,
    community: {
      platform: "telegram",
      externalId: chatId,
      ...(title ? { title } : {}),
      kind: isPrivate ? "private" : "group",
    },
    topicId,
    actor,
    actorIsBot: isBot,
    target: {
      platform: "telegram",
      chatId,
      replyToMessageId: message.message_id,
      ...(topicId !== undefined ? { messageThreadId: topicId } : {}),
    },
  };
}

/**
 * The message this one answers, read defensively (nothing in it was checked), or undefined. In a
 * forum topic every message carries the topic's opening notice (forum_topic_created, whose id is the
 * thread's) as reply_to_message, though nobody replied to it: in a topic the bot opened, that notice
 * is the bot's, and counting it would make every message there a reply to the bot.
 */
export function repliedToMessageOf(message: Message): Record<string, unknown> | undefined {
  const repliedTo: unknown = (message as { reply_to_message?: unknown }).reply_to_message;
  if (!isObject(repliedTo) || "forum_topic_created" in repliedTo) return undefined;
  // Outside forum topics a reply's thread id is the id of the message the reply chain started at,
  // so there the message it equals is one a member really answered.
  if (message.is_topic_message === true && repliedTo.message_id === message.message_thread_id)
    return undefined;
  return repliedTo;
}
