// One Telegram update, made platform-neutral for the core dispatcher. Pure: no
// network, no clock; the adapter hands in the time and the lazy admin check.
import type { Actor, AdminCheck, CommandInvocation, ReplyTarget } from "@memebot/core";
import type { Message, Update, User } from "telegraf/types";

/** Telegram's placeholder user for messages an anonymous group admin sends "as the group". */
export const GROUP_ANONYMOUS_BOT_ID = 1087968824;

export type TelegramReplyTarget = Extract<ReplyTarget, { platform: "telegram" }>;
export type TelegramInvocation = CommandInvocation & { target: TelegramReplyTarget };

export interface BotIdentity {
  id: number;
  username: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isOptional = (value: unknown, type: "string" | "number" | "boolean") =>
  value === undefined || typeof value === type;
const hasNumericId = (value: unknown) => isObject(value) && Number.isSafeInteger(value.id);

/**
 * Whether a message has the shape every field we read relies on. Telegram's own updates always do;
 * this keeps a malformed one (a forged webhook body, a proxy's mangling) from throwing further on.
 */
function isReadableMessage(message: unknown): message is Message {
  if (!isObject(message) || !Number.isSafeInteger(message.message_id)) return false;
  const { chat, from, text, entities } = message;
  if (!hasNumericId(chat) || typeof (chat as { type?: unknown }).type !== "string") return false;
  if (from !== undefined && !hasNumericId(from)) return false;
  if (message.sender_chat !== undefined && !hasNumericId(message.sender_chat)) return false;
  // `"text" in message` tells a text message apart, so a present text must be one.
  if ("text" in message && typeof text !== "string") return false;
  if (!isOptional(message.is_topic_message, "boolean")) return false;
  if (!isOptional(message.message_thread_id, "number")) return false;
  return entities === undefined || (Array.isArray(entities) && entities.every(isObject));
}

/** The message of an update we may answer: new messages only (edits and channel posts are not commands). */
export function messageOf(update: Update): Message | undefined {
  const message: unknown = isObject(update) && "message" in update ? update.message : undefined;
  return isReadableMessage(message) ? message : undefined;
}

/**
 * A private chat is the sender's own only when its id is the sender's: that is how Telegram numbers
 * them, and anything else (a forged webhook update) must not let one user administer another's chat.
 */
export const isPrivateChat = (message: Message) =>
  message.chat.type === "private" && message.from !== undefined && message.chat.id === message.from.id;

/** An anonymous admin posts as the group itself; Telegram shows GroupAnonymousBot as the sender. */
export const isAnonymousGroupAdmin = (message: Message) =>
  message.from?.id === GROUP_ANONYMOUS_BOT_ID && message.sender_chat?.id === message.chat.id;

const displayNameOf = (user: User) =>
  [user.first_name, user.last_name].filter(Boolean).join(" ") || undefined;

/**
 * Who acts. A message written as a chat (an anonymous group admin, or a member posting as their
 * channel) comes from a placeholder user (GroupAnonymousBot, Channel_Bot) that every such writer in
 * every group shares; the chat they write as is the only identity of their own they have, so
 * cooldowns and per-user limits follow it, not the placeholder.
 */
function actorOf(message: Message, from: User): Actor {
  const senderChat = message.sender_chat;
  if (senderChat) {
    const title = "title" in senderChat ? senderChat.title : undefined;
    const username = "username" in senderChat ? senderChat.username : undefined;
    return {
      platform: "telegram",
      externalId: `chat:${senderChat.id}`,
      ...(username ? { username } : {}),
      ...(title ? { displayName: title } : {}),
    };
  }
  const displayName = displayNameOf(from);
  return {
    platform: "telegram",
    externalId: String(from.id),
    ...(from.username ? { username: from.username } : {}),
    ...(displayName ? { displayName } : {}),
  };
}

// Telegram's own rule for a bot_command entity: `/name` or `/name@botname`.
const COMMAND_ENTITY = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{1,64}))?$/;

interface ParsedCommand {
  name: string;
  mention?: string;
  argsText: string;
}

/** The command of a text message, read from its leading bot_command entity as Telegram marked it. */
export function commandOf(message: Message.TextMessage): ParsedCommand | undefined {
  const entity = message.entities?.[0];
  if (entity?.type !== "bot_command" || entity.offset !== 0) return undefined;
  const match = COMMAND_ENTITY.exec(message.text.slice(0, entity.length));
  if (!match) return undefined;
  const [, name = "", mention] = match;
  return {
    name: name.toLowerCase(),
    ...(mention ? { mention } : {}),
    argsText: message.text.slice(entity.length).trim(),
  };
}

/**
 * The invocation for an update, or undefined when the update is none of our business: edits,
 * channel posts, commands for another bot, and anything in a group that is not a command.
 */
export function invocationFromUpdate(
  update: Update,
  bot: BotIdentity,
  receivedAt: number,
  isAdmin: AdminCheck,
): TelegramInvocation | undefined {
  const message = messageOf(update);
  const from = message?.from;
  if (!message || !from || message.chat.type === "channel") return undefined;
  const isPrivate = isPrivateChat(message);

  let name: string | null = null;
  let nonCommand: "text" | "unsupported" | undefined;
  let argsText = "";
  let mentionedUs = false;
  if ("text" in message) {
    const command = commandOf(message);
    if (command) {
      if (command.mention !== undefined) {
        // `/meme@OtherBot` in a group with several bots is that bot's business.
        if (command.mention.toLowerCase() !== bot.username.toLowerCase()) return undefined;
        mentionedUs = true;
      }
      name = command.name;
      argsText = command.argsText;
    } else nonCommand = "text";
  } else nonCommand = "unsupported";
  // Group chatter is not for us: stay silent without even asking the dispatcher.
  if (name === null && !isPrivate) return undefined;

  const chatId = String(message.chat.id);
  const title =
    "title" in message.chat
      ? message.chat.title
      : [message.chat.first_name, message.chat.last_name].filter(Boolean).join(" ") || undefined;
  return {
    // Telegram redelivers an update with the same id; the bot id keeps two bots on one Redis apart.
    key: `telegram:${bot.id}:${update.update_id}`,
    platform: "telegram",
    community: {
      platform: "telegram",
      externalId: chatId,
      ...(title ? { title } : {}),
      kind: isPrivate ? "private" : "group",
    },
    actor: actorOf(message, from),
    name,
    ...(nonCommand ? { nonCommand } : {}),
    args: { kind: "text", text: argsText },
    addressed: isPrivate || mentionedUs,
    target: {
      platform: "telegram",
      chatId,
      replyToMessageId: message.message_id,
      // Only forum topics take a thread id on send; a reply thread in a plain group would be refused.
      ...(message.is_topic_message && message.message_thread_id !== undefined
        ? { messageThreadId: message.message_thread_id }
        : {}),
    },
    receivedAt,
    isAdmin,
  };
}
