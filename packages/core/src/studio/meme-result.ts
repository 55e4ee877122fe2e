// What a /meme run made, as recorded on its command run (CommandRun.result) and kept for a retried
// job: the topic, the template and the text of each of its boxes. A re-roll reads the topic back
// from here, so the record is the one place a meme's making is remembered.
import { z } from "zod";
import { MODEL_FALLBACK_REASONS } from "../model-fallback.ts";
import { MAX_BOX_TEXT, MAX_TOPIC_LENGTH } from "./jobs.ts";

export const memeResultSchema = z.object({
  topic: z.string().min(1).max(MAX_TOPIC_LENGTH),
  template: z.string().min(1),
  /** Box id → its text, as drawn. */
  texts: z.record(z.string(), z.string().max(MAX_BOX_TEXT)),
  /** The one line posted with the picture. */
  caption: z.string(),
  engine: z.enum(["model", "offline"]),
  model: z.string().optional(),
  /** Why the offline engine wrote it. */
  reason: z.enum(MODEL_FALLBACK_REASONS).optional(),
});
export type MemeResult = z.infer<typeof memeResultSchema>;

/** A recorded result read back; undefined when it is not a meme's (or was written by an older version). */
export function memeResultOf(stored: unknown): MemeResult | undefined {
  const parsed = memeResultSchema.safeParse(stored);
  return parsed.success ? parsed.data : undefined;
}
