// The terminal console's answers travel over Redis pub/sub, so the console works whether the
// worker runs in the bot's process or in another one.
import { once } from "node:events";
import type { Redis } from "ioredis";
import type { OutgoingMessage, OutgoingPicture, ReplyButton } from "@memebot/core";
import { DeliveryError } from "./errors.ts";

export const consoleChannelOf = (prefix: string, sessionId: string) => `${prefix}:console:${sessionId}`;

const PICTURE_TYPES = new Set(["image/jpeg", "image/webp", "image/png"]);

/** JSON, with a picture's bytes as base64 (JSON has no bytes). */
function encodeConsoleMessage(message: OutgoingMessage): string {
  const { picture, ...rest } = message;
  return JSON.stringify({
    ...rest,
    ...(picture
      ? {
          picture: {
            base64: Buffer.from(
              picture.bytes.buffer,
              picture.bytes.byteOffset,
              picture.bytes.byteLength,
            ).toString("base64"),
            mimeType: picture.mimeType,
            fileName: picture.fileName,
          },
        }
      : {}),
  });
}

function pictureOf(value: unknown): OutgoingPicture | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { base64, mimeType, fileName } = value as Record<string, unknown>;
  if (typeof base64 !== "string" || typeof fileName !== "string" || typeof mimeType !== "string")
    return undefined;
  if (!PICTURE_TYPES.has(mimeType)) return undefined;
  return {
    bytes: new Uint8Array(Buffer.from(base64, "base64")),
    mimeType: mimeType as OutgoingPicture["mimeType"],
    fileName,
  };
}

function buttonsOf(value: unknown): ReplyButton[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const buttons = value.filter(
    (entry): entry is ReplyButton =>
      typeof entry === "object" &&
      entry !== null &&
      typeof (entry as ReplyButton).label === "string" &&
      typeof (entry as ReplyButton).command === "string" &&
      typeof (entry as ReplyButton).args === "string",
  );
  return buttons.length > 0
    ? buttons.map(({ label, command, args }) => ({ label, command, args }))
    : undefined;
}

export async function publishConsoleReply(
  redis: Redis,
  prefix: string,
  sessionId: string,
  message: OutgoingMessage,
): Promise<void> {
  const receivers = await redis.publish(consoleChannelOf(prefix, sessionId), encodeConsoleMessage(message));
  if (receivers === 0) {
    // Pub/sub keeps nothing: with no one listening, the answer is lost, and retrying will not find anyone.
    throw new DeliveryError("No console session is listening for this answer", {
      platform: "console",
      reason: "no_listener",
      retryable: false,
    });
  }
}

export interface ConsoleSubscriptionOptions {
  /** A connection in subscriber mode (it can run nothing else); several sessions may share it. */
  redis: Redis;
  prefix: string;
  sessionId: string;
  onMessage: (message: OutgoingMessage) => void;
  /** Malformed messages on the channel (not from us) are reported here and skipped. */
  onInvalid?: (raw: string) => void;
}

export interface ConsoleSubscription {
  /** Resolves once Redis confirmed the subscription: answers published after this arrive. */
  ready: Promise<void>;
  close(): Promise<void>;
}

function parseMessage(raw: string): OutgoingMessage | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== "object" || value === null) return undefined;
    const {
      text,
      picture: rawPicture,
      buttons: rawButtons,
      answers,
      partial,
    } = value as Record<string, unknown>;
    if (typeof text !== "string") return undefined;
    const picture = pictureOf(rawPicture);
    const buttons = buttonsOf(rawButtons);
    return {
      text,
      ...(picture ? { picture } : {}),
      ...(buttons ? { buttons } : {}),
      ...(typeof answers === "string" ? { answers } : {}),
      ...(partial === true ? { partial } : {}),
    };
  } catch {
    return undefined;
  }
}

export function subscribeConsoleReplies(options: ConsoleSubscriptionOptions): ConsoleSubscription {
  const { redis, onMessage, onInvalid } = options;
  const channel = consoleChannelOf(options.prefix, options.sessionId);
  const listener = (from: string, raw: string) => {
    if (from !== channel) return;
    const message = parseMessage(raw);
    if (message) onMessage(message);
    else onInvalid?.(raw);
  };
  redis.on("message", listener);
  // Subscribed only once the connection is ready: a SUBSCRIBE queued while it connects puts it in
  // subscriber mode before ioredis's ready check (INFO) has run, the check fails ("Connection in
  // subscriber mode…"), and the subscription may never take, so the answers would never arrive.
  const connected = redis.status === "ready" ? Promise.resolve() : once(redis, "ready");
  const ready = connected.then(() => redis.subscribe(channel)).then(() => undefined);
  let closing: Promise<void> | undefined;
  return {
    ready,
    close() {
      closing ??= (async () => {
        redis.off("message", listener);
        // Ignore a failure here: a connection that is gone has no subscription left either.
        await redis.unsubscribe(channel).catch(() => undefined);
      })();
      return closing;
    },
  };
}
