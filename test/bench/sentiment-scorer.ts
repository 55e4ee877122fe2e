// `pnpm bench:sentiment-scorer`: the offline sentiment scorer's messages per second on one core
// (goal: at least 50,000). Messages are the calibration sets' texts (../shared/data/sentiment),
// scored over and over for a few seconds after a warm-up.
import { scoreOffline } from "@memebot/ai";
import { tfns, tweetEval } from "../ai/sentiment/data.ts";

const texts = [...tweetEval(), ...tfns()].map((row) => row.text);
const run = (ms: number) => {
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (const text of texts) scoreOffline(text);
    count += texts.length;
  }
  return (count * 1000) / (performance.now() - start);
};
run(1_000);
const perSecond = run(4_000);
const averageChars = texts.reduce((sum, text) => sum + text.length, 0) / texts.length;
process.stdout.write(
  `offline sentiment scorer: ${Math.round(perSecond).toLocaleString("en")} messages/s on one core ` +
    `(${texts.length} messages of ${averageChars.toFixed(0)} characters on average; goal 50,000)\n`,
);
