// What every job definition says, and the run every command job carries. Apart from the catalog so
// feature folders (studio/jobs.ts) can define their jobs without importing the catalog that lists them.
import { z } from "zod";
import { actorSchema, communityRefSchema, replyTargetSchema } from "../platform.ts";
import { languages, type Language } from "../messages/index.ts";
import type { ReplyWindow } from "./reply-window.ts";

/** Who asked what, and where the answer goes: every command job carries this. */
export const commandRunSchema = z.object({
  key: z.string().min(1),
  command: z.string().min(1),
  args: z.string(),
  community: communityRefSchema,
  actor: actorSchema,
  target: replyTargetSchema,
  language: z.enum(languages as [Language, ...Language[]]),
  receivedAt: z.number(),
});
export type CommandRun = z.infer<typeof commandRunSchema>;

export interface JobDefinition<S extends z.ZodType> {
  /** BullMQ queue the job runs on. Each queue has its own workers, so slow kinds do not hold up fast ones. */
  queue: string;
  payload: S;
  attempts: number;
  /** Exponential backoff base between attempts. */
  backoffMs: number;
  /** The attempt is abandoned (and retried) after this long. */
  timeoutMs: number;
  /**
   * When the answer stops being deliverable, if it ever does: attempts are cut off when it closes,
   * and a retry that would start after its last start is not scheduled (the job fails as expired).
   */
  replyWindow?: (payload: z.infer<S>) => ReplyWindow | undefined;
  /**
   * Run on a clock rather than on demand: the worker registers a BullMQ job scheduler for it, so
   * each tick makes one job however many worker replicas are up.
   */
  schedule?: { everyMs: number; payload: z.infer<S> };
}

export const defineJob = <S extends z.ZodType>(definition: JobDefinition<S>) => definition;

/** What a job its scheduler makes carries: only why it runs. */
const scheduledPayloadSchema = z.object({ reason: z.literal("schedule") });

/**
 * A job on a clock, on the `maintenance` queue: the worker registers its BullMQ job scheduler, which
 * makes one job every `everyMs` however many worker replicas are up.
 */
export function defineScheduledJob(definition: {
  everyMs: number;
  attempts: number;
  backoffMs: number;
  timeoutMs: number;
}) {
  const { everyMs, ...retries } = definition;
  return defineJob({
    queue: "maintenance",
    payload: scheduledPayloadSchema,
    ...retries,
    schedule: { everyMs, payload: { reason: "schedule" } },
  });
}

/**
 * A clean-up of old rows every `everyMs` (sentiment.purge, wallet.cleanup, usage.prune): quick
 * database work that neither waits behind pictures nor holds them up. Three tries 30 s apart; a run
 * has 5 minutes (batched-delete.ts's cap of 50 batches of 1,000 fits in it; what is left goes at the
 * next run).
 */
export const defineCleanupJob = (everyMs: number) =>
  defineScheduledJob({ everyMs, attempts: 3, backoffMs: 30_000, timeoutMs: 5 * 60_000 });
