// What the gateway reports for monitoring. Shaped like prom-client's Counter, Histogram and
// Gauge, so the telemetry package's metrics plug in directly. Every label comes from the
// configuration (provider, model and task names) or from the fixed outcome sets below, never
// from a user's words or a model's answer.
import type { ModelCallRecord } from "./types.ts";

/** How one request to one provider ended. */
export type AttemptOutcome =
  | "ok"
  /** The model answered, but not with valid output. */
  | "invalid"
  | "timeout"
  | "connection_failed"
  | "server_error"
  | "rate_limited"
  /** 400/401/403/404/422: a wrong key, model id or an unsupported request. */
  | "rejected"
  /** A 200 that was not a completion (a proxy's error page, no choices). */
  | "bad_response"
  /** The caller gave up. */
  | "aborted";

export const ATTEMPT_OUTCOMES: readonly AttemptOutcome[] = [
  "ok",
  "invalid",
  "timeout",
  "connection_failed",
  "server_error",
  "rate_limited",
  "rejected",
  "bad_response",
  "aborted",
];

export type CallOutcome = ModelCallRecord["outcome"];

export interface GatewayMetrics {
  /** One per request sent to a provider (a repair round is a second request). */
  requests: { inc(labels: { provider: string; model: string; task: string; outcome: AttemptOutcome }): void };
  /** Each request's duration, in seconds. */
  latency: { observe(labels: { provider: string; model: string; task: string }, seconds: number): void };
  /** 1 while the provider's circuit breaker is open (or half-open), 0 once it closes. */
  breakerOpen: { set(labels: { provider: string }, value: number): void };
  /** One per call, by how it ended. */
  calls: { inc(labels: { task: string; outcome: CallOutcome }): void };
}
