// The answer chosen for a message, kept until every part of it is out. A retried job (a part's
// send failed, the worker died) posts the same answer instead of asking the model again: a new
// answer's parts would not line up with the parts already posted under the same delivery keys.
import type { Redis } from "ioredis";
import { z } from "zod";
import { MODEL_FALLBACK_REASONS } from "../model-fallback.ts";

const keptAnswerSchema = z.object({
  text: z.string().min(1),
  engine: z.enum(["model", "offline"]),
  /** Why the offline engine answered. */
  reason: z.enum(MODEL_FALLBACK_REASONS).optional(),
  /** The gateway's model name, for the run's outcome. */
  model: z.string().optional(),
  /** The answer's time in the history (ms): just after the newest message it answered. */
  at: z.number(),
  /** What else the job made and must post the same on a retry (a meme's template and texts), as data. */
  made: z.record(z.string(), z.unknown()).optional(),
});
export type KeptAnswer = z.infer<typeof keptAnswerSchema>;

export interface AnswerCache {
  get(key: string): Promise<KeptAnswer | undefined>;
  /** Keeps `answer` unless another attempt kept one first; returns the one kept. */
  keep(key: string, answer: KeptAnswer): Promise<KeptAnswer>;
  /** Drops it once every part is out and the history holds it. */
  forget(key: string): Promise<void>;
}

export function createAnswerCache(options: { redis: Redis; prefix: string; ttlMs?: number }): AnswerCache {
  const { redis, prefix } = options;
  // Longer than a job's retries (3 attempts of at most 2 minutes, seconds apart): an hour. A
  // finished job forgets it at once; this only bounds what a job that died midway leaves.
  const ttlMs = options.ttlMs ?? 3_600_000;
  const keyOf = (key: string) => `${prefix}:conversation:answer:${key}`;
  const parse = (raw: string | null) => {
    if (raw === null) return undefined;
    try {
      const parsed = keptAnswerSchema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  };

  return {
    async get(key) {
      return parse(await redis.get(keyOf(key)));
    },
    async keep(key, answer) {
      const stored = await redis.set(keyOf(key), JSON.stringify(answer), "PX", ttlMs, "NX");
      if (stored === "OK") return answer;
      return parse(await redis.get(keyOf(key))) ?? answer;
    },
    async forget(key) {
      await redis.del(keyOf(key));
    },
  };
}
