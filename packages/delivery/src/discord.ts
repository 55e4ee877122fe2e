// Discord delivery: the worker edits the deferred interaction reply ("@original") through the
// interaction webhook. Interaction tokens authenticate themselves, so no bot token is sent.
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import type { DiscordInteractionTarget, OutgoingMessage } from "@memebot/core";
import type { DeliveryFailureReason } from "./errors.ts";
import { clipForDiscord, createDiscordRest, discordDeliveryError, NO_MENTIONS } from "./discord-rest.ts";

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
    // The text can echo what a user typed (a topic): it must never ping @everyone, a role or a member.
    const payload = { content: clipForDiscord(message.text), allowed_mentions: NO_MENTIONS };
    try {
      if (message.imagePath) {
        const name = basename(message.imagePath);
        const data = await readFile(message.imagePath);
        await rest.patch(route, {
          auth: false,
          body: { ...payload, attachments: [{ id: 0, filename: name }] },
          files: [{ name, data }],
        });
      } else {
        await rest.patch(route, { auth: false, body: payload });
      }
    } catch (error) {
      throw discordDeliveryError(error, { what: "reply", secret: target.interactionToken, refusalOf });
    }
  };
}
