// Discord delivery: the worker edits the deferred interaction reply ("@original") through the
// interaction webhook. Interaction tokens authenticate themselves, so no bot token is sent.
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { DiscordAPIError, HTTPError, RateLimitError, REST } from "@discordjs/rest";
import type { DiscordInteractionTarget, OutgoingMessage } from "@memebot/core";
import { DeliveryError, networkProblemOf, withoutSecrets } from "./errors.ts";

type DiscordTarget = DiscordInteractionTarget;

export interface DiscordSenderOptions {
  /** e.g. "https://discord.com/api" (no version: the client adds /v10). */
  apiBase: string;
  timeoutMs: number;
}

const MAX_CONTENT = 2000;
/** Discord's allowed_mentions with nothing allowed: mentions in the text render but notify no one. */
const NO_MENTIONS = { parse: [] as string[] };

const clip = (text: string) => (text.length <= MAX_CONTENT ? text : `${text.slice(0, MAX_CONTENT - 1)}…`);

export function createDiscordSender(options: DiscordSenderOptions) {
  const rest = new REST({
    api: options.apiBase,
    version: "10",
    timeout: options.timeoutMs,
    // One request per call, and no waiting out rate limits inside it: the job system retries
    // (after the wait Discord asks for), and a long send would outlive the delivery claim.
    retries: 0,
    rejectOnRateLimit: () => true,
  });

  return async function sendDiscord(target: DiscordTarget, message: OutgoingMessage): Promise<void> {
    const route = `/webhooks/${target.applicationId}/${target.interactionToken}/messages/@original` as const;
    // The text can echo what a user typed (a topic): it must never ping @everyone, a role or a member.
    const payload = { content: clip(message.text), allowed_mentions: NO_MENTIONS };
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
      throw toDeliveryError(error, target.interactionToken);
    }
  };
}

function toDeliveryError(error: unknown, interactionToken: string): DeliveryError {
  // The client's errors carry the URL, which contains the interaction token: only pick safe fields.
  if (error instanceof RateLimitError) {
    return new DeliveryError(`Discord rate limited the reply (${error.scope})`, {
      platform: "discord",
      reason: "rate_limited",
      retryable: true,
      retryAfterMs: error.retryAfter,
      status: 429,
    });
  }
  if (error instanceof DiscordAPIError || error instanceof HTTPError) {
    const status = error.status;
    const detail = withoutSecrets(error.message, [interactionToken]);
    const message = `Discord refused the reply: ${status} ${detail}`;
    if (status === 429 || status >= 500) {
      return new DeliveryError(message, {
        platform: "discord",
        reason: status === 429 ? "rate_limited" : "unavailable",
        retryable: true,
        status,
      });
    }
    // 404 Unknown Webhook / 401 Invalid Webhook Token: the 15-minute interaction token is gone.
    const reason = status === 404 || status === 401 ? "expired" : status === 403 ? "forbidden" : "rejected";
    return new DeliveryError(message, { platform: "discord", reason, retryable: false, status });
  }
  return new DeliveryError(`Discord ${networkProblemOf(error)}`, {
    platform: "discord",
    reason: "unavailable",
    retryable: true,
  });
}
