export {
  ModelResponseError,
  ModelUnavailableError,
  type ModelResponseReason,
  type ModelUnavailableReason,
} from "./errors.ts";
export { extractJson } from "./json.ts";
export {
  createOfflineMemeEngine,
  sanitizeTopic,
  OFFLINE_TEMPLATES,
  type OfflineEngine,
  type OfflineEngineOptions,
  type OfflineMemeText,
} from "./offline-engine.ts";
export {
  createMemeDraftWriter,
  memeDraftSchema,
  MAX_DRAFT_BOX_CHARS,
  MAX_DRAFT_CAPTION_CHARS,
  type MemeDraftWriter,
  type MemeDraftWriterOptions,
} from "./meme-draft.ts";
export {
  createTokenBudgetLedger,
  utcDay,
  LEDGER_TTL_SECONDS,
  type TokenBudgetLedgerOptions,
} from "./accounting/budget-ledger.ts";
export {
  checkModels,
  everyModelReachable,
  formatRows,
  type ModelCheckOptions,
  type ModelCheckRow,
  type SchemaSupport,
} from "./models-check.ts";
export {
  createModelGateway,
  ATTEMPT_OUTCOMES,
  type AttemptOutcome,
  type CallOutcome,
  type GatewayLogger,
  type GatewayMetrics,
  type ModelGatewayOptions,
} from "./gateway/index.ts";
export type * from "./gateway/types.ts";
export {
  createImagePromptWriter,
  imagePromptSchema,
  offlineImagePrompt,
  OFFLINE_NEGATIVE_PROMPT,
  type ImagePromptWriter,
  type ImagePromptWriterOptions,
} from "./image-prompt.ts";
export {
  createImagesClient,
  fitPicture,
  NEGATIVE_PROMPT_MODES,
  PICTURE_LIMITS,
  type ImagesClient,
  type ImagesClientOptions,
  type NegativePromptMode,
} from "./images.ts";
export * from "./sentiment/index.ts";
