// Telegram delivery through telegraf's Bot API client (the same library the bot uses).
import { Telegram, TelegramError } from "telegraf";
import type { OutgoingMessage, ReplyTarget } from "@memebot/core";
import { DeliveryError, networkProblemOf, withoutSecrets } from "./errors.ts";

type TelegramTarget = Extract<ReplyTarget, { platform: "telegram" }>;

export interface TelegramSenderOptions {
  token: string;
  /** e.g. "https://api.telegram.org" or a local Bot API server / test fake. */
  apiRoot: string;
  timeoutMs: number;
}

// Bot API limits; longer texts are refused with a 400.
const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

export function createTelegramSender(options: TelegramSenderOptions) {
  const telegram = new Telegram(options.token, { apiRoot: options.apiRoot });

  async function call(method: "sendMessage" | "sendPhoto", payload: Record<string, unknown>) {
    // callApi rather than sendMessage(): only it takes a signal, and telegraf's own timeout is minutes.
    const signal = AbortSignal.timeout(options.timeoutMs);
    await telegram.callApi(method, payload as never, { signal } as never);
  }

  async function sendTo(chatId: string, target: TelegramTarget, message: OutgoingMessage) {
    const common = {
      chat_id: chatId,
      ...(target.messageThreadId === undefined ? {} : { message_thread_id: target.messageThreadId }),
      ...(target.replyToMessageId === undefined
        ? {}
        : // If the command message was deleted meanwhile, answer anyway instead of failing.
          { reply_parameters: { message_id: target.replyToMessageId, allow_sending_without_reply: true } }),
    };
    if (message.imagePath) {
      await call("sendPhoto", {
        ...common,
        // telegraf 4.16 JSON-encodes only some object fields of a multipart upload and mangles the
        // rest, reply_parameters included; encoded here, it arrives as Telegram expects.
        ...(common.reply_parameters ? { reply_parameters: JSON.stringify(common.reply_parameters) } : {}),
        photo: { source: message.imagePath },
        caption: clip(message.text, MAX_CAPTION),
      });
    } else {
      await call("sendMessage", { ...common, text: clip(message.text, MAX_TEXT) });
    }
  }

  return async function sendTelegram(target: TelegramTarget, message: OutgoingMessage): Promise<void> {
    try {
      await sendTo(target.chatId, target, message);
    } catch (error) {
      // A group upgraded to a supergroup has a new id; Telegram tells us which, so follow it once.
      const migratedTo = error instanceof TelegramError ? error.parameters?.migrate_to_chat_id : undefined;
      if (migratedTo === undefined) throw toDeliveryError(error, options.token);
      try {
        await sendTo(String(migratedTo), target, message);
      } catch (retryError) {
        throw toDeliveryError(retryError, options.token);
      }
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
