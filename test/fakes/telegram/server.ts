import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { ChatInviteLink, Message, Update, User } from "telegraf/types";
import { CallLog } from "../shared/call-log.ts";
import { closeServer, listenOnLoopback, parseMultipart, sendJson } from "../shared/http.ts";
import { BotApi, type BotIdentity, type Params, type PendingJoinRequest } from "./bot-api.ts";
import type { AdministratorRights, ChatMemberStatus } from "./chat-members.ts";
import { BotApiError, type BotApiErrorShape } from "./errors.ts";
import { normalizeFields, readParams, type Encoding } from "./params.ts";
import {
  chatJoinRequestUpdate,
  chatMemberUpdate,
  fakeFileIds,
  nextUpdateId,
  noteUpdateId,
  toUser,
  type ChatMemberChangeInput,
  type JoinRequestInput,
  type UserInput,
} from "./updates.ts";

/**
 * A local Telegram Bot API server: the real telegraf client talks to it over HTTP
 * (`new Telegraf(token, { telegram: { apiRoot: fake.apiRoot } })`), and tests feed updates,
 * inject failures and inspect every call it received.
 */

export interface FakeTelegramOptions {
  token?: string;
  bot?: BotIdentity;
  /** Upper bound on how long an empty getUpdates is held, whatever timeout the bot asked for. */
  pollHoldMs?: number;
}

export interface TelegramCall {
  /** Canonical method name, e.g. "sendMessage" (Telegram method names are case-insensitive). */
  method: string;
  /** Request parameters; multipart/urlencoded strings are converted to numbers/booleans/JSON where the Bot API schema says so. Uploaded files are `RecordedFile`s. */
  params: Params;
  /** Date.now() when the request arrived. */
  at: number;
  encoding: Encoding;
  /** The `result` the fake answered with (for getUpdates: filled in when the poll ends). */
  result?: unknown;
  /** The error the fake answered with, if any. */
  error?: { error_code: number; description: string };
  /** Date.now() when a getUpdates poll was answered: the moment its updates reached the bot. */
  answeredAt?: number;
  /** True for a method the bot returned inside its webhook HTTP response (telegraf's webhookReply). */
  viaWebhookReply?: boolean;
}

/** An Update whose update_id may be left for the fake to assign. */
export type UpdateInput = Update extends infer U
  ? U extends Update
    ? Omit<U, "update_id"> & { update_id?: number }
    : never
  : never;

export interface WebhookDelivery {
  status: number;
  body: string;
  /** The method the bot answered inside the webhook response, executed by the fake like Telegram does. */
  reply?: TelegramCall;
}

