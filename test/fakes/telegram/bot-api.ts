import { randomBytes } from "node:crypto";
import type {
  BotCommand,
  Chat,
  ChatInviteLink,
  ChatJoinRequest,
  ChatMember,
  Message,
  PhotoSize,
  Update,
  User,
} from "telegraf/types";
import { isRecordedFile } from "../shared/http.ts";
import { ChatMembers, chatMemberObject, type AdministratorRights } from "./chat-members.ts";
import { BotApiError, badRequest } from "./errors.ts";
import { readImageSize } from "./image-size.ts";
import { applyParseMode } from "./parse-mode.ts";
import { UpdateQueue } from "./update-queue.ts";
import { photoSizes } from "./updates.ts";

/**
 * The Bot API methods the fake serves, with the state and the validation Telegram applies.
 * Error texts are Telegram's own, so code that matches on them behaves as in production.
 */

export type Params = Record<string, unknown>;

export interface BotIdentity {
  id: number;
  username: string;
  first_name?: string;
}

export interface WebhookSettings {
  url: string;
  secretToken: string | undefined;
  maxConnections: number;
  allowedUpdates: string[] | undefined;
}

type MethodHandler = (params: Params) => unknown;

/** A file users sent, as the fake keeps it for getFile and the download route. */
export interface StoredFile {
  file_id: string;
  file_unique_id: string;
  file_size: number;
  file_path: string;
  bytes: Buffer;
  contentType: string;
}

/** A join request waiting for an administrator (or the bot) to approve or decline it. */
export interface PendingJoinRequest {
  chatId: number;
  userId: number;
  userChatId: number;
  /** Unix seconds. */
  date: number;
  inviteLink?: ChatInviteLink;
}

/** Invite link names are 0-32 characters. */
const MAX_INVITE_LINK_NAME = 32;

/** Telegram's getFile serves files up to 20 MB. */
const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

const MAX_TEXT_LENGTH = 4096;
const MAX_CAPTION_LENGTH = 1024;
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
const CHAT_ACTIONS = new Set([
  "typing",
  "upload_photo",
  "record_video",
  "upload_video",
  "record_voice",
  "upload_voice",
  "upload_document",
  "choose_sticker",
  "find_location",
  "record_video_note",
  "upload_video_note",
]);

function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

function chatKind(chatId: number): "private" | "group" | "supergroup" {
  if (chatId > 0) return "private";
  return String(chatId).startsWith("-100") ? "supergroup" : "group";
}

export class BotApi {
  readonly bot: User;
  readonly members = new ChatMembers();
  readonly queue = new UpdateQueue();
  webhook: WebhookSettings | undefined;
  readonly #users = new Map<number, User>();
  readonly #chats = new Map<number, Chat>();
  readonly #lastMessageId = new Map<number, number>();
  readonly #botMessages = new Map<string, Message>();
  readonly #commands = new Map<string, BotCommand[]>();
  readonly #files = new Map<string, StoredFile>();
  /** Per chat, per user: join requests not yet approved or declined. */
  readonly #joinRequests = new Map<number, Map<number, PendingJoinRequest>>();
  readonly #inviteLinks: Array<{ chatId: number; link: ChatInviteLink }> = [];
  /** Callback queries answered already: Telegram takes one answer per query. */
  readonly #answeredQueries = new Set<string>();
  readonly methods: ReadonlyMap<string, { name: string; run: MethodHandler }>;

