export * from "./platform.ts";
export * from "./result.ts";
export * from "./messages/index.ts";
export * from "./settings.ts";
export * from "./settings-store.ts";
export * from "./gate.ts";
export * from "./dispatch.ts";
export * from "./jobs/catalog.ts";
export * from "./jobs/reply-window.ts";
export * from "./commands/types.ts";
export { readArgs, usageOf } from "./commands/args.ts";
export { createRegistry, defaultCommands, type CommandRegistry } from "./commands/registry.ts";
export { commandRunOf } from "./commands/run.ts";
export * from "./usecases/deliver.ts";
export * from "./model-fallback.ts";
export * from "./studio/index.ts";
export * from "./usecases/report-failed-run.ts";
export { parseCommandLine, type CommandLine } from "./commands/command-line.ts";
export * from "./persona/persona.ts";
export * from "./persona/store.ts";
export { personaCommand, MAX_PERSONA_FILE_BYTES } from "./persona/command.ts";
export type { UsageCommunity, UsageReader, UsageRow } from "./usage/reader.ts";
export {
  MAX_REPLY_LENGTH,
  MAX_ROWS_PER_PERIOD,
  renderUsageReport,
  type UsageReport,
} from "./usage/report.ts";
export {
  findUnsafeText,
  normalizeForSafety,
  quotable,
  stripUnsafeText,
  type UnsafeText,
  type UnsafeTextKind,
} from "./safe-text.ts";
export * from "./listen/index.ts";
export * from "./conversation/index.ts";
export * from "./sentiment/index.ts";
export * from "./wallets/index.ts";
export { usageJobs, USAGE_PRUNE_EVERY_MS } from "./usage/jobs.ts";
export { MODEL_CALLS_KEPT_MS, pruneModelCalls, type ModelCallPruneDependencies } from "./usage/prune.ts";
export { deleteInBatches, type BatchedDelete } from "./jobs/batched-delete.ts";
export * from "./gating/index.ts";
export * from "./studio/imagine-types.ts";
export * from "./studio/imagine-cache.ts";
export { answerImagine, type ImagineAttempt, type ImagineDependencies } from "./studio/imagine.ts";
export { imagineCommand } from "./studio/imagine-command.ts";
export { DEFAULT_IMAGE_BLOCKLIST, findBlockedWord, foldForBlocklist } from "./studio/blocklist.ts";
