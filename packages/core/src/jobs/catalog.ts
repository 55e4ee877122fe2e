// The job catalog: every kind of background job, its payload schema, retry
// policy and time limit in one place. Producers and processors are typed from it.
import type { z } from "zod";
import { conversationReplySchema } from "../conversation/payload.ts";
import { studioJobs } from "../studio/jobs.ts";
import { sentimentJobs } from "../sentiment/jobs.ts";
import { gatingJobs } from "../gating/jobs.ts";
import { walletJobs } from "../wallets/jobs.ts";
import { usageJobs } from "../usage/jobs.ts";
import { defineJob } from "./job-definition.ts";

export { commandRunSchema, type CommandRun, type JobDefinition } from "./job-definition.ts";

export { MAX_TOPIC_LENGTH } from "../studio/jobs.ts";

export const jobCatalog = {
  ...studioJobs,
  ...sentimentJobs,
  ...gatingJobs,
  ...walletJobs,
  ...usageJobs,
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
