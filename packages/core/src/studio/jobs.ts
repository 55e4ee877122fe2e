// The meme studio's background jobs: their payloads, retries and time limits. The job catalog
// (../jobs/catalog.ts) takes them in as they are; the worker gives each its handler.
import { z } from "zod";
import { attachmentRefSchema } from "../platform.ts";
import { replyWindowOf } from "../jobs/reply-window.ts";
import { commandRunSchema, defineJob } from "../jobs/job-definition.ts";

export const MAX_TOPIC_LENGTH = 200;
/** Longest text of one box (a caption line, a panel's label). */
export const MAX_BOX_TEXT = 120;
export const MAX_IMAGINE_IDEA = 300;
export const TEMPLATE_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;

const layoutSchema = z.enum(["classic", "caption-bar", "panels"]);
const textBoxSchema = z.object({
  id: z.string().min(1).max(16),
  label: z.string().max(80),
  x: z.number().int().nonnegative(),
  y: z.number().int().nonnegative(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  style: z.enum(["outlined", "dark"]),
});

// A command job renders and answers within this; a slow model falls back offline well before it.
const PICTURE_JOB = { queue: "commands", attempts: 3, backoffMs: 1_000, timeoutMs: 90_000 } as const;

export const studioJobs = {
  /** /meme: a template chosen and its boxes written (by the model, or offline), rendered and posted. */
  "meme.create": defineJob({
    ...PICTURE_JOB,
    payload: z.object({ run: commandRunSchema, topic: z.string().min(1).max(MAX_TOPIC_LENGTH) }),
    // A Discord answer goes through a 15-minute interaction token.
    replyWindow: (payload) => replyWindowOf(payload.run),
  }),
  "meme.caption": defineJob({
    ...PICTURE_JOB,
    payload: z.object({
      run: commandRunSchema,
      top: z.string().max(MAX_BOX_TEXT),
      bottom: z.string().max(MAX_BOX_TEXT),
      layout: z.enum(["classic", "caption-bar"]),
      picture: attachmentRefSchema,
    }),
    replyWindow: (payload) => replyWindowOf(payload.run),
  }),
  "meme.imagine": defineJob({
    ...PICTURE_JOB,
    // An image model may take a minute or two for one picture.
    timeoutMs: 180_000,
    payload: z.object({ run: commandRunSchema, idea: z.string().min(1).max(MAX_IMAGINE_IDEA) }),
    replyWindow: (payload) => replyWindowOf(payload.run),
  }),
  "template.add": defineJob({
    ...PICTURE_JOB,
    payload: z.object({
      run: commandRunSchema,
      name: z.string().regex(TEMPLATE_NAME_PATTERN),
      picture: attachmentRefSchema,
      layout: layoutSchema,
      /** Boxes as fractions were turned into pixels by the job (it knows the picture's size): absent means the layout's default boxes. */
      boxes: z
        .array(textBoxSchema.extend({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }))
        .max(8)
        .optional(),
      /** The sentence the model chooses templates by; absent: one made from the name. */
      description: z.string().max(200).optional(),
    }),
    replyWindow: (payload) => replyWindowOf(payload.run),
  }),
  "template.list": defineJob({
    ...PICTURE_JOB,
    payload: z.object({ run: commandRunSchema }),
    replyWindow: (payload) => replyWindowOf(payload.run),
  }),
} as const;

export { layoutSchema as memeLayoutSchema, textBoxSchema };
