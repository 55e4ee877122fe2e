import type { Platform } from "@memebot/core";

/** Stable ids for why a message did not go out. */
export type DeliveryFailureReason =
  /** The platform asked us to slow down; `retryAfterMs` says for how long. */
  | "rate_limited"
  /** No answer: network error, timeout, or a 5xx. */
  | "unavailable"
  /** The bot may not post there: blocked by the user, kicked from the group, missing rights. */
  | "forbidden"
  /** The request itself was refused (chat not found, bad parameters, bad bot token…). */
  | "rejected"
  /** A Discord interaction token that expired (15 minutes) or never existed. */
  | "expired"
  /** Another attempt is sending this very message right now. */
  | "in_progress"
  /** No console session is listening for the answer any more. */
  | "no_listener";

/**
 * A message could not be delivered. `retryable` tells the job system whether another attempt
 * can help. Messages are built from our own words and the platform's description only: never
 * from URLs or request options, so bot and interaction tokens cannot leak into logs.
 */
export class DeliveryError extends Error {
  override readonly name = "DeliveryError";
  readonly platform: Platform;
  readonly reason: DeliveryFailureReason;
  readonly retryable: boolean;
  /** How long the platform (or the current sender) asks us to wait before trying again. */
  readonly retryAfterMs: number | undefined;
  /** HTTP status (or Telegram error_code) when the platform answered with an error. */
  readonly status: number | undefined;

  constructor(
    message: string,
    fields: {
      platform: Platform;
      reason: DeliveryFailureReason;
      retryable: boolean;
      retryAfterMs?: number;
      status?: number;
    },
  ) {
    super(message);
    this.platform = fields.platform;
    this.reason = fields.reason;
    this.retryable = fields.retryable;
    this.retryAfterMs = fields.retryAfterMs;
    this.status = fields.status;
  }
}

/** Removes every occurrence of the given secrets from a text destined for an error message. */
export function withoutSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let clean = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) clean = clean.split(secret).join("[redacted]");
  }
  return clean;
}

/** A short, token-free description of a network-level failure (ECONNREFUSED, timeout…). */
export function networkProblemOf(error: unknown): string {
  if (typeof error !== "object" || error === null) return "request failed";
  const { name, code, cause } = error as { name?: unknown; code?: unknown; cause?: unknown };
  if (name === "AbortError" || name === "TimeoutError") return "request timed out";
  if (typeof code === "string") return `request failed (${code})`;
  const causeCode = (cause as { code?: unknown } | undefined)?.code;
  if (typeof causeCode === "string") return `request failed (${causeCode})`;
  return "request failed";
}
