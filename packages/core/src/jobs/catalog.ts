// The job catalog: every kind of background job, its payload schema, retry
// policy and time limit in one place. Producers and processors are typed from it.
import { z } from "zod";
import { conversationReplySchema } from "../conversation/payload.ts";
import { actorSchema, communityRefSchema, replyTargetSchema } from "../platform.ts";
import { languages, type Language } from "../messages/index.ts";
import { replyWindowOf, type ReplyWindow } from "./reply-window.ts";

export const MAX_TOPIC_LENGTH = 200;

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
}

const defineJob = <S extends z.ZodType>(definition: JobDefinition<S>) => definition;

export const jobCatalog = {
  "meme.text": defineJob({
    queue: "commands",
    payload: z.object({ run: commandRunSchema, topic: z.string().min(1).max(MAX_TOPIC_LENGTH) }),
    attempts: 3,
    backoffMs: 1_000,
    // Longer than the model timeout, so a slow model falls back to the offline engine inside one attempt.
    timeoutMs: 60_000,
    // A Discord answer goes through a 15-minute interaction token.
    replyWindow: (payload) => replyWindowOf(payload.run),
  }),
  "chat.reply": defineJob({
    // A queue of its own: a model thinking over a long answer never holds up a command's job.
    queue: "conversation",
    payload: conversationReplySchema,
    attempts: 3,
    backoffMs: 2_000,
    // Two model calls (the second when the first answer broke the output rules), each within the
    // chat task's deadline (30 s at least), then the parts' sends.
    timeoutMs: 120_000,
  }),
} as const;

export type JobCatalog = typeof jobCatalog;
export type JobName = keyof JobCatalog;
export type JobPayload<N extends JobName> = z.infer<JobCatalog[N]["payload"]>;
/** Every queue a catalog's job kinds run on, each once. */
export const queueNamesOf = (catalog: JobCatalog): string[] => [
  ...new Set(Object.values(catalog).map((definition) => definition.queue)),
];
export const queueNames = queueNamesOf(jobCatalog);
