// How well a scorer's labels match a labelled set, as the published benchmarks measure it:
// TweetEval sentiment by macro-averaged recall, TFNS by weighted F1.
import { SENTIMENT_LABELS, type SentimentLabel } from "./types.ts";

export interface LabelledPrediction {
  expected: SentimentLabel;
  predicted: SentimentLabel;
}

interface Counts {
  truePositive: number;
  expected: number;
  predicted: number;
}

function countsByLabel(pairs: readonly LabelledPrediction[]): Map<SentimentLabel, Counts> {
  const counts = new Map(
    SENTIMENT_LABELS.map((label) => [label, { truePositive: 0, expected: 0, predicted: 0 }] as const),
  );
  for (const { expected, predicted } of pairs) {
    (counts.get(expected) as Counts).expected += 1;
    (counts.get(predicted) as Counts).predicted += 1;
    if (expected === predicted) (counts.get(expected) as Counts).truePositive += 1;
  }
  return counts;
}

/** The mean of each label's recall, over the labels the set holds. */
export function macroRecall(pairs: readonly LabelledPrediction[]): number {
  const recalls = [...countsByLabel(pairs).values()]
    .filter((counts) => counts.expected > 0)
    .map((counts) => counts.truePositive / counts.expected);
  return recalls.length === 0 ? 0 : recalls.reduce((sum, recall) => sum + recall, 0) / recalls.length;
}

/** Each label's F1 weighted by how many items of the set carry it. */
export function weightedF1(pairs: readonly LabelledPrediction[]): number {
  if (pairs.length === 0) return 0;
  let total = 0;
  for (const counts of countsByLabel(pairs).values()) {
    if (counts.expected === 0) continue;
    const precision = counts.predicted === 0 ? 0 : counts.truePositive / counts.predicted;
    const recall = counts.truePositive / counts.expected;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    total += f1 * counts.expected;
  }
  return total / pairs.length;
}
