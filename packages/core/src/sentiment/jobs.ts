// Chatter sentiment's background jobs. The job catalog (../jobs/catalog.ts) takes them in as they
// are; the worker gives each its handler (apps/worker/src/sentiment.ts).
import { z } from "zod";
import { commandRunSchema, defineCleanupJob, defineJob, defineScheduledJob } from "../jobs/job-definition.ts";
import { replyWindowOf } from "../jobs/reply-window.ts";
import { platformSchema } from "../platform.ts";
import { SENTIMENT_WINDOWS, type SentimentWindow } from "./report.ts";
import { ALERT_CHECK_EVERY_MS } from "./alert-check.ts";

/** How often stored chatter past its community's retention is deleted. */
export const CHATTER_PURGE_EVERY_MS = 60 * 60_000;
/** How often the daily digests are looked at: one is posted at most this long after its hour. */
export const DIGEST_CHECK_EVERY_MS = 5 * 60_000;

export const sentimentJobs = {
  /** Deletes each community's chatter older than its retention (`sentiment.retention_days`). */
  "sentiment.purge": defineCleanupJob(CHATTER_PURGE_EVERY_MS),
  /** /alert: checks every community's alerts and posts each new crossing once (alert-check.ts). */
  "sentiment.alerts": defineScheduledJob({
    // With the purge: quick database reads that neither wait behind pictures nor hold them up.
    everyMs: ALERT_CHECK_EVERY_MS,
    // One quick retry for a database blip; beyond that the next tick, a minute later, checks afresh.
    attempts: 2,
    backoffMs: 5_000,
    // Less than a tick, so two checks seldom overlap (and they are safe when they do).
    timeoutMs: 50_000,
  }),
  /** Scores a community's pending chatter in batches (asked for by ingest: see score-trigger.ts). */
  "sentiment.score": defineJob({
    // A queue of its own: a burst of scoring never holds up commands or conversation answers.
    queue: "sentiment",
    payload: z.object({ platform: platformSchema, externalId: z.string().min(1) }),
    attempts: 3,
    backoffMs: 5_000,
    // Ten rounds of one model call (a second for missing items), each within the task's deadline.
    timeoutMs: 5 * 60_000,
  }),
  /** /sentiment: the report of a window, answered with its chart (drawn here, never in the bot). */
  "sentiment.report": defineJob({
    // With the studio's pictures: a command someone waits for.
    queue: "commands",
    payload: z.object({
      run: commandRunSchema,
      symbol: z.string().min(1).max(10).optional(),
      window: z.enum(Object.keys(SENTIMENT_WINDOWS) as [SentimentWindow, ...SentimentWindow[]]),
    }),
    attempts: 3,
    backoffMs: 1_000,
    timeoutMs: 60_000,
    replyWindow: (payload) => replyWindowOf(payload.run),
  }),
  /** Posts the daily digests (/digest) whose local hour has come and whose day is not done yet. */
  "sentiment.digest": defineScheduledJob({
    // With the purge: a few database reads and, now and then, a chart; nobody waits on it.
    everyMs: DIGEST_CHECK_EVERY_MS,
    attempts: 3,
    backoffMs: 30_000,
    // A chart a digest, a few hundred at most (MAX_DIGESTS_PER_RUN); the next tick takes the rest.
    timeoutMs: 4 * 60_000,
  }),
} as const;
