// A Telegram text message that is not a command, made platform-neutral for the listener
// pipeline (conversation today). Pure: no network, no clock.
//
// In groups with privacy mode on (BotFather's default), Telegram sends the bot only the messages
// that mention it (@username), reply to one of its messages, or are commands: exactly what
// conversation needs. Listening to all group chatter (sentiment) needs privacy mode off
// (BotFather: /setprivacy → Disable) or the bot made a group admin.
import type { ListenedMessage } from "@memebot/core";
import type { Message, MessageEntity, Update } from "telegraf/types";
import {
  commandOf,
  isAnonymousGroupAdmin,
  isObject,
  isPrivateChat,
  messageOf,
  type BotIdentity,
} from "./invocation.ts";

/**
 * Whether an entity's span lies inside `text`. Telegram's own always does; a malformed one (a forged
 * webhook body) could otherwise cut the text at a random place or make it unreadable.
 */
const isSpanWithin = (text: string, entity: MessageEntity) =>
  Number.isSafeInteger(entity.offset) &&
  Number.isSafeInteger(entity.length) &&
  entity.offset >= 0 &&
  entity.length > 0 &&
  entity.offset + entity.length <= text.length;

/** The spans of `text` that name us: an @username mention, or a text_mention of our id. */
function mentionsOfBot(text: string, entities: readonly MessageEntity[], bot: BotIdentity) {
  const ours = `@${bot.username}`.toLowerCase();
  return entities.filter((entity) => {
    if (!isSpanWithin(text, entity)) return false;
    if (entity.type === "mention") {
      return text.slice(entity.offset, entity.offset + entity.length).toLowerCase() === ours;
    }
    // Read defensively: a text_mention without its user must not lose the whole update.
    const user: unknown = entity.type === "text_mention" ? entity.user : undefined;
    return isObject(user) && user.id === bot.id;
  });
}

/** The text without the mentions that addressed us ("@memebot gm" is "gm" to the model). */
function withoutSpans(text: string, spans: readonly MessageEntity[]): string {
  let result = text;
  // Right to left, so earlier offsets stay valid.
  for (const span of [...spans].sort((a, b) => b.offset - a.offset)) {
    result = `${result.slice(0, span.offset)} ${result.slice(span.offset + span.length)}`;
  }
  return result.replace(/[ \t]+/g, " ").trim();
}

/**
 * A member writing as a chat (an anonymous admin, or someone posting as their channel) shows up
 * as one of Telegram's placeholder bots; a person stands behind it, and the chat is who they are.
 */
function authorOf(message: Message, from: NonNullable<Message["from"]>) {
  const senderChat = message.sender_chat;
  if (senderChat && (isAnonymousGroupAdmin(message) || senderChat.type === "channel")) {
    return { externalId: `chat:${senderChat.id}`, isBot: false };
  }
  return { externalId: String(from.id), isBot: from.is_bot };
}

/**
 * Whether the message answers one of ours. In a forum topic every message carries the topic's
 * opening notice (forum_topic_created, whose id is the thread's) as reply_to_message; in a topic the
 * bot opened, that notice is the bot's, and counting it would make every message a reply to us.
 */
function repliesToBot(message: Message, bot: BotIdentity): boolean {
  const repliedTo: unknown = (message as { reply_to_message?: unknown }).reply_to_message;
  if (!isObject(repliedTo) || !isObject(repliedTo.from)) return false;
  if ("forum_topic_created" in repliedTo) return false;
  if (message.message_thread_id !== undefined && repliedTo.message_id === message.message_thread_id)
    return false;
  return repliedTo.from.id === bot.id;
}

/**
 * The listened message for an update, or undefined when it is none: commands (the dispatcher's),
 * edits, non-text messages, channel posts. Bot authors come back marked as such; the pipeline
 * drops them.
 */
export function listenedMessageFromUpdate(
  update: Update,
  bot: BotIdentity,
  receivedAt: number,
): ListenedMessage | undefined {
  const message = messageOf(update);
  const from = message?.from;
  if (!message || !from || message.chat.type === "channel" || !("text" in message)) return undefined;
  // Any command, ours or another bot's, belongs to the command path.
  if (commandOf(message)) return undefined;

  const text = message.text;
  const ourMentions = mentionsOfBot(text, message.entities ?? [], bot);
  const chatId = String(message.chat.id);
  const isPrivate = isPrivateChat(message);
  const isTopic = message.is_topic_message === true && message.message_thread_id !== undefined;
  const title =
    "title" in message.chat
      ? message.chat.title
      : [message.chat.first_name, message.chat.last_name].filter(Boolean).join(" ") || undefined;
  return {
    // The same key a command in this update would have: Telegram redelivers with the same update_id.
    key: `telegram:${bot.id}:${update.update_id}`,
    platform: "telegram",
    community: {
      platform: "telegram",
      externalId: chatId,
      ...(title ? { title } : {}),
      kind: isPrivate ? "private" : "group",
    },
    threadKey: isTopic ? `telegram:${chatId}:${message.message_thread_id}` : `telegram:${chatId}`,
    author: authorOf(message, from),
    // A channel's post forwarded into its discussion group is the channel speaking, not a member.
    origin: message.is_automatic_forward ? "system" : "user",
    text: withoutSpans(text, ourMentions),
    isPrivate,
    mentionsBot: ourMentions.length > 0,
    repliesToBot: repliesToBot(message, bot),
    replyTo: {
      platform: "telegram",
      chatId,
      replyToMessageId: message.message_id,
      ...(isTopic ? { messageThreadId: message.message_thread_id } : {}),
    },
    receivedAt,
  };
}
