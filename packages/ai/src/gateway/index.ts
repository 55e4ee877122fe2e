export { createModelGateway, type ModelGatewayOptions } from "./gateway.ts";
export type { GatewayLogger } from "./call-loop.ts";
export { ATTEMPT_OUTCOMES, type AttemptOutcome, type CallOutcome, type GatewayMetrics } from "./metrics.ts";
export type * from "./types.ts";
