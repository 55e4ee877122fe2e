// The meme writer the worker uses: the configured model when LLM_BASE_URL is set, the
// offline templates otherwise (and whenever the model fails).
import { createChatModel, createMemeTextWriter } from "@memebot/ai";
import type { Env } from "@memebot/config";
import type { MemeTextWriter } from "@memebot/core";
import type { Logger, Metrics } from "@memebot/telemetry";

export function createWorkerMemeWriter(env: Env, logger: Logger, metrics: Metrics): MemeTextWriter {
  const model = env.LLM_BASE_URL
    ? createChatModel({
        baseURL: env.LLM_BASE_URL,
        apiKey: env.LLM_API_KEY,
        model: env.LLM_MODEL,
        timeoutMs: env.LLM_TIMEOUT_MS,
        onRequest: ({ model: name, outcome, durationMs }) =>
          metrics.modelRequestSeconds.observe({ model: name, outcome }, durationMs / 1000),
      })
    : undefined;
  const writer = createMemeTextWriter({ ...(model ? { model } : {}), logger });
  return (request) => writer.write(request);
}