  constructor(identity: BotIdentity) {
    this.bot = {
      id: identity.id,
      is_bot: true,
      first_name: identity.first_name ?? identity.username,
      username: identity.username,
    };
    const handlers: Record<string, MethodHandler> = {
      getMe: () => this.#getMe(),
      deleteWebhook: (params) => this.#deleteWebhook(params),
      setWebhook: (params) => this.#setWebhook(params),
      getWebhookInfo: () => this.#getWebhookInfo(),
      setMyCommands: (params) => this.#setMyCommands(params),
      getMyCommands: (params) => this.#commands.get(commandsKey(params)) ?? [],
      deleteMyCommands: (params) => this.#commands.delete(commandsKey(params)) || true,
      sendMessage: (params) => this.#sendMessage(params),
      sendPhoto: (params) => this.#sendPhoto(params),
      sendChatAction: (params) => this.#sendChatAction(params),
      editMessageText: (params) => this.#editMessageText(params),
      deleteMessage: (params) => this.#deleteMessage(params),
      getChatMember: (params) => this.#getChatMember(params),
      getChatAdministrators: (params) => this.#getChatAdministrators(params),
      approveChatJoinRequest: (params) => this.#settleJoinRequest(params, "approve"),
      declineChatJoinRequest: (params) => this.#settleJoinRequest(params, "decline"),
      banChatMember: (params) => this.#banChatMember(params),
      unbanChatMember: (params) => this.#unbanChatMember(params),
      createChatInviteLink: (params) => this.#createChatInviteLink(params),
      answerCallbackQuery: (params) => this.#answerCallbackQuery(params),
      getFile: (params) => this.#getFile(params),
    };
    // Bot API method names are case-insensitive. getUpdates is served by getUpdates() below.
    this.methods = new Map(
      Object.entries(handlers).map(([name, run]) => [name.toLowerCase(), { name, run }]),
    );
  }

  /** Learns chats, users and message ids from an update, so replies look like Telegram's. */
  noteUpdate(update: Update): void {
    const message =
      "message" in update
        ? update.message
        : "edited_message" in update
          ? update.edited_message
          : "callback_query" in update
            ? update.callback_query.message
            : undefined;
    if ("callback_query" in update)
      this.#users.set(update.callback_query.from.id, update.callback_query.from);
    if ("chat_join_request" in update) this.#noteJoinRequest(update.chat_join_request);
    if ("chat_member" in update) {
      const change = update.chat_member;
      this.#chats.set(change.chat.id, change.chat);
      this.#users.set(change.new_chat_member.user.id, change.new_chat_member.user);
    }
    if (message === undefined) return;
    this.#chats.set(message.chat.id, message.chat);
    const from = "from" in message ? message.from : undefined;
    if (from !== undefined && from.id !== this.bot.id) this.#users.set(from.id, from);
    const last = this.#lastMessageId.get(message.chat.id) ?? 0;
    if (message.message_id > last) this.#lastMessageId.set(message.chat.id, message.message_id);
  }

  /** The join requests of a chat (or of every chat) still waiting, oldest first. */
  joinRequests(chatId?: number): PendingJoinRequest[] {
    const chats = chatId === undefined ? [...this.#joinRequests.values()] : [this.#joinRequests.get(chatId)];
    return chats.flatMap((requests) => [...(requests?.values() ?? [])]).sort((a, b) => a.date - b.date);
  }

  /** Invite links the bot created (in one chat, or in all), oldest first. */
  inviteLinks(chatId?: number): ChatInviteLink[] {
    return this.#inviteLinks
      .filter((created) => chatId === undefined || created.chatId === chatId)
      .map((created) => created.link);
  }

  /** Telegram keeps a request from the moment the user asks, whether or not the update reached the bot. */
  #noteJoinRequest(request: ChatJoinRequest): void {
    this.#chats.set(request.chat.id, request.chat);
    this.#users.set(request.from.id, request.from);
    let requests = this.#joinRequests.get(request.chat.id);
    if (requests === undefined) {
      requests = new Map();
      this.#joinRequests.set(request.chat.id, requests);
    }
    const pending: PendingJoinRequest = {
      chatId: request.chat.id,
      userId: request.from.id,
      userChatId: request.user_chat_id,
      date: request.date,
    };
    if (request.invite_link !== undefined) pending.inviteLink = request.invite_link;
    requests.set(request.from.id, pending);
  }

