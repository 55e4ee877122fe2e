// Discord delivery: the worker edits the deferred interaction reply ("@original") through the
// interaction webhook. Interaction tokens authenticate themselves, so no bot token is sent.
import type { DiscordInteractionTarget, OutgoingMessage } from "@memebot/core";
import type { DeliveryFailureReason } from "./errors.ts";
import { createDiscordRest, discordDeliveryError, discordMessageOf } from "./discord-rest.ts";

type DiscordTarget = DiscordInteractionTarget;

export interface DiscordSenderOptions {
  /** e.g. "https://discord.com/api" (no version: the client adds /v10). */
  apiBase: string;
  timeoutMs: number;
}

// 404 Unknown Webhook / 401 Invalid Webhook Token: the 15-minute interaction token is gone.
const refusalOf = (status: number): DeliveryFailureReason =>
  status === 404 || status === 401 ? "expired" : status === 403 ? "forbidden" : "rejected";

export function createDiscordSender(options: DiscordSenderOptions) {
  const rest = createDiscordRest(options);

  return async function sendDiscord(target: DiscordTarget, message: OutgoingMessage): Promise<void> {
    const route = `/webhooks/${target.applicationId}/${target.interactionToken}/messages/@original` as const;
    // Built before the request: a button Discord would refuse fails the send loudly (see buttons.ts).
    const { body, files } = discordMessageOf(message);
    try {
      await rest.patch(route, { auth: false, body, ...(files ? { files } : {}) });
    } catch (error) {
      throw discordDeliveryError(error, { what: "reply", secret: target.interactionToken, refusalOf });
    }
  };
}
