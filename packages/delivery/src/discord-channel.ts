// Discord messages in a channel (or DM) as the bot itself, with the bot token: conversation
// answers, posted as replies to the member's message, and the "typing…" indicator. (Command
// answers go through the interaction webhook instead: see discord.ts.)
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { DiscordAPIError, HTTPError, RateLimitError, REST } from "@discordjs/rest";
import type { DiscordChannelTarget, OutgoingMessage } from "@memebot/core";
import { DeliveryError, networkProblemOf, withoutSecrets } from "./errors.ts";

export interface DiscordChannelClientOptions {
  /** e.g. "https://discord.com/api" (no version: the client adds /v10). */
  apiBase: string;
  botToken: string;
  timeoutMs: number;
}

export interface DiscordChannelClient {
  send(target: DiscordChannelTarget, message: OutgoingMessage): Promise<void>;
  /** Shows "typing…" in the channel for about 10 seconds, or until the bot's next message. */
  typing(channelId: string): Promise<void>;
}

/** Discord refuses longer content; callers split first (conversation does), this only guards. */
const MAX_CONTENT = 2000;
/** Nothing the bot posts may ping anyone: not @everyone, a role, a member, nor the replied-to author. */
const NO_MENTIONS = { parse: [] as string[] };

const clip = (text: string) => (text.length <= MAX_CONTENT ? text : `${text.slice(0, MAX_CONTENT - 1)}…`);

export function createDiscordChannelClient(options: DiscordChannelClientOptions): DiscordChannelClient {
  const rest = new REST({
    api: options.apiBase,
    version: "10",
    timeout: options.timeoutMs,
    // As for interaction answers: one request per call, the job system retries after Discord's wait.
    retries: 0,
    rejectOnRateLimit: () => true,
  }).setToken(options.botToken);
  const fail = (error: unknown, what: string) => toDeliveryError(error, what, options.botToken);

  return {
    async send(target, message) {
      const route = `/channels/${target.channelId}/messages` as const;
      const body = {
        content: clip(message.text),
        allowed_mentions: NO_MENTIONS,
        // If the member's message was deleted meanwhile, the answer still goes out, just not as a reply.
        ...(target.replyToMessageId === undefined
          ? {}
          : { message_reference: { message_id: target.replyToMessageId, fail_if_not_exists: false } }),
      };
      try {
        if (message.imagePath) {
          const name = basename(message.imagePath);
          const data = await readFile(message.imagePath);
          await rest.post(route, {
            body: { ...body, attachments: [{ id: 0, filename: name }] },
            files: [{ name, data }],
          });
        } else {
          await rest.post(route, { body });
        }
      } catch (error) {
        throw fail(error, "message");
      }
    },
    async typing(channelId) {
      try {
        await rest.post(`/channels/${channelId}/typing`);
      } catch (error) {
        throw fail(error, "typing indicator");
      }
    },
  };
}

function toDeliveryError(error: unknown, what: string, botToken: string): DeliveryError {
  if (error instanceof RateLimitError) {
    return new DeliveryError(`Discord rate limited the ${what} (${error.scope})`, {
      platform: "discord",
      reason: "rate_limited",
      retryable: true,
      retryAfterMs: error.retryAfter,
      status: 429,
    });
  }
  if (error instanceof DiscordAPIError || error instanceof HTTPError) {
    const status = error.status;
    const message = `Discord refused the ${what}: ${status} ${withoutSecrets(error.message, [botToken])}`;
    if (status === 429 || status >= 500) {
      return new DeliveryError(message, {
        platform: "discord",
        reason: status === 429 ? "rate_limited" : "unavailable",
        retryable: true,
        status,
      });
    }
    // 403 Missing Access / Missing Permissions, or a DM the member closed: the bot may not post there.
    const reason = status === 403 ? "forbidden" : "rejected";
    return new DeliveryError(message, { platform: "discord", reason, retryable: false, status });
  }
  return new DeliveryError(`Discord ${networkProblemOf(error)}`, {
    platform: "discord",
    reason: "unavailable",
    retryable: true,
  });
}