  /** getUpdates is the one method whose answer may wait; the server handles its lifetime. */
  getUpdates(params: Params, pollHoldMs: number) {
    if (this.webhook !== undefined) {
      throw new BotApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    const limit = clampInteger(params.limit, 1, 100, 100);
    const timeoutSeconds = clampInteger(params.timeout, 0, 3600, 0);
    const offset = typeof params.offset === "number" ? params.offset : 0;
    const allowed = Array.isArray(params.allowed_updates) ? params.allowed_updates.map(String) : undefined;
    return this.queue.poll({
      offset,
      limit,
      holdMs: Math.min(timeoutSeconds * 1000, pollHoldMs),
      allowedUpdates: allowed,
    });
  }

  /** Keeps a file as if a user had sent it; its file_id goes into a document or photo of an update. */
  addFile(file: StoredFile): void {
    this.#files.set(file.file_id, file);
  }

  /** The file at a getFile path, for the download route. */
  fileAt(path: string): StoredFile | undefined {
    return [...this.#files.values()].find((file) => file.file_path === path);
  }

  userFor(userId: number): User {
    if (userId === this.bot.id) return this.bot;
    return this.#users.get(userId) ?? { id: userId, is_bot: false, first_name: `User ${userId}` };
  }

  rememberUser(user: User): void {
    this.#users.set(user.id, user);
  }

  /** Messages the bot sent (and did not delete), oldest first. */
  sentMessages(chatId?: number): Message[] {
    const all = [...this.#botMessages.values()];
    return chatId === undefined ? all : all.filter((message) => message.chat.id === chatId);
  }

  #getMe() {
    return {
      ...this.bot,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
    };
  }

  #deleteWebhook(params: Params): true {
    this.webhook = undefined;
    if (params.drop_pending_updates === true) this.queue.dropAll();
    return true;
  }

  #setWebhook(params: Params): true {
    const url = typeof params.url === "string" ? params.url : "";
    if (url === "") return this.#deleteWebhook(params);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw badRequest("bad webhook: Failed to resolve host: Name or service not known");
    }
    if (parsed.protocol !== "https:")
      throw badRequest("bad webhook: An HTTPS URL must be provided for webhook");
    if (!["", "443", "80", "88", "8443"].includes(parsed.port)) {
      throw badRequest("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443");
    }
    const secretToken = params.secret_token;
    if (
      secretToken !== undefined &&
      (typeof secretToken !== "string" || !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken))
    ) {
      throw badRequest("secret token contains unallowed characters");
    }
    if (params.drop_pending_updates === true) this.queue.dropAll();
    this.webhook = {
      url,
      secretToken: secretToken as string | undefined,
      maxConnections: clampInteger(params.max_connections, 1, 100, 40),
      allowedUpdates: Array.isArray(params.allowed_updates) ? params.allowed_updates.map(String) : undefined,
    };
    return true;
  }

  #getWebhookInfo() {
    const info: Record<string, unknown> = {
      url: this.webhook?.url ?? "",
      has_custom_certificate: false,
      pending_update_count: this.queue.pendingCount,
    };
    if (this.webhook !== undefined) {
      info.max_connections = this.webhook.maxConnections;
      info.ip_address = "127.0.0.1";
      if (this.webhook.allowedUpdates !== undefined) info.allowed_updates = this.webhook.allowedUpdates;
    }
    return info;
  }

  #setMyCommands(params: Params): true {
    const commands = params.commands;
    if (!Array.isArray(commands)) throw badRequest("can't parse commands JSON object");
    if (commands.length > 100) throw badRequest("too many commands specified");
    const clean: BotCommand[] = commands.map((entry: unknown) => {
      const { command, description } = (entry ?? {}) as { command?: unknown; description?: unknown };
      if (typeof command !== "string" || !/^[a-z0-9_]{1,32}$/.test(command))
        throw badRequest("BOT_COMMAND_INVALID");
      if (typeof description !== "string" || description.length < 1 || description.length > 256) {
        throw badRequest("command description is empty");
      }
      return { command, description };
    });
    this.#commands.set(commandsKey(params), clean);
    return true;
  }

  #sendMessage(params: Params): Message {
    const chat = this.#writableChat(params);
    if (typeof params.text !== "string" || params.text.length === 0)
      throw badRequest("message text is empty");
    const text = applyParseMode(params.text, params.parse_mode);
    if (text.trim().length === 0) throw badRequest("message text is empty");
    if (text.length > MAX_TEXT_LENGTH) throw badRequest("message is too long");
    return this.#storeBotMessage(chat, params, { text });
  }

  #sendPhoto(params: Params): Message {
    const chat = this.#writableChat(params);
    const photo = params.photo;
    let sizes: PhotoSize[];
    if (isRecordedFile(photo)) {
      if (photo.size > MAX_PHOTO_BYTES) throw new BotApiError(413, "Request Entity Too Large");
      const size = readImageSize(photo.bytes);
      if (size === undefined) throw badRequest("IMAGE_PROCESS_FAILED");
      if (
        size.width + size.height > 10_000 ||
        Math.max(size.width, size.height) > 20 * Math.min(size.width, size.height)
      ) {
        throw badRequest("PHOTO_INVALID_DIMENSIONS");
      }
      sizes = photoSizes(size.width, size.height, photo.size);
    } else if (typeof photo === "string" && photo.length > 0) {
      // A file_id or a URL Telegram would download; the fake cannot look inside either.
      sizes = photoSizes(800, 600, 60_000);
    } else {
      throw badRequest("there is no photo in the request");
    }
    const extra: Record<string, unknown> = { photo: sizes };
    if (typeof params.caption === "string" && params.caption.length > 0) {
      const caption = applyParseMode(params.caption, params.parse_mode);
      if (caption.length > MAX_CAPTION_LENGTH) throw badRequest("message caption is too long");
      extra.caption = caption;
    }
    if (params.has_spoiler === true) extra.has_media_spoiler = true;
    return this.#storeBotMessage(chat, params, extra);
  }

  #sendChatAction(params: Params): true {
    this.#writableChat(params);
    if (typeof params.action !== "string" || !CHAT_ACTIONS.has(params.action)) {
      throw badRequest("wrong parameter action in request");
    }
    return true;
  }

  #editMessageText(params: Params): Message | true {
    if (typeof params.inline_message_id === "string") return true;
    const chat = this.#writableChat(params);
    if (typeof params.message_id !== "number") throw badRequest("message identifier is not specified");
    if (typeof params.text !== "string" || params.text.length === 0)
      throw badRequest("message text is empty");
    const key = messageKey(chat.id, params.message_id);
    const existing = this.#botMessages.get(key);
    if (existing === undefined) throw badRequest("message to edit not found");
    if (!("text" in existing)) throw badRequest("there is no text in the message to edit");
    const text = applyParseMode(params.text, params.parse_mode);
    if (text.length > MAX_TEXT_LENGTH) throw badRequest("message is too long");
    const markup = keyboardOf(params.reply_markup);
    const sameMarkup = JSON.stringify(markup) === JSON.stringify(existing.reply_markup);
    if (existing.text === text && sameMarkup) {
      throw badRequest(
        "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
      );
    }
    const edited = { ...existing, text, edit_date: unixNow() } as Message.TextMessage;
    if (markup === undefined) delete edited.reply_markup;
    else edited.reply_markup = markup;
    this.#botMessages.set(key, edited);
    return edited;
  }

  #deleteMessage(params: Params): true {
    const chat = this.#chatFor(params.chat_id);
    if (typeof params.message_id !== "number") throw badRequest("message identifier is not specified");
    if (this.#botMessages.delete(messageKey(chat.id, params.message_id))) return true;
    // Users' messages are not all known to the fake; any id Telegram could have issued is accepted.
    if (params.message_id <= (this.#lastMessageId.get(chat.id) ?? 0)) return true;
    throw badRequest("message to delete not found");
  }

  #getChatMember(params: Params): ChatMember {
    const chat = this.#chatFor(params.chat_id);
    if (typeof params.user_id !== "number") throw badRequest("invalid user_id specified");
    return this.#memberObject(chat.id, params.user_id);
  }

  #memberObject(chatId: number, userId: number): ChatMember {
    return chatMemberObject(
      this.userFor(userId),
      this.members.statusOf(chatId, userId),
      this.members.rightsOf(chatId, userId),
    );
  }

  /**
   * The group, if the bot is in it with `right`. A bot outside the group is told so (403); one in it
   * without the right gets `refusal`, Telegram's 400 for that method.
   */
  #groupWhereBotCan(params: Params, right: keyof AdministratorRights, refusal: string): Chat {
    const chat = this.#chatFor(params.chat_id);
    if (chat.type === "private")
      throw badRequest("method is available for supergroup and channel chats only");
    const status = this.members.statusOf(chat.id, this.bot.id);
    const place = chat.type === "supergroup" ? "supergroup chat" : "group chat";
    if (status === "kicked") throw new BotApiError(403, `Forbidden: bot was kicked from the ${place}`);
    if (status === "left") throw new BotApiError(403, `Forbidden: bot is not a member of the ${place}`);
    if (!this.members.can(chat.id, this.bot.id, right)) throw badRequest(refusal);
    return chat;
  }

  #userIdOf(params: Params): number {
    if (typeof params.user_id !== "number" || !Number.isSafeInteger(params.user_id) || params.user_id <= 0) {
      throw badRequest("invalid user_id specified");
    }
    return params.user_id;
  }

  /**
   * approveChatJoinRequest / declineChatJoinRequest: need can_invite_users (Telegram answers a bot
   * without it with CHAT_ADMIN_REQUIRED) and a pending request of that user, else HIDE_REQUESTER_MISSING
   * (also when it was settled already). Approving makes the user a member.
   */
  #settleJoinRequest(params: Params, action: "approve" | "decline"): true {
    const chat = this.#groupWhereBotCan(params, "can_invite_users", "CHAT_ADMIN_REQUIRED");
    const userId = this.#userIdOf(params);
    const requests = this.#joinRequests.get(chat.id);
    if (requests?.get(userId) === undefined) throw badRequest("HIDE_REQUESTER_MISSING");
    if (action === "approve" && this.#isIn(chat.id, userId)) {
      requests.delete(userId);
      throw badRequest("USER_ALREADY_PARTICIPANT");
    }
    requests.delete(userId);
    if (action === "approve") this.members.set(chat.id, userId, "member");
    return true;
  }

  #isIn(chatId: number, userId: number): boolean {
    const status = this.members.statusOf(chatId, userId);
    return status !== "left" && status !== "kicked";
  }

  /** Removes the user and keeps them out until unbanned (or until_date, which the fake does not count down). */
  #banChatMember(params: Params): true {
    const chat = this.#groupWhereBotCan(
      params,
      "can_restrict_members",
      "not enough rights to restrict/unrestrict chat member",
    );
    const userId = this.#userIdOf(params);
    if (userId === this.bot.id) throw badRequest("can't remove self from chat");
    this.#refuseForAdministrators(chat.id, userId);
    this.members.set(chat.id, userId, "kicked");
    return true;
  }

  /**
   * Lifts a ban: the user is then "left" and may join (or ask to) again. Without only_if_banned,
   * Telegram also removes a user who is in the chat; with it, anyone not banned is left alone.
   */
  #unbanChatMember(params: Params): true {
    const chat = this.#groupWhereBotCan(
      params,
      "can_restrict_members",
      "not enough rights to restrict/unrestrict chat member",
    );
    const userId = this.#userIdOf(params);
    const status = this.members.statusOf(chat.id, userId);
    if (status === "kicked") {
      this.members.set(chat.id, userId, "left");
      return true;
    }
    if (params.only_if_banned === true || status === "left") return true;
    if (userId === this.bot.id) throw badRequest("can't remove self from chat");
    this.#refuseForAdministrators(chat.id, userId);
    this.members.set(chat.id, userId, "left");
    return true;
  }

  /** Nobody removes the chat's owner; an administrator is removed only by whoever promoted them, never the bot here. */
  #refuseForAdministrators(chatId: number, userId: number): void {
    const status = this.members.statusOf(chatId, userId);
    if (status === "creator") throw badRequest("can't remove chat owner");
    if (status === "administrator") throw badRequest("user is an administrator of the chat");
  }

  #createChatInviteLink(params: Params): ChatInviteLink {
    const chat = this.#groupWhereBotCan(
      params,
      "can_invite_users",
      "not enough rights to manage chat invite link",
    );
    const createsJoinRequest = params.creates_join_request === true;
    if (createsJoinRequest && params.member_limit !== undefined) {
      throw badRequest("member limit can't be specified for links requiring administrator approval");
    }
    const name = params.name;
    if (name !== undefined && (typeof name !== "string" || name.length > MAX_INVITE_LINK_NAME)) {
      throw badRequest("invite link name is too long");
    }
    // Telegram's links are https://t.me/+ and 16 characters of URL-safe base64.
    const link: ChatInviteLink = {
      invite_link: `https://t.me/+${randomBytes(12).toString("base64url")}`,
      creator: this.bot,
      creates_join_request: createsJoinRequest,
      is_primary: false,
      is_revoked: false,
    };
    if (typeof name === "string" && name !== "") link.name = name;
    if (typeof params.expire_date === "number") link.expire_date = params.expire_date;
    if (typeof params.member_limit === "number") link.member_limit = params.member_limit;
    if (createsJoinRequest) link.pending_join_request_count = 0;
    this.#inviteLinks.push({ chatId: chat.id, link });
    return link;
  }

  #getChatAdministrators(params: Params): ChatMember[] {
    const chat = this.#chatFor(params.chat_id);
    if (chat.type === "private") throw badRequest("there are no administrators in the private chat");
    return this.members.administratorIds(chat.id).map((userId) => this.#memberObject(chat.id, userId));
  }

  #getFile(params: Params) {
    const file = typeof params.file_id === "string" ? this.#files.get(params.file_id) : undefined;
    if (file === undefined) throw badRequest("invalid file_id");
    if (file.file_size > MAX_DOWNLOAD_BYTES) throw badRequest("file is too big");
    const { file_id, file_unique_id, file_size, file_path } = file;
    return { file_id, file_unique_id, file_size, file_path };
  }

  #answerCallbackQuery(params: Params): true {
    if (typeof params.callback_query_id !== "string" || params.callback_query_id === "") {
      throw badRequest("query is too old and response timeout expired or query ID is invalid");
    }
    if (typeof params.text === "string" && params.text.length > 200) throw badRequest("MESSAGE_TOO_LONG");
    if (this.#answeredQueries.has(params.callback_query_id)) {
      throw badRequest("query is too old and response timeout expired or query ID is invalid");
    }
    this.#answeredQueries.add(params.callback_query_id);
    return true;
  }

  #chatFor(chatId: unknown): Chat {
    if (chatId === undefined || chatId === null || chatId === "") throw badRequest("chat_id is empty");
    if (typeof chatId === "string" && chatId.startsWith("@")) {
      return { id: -1_001_000_000_000, type: "channel", title: chatId.slice(1), username: chatId.slice(1) };
    }
    const id = typeof chatId === "number" ? chatId : Number(chatId);
    if (!Number.isSafeInteger(id) || id === 0) throw badRequest("chat not found");
    const known = this.#chats.get(id);
    if (known !== undefined) return known;
    const kind = chatKind(id);
    const chat: Chat =
      kind === "private"
        ? { id, type: "private", first_name: this.userFor(id).first_name }
        : { id, type: kind, title: `Chat ${id}` };
    this.#chats.set(id, chat);
    return chat;
  }

  /** The chat, if the bot may still post there (blocked, kicked or muted bots get Telegram's errors). */
  #writableChat(params: Params): Chat {
    const chat = this.#chatFor(params.chat_id);
    const status = this.members.statusOf(chat.id, this.bot.id);
    const place =
      chat.type === "supergroup"
        ? "supergroup chat"
        : chat.type === "channel"
          ? "channel chat"
          : "group chat";
    if (status === "kicked") {
      throw new BotApiError(
        403,
        chat.type === "private"
          ? "Forbidden: bot was blocked by the user"
          : `Forbidden: bot was kicked from the ${place}`,
      );
    }
    if (status === "left" && chat.type !== "private") {
      throw new BotApiError(403, `Forbidden: bot is not a member of the ${place}`);
    }
    if (status === "restricted") throw badRequest("not enough rights to send text messages to the chat");
    return chat;
  }

  #storeBotMessage(chat: Chat, params: Params, content: Record<string, unknown>): Message {
    // Checked first: a refused keyboard refuses the whole message.
    const markup = keyboardOf(params.reply_markup);
    const messageId = (this.#lastMessageId.get(chat.id) ?? 0) + 1;
    this.#lastMessageId.set(chat.id, messageId);
    const message: Record<string, unknown> = {
      message_id: messageId,
      from: this.bot,
      chat,
      date: unixNow(),
      ...content,
    };
    if (typeof params.message_thread_id === "number") message.message_thread_id = params.message_thread_id;
    const replyTo = replyTargetId(params);
    const replied = replyTo === undefined ? undefined : this.#botMessages.get(messageKey(chat.id, replyTo));
    if (replied !== undefined) message.reply_to_message = replied;
    if (markup !== undefined) message.reply_markup = markup;
    if (params.protect_content === true) message.has_protected_content = true;
    const stored = message as unknown as Message;
    this.#botMessages.set(messageKey(chat.id, messageId), stored);
    return stored;
  }
}

