// The prompts written for an /imagine run, kept until its answer is out: a retried job (the images
// endpoint was down, the send failed) uses them instead of asking the model again, so a community is
// charged once per picture and the retry draws what the first attempt meant to.
import type { Redis } from "ioredis";
import { z } from "zod";
import { MODEL_FALLBACK_REASONS } from "../model-fallback.ts";
import { MAX_IMAGE_PROMPT, MAX_NEGATIVE_PROMPT, type ImagePrompt } from "./imagine-types.ts";

const keptPromptSchema = z.object({
  prompt: z.string().min(1).max(MAX_IMAGE_PROMPT),
  negativePrompt: z.string().max(MAX_NEGATIVE_PROMPT),
  engine: z.enum(["model", "offline"]),
  model: z.string().optional(),
  fallbackReason: z.enum(MODEL_FALLBACK_REASONS).optional(),
});

export interface ImaginePromptCache {
  get(key: string): Promise<ImagePrompt | undefined>;
  /** Keeps `prompt` unless another attempt kept one first; returns the one kept. */
  keep(key: string, prompt: ImagePrompt): Promise<ImagePrompt>;
  forget(key: string): Promise<void>;
}

export function createImaginePromptCache(options: {
  redis: Redis;
  prefix: string;
  ttlMs?: number;
}): ImaginePromptCache {
  const { redis, prefix } = options;
  // Outlives the job's three attempts (at most three minutes each); a finished run forgets at once.
  const ttlMs = options.ttlMs ?? 3_600_000;
  const keyOf = (key: string) => `${prefix}:imagine:prompt:${key}`;
  const parse = (raw: string | null): ImagePrompt | undefined => {
    if (raw === null) return undefined;
    try {
      const parsed = keptPromptSchema.safeParse(JSON.parse(raw));
      return parsed.success ? (parsed.data as ImagePrompt) : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    async get(key) {
      return parse(await redis.get(keyOf(key)));
    },
    async keep(key, prompt) {
      const stored = await redis.set(keyOf(key), JSON.stringify(prompt), "PX", ttlMs, "NX");
      if (stored === "OK") return prompt;
      return parse(await redis.get(keyOf(key))) ?? prompt;
    },
    async forget(key) {
      await redis.del(keyOf(key));
    },
  };
}
