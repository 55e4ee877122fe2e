// What both Discord senders share: the REST client's settings, the rules for what is posted, and
// how the client's errors become DeliveryErrors (interaction answers in discord.ts, channel
// messages as the bot in discord-channel.ts).
import { DiscordAPIError, HTTPError, RateLimitError, REST, type RawFile } from "@discordjs/rest";
import type { OutgoingMessage } from "@memebot/core";
import { discordComponents } from "./buttons.ts";
import { DeliveryError, networkProblemOf, withoutSecrets, type DeliveryFailureReason } from "./errors.ts";

/** Discord refuses longer content; callers split first where they can, this only guards. */
const MAX_CONTENT = 2000;
/** Nothing the bot posts may ping anyone: not @everyone, a role, a member, nor a replied-to author. */
export const NO_MENTIONS = { parse: [] as string[] };

export const clipForDiscord = (text: string) =>
  text.length <= MAX_CONTENT ? text : `${text.slice(0, MAX_CONTENT - 1)}…`;

/**
 * The message fields and files both senders post: the text, the buttons as an action row, and the
 * picture as the message's one attachment (multipart: the REST client puts the body in payload_json
 * and the bytes in files[0]). Without buttons, `components` is left out, so an edit keeps none.
 */
export function discordMessageOf(message: OutgoingMessage): {
  body: Record<string, unknown>;
  files: RawFile[] | undefined;
} {
  const components = discordComponents(message.buttons);
  const picture = message.picture;
  const body: Record<string, unknown> = {
    // The text can echo what a user typed (a topic): it must never ping @everyone, a role or a member.
    content: clipForDiscord(message.text),
    allowed_mentions: NO_MENTIONS,
    ...(components ? { components } : {}),
    ...(picture ? { attachments: [{ id: 0, filename: picture.fileName }] } : {}),
  };
  const files = picture
    ? [{ name: picture.fileName, data: picture.bytes, contentType: picture.mimeType }]
    : undefined;
  return { body, files };
}

export function createDiscordRest(options: { apiBase: string; timeoutMs: number }): REST {
  return new REST({
    api: options.apiBase,
    version: "10",
    timeout: options.timeoutMs,
    // One request per call, and no waiting out rate limits inside it: the job system retries
    // (after the wait Discord asks for), and a long send would outlive the delivery claim.
    retries: 0,
    rejectOnRateLimit: () => true,
  });
}

/**
 * The client's error as a DeliveryError. Its message quotes the URL or the request, which carry the
 * token (`secret`): only safe fields are kept, the token taken out. `refusalOf` names what a 4xx
 * other than 429 means for this kind of send.
 */
export function discordDeliveryError(
  error: unknown,
  options: { what: string; secret: string; refusalOf: (status: number) => DeliveryFailureReason },
): DeliveryError {
  const { what } = options;
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
    const message = `Discord refused the ${what}: ${status} ${withoutSecrets(error.message, [options.secret])}`;
    if (status === 429 || status >= 500) {
      return new DeliveryError(message, {
        platform: "discord",
        reason: status === 429 ? "rate_limited" : "unavailable",
        retryable: true,
        status,
      });
    }
    return new DeliveryError(message, {
      platform: "discord",
      reason: options.refusalOf(status),
      retryable: false,
      status,
    });
  }
  return new DeliveryError(`Discord ${networkProblemOf(error)}`, {
    platform: "discord",
    reason: "unavailable",
    retryable: true,
  });
}