function messageKey(chatId: number, messageId: number): string {
  return `${chatId}:${messageId}`;
}

function replyTargetId(params: Params): number | undefined {
  if (typeof params.reply_to_message_id === "number") return params.reply_to_message_id;
  const reply = params.reply_parameters as { message_id?: unknown } | undefined;
  return typeof reply?.message_id === "number" ? reply.message_id : undefined;
}

/** Only inline keyboards are shown on a sent message; reply keyboards live on the client. */
function keyboardOf(markup: unknown): Message.CommonMessage["reply_markup"] {
  if (typeof markup !== "object" || markup === null || !("inline_keyboard" in markup)) return undefined;
  checkInlineKeyboard((markup as { inline_keyboard: unknown }).inline_keyboard);
  return markup as Message.CommonMessage["reply_markup"];
}

/** Telegram's checks of an inline keyboard: rows of buttons, each with a text and one action. */
function checkInlineKeyboard(rows: unknown): void {
  if (!Array.isArray(rows) || !rows.every(Array.isArray)) {
    throw badRequest("can't parse inline keyboard button: InlineKeyboardMarkup must be an Array of Arrays");
  }
  for (const button of rows.flat() as unknown[]) {
    const { text, callback_data: data, url } = (button ?? {}) as Record<string, unknown>;
    if (typeof text !== "string" || text === "") throw badRequest("BUTTON_TEXT_INVALID");
    if (data === undefined && url === undefined) {
      throw badRequest(
        "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
      );
    }
    // 1-64 bytes, counted in UTF-8.
    if (
      data !== undefined &&
      (typeof data !== "string" || data === "" || Buffer.byteLength(data, "utf8") > 64)
    ) {
      throw badRequest("BUTTON_DATA_INVALID");
    }
  }
}

function commandsKey(params: Params): string {
  const scope = (params.scope as Record<string, unknown> | undefined) ?? { type: "default" };
  const language = typeof params.language_code === "string" ? params.language_code : "";
  return `${JSON.stringify(scope)}|${language}`;
}

function clampInteger(value: unknown, min: number, max: number, fallback: number): number {
  if (typeof value !== "number" || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.trunc(value)));
}
