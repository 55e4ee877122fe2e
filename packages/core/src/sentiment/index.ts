export * from "./mentions.ts";
export * from "./raid-filter.ts";
export * from "./ingest.ts";
export * from "./purge.ts";
export * from "./score.ts";
export * from "./score-trigger.ts";
export { sentimentJobs, CHATTER_PURGE_EVERY_MS } from "./jobs.ts";
export { trackCommand, symbolOf, MAX_ALIASES_PER_TOKEN, type TrackingService } from "./track-command.ts";
export * from "./report.ts";
export { answerSentimentReport, type SentimentReportDependencies } from "./report-job.ts";
export { sentimentCommand, parseSentimentWords, type SentimentArgs } from "./sentiment-command.ts";
export {
  composeSentimentReport,
  sentimentSubject,
  type ComposedSentimentReport,
  type SentimentReportRequest,
} from "./report-job.ts";
export * from "./digest-schedule.ts";
export { digestCommand, digestHourOf, type DigestService, type StoredDigest } from "./digest-command.ts";
export * from "./digest-job.ts";
export { DIGEST_CHECK_EVERY_MS } from "./jobs.ts";
export * from "./alert-rules.ts";
export { alertCommand, type SentimentAlertService } from "./alert-command.ts";
export * from "./alert-check.ts";
