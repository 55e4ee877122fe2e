import type {
  CallbackQuery,
  Chat,
  ChatInviteLink,
  Message,
  MessageEntity,
  PhotoSize,
  Update,
  User,
} from "telegraf/types";
import { chatMemberObject, type AdministratorRights, type ChatMemberStatus } from "./chat-members.ts";

/**
 * Builders for realistic Telegram updates, shaped like what the Bot API delivers.
 *
 * update_id and message_id come from process-wide counters, shared with the fake server's own
 * numbering, so updates built here and updates the fake numbers itself never collide and always
 * increase — Telegram guarantees increasing update ids and telegraf's offset logic relies on it.
 */

let lastUpdateId = 0;
let lastUserMessageId = 0;

export function nextUpdateId(): number {
  lastUpdateId += 1;
  return lastUpdateId;
}

/** Keeps the shared counter ahead of ids chosen explicitly by a test. */
export function noteUpdateId(updateId: number): void {
  if (updateId > lastUpdateId) lastUpdateId = updateId;
}

function nextUserMessageId(): number {
  lastUserMessageId += 1;
  return lastUserMessageId;
}

export interface ChatInput {
  id: number;
  type: "private" | "group" | "supergroup";
  title?: string;
  username?: string;
}

export interface UserInput {
  id: number;
  username?: string;
  first_name?: string;
  last_name?: string;
  language_code?: string;
  is_bot?: boolean;
}

interface CommonMessageInput {
  updateId?: number;
  chat: ChatInput;
  from: UserInput;
  messageId?: number;
  /** Unix seconds; defaults to now. */
  date?: number;
}

export interface TextMessageInput extends CommonMessageInput {
  text: string;
}

export interface PhotoMessageInput extends CommonMessageInput {
  caption?: string;
}

export interface DocumentMessageInput extends CommonMessageInput {
  /** What FakeTelegram.addFile returned, so getFile finds it. */
  document: Message.DocumentMessage["document"];
  /** A command here gets a bot_command caption entity, as Telegram marks it. */
  caption?: string;
}

export interface StickerMessageInput extends CommonMessageInput {
  emoji?: string;
}

export interface CallbackQueryInput {
  updateId?: number;
  from: UserInput;
  chat: ChatInput;
  data: string;
  /** The bot message carrying the inline keyboard that was pressed. */
  messageId?: number;
  messageText?: string;
  callbackQueryId?: string;
  /** The bot that sent the message with the keyboard (FakeTelegram.bot). */
  bot?: UserInput;
}

export function toUser(input: UserInput): User {
  const user: User = {
    id: input.id,
    is_bot: input.is_bot ?? false,
    first_name: input.first_name ?? input.username ?? `User ${input.id}`,
  };
  if (input.last_name !== undefined) user.last_name = input.last_name;
  if (input.username !== undefined) user.username = input.username;
  user.language_code = input.language_code ?? "en";
  return user;
}

function toChat(input: ChatInput, from: User): Chat.PrivateChat | Chat.GroupChat | Chat.SupergroupChat {
  if (input.type === "private") {
    const chat: Chat.PrivateChat = { id: input.id, type: "private", first_name: from.first_name };
    if (from.last_name !== undefined) chat.last_name = from.last_name;
    const username = input.username ?? from.username;
    if (username !== undefined) chat.username = username;
    return chat;
  }
  const title = input.title ?? `Chat ${input.id}`;
  if (input.type === "group") return { id: input.id, type: "group", title };
  const chat: Chat.SupergroupChat = { id: input.id, type: "supergroup", title };
  if (input.username !== undefined) chat.username = input.username;
  return chat;
}

function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

function baseMessage(input: CommonMessageInput) {
  const from = toUser(input.from);
  return {
    message_id: input.messageId ?? nextUserMessageId(),
    from,
    chat: toChat(input.chat, from),
    date: input.date ?? unixNow(),
  };
}

function updateIdFor(explicit: number | undefined): number {
  if (explicit === undefined) return nextUpdateId();
  noteUpdateId(explicit);
  return explicit;
}

/** A command (text starting with "/") carries a bot_command entity at offset 0, as Telegram sends it. */
export function commandEntities(text: string): MessageEntity[] | undefined {
  if (!text.startsWith("/")) return undefined;
  const match = /^\/\S+/.exec(text);
  if (match === null || match[0].length < 2) return undefined;
  return [{ type: "bot_command", offset: 0, length: match[0].length }];
}

export function textMessageUpdate(input: TextMessageInput): Update.MessageUpdate<Message.TextMessage> {
  const message: Message.TextMessage = { ...baseMessage(input), text: input.text };
  const entities = commandEntities(input.text);
  if (entities !== undefined) message.entities = entities;
  return {
    update_id: updateIdFor(input.updateId),
    message: message as Update.MessageUpdate<Message.TextMessage>["message"],
  };
}

let lastFileNumber = 0;

/** File ids look opaque and unique, like Telegram's. */
export function fakeFileIds(kind: string): { file_id: string; file_unique_id: string } {
  lastFileNumber += 1;
  const serial = lastFileNumber.toString(36).padStart(6, "0");
  return { file_id: `AgAC${kind}${serial}AAQ-fake`, file_unique_id: `AQAD${serial}` };
}

