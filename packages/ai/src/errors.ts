// Failures of the model server are typed errors with a short, stable `reason`.
// Messages are built only from our own words, the model name and the HTTP status:
// never from request options, so the API key cannot leak into logs.

export type ModelUnavailableReason =
  "timeout" | "connection_failed" | "aborted" | "rate_limited" | "server_error" | "rejected";

export type ModelResponseReason = "no_json" | "schema_mismatch" | "empty_choices" | "invalid_body";

/** The model server could not be reached or refused to answer (after the client's retries). */
export class ModelUnavailableError extends Error {
  override readonly name = "ModelUnavailableError";
  readonly reason: ModelUnavailableReason;
  /** HTTP status when the server answered with an error status. */
  readonly status: number | undefined;

  constructor(reason: ModelUnavailableReason, options: { model?: string; status?: number } = {}) {
    const who = options.model ? `model "${options.model}"` : "model";
    const status = options.status === undefined ? "" : ` (HTTP ${options.status})`;
    super(`The ${who} is unavailable: ${reason}${status}`);
    this.reason = reason;
    this.status = options.status;
  }
}

/** The model server answered, but the answer was not the JSON we asked for. */
export class ModelResponseError extends Error {
  override readonly name = "ModelResponseError";
  readonly reason: ModelResponseReason;
  /** The start of the model's text, for debugging; kept out of `message` so log lines stay short. */
  readonly excerpt: string | undefined;
  /** For schema mismatches: which fields failed, e.g. ["top: Too big: expected string to have <=80 characters"]. */
  readonly issues: readonly string[];

  constructor(
    reason: ModelResponseReason,
    options: { model?: string; excerpt?: string; issues?: readonly string[] } = {},
  ) {
    const who = options.model ? `model "${options.model}"` : "model";
    const issues = options.issues?.length ? `: ${options.issues.slice(0, 3).join("; ")}` : "";
    super(`The ${who} gave an unusable answer: ${reason}${issues}`);
    this.reason = reason;
    this.excerpt = options.excerpt === undefined ? undefined : excerptOf(options.excerpt);
    this.issues = options.issues ?? [];
  }
}

const EXCERPT_CHARS = 200;

function excerptOf(text: string): string {
  return text.length <= EXCERPT_CHARS ? text : `${text.slice(0, EXCERPT_CHARS)}…`;
}