export interface FakeTelegram {
  /** Pass to telegraf as `telegram.apiRoot`. */
  readonly apiRoot: string;
  readonly token: string;
  /** What getMe answers. */
  readonly bot: User;
  readonly calls: readonly TelegramCall[];
  callsOf(method: string): TelegramCall[];
  /** Resolves with an existing or future call of `method` matching `predicate`. */
  waitForCall(
    method: string,
    predicate?: (call: TelegramCall) => boolean,
    timeoutMs?: number,
  ): Promise<TelegramCall>;
  waitForCalls(method: string, count: number, timeoutMs?: number): Promise<TelegramCall[]>;
  /**
   * The next `times` calls of `method` get this Telegram error (retry_after lands in `parameters`);
   * called again, the new failure comes after those already queued.
   */
  failNext(method: string, error: BotApiErrorShape, times?: number): void;
  /** Queues an update for getUpdates; returns it with its update_id. */
  pushUpdate(update: UpdateInput): Update;
  pushUpdates(updates: readonly UpdateInput[]): Update[];
  /** Updates queued and not yet confirmed by the bot (a later getUpdates offset confirms them). */
  readonly pendingUpdateCount: number;
  /** Resolves when the bot has confirmed every queued update, i.e. finished handling them. */
  waitUntilConsumed(timeoutMs?: number): Promise<void>;
  /** POSTs one update to a webhook like Telegram does; `secretToken` goes in X-Telegram-Bot-Api-Secret-Token. */
  postWebhook(url: string, update: UpdateInput, secretToken?: string): Promise<WebhookDelivery>;
  /**
   * Leaves every call of `method` unanswered, as a Telegram that hangs, until `release()` (or close());
   * the calls then run as usual. `waiting` counts the calls held at the moment.
   */
  hold(method: string): HeldMethod;
  /**
   * A member presses a button of a message the bot sent (the one whose callback_data is `data`, or its
   * first): the callback_query update Telegram would send, with a query id of its own, queued for
   * getUpdates unless `queue` is false (then push it, or post it to a webhook, yourself). Throws when
   * the message has no such button: a test can only press what the bot really sent.
   */
  pressButton(input: {
    message: Message;
    from: UserInput;
    data?: string;
    queue?: boolean;
  }): Update.CallbackQueryUpdate;
  /** Current webhook set through setWebhook, if any. */
  readonly webhookUrl: string | undefined;
  /** Sets a user's role in a chat; everyone else is a "member". The bot's own status decides whether it may post. */
  setChatMember(chatId: number, userId: number, status: ChatMemberStatus, user?: Omit<UserInput, "id">): void;
  /**
   * Makes the user an administrator with these rights (the rights not named are granted): the bot's
   * own decide whether it may settle join requests, remove members and create invite links.
   */
  setAdministrator(chatId: number, userId: number, rights?: AdministratorRights): void;
  /**
   * A user asks to join a group (through a link that creates join requests): Telegram keeps the
   * request until it is approved or declined, and sends the chat_join_request update, queued for
   * getUpdates unless `queue` is false (then post it to a webhook, or push it, yourself).
   */
  requestToJoin(input: JoinRequestInput & { queue?: boolean }): Update.ChatJoinRequestUpdate;
  /**
   * A member's status changes (joined, left, removed by an admin): applied to the chat at once, and the
   * chat_member update queued unless `queue` is false. Telegram sends it only to a bot that is an
   * administrator and asked for chat_member in allowed_updates; the fake checks the latter.
   */
  changeMember(input: ChatMemberChangeInput & { queue?: boolean }): Update.ChatMemberUpdate;
  /** Join requests still waiting (in one chat, or in all), oldest first. */
  joinRequests(chatId?: number): PendingJoinRequest[];
  /** Invite links the bot created (in one chat, or in all), oldest first. */
  inviteLinks(chatId?: number): ChatInviteLink[];
  /** Messages the bot sent and did not delete (edits applied), oldest first. */
  sentMessages(chatId?: number): Message[];
  /**
   * Keeps a file as if a user had sent it: getFile finds it by its file_id, and its bytes are served at
   * `<apiRoot>/file/bot<token>/<file_path>` (each download is logged as a "downloadFile" call).
   */
  addFile(content: Buffer | string, options?: { name?: string; mimeType?: string }): SentFile;
  close(): Promise<void>;
}

/** A file the fake keeps as if a user had sent it, shaped like a Document in a message. */
export interface SentFile {
  file_id: string;
  file_unique_id: string;
  file_size: number;
  file_name?: string;
  mime_type?: string;
}

export interface HeldMethod {
  readonly waiting: number;
  release(): void;
}

const DEFAULT_BOT: BotIdentity = {
  id: 7_000_000_001,
  username: "fake_meme_bot",
  first_name: "Fake Meme Bot",
};
const NOT_FOUND = { ok: false, error_code: 404, description: "Not Found" };
const UNAUTHORIZED = { ok: false, error_code: 401, description: "Unauthorized" };

interface Failure {
  error: BotApiError;
  remaining: number;
}

