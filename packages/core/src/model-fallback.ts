/**
 * Why a task answered from its offline engine instead of a model; users are told which.
 * - not_configured: no provider serves the task's models (nothing configured);
 * - unavailable: every candidate timed out, failed, was rate-limited or had its circuit open, within the deadline;
 * - invalid_response: a model answered, but not with valid output even after the repair round;
 * - over_budget: the community spent its daily token budget.
 */
export const MODEL_FALLBACK_REASONS = [
  "not_configured",
  "unavailable",
  "invalid_response",
  "over_budget",
] as const;
export type ModelFallbackReason = (typeof MODEL_FALLBACK_REASONS)[number];
