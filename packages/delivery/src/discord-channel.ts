// Discord messages in a channel (or DM) as the bot itself, with the bot token: conversation
// answers, posted as replies to the member's message, and the "typing…" indicator. (Command
// answers go through the interaction webhook instead: see discord.ts.)
import type { DiscordChannelTarget, OutgoingMessage } from "@memebot/core";
import type { DeliveryFailureReason } from "./errors.ts";
import { createDiscordRest, discordDeliveryError, discordMessageOf } from "./discord-rest.ts";

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

// 403 Missing Access / Missing Permissions, or a DM the member closed: the bot may not post there.
const refusalOf = (status: number): DeliveryFailureReason => (status === 403 ? "forbidden" : "rejected");

export function createDiscordChannelClient(options: DiscordChannelClientOptions): DiscordChannelClient {
  const rest = createDiscordRest(options).setToken(options.botToken);
  const fail = (error: unknown, what: string) =>
    discordDeliveryError(error, { what, secret: options.botToken, refusalOf });

  return {
    async send(target, message) {
      const route = `/channels/${target.channelId}/messages` as const;
      const posted = discordMessageOf(message);
      const body = {
        ...posted.body,
        // If the member's message was deleted meanwhile, the answer still goes out, just not as a reply.
        ...(target.replyToMessageId === undefined
          ? {}
          : { message_reference: { message_id: target.replyToMessageId, fail_if_not_exists: false } }),
      };
      try {
        await rest.post(route, { body, ...(posted.files ? { files: posted.files } : {}) });
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
