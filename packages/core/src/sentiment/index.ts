export * from "./mentions.ts";
export * from "./raid-filter.ts";
export * from "./ingest.ts";
export * from "./purge.ts";
export * from "./score.ts";
export * from "./score-trigger.ts";
export { sentimentJobs, CHATTER_PURGE_EVERY_MS } from "./jobs.ts";
export { trackCommand, symbolOf, MAX_ALIASES_PER_TOKEN, type TrackingService } from "./track-command.ts";
