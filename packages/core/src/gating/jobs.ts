// Token gates' background jobs. The job catalog (../jobs/catalog.ts) takes them in as they are; the
// worker gives each its handler (apps/worker/src/gating.ts).
import { z } from "zod";
import { commandRunSchema, defineJob, defineScheduledJob } from "../jobs/job-definition.ts";
import { replyWindowOf } from "../jobs/reply-window.ts";
import { communityRefSchema } from "../platform.ts";

/** How long after a check that could not read the chain (or reach the platform) it is tried again. */
export const GATE_RECHECK_DELAY_MS = 2 * 60_000;

/** How often the sweep starts due passes, re-queues stalled ones and declines expired join requests. */
export const GATE_SWEEP_EVERY_MS = 5 * 60_000;

/**
 * How long a Telegram join request waits for its member to link a wallet that holds enough: an hour
 * gives time to open the link, find the wallet and sign, without leaving the request open for days.
 */
export const JOIN_REQUEST_WINDOW_MS = 60 * 60_000;

const memberIdSchema = z.string().min(1).max(32);

export const gatingJobs = {
  /** /verify: the member's holdings against every gate, roles applied (Discord), answered once. */
  "gate.verify": defineJob({
    // With the other commands someone waits for.
    queue: "commands",
    payload: z.object({ run: commandRunSchema }),
    attempts: 3,
    backoffMs: 1_000,
    // A few RPC requests (each within the RPC's 10 s limit, with fallbacks) and a few Discord calls.
    timeoutMs: 60_000,
    replyWindow: (payload) => replyWindowOf(payload.run),
  }),
  /**
   * A member's check again, after one that could not read the chain or reach the platform: nothing
   * was removed then. Fails (and is retried with backoff) while the chain still cannot be read; each
   * failed check is audited, so the failures are counted.
   */
  "gate.recheck": defineJob({
    queue: "maintenance",
    payload: z.object({ community: communityRefSchema, memberId: memberIdSchema }),
    attempts: 5,
    backoffMs: 60_000,
    timeoutMs: 60_000,
  }),
  /**
   * Re-verification's clock (one job per tick, whatever the number of workers): starts the pass of each
   * community whose interval has passed, re-queues a pass whose next page is long overdue (its job was
   * lost), and declines join requests whose window has passed.
   */
  "gate.sweep": defineScheduledJob({
    everyMs: GATE_SWEEP_EVERY_MS,
    attempts: 1,
    backoffMs: 0,
    timeoutMs: 120_000,
  }),
  /**
   * One page of a community's re-verification pass, after `cursor`; it queues the next page, delayed
   * to spread the pass over its window. The cursor is saved after each page, so a killed worker's
   * page is done again and the pass goes on from there. Throws (and is retried) when the chain could
   * not be read for anyone on the page.
   */
  "gate.pass": defineJob({
    queue: "maintenance",
    payload: z.object({
      community: communityRefSchema,
      /** The pass's start (ms): a page of an older pass, queued before a new one began, does nothing. */
      startedAt: z.number().int().nonnegative(),
      cursor: memberIdSchema.nullable(),
    }),
    attempts: 5,
    backoffMs: 30_000,
    timeoutMs: 120_000,
  }),
  /**
   * A Telegram join request to a gated group: a linked holder is approved at once; anyone else gets a
   * private message with a verification link, and is approved when verified or declined when the
   * window passes (gate.sweep).
   */
  "gate.join": defineJob({
    queue: "commands",
    payload: z.object({
      community: communityRefSchema,
      memberId: memberIdSchema,
      /** Telegram's user_chat_id: the private chat the bot may write to about this request. */
      userChatId: memberIdSchema,
      language: z.string().min(2).max(16),
      requestedAt: z.number().int().nonnegative(),
    }),
    attempts: 3,
    backoffMs: 5_000,
    timeoutMs: 60_000,
  }),
} as const;
