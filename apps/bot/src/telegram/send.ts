// Sends an answer to the message that asked for it, with Telegram's own error
// handling: flood waits and server hiccups are retried a few times, the rest fails.
import type { OutgoingMessage } from "@memebot/core";
import { TelegramError, type Telegram } from "telegraf";
import type { TelegramReplyTarget } from "./invocation.ts";

const MAX_TEXT_LENGTH = 4096;
const MAX_CAPTION_LENGTH = 1024;

export interface SendOptions {
  attempts?: number;
  /** A flood wait longer than this is not waited out here; the send fails instead. */
  maxRetryAfterMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How long to wait before trying again, or undefined when trying again cannot help. */
export function retryDelayMs(error: unknown, attempt: number, maxRetryAfterMs: number): number | undefined {
  if (error instanceof TelegramError) {
    if (error.code === 429) {
      const retryAfterMs = (error.parameters?.retry_after ?? 1) * 1000;
      return retryAfterMs <= maxRetryAfterMs ? retryAfterMs : undefined;
    }
    return error.code >= 500 ? 250 * 2 ** attempt : undefined;
  }
  // node-fetch's network failures (connection refused or reset).
  if (error instanceof Error && error.name === "FetchError") return 250 * 2 ** attempt;
  return undefined;
}

async function withRetry<T>(call: () => Promise<T>, options: SendOptions): Promise<T> {
  const attempts = options.attempts ?? 3;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 10_000;
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      const delay = attempt + 1 < attempts ? retryDelayMs(error, attempt, maxRetryAfterMs) : undefined;
      if (delay === undefined) throw error;
      await sleep(delay);
    }
  }
}

/** Splits text Telegram would refuse as too long, preferring line breaks. */
export function splitText(text: string, max = MAX_TEXT_LENGTH): string[] {
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

/** Chat ids travel as strings in job payloads; Telegram's ids fit a double, so they go back as numbers. */
const chatIdOf = (target: TelegramReplyTarget): number | string =>
  /^-?\d{1,16}$/.test(target.chatId) ? Number(target.chatId) : target.chatId;

/** Plain text (no parse_mode), as a reply that still goes out if the asking message was deleted. */
export async function sendAnswer(
  telegram: Telegram,
  target: TelegramReplyTarget,
  message: OutgoingMessage,
  options: SendOptions = {},
): Promise<void> {
  const extra = {
    ...(target.replyToMessageId !== undefined
      ? { reply_parameters: { message_id: target.replyToMessageId, allow_sending_without_reply: true } }
      : {}),
    ...(target.messageThreadId !== undefined ? { message_thread_id: target.messageThreadId } : {}),
  };
  const chatId = chatIdOf(target);
  const text = message.text;
  if (message.imagePath) {
    // A caption Telegram would refuse goes out as a text message after the picture.
    const caption = text.length <= MAX_CAPTION_LENGTH ? text : "";
    await withRetry(
      () => telegram.sendPhoto(chatId, { source: message.imagePath as string }, { ...extra, caption }),
      options,
    );
    if (caption) return;
  }
  for (const part of splitText(text)) {
    await withRetry(() => telegram.sendMessage(chatId, part, extra), options);
  }
}
