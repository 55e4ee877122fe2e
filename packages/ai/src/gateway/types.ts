// What the rest of the platform sees of the model gateway. Every call names its task and the
// community it is made for; expected failures come back as values with a stable reason (the
// caller then answers from its task's offline engine and says so), never as thrown errors.
import type { ModelTask } from "@memebot/config";
import type { ModelFallbackReason } from "@memebot/core";
import type { z } from "zod";

export type { ModelTask };

export interface GatewayMessage {
  role: "user" | "assistant";
  content: string;
}

/** The community a call is made for: it pays (accounting, budget) and may prefer a model. */
export interface CallCommunity {
  platform: string;
  externalId: string;
}

export interface CallScope {
  task: ModelTask;
  /** Absent when no community pays for the call (a tool the operator runs): nothing is charged then. */
  community?: CallCommunity;
  /** The community's chosen model for this task (a configured model name), tried before the task's list. */
  preferredModel?: string;
  /** The community's daily token budget; undefined or 0 for none. Past it the call is refused as "over_budget". */
  dailyTokenBudget?: number;
  /** The caller's abort: the call rejects with signal.reason, like fetch, and records nothing as the model's fault. */
  signal?: AbortSignal;
}

export interface TextCallRequest extends CallScope {
  system: string;
  /** After the system prompt; users' words go here, delimited by the caller, never into `system`. */
  messages: readonly GatewayMessage[];
  /** Called with the text so far while the answer streams in (conversation). */
  onText?: (soFar: string) => void;
}

export interface JsonCallRequest<T> extends CallScope {
  system: string;
  messages: readonly GatewayMessage[];
  schema: z.ZodType<T>;
  /** Sent as json_schema.name: letters, digits, _ and - only. */
  schemaName: string;
}

/** Why a call gave no model answer (see ModelFallbackReason); the caller's offline answer is labelled with it. */
export type GatewayFallbackReason = ModelFallbackReason;

export interface GatewayAnswer<T> {
  ok: true;
  value: T;
  provider: string;
  /** The gateway's model name. */
  model: string;
  tokensIn: number;
  tokensOut: number;
  latencyMs: number;
}

export interface GatewayFallback {
  ok: false;
  reason: GatewayFallbackReason;
  /** For logs: which providers were tried and how each failed. Never shown to users. */
  detail?: string;
}

export type GatewayResult<T> = GatewayAnswer<T> | GatewayFallback;

export interface ModelGateway {
  text(request: TextCallRequest): Promise<GatewayResult<string>>;
  json<T>(request: JsonCallRequest<T>): Promise<GatewayResult<T>>;
  /** Configured model names, for /config's choices. */
  modelNames(): readonly string[];
  /** Flushes accounting still buffered and closes the recorder. Bound it with the shutdown's signal: it may wait on the database. */
  close(): Promise<void>;
}

/** One row of accounting: every call, answered or not, per community. */
export interface ModelCallRecord {
  community?: CallCommunity;
  task: ModelTask;
  /** "offline" when no provider answered. */
  provider: string;
  model: string;
  /**
   * "aborted": the caller gave up (a shutdown, a job's time limit), so no provider is to blame;
   * "unavailable": no provider answered within the deadline.
   */
  outcome: "ok" | "invalid" | "unavailable" | "over_budget" | "not_configured" | "aborted";
  tokensIn: number;
  tokensOut: number;
  latencyMs: number;
  at: Date;
}

/** Where accounting goes (the database, batched). */
export interface ModelCallRecorder {
  record(call: ModelCallRecord): void;
  /** Writes what is buffered. */
  flush(): Promise<void>;
  /** Stops its timers and writes what is buffered; the gateway's close() calls it (else flush()). */
  close?(): Promise<void>;
}

/** Tokens a community spent today (UTC), shared by every process. */
export interface TokenBudgetLedger {
  spentToday(community: CallCommunity): Promise<number>;
  /** What spentToday would answer from memory, without asking anyone; undefined when it would have to ask. */
  peek?(community: CallCommunity): number | undefined;
  add(community: CallCommunity, tokens: number): Promise<void>;
}
