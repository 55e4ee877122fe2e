export {
  compoundScore,
  labelOf,
  scoreOffline,
  OFFLINE_THRESHOLDS,
  type SentimentThresholds,
} from "./offline.ts";
export { macroRecall, weightedF1, type LabelledPrediction } from "./metrics.ts";
export * from "./types.ts";
export {
  createSentimentScorer,
  sentimentAnswerSchema,
  MAX_SENTIMENT_BATCH,
  MAX_SENTIMENT_MESSAGE_CHARS,
  type SentimentBatchRequest,
  type SentimentMessage,
  type SentimentScorer,
  type SentimentScorerOptions,
} from "./model-scorer.ts";
