// How long a job's answer can still reach the chat it was asked in. Telegram and the console take
// an answer at any time. On Discord the worker edits the deferred reply with the interaction's
// token, which Discord accepts for 15 minutes after the interaction was created: an answer (or an
// apology) later than that is lost, so a job must not start, retry or run past it.
import type { CommandRun } from "./catalog.ts";

/** Discord accepts follow-ups and edits with an interaction token for this long. */
export const DISCORD_TOKEN_LIFETIME_MS = 15 * 60_000;

/**
 * An attempt needs at least this much of the window left: a model call (up to LLM_TIMEOUT_MS,
 * 20 s by default) and a send. Starting later would most likely answer into a dead token.
 */
export const MIN_REPLY_TIME_MS = 60_000;

export interface ReplyWindow {
  /** When the answer stops being deliverable (the token dies). */
  closesAt: number;
  /** The last moment an attempt, first or retried, may start: closesAt − MIN_REPLY_TIME_MS. */
  lastStartAt: number;
}

const DISCORD_EPOCH_MS = 1_420_070_400_000n;

/**
 * When Discord created the interaction, read from its snowflake id in a `discord:<id>` run key;
 * undefined for any other key.
 */
export function discordInteractionCreatedAt(key: string): number | undefined {
  const match = /^discord:(\d{1,20})$/.exec(key);
  if (match?.[1] === undefined) return undefined;
  const id = BigInt(match[1]);
  // Snowflakes are 64-bit; anything larger is not one.
  if (id >= 1n << 64n) return undefined;
  return Number((id >> 22n) + DISCORD_EPOCH_MS);
}

/** The window the run's answer must arrive in, or undefined when its platform has none. */
export function replyWindowOf(
  run: Pick<CommandRun, "key" | "target" | "receivedAt">,
): ReplyWindow | undefined {
  if (run.target.platform !== "discord") return undefined;
  // The snowflake is Discord's own clock, and stays honest when an interaction reached us late
  // (a gateway replay after a reconnect). receivedAt bounds it: an id claiming a time after we
  // received the interaction means Discord's clock runs ahead of ours, or the key is no snowflake.
  const snowflakeTime = discordInteractionCreatedAt(run.key);
  const createdAt = snowflakeTime === undefined ? run.receivedAt : Math.min(snowflakeTime, run.receivedAt);
  const closesAt = createdAt + DISCORD_TOKEN_LIFETIME_MS;
  return { closesAt, lastStartAt: closesAt - MIN_REPLY_TIME_MS };
}

/**
 * The job's answer can no longer reach the chat in time: dropped before the model is asked, or a
 * retry that would start too late is not scheduled. Retrying cannot help, and no apology is sent
 * (it would need the same dying token).
 */
export class ReplyExpiredError extends Error {
  override readonly name = "ReplyExpiredError";
  readonly retryable = false;
  constructor(
    readonly closesAt: number,
    readonly stage: "start" | "retry",
    options?: { cause?: unknown },
  ) {
    super(
      stage === "start"
        ? `Reply window closes at ${new Date(closesAt).toISOString()}: too late to start`
        : `Reply window closes at ${new Date(closesAt).toISOString()}: no time left to retry`,
      options,
    );
  }
}

/**
 * Throws ReplyExpiredError when the run's answer could no longer reach the chat in time if the job
 * started now: every command job checks this before asking a model or drawing a picture.
 */
export function throwIfTooLateToStart(
  run: Pick<CommandRun, "key" | "target" | "receivedAt">,
  now: () => number = Date.now,
): void {
  const window = replyWindowOf(run);
  if (window && now() > window.lastStartAt) throw new ReplyExpiredError(window.closesAt, "start");
}
