// What a failed request to an OpenAI-compatible server means, as one of our typed errors.
// Used by the gateway, which runs the openai client.
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { ModelResponseError, ModelUnavailableError } from "./errors.ts";

export interface FailureContext {
  model: string;
  /** The caller's own signal fired: whatever the client threw, the request was aborted. */
  callerAborted: boolean;
  /** Our deadline for the request passed: whatever the client threw, it timed out. */
  deadlinePassed: boolean;
}

/**
 * ModelUnavailableError (timeout, connection_failed, aborted, rate_limited, server_error, rejected)
 * or ModelResponseError (invalid_body) for the client's errors; anything else is returned as it is
 * (a bug, not an outside failure). Messages name only the model and the HTTP status.
 */
export function classifyModelFailure(error: unknown, context: FailureContext): unknown {
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

/** How long a 429 asked us to wait (`retry-after-ms`, else `retry-after` in seconds or as a date); undefined if it did not say. */
export function retryAfterMsOf(error: unknown, nowMs: number = Date.now()): number | undefined {
  if (!(error instanceof APIError) || !(error.headers instanceof Headers)) return undefined;
  const milliseconds = Number.parseFloat(error.headers.get("retry-after-ms") ?? "");
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const header = error.headers.get("retry-after");
  if (header === null) return undefined;
  const seconds = Number.parseFloat(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** Rejects as soon as the signal fires, without waiting for `work` to notice it. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // A listener object (method shorthand): under tsx, an arrow kept in a const gets its name set
    // by a defineProperty call each time, a measurable cost on the gateway's path.
    const onAbort = {
      handleEvent() {
        reject(signal.reason);
      },
    };
    if (signal.aborted) onAbort.handleEvent();
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
