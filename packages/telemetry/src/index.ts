export { createLogger } from "./logger.ts";
export type { Logger, LoggerOptions } from "./logger.ts";
export { createScrubber, REDACTED } from "./scrub.ts";
export type { Scrubber } from "./scrub.ts";
export { createMetrics } from "./metrics.ts";
export type { JobCountsProvider, JobState, Metrics, MetricsOptions, QueueJobCounts } from "./metrics.ts";
export { createShutdown, whenAborted } from "./shutdown.ts";
export type { Shutdown, ShutdownOptions, ShutdownStep, SignalSource } from "./shutdown.ts";
