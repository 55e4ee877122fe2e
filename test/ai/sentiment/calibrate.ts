// `tsx test/ai/sentiment/calibrate.ts`: the offline scorer's figures on the calibration sets for
// a grid of thresholds, best first, and for the thresholds it ships with. How OFFLINE_THRESHOLDS
// were chosen: the pair that does best on both sets together (each figure over its goal).
import {
  compoundScore,
  labelOf,
  macroRecall,
  OFFLINE_THRESHOLDS,
  weightedF1,
  type SentimentThresholds,
} from "@memebot/ai";
import { tfns, tweetEval, type LabelledText } from "./data.ts";

const scored = (rows: LabelledText[]) =>
  rows.map((row) => ({ expected: row.label, score: compoundScore(row.text) }));
const tweets = scored(tweetEval());
const news = scored(tfns());

function figures(thresholds: SentimentThresholds) {
  const label = (rows: typeof tweets) =>
    rows.map((row) => ({ expected: row.expected, predicted: labelOf(row.score, thresholds) }));
  return { tweetEvalMacroRecall: macroRecall(label(tweets)), tfnsWeightedF1: weightedF1(label(news)) };
}

const grid: Array<SentimentThresholds & ReturnType<typeof figures>> = [];
for (let bullish = 0.05; bullish <= 0.8; bullish += 0.025) {
  for (let bearish = -0.05; bearish >= -0.8; bearish -= 0.025) {
    const thresholds = { bullish: Number(bullish.toFixed(3)), bearish: Number(bearish.toFixed(3)) };
    grid.push({ ...thresholds, ...figures(thresholds) });
  }
}
// Both goals count: rank by the smaller margin over its goal (0.62 and 0.60).
const margin = (row: ReturnType<typeof figures>) =>
  Math.min(row.tweetEvalMacroRecall - 0.62, row.tfnsWeightedF1 - 0.6);
grid.sort((a, b) => margin(b) - margin(a));
const show = (row: SentimentThresholds & ReturnType<typeof figures>) =>
  `bullish ≥ ${row.bullish.toFixed(3)}  bearish ≤ ${row.bearish.toFixed(3)}  ` +
  `TweetEval macro recall ${row.tweetEvalMacroRecall.toFixed(4)}  TFNS weighted F1 ${row.tfnsWeightedF1.toFixed(4)}`;
for (const row of grid.slice(0, 10)) process.stdout.write(`${show(row)}\n`);
process.stdout.write(`\nshipped: ${show({ ...OFFLINE_THRESHOLDS, ...figures(OFFLINE_THRESHOLDS) })}\n`);
const best = (key: "tweetEvalMacroRecall" | "tfnsWeightedF1") =>
  grid.reduce((a, b) => (b[key] > a[key] ? b : a));
process.stdout.write(`best TweetEval alone: ${show(best("tweetEvalMacroRecall"))}\n`);
process.stdout.write(`best TFNS alone:      ${show(best("tfnsWeightedF1"))}\n`);