export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const identity = options.bot ?? DEFAULT_BOT;
  const token = options.token ?? `${identity.id}:AAFakeTokenForLocalTestsOnly0123456789`;
  const pollHoldMs = options.pollHoldMs ?? 500;
  const api = new BotApi(identity);
  const log = new CallLog<TelegramCall>();
  /** Per method, the failures still to hand out, in the order they were asked for. */
  const failures = new Map<string, Failure[]>();
  /** Per held method, the calls waiting for its release. */
  const holds = new Map<string, Set<() => void>>();

  function canonicalName(method: string): string | undefined {
    const lower = method.toLowerCase();
    if (lower === "getupdates") return "getUpdates";
    return api.methods.get(lower)?.name;
  }

  function takeFailure(method: string): BotApiError | undefined {
    const queued = failures.get(method);
    const failure = queued?.[0];
    if (queued === undefined || failure === undefined) return undefined;
    failure.remaining -= 1;
    if (failure.remaining <= 0) queued.shift();
    if (queued.length === 0) failures.delete(method);
    return failure.error;
  }

  function errorAnswer(call: TelegramCall, error: BotApiError): { status: number; body: unknown } {
    call.error = { error_code: error.errorCode, description: error.description };
    return { status: error.errorCode, body: error.toBody() };
  }

  /** Runs one non-polling method and records it. */
  function execute(method: string, params: Params, encoding: Encoding, viaWebhookReply = false) {
    const call: TelegramCall = { method, params, at: Date.now(), encoding };
    if (viaWebhookReply) call.viaWebhookReply = true;
    let answer: { status: number; body: unknown };
    const injected = takeFailure(method);
    if (injected !== undefined) {
      answer = errorAnswer(call, injected);
    } else {
      try {
        const result = api.methods.get(method.toLowerCase())?.run(params);
        call.result = result;
        answer = { status: 200, body: { ok: true, result } };
      } catch (error) {
        answer = errorAnswer(call, asBotApiError(error));
      }
    }
    log.record(call);
    return { call, answer };
  }

  async function poll(res: ServerResponse, params: Params, encoding: Encoding) {
    const call: TelegramCall = { method: "getUpdates", params, at: Date.now(), encoding };
    log.record(call);
    const injected = takeFailure("getUpdates");
    if (injected !== undefined) {
      const answer = errorAnswer(call, injected);
      sendJson(res, answer.status, answer.body);
      return;
    }
    try {
      const { result, abandon } = api.getUpdates(params, pollHoldMs);
      // A bot that stops polling aborts its request; forget the poll so nothing waits on a dead socket.
      res.on("close", abandon);
      const updates = await result;
      call.result = updates;
      call.answeredAt = Date.now();
      if (!res.destroyed) sendJson(res, 200, { ok: true, result: updates });
    } catch (error) {
      const answer = errorAnswer(call, asBotApiError(error));
      if (!res.destroyed) sendJson(res, answer.status, answer.body);
    }
  }

  /** GET /file/bot<token>/<file_path>: a file's bytes, as Telegram serves getFile's path. */
  function download(req: IncomingMessage, res: ServerResponse, tokenPart: string, path: string) {
    req.resume();
    const filePath = decodeURIComponent(path);
    const call: TelegramCall = {
      method: "downloadFile",
      params: { file_path: filePath },
      at: Date.now(),
      encoding: "query",
    };
    const file = decodeURIComponent(tokenPart) === token ? api.fileAt(filePath) : undefined;
    if (file === undefined) {
      call.error = { error_code: 404, description: "Not Found" };
      log.record(call);
      sendJson(res, 404, NOT_FOUND);
      return;
    }
    log.record(call);
    res.writeHead(200, { "content-type": file.contentType, "content-length": file.bytes.length });
    res.end(file.bytes);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const fileRoute = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (fileRoute !== null) {
      download(req, res, fileRoute[1] as string, fileRoute[2] as string);
      return;
    }
    const match = /^\/bot([^/]+)\/([^/]+)\/?$/.exec(url.pathname);
    if (match === null) {
      req.resume();
      sendJson(res, 404, NOT_FOUND);
      return;
    }
    if (decodeURIComponent(match[1] as string) !== token) {
      req.resume();
      sendJson(res, 401, UNAUTHORIZED);
      return;
    }
    const method = canonicalName(match[2] as string);
    if (method === undefined) {
      req.resume();
      sendJson(res, 404, NOT_FOUND);
      return;
    }
    let parsed: Awaited<ReturnType<typeof readParams>>;
    try {
      parsed = await readParams(req, url.searchParams);
    } catch (error) {
      const failure = asBotApiError(error);
      sendJson(res, failure.errorCode, failure.toBody());
      return;
    }
    if (method === "getUpdates") {
      await poll(res, parsed.params, parsed.encoding);
      return;
    }
    const held = holds.get(method);
    if (held !== undefined) {
      await new Promise<void>((resolve) => held.add(resolve));
      if (res.destroyed) return;
    }
    const { answer } = execute(method, parsed.params, parsed.encoding);
    sendJson(res, answer.status, answer.body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        sendJson(res, 500, {
          ok: false,
          error_code: 500,
          description: `Internal Server Error: ${String(error)}`,
        });
      }
    });
  });
  const port = await listenOnLoopback(server);
  let pressCount = 0;

  function withUpdateId(input: UpdateInput): Update {
    if (input.update_id === undefined) return { ...input, update_id: nextUpdateId() } as Update;
    noteUpdateId(input.update_id);
    return input as Update;
  }

  function pushUpdates(inputs: readonly UpdateInput[]): Update[] {
    const updates = inputs.map(withUpdateId);
    for (const update of updates) api.noteUpdate(update);
    api.queue.push(updates);
    return updates;
  }

  async function postWebhook(
    url: string,
    input: UpdateInput,
    secretToken?: string,
  ): Promise<WebhookDelivery> {
    const update = withUpdateId(input);
    api.noteUpdate(update);
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (secretToken !== undefined) headers["x-telegram-bot-api-secret-token"] = secretToken;
    const response = await fetch(url, { method: "POST", headers, body: JSON.stringify(update) });
    const raw = Buffer.from(await response.arrayBuffer());
    const delivery: WebhookDelivery = { status: response.status, body: raw.toString("utf8") };
    const reply = await readWebhookReply(response.headers.get("content-type") ?? "", raw);
    if (response.ok && reply !== undefined) {
      const method = canonicalName(String(reply.method));
      if (method !== undefined && method !== "getUpdates") {
        const { method: _ignored, ...params } = reply;
        delivery.reply = execute(method, params, "json", true).call;
      }
    }
    return delivery;
  }

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    token,
    bot: api.bot,
    calls: log.entries,
    callsOf(method) {
      const name = canonicalName(method) ?? method;
      return log.entries.filter((call) => call.method === name);
    },
    waitForCall(method, predicate = () => true, timeoutMs = 5000) {
      const name = canonicalName(method) ?? method;
      return log.waitFor(
        (call) => call.method === name && predicate(call),
        timeoutMs,
        `Telegram call ${name}`,
      );
    },
    waitForCalls(method, count, timeoutMs = 5000) {
      const name = canonicalName(method) ?? method;
      return log.waitForCount(
        (call) => call.method === name,
        count,
        timeoutMs,
        `${count} Telegram calls ${name}`,
      );
    },
    failNext(method, error, times = 1) {
      const name = canonicalName(method) ?? method;
      failures.set(name, [
        ...(failures.get(name) ?? []),
        { error: BotApiError.from(error), remaining: times },
      ]);
    },
    pushUpdate: (update) => pushUpdates([update])[0] as Update,
    pushUpdates,
    get pendingUpdateCount() {
      return api.queue.pendingCount;
    },
    waitUntilConsumed: (timeoutMs = 5000) => api.queue.waitUntilDrained(timeoutMs),
    postWebhook,
    get webhookUrl() {
      return api.webhook?.url;
    },
    hold(method) {
      const name = canonicalName(method) ?? method;
      const waiting = new Set<() => void>();
      holds.set(name, waiting);
      return {
        get waiting() {
          return waiting.size;
        },
        release() {
          if (holds.get(name) === waiting) holds.delete(name);
          for (const resume of waiting) resume();
          waiting.clear();
        },
      };
    },
    pressButton({ message, from, data, queue = true }) {
      const markup = (
        message as { reply_markup?: { inline_keyboard?: Array<Array<{ callback_data?: string }>> } }
      ).reply_markup;
      const pressable = (markup?.inline_keyboard ?? [])
        .flat()
        .flatMap((button) => (typeof button.callback_data === "string" ? [button.callback_data] : []));
      const chosen = pressable.find((candidate) => data === undefined || candidate === data);
      if (chosen === undefined) {
        throw new Error(`The message has no button ${data ?? ""} to press (it has ${pressable.length})`);
      }
      pressCount += 1;
      const update: Update.CallbackQueryUpdate = {
        update_id: nextUpdateId(),
        callback_query: {
          id: `${from.id}${String(pressCount).padStart(8, "0")}`,
          from: toUser(from),
          chat_instance: `-${Math.abs(message.chat.id)}77`,
          message,
          data: chosen,
        },
      };
      if (queue) pushUpdates([update]);
      return update;
    },
    setChatMember(chatId, userId, status, user) {
      if (user !== undefined) api.rememberUser(toUser({ ...user, id: userId }));
      api.members.set(chatId, userId, status);
    },
    setAdministrator(chatId, userId, rights = {}) {
      api.members.set(chatId, userId, "administrator", rights);
    },
    requestToJoin({ queue = true, ...input }) {
      const update = chatJoinRequestUpdate(input);
      // Kept from the moment the user asks, whether or not the update reaches the bot.
      api.noteUpdate(update);
      if (queue) pushUpdates([update]);
      return update;
    },
    changeMember({ queue = true, ...input }) {
      const update = chatMemberUpdate(input);
      const { chat, new_chat_member: member } = update.chat_member;
      const rights = typeof input.new === "string" ? undefined : input.new.rights;
      api.members.set(chat.id, member.user.id, member.status, rights);
      api.noteUpdate(update);
      if (queue) pushUpdates([update]);
      return update;
    },
    joinRequests: (chatId) => api.joinRequests(chatId),
    inviteLinks: (chatId) => api.inviteLinks(chatId),
    sentMessages: (chatId) => api.sentMessages(chatId),
    addFile(content, options = {}) {
      const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
      const ids = fakeFileIds("document");
      const extension = /\.[A-Za-z0-9]{1,8}$/.exec(options.name ?? "")?.[0] ?? "";
      const contentType = options.mimeType ?? "application/octet-stream";
      api.addFile({
        ...ids,
        file_size: bytes.length,
        file_path: `documents/file_${ids.file_unique_id}${extension}`,
        bytes,
        contentType,
      });
      return {
        ...ids,
        file_size: bytes.length,
        ...(options.name === undefined ? {} : { file_name: options.name }),
        ...(options.mimeType === undefined ? {} : { mime_type: options.mimeType }),
      };
    },
    async close() {
      api.queue.releaseHeld();
      for (const waiting of holds.values()) for (const resume of waiting) resume();
      holds.clear();
      await closeServer(server);
    },
  };
}

async function readWebhookReply(contentType: string, raw: Buffer): Promise<Params | undefined> {
  if (raw.length === 0) return undefined;
  try {
    if (contentType.startsWith("application/json")) {
      const parsed = JSON.parse(raw.toString("utf8")) as unknown;
      return typeof parsed === "object" && parsed !== null && "method" in parsed
        ? (parsed as Params)
        : undefined;
    }
    if (contentType.startsWith("multipart/form-data")) {
      const fields = await parseMultipart(raw, contentType);
      return "method" in fields ? normalizeFields(Object.entries(fields)) : undefined;
    }
  } catch {
    // Telegram ignores a webhook answer it cannot read.
  }
  return undefined;
}

function asBotApiError(error: unknown): BotApiError {
  if (error instanceof BotApiError) return error;
  return new BotApiError(
    500,
    `Internal Server Error: ${error instanceof Error ? error.message : String(error)}`,
  );
}
