// One `send` for every platform: the worker hands it a reply target from the job payload.
import type { Redis } from "ioredis";
import type { OutgoingMessage, ReplyTarget } from "@memebot/core";
import { publishConsoleReply } from "./console-channel.ts";
import { createDiscordSender } from "./discord.ts";
import { createDiscordChannelClient } from "./discord-channel.ts";
import { DEFAULT_SEND_TIMEOUT_MS } from "./defaults.ts";
import { DeliveryError } from "./errors.ts";
import { createTelegramSender } from "./telegram.ts";

export type SendMessage = (target: ReplyTarget, message: OutgoingMessage) => Promise<void>;

export interface PlatformSenderOptions {
  telegram?: { token: string; apiRoot: string };
  /** With the bot token, channel targets (conversation replies) can be answered too. */
  discord?: { apiBase: string; botToken?: string };
  consoleChannel?: { redis: Redis; prefix: string };
  /** Upper bound of one platform request; DEFAULT_SEND_TIMEOUT_MS says why it has to be short. */
  timeoutMs?: number;
}

export interface PlatformSender {
  send: SendMessage;
}

export { DEFAULT_SEND_TIMEOUT_MS };

export function createPlatformSender(options: PlatformSenderOptions): PlatformSender {
  const timeoutMs = options.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  const telegram = options.telegram && createTelegramSender({ ...options.telegram, timeoutMs });
  const discord = options.discord && createDiscordSender({ apiBase: options.discord.apiBase, timeoutMs });
  const botToken = options.discord?.botToken;
  const discordChannel =
    options.discord && botToken
      ? createDiscordChannelClient({ apiBase: options.discord.apiBase, botToken, timeoutMs })
      : undefined;
  const consoleChannel = options.consoleChannel;

  const notConfigured = (platform: ReplyTarget["platform"]) =>
    new DeliveryError(`Delivery to ${platform} is not configured in this process`, {
      platform,
      reason: "rejected",
      retryable: false,
    });

  return {
    async send(target, message) {
      switch (target.platform) {
        case "telegram":
          if (!telegram) throw notConfigured("telegram");
          return telegram(target, message);
        case "discord":
          if (!("interactionToken" in target)) {
            // Posting as the bot needs its token; interaction answers do not.
            if (!discordChannel) throw notConfigured("discord");
            return discordChannel.send(target, message);
          }
          if (!discord) throw notConfigured("discord");
          return discord(target, message);
        case "console":
          if (!consoleChannel) throw notConfigured("console");
          return publishConsoleReply(consoleChannel.redis, consoleChannel.prefix, target.sessionId, message);
      }
    },
  };
}
