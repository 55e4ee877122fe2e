// The one way an answer reaches Telegram, for the worker and for the bot's own immediate replies:
// through telegraf's Bot API client (the library the bot polls with), with Telegram's failures
// turned into DeliveryErrors that say whether trying again can help.
import { Telegram, TelegramError } from "telegraf";
import type { OutgoingMessage, ReplyTarget } from "@memebot/core";
import { telegramKeyboard } from "./buttons.ts";
import { DEFAULT_SEND_TIMEOUT_MS } from "./defaults.ts";
import { DeliveryError, networkProblemOf, withoutSecrets } from "./errors.ts";
import { withRetry, type RetryOptions } from "./retry.ts";

export type TelegramTarget = Extract<ReplyTarget, { platform: "telegram" }>;

export interface TelegramSenderOptions {
  token: string;
  /** e.g. "https://api.telegram.org" or a local Bot API server / test fake. */
  apiRoot: string;
  /** Upper bound of one Bot API request; DEFAULT_SEND_TIMEOUT_MS by default. */
  timeoutMs?: number;
  /** An existing client (the bot's own), so one process keeps one; a new one otherwise. */
  telegram?: Telegram;
  /**
   * Tries of each Bot API call, waiting out flood limits and server hiccups in between. Each part
   * of a long answer is retried on its own, so a part Telegram accepted is never sent twice.
   * Without it a failure is thrown at once (the worker's job system retries instead).
   */
  retry?: RetryOptions;
}

export type SendTelegram = (target: TelegramTarget, message: OutgoingMessage) => Promise<void>;

// Bot API limits; longer texts are refused with a 400.
const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;
const NO_LINK_PREVIEW = { is_disabled: true };

/** Splits text Telegram would refuse as too long, preferring line breaks. */
export function splitText(text: string, max = MAX_TEXT): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = rest.lastIndexOf("\n", max);
    const end = cut > 0 ? cut : max;
    parts.push(rest.slice(0, end));
    rest = rest.slice(end).replace(/^\n/, "");
  }
  parts.push(rest);
  return parts;
}

/** Chat ids travel as strings in job payloads; Telegram's own are integers that fit a double. */
export const chatIdOf = (chatId: string): number | string =>
  /^-?\d{1,16}$/.test(chatId) ? Number(chatId) : chatId;

export function createTelegramSender(options: TelegramSenderOptions): SendTelegram {
  const telegram = options.telegram ?? new Telegram(options.token, { apiRoot: options.apiRoot });
  const timeoutMs = options.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  const retry = options.retry;
  const attempt = retry
    ? <T>(call: () => Promise<T>) => withRetry(call, retry)
    : <T>(call: () => Promise<T>) => call();

  async function callApi(method: "sendMessage" | "sendPhoto", payload: Record<string, unknown>) {
    // callApi rather than sendMessage(): only it takes a signal, and telegraf's own timeout is minutes.
    const signal = AbortSignal.timeout(timeoutMs);
    await telegram.callApi(method, payload as never, { signal } as never);
  }

  /** One Bot API call. A group that became a supergroup has a new id; Telegram says which, so follow it. */
  async function call(
    method: "sendMessage" | "sendPhoto",
    chat: { id: number | string },
    payload: () => Record<string, unknown>,
  ) {
    try {
      await callApi(method, { ...payload(), chat_id: chat.id });
    } catch (error) {
      const migratedTo = error instanceof TelegramError ? error.parameters?.migrate_to_chat_id : undefined;
      if (migratedTo === undefined) throw toDeliveryError(error, options.token);
      // The rest of a long answer goes straight to the new chat.
      chat.id = migratedTo;
      try {
        await callApi(method, { ...payload(), chat_id: migratedTo });
      } catch (retryError) {
        throw toDeliveryError(retryError, options.token);
      }
    }
  }

  return async function sendTelegram(target, message) {
    const chat = { id: chatIdOf(target.chatId) };
    const common = {
      ...(target.messageThreadId === undefined ? {} : { message_thread_id: target.messageThreadId }),
      ...(target.replyToMessageId === undefined
        ? {}
        : // If the command message was deleted meanwhile, answer anyway instead of failing.
          { reply_parameters: { message_id: target.replyToMessageId, allow_sending_without_reply: true } }),
    };
    // Refused here, before anything is sent: a button Telegram would refuse is our bug (see buttons.ts).
    const keyboard = telegramKeyboard(message.buttons);
    const picture = message.picture;
    // A text too long for a caption follows the picture as messages of its own, whole.
    const caption = picture && message.text.length <= MAX_CAPTION ? message.text : undefined;
    const texts = picture && caption !== undefined ? [] : splitText(message.text);
    if (picture) {
      // A Buffer over the same memory, not a stream: telegraf can send it again on every try.
      const source = Buffer.from(picture.bytes.buffer, picture.bytes.byteOffset, picture.bytes.byteLength);
      await attempt(() =>
        call("sendPhoto", chat, () => ({
          ...common,
          // telegraf 4.16 JSON-encodes only some object fields of a multipart upload (reply_markup is
          // one) and mangles the rest, reply_parameters included; encoded here, it arrives as
          // Telegram expects.
          ...(common.reply_parameters ? { reply_parameters: JSON.stringify(common.reply_parameters) } : {}),
          photo: { source, filename: picture.fileName },
          ...(caption ? { caption } : {}),
          // The buttons go under the picture, unless a text follows: then under its last part.
          ...(keyboard && texts.length === 0 ? { reply_markup: keyboard } : {}),
        })),
      );
    }
    for (const [index, text] of texts.entries()) {
      const last = index === texts.length - 1;
      await attempt(() =>
        // No preview card: a link in an answer (a user's own words echoed back) must not be advertised.
        call("sendMessage", chat, () => ({
          ...common,
          text,
          link_preview_options: NO_LINK_PREVIEW,
          ...(keyboard && last ? { reply_markup: keyboard } : {}),
        })),
      );
    }
  };
}

function toDeliveryError(error: unknown, token: string): DeliveryError {
  if (!(error instanceof TelegramError)) {
    return new DeliveryError(`Telegram ${networkProblemOf(error)}`, {
      platform: "telegram",
      reason: "unavailable",
      retryable: true,
    });
  }
  const status = error.code;
  const description = withoutSecrets(error.description ?? "", [token]);
  const message = `Telegram refused the message: ${status} ${description}`.trim();
  if (status === 429) {
    const seconds = error.parameters?.retry_after;
    return new DeliveryError(message, {
      platform: "telegram",
      reason: "rate_limited",
      retryable: true,
      status,
      ...(typeof seconds === "number" ? { retryAfterMs: seconds * 1000 } : {}),
    });
  }
  if (status >= 500) {
    return new DeliveryError(message, {
      platform: "telegram",
      reason: "unavailable",
      retryable: true,
      status,
    });
  }
  // 403: blocked by the user or kicked from the group. 400: chat or thread gone, bad request.
  // 401/404: a wrong bot token. None of these gets better by trying again.
  const reason = status === 403 ? "forbidden" : "rejected";
  return new DeliveryError(message, { platform: "telegram", reason, retryable: false, status });
}
