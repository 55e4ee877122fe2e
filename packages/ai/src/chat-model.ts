// A small JSON-only view of an OpenAI-compatible chat server (vLLM, SGLang, llama.cpp,
// Ollama, LM Studio, OpenRouter…). The real `openai` client does the HTTP and retries;
// this turns every outcome into a validated value or one of two typed errors.
import OpenAI from "openai";
import type { z } from "zod";
import { answerText, jsonSchemaOf, parseJsonAnswer } from "./completion.ts";
import { ModelResponseError } from "./errors.ts";
import { classifyModelFailure, untilAborted } from "./model-failure.ts";

export type ModelRequestOutcome = "ok" | "unavailable" | "invalid";

export interface ModelRequestSample {
  model: string;
  durationMs: number;
  outcome: ModelRequestOutcome;
}

export interface ChatModelOptions {
  baseURL: string;
  /** Most self-hosted servers ignore it, but the openai client refuses to start without one. */
  apiKey?: string;
  model: string;
  /** Bounds a whole completeJson call, the client's retries included. */
  timeoutMs: number;
  /** Retries of connection errors, 408/409/429 and 5xx inside the time budget. Default 2. */
  maxRetries?: number;
  /** Called once per completeJson call (not per retry), e.g. to feed a latency histogram. */
  onRequest?: (sample: ModelRequestSample) => void;
  fetch?: typeof fetch;
}

export interface JsonCompletionRequest<T> {
  system: string;
  user: string;
  schema: z.ZodType<T>;
  /** Sent as json_schema.name: letters, digits, _ and - only. */
  schemaName: string;
  temperature?: number;
  maxTokens?: number;
  signal?: AbortSignal;
}

export interface ChatModel {
  readonly model: string;
  /**
   * Asks for JSON matching `schema`. Throws ModelUnavailableError (unreachable, timeout,
   * 5xx/429 after retries, aborted) or ModelResponseError (no JSON, schema mismatch, empty choices).
   */
  completeJson<T>(request: JsonCompletionRequest<T>): Promise<T>;
}

const DEFAULT_MAX_RETRIES = 2;

export function createChatModel(options: ChatModelOptions): ChatModel {
  const { model, timeoutMs, onRequest } = options;
  const client = new OpenAI({
    baseURL: options.baseURL,
    apiKey: options.apiKey ?? "not-needed",
    // Per attempt; our own deadline below caps the whole call.
    timeout: timeoutMs,
    maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
    // Do not forward OPENAI_ORG_ID / OPENAI_PROJECT_ID from the environment to a self-hosted server.
    organization: null,
    project: null,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });

  async function completeJson<T>(request: JsonCompletionRequest<T>): Promise<T> {
    const started = performance.now();
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, deadline.signal]) : deadline.signal;
    let outcome: ModelRequestOutcome = "ok";
    try {
      // The client sleeps between retries without watching the signal; do not wait for it.
      return await untilAborted(requestJson(request, signal), signal);
    } catch (error) {
      const typed = classifyModelFailure(error, {
        model,
        callerAborted: request.signal?.aborted === true,
        deadlinePassed: deadline.signal.aborted,
      });
      outcome = typed instanceof ModelResponseError ? "invalid" : "unavailable";
      throw typed;
    } finally {
      clearTimeout(timer);
      reportSample(onRequest, { model, durationMs: performance.now() - started, outcome });
    }
  }

  async function requestJson<T>(request: JsonCompletionRequest<T>, signal: AbortSignal): Promise<T> {
    const completion: unknown = await client.chat.completions.create(
      {
        model,
        messages: [
          { role: "system", content: request.system },
          { role: "user", content: request.user },
        ],
        response_format: {
          type: "json_schema",
          json_schema: { name: request.schemaName, strict: true, schema: jsonSchemaOf(request.schema) },
        },
        // max_tokens, not max_completion_tokens: the one every self-hosted server understands.
        ...(request.maxTokens === undefined ? {} : { max_tokens: request.maxTokens }),
        ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      },
      { signal },
    );
    return parseJsonAnswer(answerText(completion, model), request.schema, model);
  }

  return { model, completeJson };
}

function reportSample(onRequest: ChatModelOptions["onRequest"], sample: ModelRequestSample): void {
  try {
    onRequest?.(sample);
  } catch {
    // A broken metrics hook must not turn a good answer into a failure (or hide the real error).
  }
}