export function photoSizes(width: number, height: number, totalBytes: number): PhotoSize[] {
  // Telegram stores a photo as several downscaled copies; the last one is the largest.
  const longest = Math.max(width, height, 1);
  const targets = [90, 320, 800, 1280].filter((side) => side < longest);
  targets.push(Math.min(longest, 2560));
  return targets.map((side) => {
    const scale = side / longest;
    return {
      ...fakeFileIds("photo"),
      width: Math.max(1, Math.round(width * scale)),
      height: Math.max(1, Math.round(height * scale)),
      file_size: Math.max(1, Math.round(totalBytes * scale * scale)),
    };
  });
}

export function photoMessageUpdate(input: PhotoMessageInput): Update.MessageUpdate<Message.PhotoMessage> {
  const message: Message.PhotoMessage = { ...baseMessage(input), photo: photoSizes(1280, 960, 180_000) };
  if (input.caption !== undefined) message.caption = input.caption;
  return {
    update_id: updateIdFor(input.updateId),
    message: message as Update.MessageUpdate<Message.PhotoMessage>["message"],
  };
}

/** A file sent as a document, maybe with a caption such as "/persona import". */
export function documentMessageUpdate(
  input: DocumentMessageInput,
): Update.MessageUpdate<Message.DocumentMessage> {
  const message: Message.DocumentMessage = { ...baseMessage(input), document: input.document };
  if (input.caption !== undefined) {
    message.caption = input.caption;
    const entities = commandEntities(input.caption);
    if (entities !== undefined) message.caption_entities = entities;
  }
  return {
    update_id: updateIdFor(input.updateId),
    message: message as Update.MessageUpdate<Message.DocumentMessage>["message"],
  };
}

export function stickerMessageUpdate(
  input: StickerMessageInput,
): Update.MessageUpdate<Message.StickerMessage> {
  const message: Message.StickerMessage = {
    ...baseMessage(input),
    sticker: {
      ...fakeFileIds("sticker"),
      type: "regular",
      width: 512,
      height: 512,
      is_animated: false,
      is_video: false,
      emoji: input.emoji ?? "😀",
      set_name: "FakeStickers",
      file_size: 24_000,
    },
  };
  return {
    update_id: updateIdFor(input.updateId),
    message: message as Update.MessageUpdate<Message.StickerMessage>["message"],
  };
}

let lastCallbackQueryNumber = 0;

/** An inline keyboard button press on a bot message. */
export function callbackQueryUpdate(input: CallbackQueryInput): Update.CallbackQueryUpdate {
  lastCallbackQueryNumber += 1;
  const from = toUser(input.from);
  const message: Message.TextMessage = {
    message_id: input.messageId ?? nextUserMessageId(),
    from: toUser({ id: 1, first_name: "Bot", ...input.bot, is_bot: true }),
    chat: toChat(input.chat, from),
    date: unixNow(),
    text: input.messageText ?? "",
  };
  const query: CallbackQuery.DataQuery = {
    id: input.callbackQueryId ?? `${input.from.id}${lastCallbackQueryNumber.toString().padStart(6, "0")}`,
    from,
    chat_instance: `-${Math.abs(input.chat.id)}77`,
    message,
    data: input.data,
  };
  return { update_id: updateIdFor(input.updateId), callback_query: query };
}

export interface JoinRequestInput {
  updateId?: number;
  /** Join requests exist in supergroups (and channels) only. */
  chat: ChatInput & { type: "supergroup" };
  from: UserInput;
  /** Unix seconds; defaults to now. */
  date?: number;
  /** The private chat with the requester; Telegram gives the user's own id. */
  userChatId?: number;
  inviteLink?: ChatInviteLink;
  bio?: string;
}

/** A member asks to join through a link that creates join requests (chat_join_request). */
export function chatJoinRequestUpdate(input: JoinRequestInput): Update.ChatJoinRequestUpdate {
  const from = toUser(input.from);
  const request: Update.ChatJoinRequestUpdate["chat_join_request"] = {
    chat: toChat(input.chat, from) as Chat.SupergroupChat,
    from,
    user_chat_id: input.userChatId ?? from.id,
    date: input.date ?? unixNow(),
  };
  if (input.bio !== undefined) request.bio = input.bio;
  if (input.inviteLink !== undefined) request.invite_link = input.inviteLink;
  return { update_id: updateIdFor(input.updateId), chat_join_request: request };
}

export interface MemberStatusInput {
  status: ChatMemberStatus;
  rights?: AdministratorRights;
}

export interface ChatMemberChangeInput {
  updateId?: number;
  chat: ChatInput;
  /** Whose membership changed. */
  user: UserInput;
  /** Who changed it (an admin who removed them); the user themselves by default. */
  from?: UserInput;
  old: ChatMemberStatus | MemberStatusInput;
  new: ChatMemberStatus | MemberStatusInput;
  /** Unix seconds; defaults to now. */
  date?: number;
  inviteLink?: ChatInviteLink;
}

/** A member's status changed: joined, left, was removed, promoted (chat_member). */
export function chatMemberUpdate(input: ChatMemberChangeInput): Update.ChatMemberUpdate {
  const user = toUser(input.user);
  const from = input.from === undefined ? user : toUser(input.from);
  const memberOf = (given: ChatMemberStatus | MemberStatusInput) => {
    const { status, rights } = typeof given === "string" ? { status: given, rights: undefined } : given;
    return chatMemberObject(user, status, rights);
  };
  const change: Update.ChatMemberUpdate["chat_member"] = {
    chat: toChat(input.chat, from),
    from,
    date: input.date ?? unixNow(),
    old_chat_member: memberOf(input.old),
    new_chat_member: memberOf(input.new),
  };
  if (input.inviteLink !== undefined) change.invite_link = input.inviteLink;
  return { update_id: updateIdFor(input.updateId), chat_member: change };
}
