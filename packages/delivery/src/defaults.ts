/**
 * Upper bound of one platform request. Keep it below the delivery claim's lifetime
 * (createDeliverOnce's claimTtlMs), or a slow send could be repeated by another attempt.
 */
export const DEFAULT_SEND_TIMEOUT_MS = 15_000;
