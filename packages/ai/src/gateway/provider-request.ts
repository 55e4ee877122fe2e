// One request to one provider, JSON or streamed, bounded by its own timeout. Every way it can
// fail becomes an AttemptFailure with a fixed outcome; the caller's abort is rethrown as is.
import type OpenAI from "openai";
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
} from "openai/resources/chat/completions";
import { answerText, estimatedUsage, usageOf, type TokenUsage } from "../completion.ts";
import { ModelResponseError, ModelUnavailableError } from "../errors.ts";
import { classifyModelFailure, retryAfterMsOf } from "../model-failure.ts";
import { linkedAbort, type LinkedAbort } from "./abort.ts";
import type { AttemptOutcome } from "./metrics.ts";
import { visibleText } from "./visible-text.ts";

export type ChatBody = Omit<ChatCompletionCreateParamsNonStreaming, "stream" | "stream_options">;

export interface ProviderAnswer {
  /** The answer as the model wrote it (think blocks included). */
  text: string;
  usage: TokenUsage;
  /** The server sent no usage: `usage` is estimated from the characters sent and received. */
  usageEstimated: boolean;
}

/** The server's usage, or an estimate when it sent none. */
function answerOf(body: ChatBody, text: string, reported: TokenUsage | undefined): ProviderAnswer {
  return reported
    ? { text, usage: reported, usageEstimated: false }
    : { text, usage: estimatedUsage(body.messages, text), usageEstimated: true };
}

export interface RequestBounds {
  /** The caller's signal and the call's deadline together. */
  signal: AbortSignal;
  /** The caller's own signal: when it fired, its reason is rethrown rather than classified. */
  callerSignal: AbortSignal | undefined;
  timeoutMs: number;
}

/** A request that got no usable answer; `outcome` says how (never "ok" or "invalid"). */
export class AttemptFailure extends Error {
  override readonly name = "AttemptFailure";
  constructor(
    readonly outcome: Exclude<AttemptOutcome, "ok" | "invalid">,
    readonly status: number | undefined,
    /** For a 429: how long the provider asked us to wait, when it said. */
    readonly retryAfterMs: number | undefined,
    /** For an error we did not expect: its name (never its message, which we did not write). */
    readonly causeName?: string,
  ) {
    super(`request failed: ${outcome}${status === undefined ? "" : ` (HTTP ${status})`}`);
  }
}

export async function requestCompletion(
  client: OpenAI,
  body: ChatBody,
  bounds: RequestBounds,
): Promise<ProviderAnswer> {
  return bounded(body.model, bounds, async (signal) => {
    const completion: unknown = await client.chat.completions.create({ ...body, stream: false }, { signal });
    return answerOf(body, answerText(completion, body.model), usageOf(completion));
  });
}

export interface StreamOptions {
  /** A provider that has not sent a token by then fails (it accepted the request but does not speak). */
  firstTokenTimeoutMs: number;
  onText?: (soFar: string) => void;
}

export async function requestStream(
  client: OpenAI,
  body: ChatBody,
  bounds: RequestBounds,
  options: StreamOptions,
): Promise<ProviderAnswer> {
  return bounded(body.model, bounds, async (signal, timedOut) => {
    const silence = setTimeout(timedOut, Math.min(options.firstTokenTimeoutMs, bounds.timeoutMs));
    try {
      const stream = await client.chat.completions.create(
        { ...body, stream: true, stream_options: { include_usage: true } },
        { signal },
      );
      let text = "";
      let shown = "";
      let usage: TokenUsage | undefined;
      try {
        for await (const chunk of stream) {
          if (chunk.usage) usage = usageOf(chunk) ?? usage;
          const { content, reasoning } = deltaOf(chunk);
          // Reasoning sent apart (vLLM --reasoning-parser) is the model speaking too; it is never shown.
          if (content !== "" || reasoning !== "") clearTimeout(silence);
          if (content === "") continue;
          text += content;
          const visible = visibleText(text);
          if (visible !== shown) {
            shown = visible;
            showProgress(options.onText, visible);
          }
        }
      } catch (error) {
        // A stream cut off mid-answer: undici reports the broken body as TypeError("terminated").
        if (error instanceof TypeError && !signal.aborted) {
          throw new ModelUnavailableError("connection_failed", { model: body.model });
        }
        throw error;
      }
      return answerOf(body, text, usage);
    } finally {
      clearTimeout(silence);
    }
  });
}

function deltaOf(chunk: ChatCompletionChunk): { content: string; reasoning: string } {
  const delta = chunk.choices[0]?.delta as Record<string, unknown> | undefined;
  const text = (value: unknown) => (typeof value === "string" ? value : "");
  return {
    content: text(delta?.content),
    reasoning: text(delta?.reasoning_content) || text(delta?.reasoning),
  };
}

function showProgress(onText: StreamOptions["onText"], soFar: string): void {
  try {
    onText?.(soFar);
  } catch {
    // The caller's display failing must not fail the answer; it gets the whole text at the end.
  }
}

/** Runs `work` under the request's timeout and turns its failures into AttemptFailure. */
async function bounded<T>(
  model: string,
  bounds: RequestBounds,
  work: (signal: AbortSignal, timedOut: () => void) => Promise<T>,
): Promise<T> {
  const abort = linkedAbort(bounds.signal);
  const timer = setTimeout(abortTimedOut, bounds.timeoutMs, abort, model);
  const { signal } = abort;
  try {
    // The client rejects once the signal fires (it makes no retries here, so no untimed sleeps)...
    const result = await work(signal, () => abortTimedOut(abort, model));
    // ...but a stream that is aborted just stops: an answer cut short is no answer.
    if (signal.aborted) throw signal.reason;
    return result;
  } catch (error) {
    if (bounds.callerSignal?.aborted) throw bounds.callerSignal.reason;
    throw failureOf(error, model, signal.aborted);
  } finally {
    clearTimeout(timer);
    abort.dispose();
  }
}

/** The request's own timeout (a module function, not a closure per request). */
function abortTimedOut(abort: LinkedAbort, model: string): void {
  abort.abort(new ModelUnavailableError("timeout", { model }));
}

function failureOf(error: unknown, model: string, deadlinePassed: boolean): unknown {
  const typed = classifyModelFailure(error, { model, callerAborted: false, deadlinePassed });
  if (typed instanceof ModelUnavailableError) {
    const retryAfterMs = typed.reason === "rate_limited" ? retryAfterMsOf(error) : undefined;
    return new AttemptFailure(typed.reason, typed.status, retryAfterMs);
  }
  // A 200 that is not a completion (a proxy's HTML page, no choices): the provider is broken, not the model.
  if (typed instanceof ModelResponseError) return new AttemptFailure("bad_response", undefined, undefined);
  // Anything else is unexpected (a client bug, an answer shaped so it breaks the client): it still
  // only costs this provider its turn, and the call goes on.
  return new AttemptFailure(
    "bad_response",
    undefined,
    undefined,
    typed instanceof Error ? typed.name : "unknown",
  );
}
