// One Telegram update, made platform-neutral for the core dispatcher. Pure: no
// network, no clock; the adapter hands in the time and the lazy admin check.
import type { AdminCheck, AttachmentRef, CommandInvocation } from "@memebot/core";
import type { Message, MessageEntity, Update } from "telegraf/types";
import {
  isObject,
  isPrivateChat,
  originOf,
  repliedToMessageOf,
  type BotIdentity,
  type TelegramReplyTarget,
} from "./origin.ts";

// Read here by the adapter and the tests along with the rest of a message's reading.
export { isPrivateChat, type BotIdentity, type TelegramReplyTarget };

/** Telegram's placeholder user for messages an anonymous group admin sends "as the group". */
export const GROUP_ANONYMOUS_BOT_ID = 1087968824;

export type TelegramInvocation = CommandInvocation & { target: TelegramReplyTarget };

const isOptional = (value: unknown, type: "string" | "number" | "boolean") =>
  value === undefined || typeof value === type;
const hasNumericId = (value: unknown) => isObject(value) && Number.isSafeInteger(value.id);

/**
 * Whether a message has the shape every field we read relies on. Telegram's own updates always do;
 * this keeps a malformed one (a forged webhook body, a proxy's mangling) from throwing further on.
 */
function isReadableMessage(message: unknown): message is Message {
  if (!isObject(message) || !Number.isSafeInteger(message.message_id)) return false;
  const { chat, from, text, entities, caption, caption_entities: captionEntities } = message;
  if (!hasNumericId(chat) || typeof (chat as { type?: unknown }).type !== "string") return false;
  if (from !== undefined && !hasNumericId(from)) return false;
  if (message.sender_chat !== undefined && !hasNumericId(message.sender_chat)) return false;
  // `"text" in message` tells a text message apart, so a present text must be one.
  if ("text" in message && typeof text !== "string") return false;
  if (!isOptional(message.is_topic_message, "boolean")) return false;
  // Sent back as a forum topic's id, which must be an integer.
  const threadId = message.message_thread_id;
  if (threadId !== undefined && !Number.isSafeInteger(threadId)) return false;
  // A document or photo carries its command in the caption, marked by caption_entities.
  if (caption !== undefined && typeof caption !== "string") return false;
  if (captionEntities !== undefined && !(Array.isArray(captionEntities) && captionEntities.every(isObject))) {
    return false;
  }
  return entities === undefined || (Array.isArray(entities) && entities.every(isObject));
}

/** The message of an update we may answer: new messages only (edits and channel posts are not commands). */
export function messageOf(update: Update): Message | undefined {
  const message: unknown = isObject(update) && "message" in update ? update.message : undefined;
  return isReadableMessage(message) ? message : undefined;
}

/** An anonymous admin posts as the group itself; Telegram shows GroupAnonymousBot as the sender. */
export const isAnonymousGroupAdmin = (message: Message) =>
  message.from?.id === GROUP_ANONYMOUS_BOT_ID && message.sender_chat?.id === message.chat.id;

// Telegram's own rule for a bot_command entity: `/name` or `/name@botname`.
const COMMAND_ENTITY = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{1,64}))?$/;

interface ParsedCommand {
  name: string;
  mention?: string;
  argsText: string;
}

/** The command at the start of `text`, read from its leading bot_command entity as Telegram marked it. */
function commandIn(text: string, entities: readonly MessageEntity[] | undefined): ParsedCommand | undefined {
  const entity = entities?.[0];
  if (entity?.type !== "bot_command" || entity.offset !== 0) return undefined;
  const match = COMMAND_ENTITY.exec(text.slice(0, entity.length));
  if (!match) return undefined;
  const [, name = "", mention] = match;
  return {
    name: name.toLowerCase(),
    ...(mention ? { mention } : {}),
    argsText: text.slice(entity.length).trim(),
  };
}

/** The command of a text message. */
export const commandOf = (message: Message.TextMessage): ParsedCommand | undefined =>
  commandIn(message.text, message.entities);

/** The command in a media message's caption (a document sent with "/persona import" as its caption). */
function captionCommandOf(message: Message): ParsedCommand | undefined {
  const { caption, caption_entities: entities } = message as {
    caption?: string;
    caption_entities?: MessageEntity[];
  };
  return caption === undefined ? undefined : commandIn(caption, entities);
}

const optionalString = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);
const optionalSize = (value: unknown) =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : undefined;

/** The file a message carries: a document, or a photo's largest size. Read defensively: nothing here was checked. */
function fileOf(message: unknown): AttachmentRef | undefined {
  if (!isObject(message)) return undefined;
  const { document, photo } = message;
  let file: Record<string, unknown> | undefined;
  let mimeType: string | undefined;
  if (isObject(document)) {
    file = document;
    mimeType = optionalString(document.mime_type);
  } else if (Array.isArray(photo)) {
    // Telegram lists a photo's sizes smallest first.
    const largest: unknown = photo.at(-1);
    file = isObject(largest) ? largest : undefined;
    mimeType = "image/jpeg";
  }
  const fileId = optionalString(file?.file_id);
  if (!file || !fileId) return undefined;
  const name = optionalString(file.file_name);
  const size = optionalSize(file.file_size);
  return {
    platform: "telegram",
    fileId,
    ...(name ? { name } : {}),
    ...(size !== undefined ? { size } : {}),
    ...(mimeType ? { mimeType } : {}),
  };
}

/** Files for a command: the message's own, or else those of the message it replies to. */
function attachmentsOf(message: Message): AttachmentRef[] {
  const own = fileOf(message);
  if (own) return [own];
  const repliedTo = fileOf(repliedToMessageOf(message));
  return repliedTo ? [repliedTo] : [];
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
  const command = "text" in message ? commandOf(message) : captionCommandOf(message);
  if (command) {
    if (command.mention !== undefined) {
      // `/meme@OtherBot` in a group with several bots is that bot's business.
      if (command.mention.toLowerCase() !== bot.username.toLowerCase()) return undefined;
      mentionedUs = true;
    }
    name = command.name;
    argsText = command.argsText;
  } else nonCommand = "text" in message ? "text" : "unsupported";
  // Group chatter is not for us: stay silent without even asking the dispatcher.
  if (name === null && !isPrivate) return undefined;

  const attachments = name === null ? [] : attachmentsOf(message);
  const origin = originOf(update, message, from, bot);
  return {
    key: origin.key,
    platform: "telegram",
    community: origin.community,
    actor: origin.actor,
    name,
    ...(nonCommand ? { nonCommand } : {}),
    args: { kind: "text", text: argsText },
    ...(attachments.length > 0 ? { attachments } : {}),
    addressed: isPrivate || mentionedUs,
    target: origin.target,
    receivedAt,
    isAdmin,
  };
}
