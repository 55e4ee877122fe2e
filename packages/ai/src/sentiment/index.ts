export {
  compoundScore,
  labelOf,
  scoreOffline,
  OFFLINE_THRESHOLDS,
  type SentimentThresholds,
} from "./offline.ts";
export { macroRecall, weightedF1, type LabelledPrediction } from "./metrics.ts";
export * from "./types.ts";
