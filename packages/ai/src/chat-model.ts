// A small JSON-only view of an OpenAI-compatible chat server (vLLM, SGLang, llama.cpp,
// Ollama, LM Studio, OpenRouter…). The real `openai` client does the HTTP and retries;
// this turns every outcome into a validated value or one of two typed errors.
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { z } from "zod";
import { ModelResponseError, ModelUnavailableError } from "./errors.ts";
import { extractJson } from "./json.ts";

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
      const typed = toTypedError(error, {
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
    const text = answerText(completion, model);
    let json: unknown;
    try {
      json = extractJson(text);
    } catch (error) {
      if (error instanceof ModelResponseError) {
        throw new ModelResponseError(error.reason, { model, excerpt: text });
      }
      throw error;
    }
    const parsed = request.schema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map(
        (issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`,
      );
      throw new ModelResponseError("schema_mismatch", { model, excerpt: text, issues });
    }
    return parsed.data;
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

/** The message text; reasoning servers (vLLM --reasoning-parser) may leave it empty and put everything in reasoning_content. */
function answerText(completion: unknown, model: string): string {
  if (typeof completion !== "object" || completion === null) {
    // A proxy's HTML page or plain text: the client hands it over as a string.
    throw new ModelResponseError("invalid_body", { model, excerpt: String(completion) });
  }
  const choices = (completion as { choices?: unknown }).choices;
  const message: unknown = Array.isArray(choices) ? choices[0]?.message : undefined;
  if (typeof message !== "object" || message === null) {
    throw new ModelResponseError("empty_choices", { model });
  }
  const fields = message as Record<string, unknown>;
  for (const key of ["content", "reasoning_content", "reasoning"]) {
    const value = fields[key];
    if (typeof value === "string" && value.trim() !== "") return value;
  }
  return "";
}

const jsonSchemas = new WeakMap<z.ZodType, Record<string, unknown>>();

function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  let cached = jsonSchemas.get(schema);
  if (!cached) {
    // Servers turn the schema into a grammar; the meta-schema URL is noise to them.
    const { $schema: _metaSchema, ...rest } = z.toJSONSchema(schema) as Record<string, unknown>;
    cached = rest;
    jsonSchemas.set(schema, cached);
  }
  return cached;
}

function toTypedError(
  error: unknown,
  context: { model: string; callerAborted: boolean; deadlinePassed: boolean },
): unknown {
  const { model } = context;
  if (error instanceof ModelResponseError || error instanceof ModelUnavailableError) return error;
  // Checked first: an abort surfaces as APIUserAbortError, a DOMException or our own reason.
  if (context.callerAborted) return new ModelUnavailableError("aborted", { model });
  if (context.deadlinePassed) return new ModelUnavailableError("timeout", { model });
  if (error instanceof APIConnectionTimeoutError) return new ModelUnavailableError("timeout", { model });
  if (error instanceof APIConnectionError) return new ModelUnavailableError("connection_failed", { model });
  if (error instanceof APIUserAbortError) return new ModelUnavailableError("aborted", { model });
  if (error instanceof APIError && typeof error.status === "number") {
    const { status } = error;
    if (status === 429) return new ModelUnavailableError("rate_limited", { model, status });
    if (status >= 500) return new ModelUnavailableError("server_error", { model, status });
    // 400/401/403/404/422: a wrong key, model name or an unsupported request. Retrying will not help.
    return new ModelUnavailableError("rejected", { model, status });
  }
  // The server said application/json but sent something else.
  if (error instanceof SyntaxError) return new ModelResponseError("invalid_body", { model });
  return error;
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
