// The public labelled sets the offline scorer is calibrated on (../shared/data/sentiment, see its
// README): read from SENTIMENT_DATA_DIR, else <repo>/../shared/data/sentiment, else
// /work/shared/data/sentiment. Missing data is an error, never a skipped check.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { SentimentLabel } from "@memebot/ai";

export interface LabelledText {
  text: string;
  label: SentimentLabel;
}

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const CANDIDATES = [
  process.env.SENTIMENT_DATA_DIR,
  join(REPO, "../shared/data/sentiment"),
  "/work/shared/data/sentiment",
].filter((dir): dir is string => dir !== undefined && dir !== "");

const TWEETEVAL_TEXT = "tweeteval-val.text.txt";
const TWEETEVAL_LABELS = "tweeteval-val.labels.txt";
const TFNS = "tfns-valid.csv";

export function sentimentDataDir(): string {
  const found = CANDIDATES.find(
    (dir) => existsSync(join(dir, TWEETEVAL_TEXT)) && existsSync(join(dir, TFNS)),
  );
  if (!found) {
    throw new Error(
      `The sentiment calibration data (${TWEETEVAL_TEXT}, ${TWEETEVAL_LABELS}, ${TFNS}) is in none of: ` +
        `${CANDIDATES.join(", ")}. Set SENTIMENT_DATA_DIR to the folder that holds it.`,
    );
  }
  return found;
}

// TweetEval: 0 negative, 1 neutral, 2 positive.
const TWEETEVAL_LABEL: Record<string, SentimentLabel> = { "0": "bearish", "1": "neutral", "2": "bullish" };
// TFNS: 0 bearish, 1 bullish, 2 neutral.
const TFNS_LABEL: Record<string, SentimentLabel> = { "0": "bearish", "1": "bullish", "2": "neutral" };

export function tweetEval(dir = sentimentDataDir()): LabelledText[] {
  const texts = readFileSync(join(dir, TWEETEVAL_TEXT), "utf8").split("\n");
  const labels = readFileSync(join(dir, TWEETEVAL_LABELS), "utf8").split("\n");
  const rows: LabelledText[] = [];
  labels.forEach((code, index) => {
    const label = TWEETEVAL_LABEL[code.trim()];
    if (label) rows.push({ text: texts[index] ?? "", label });
  });
  return rows;
}

export function tfns(dir = sentimentDataDir()): LabelledText[] {
  const rows: LabelledText[] = [];
  for (const record of parseCsv(readFileSync(join(dir, TFNS), "utf8")).slice(1)) {
    const label = TFNS_LABEL[(record[1] ?? "").trim()];
    if (label && record[0] !== undefined) rows.push({ text: record[0], label });
  }
  return rows;
}

/** RFC 4180: quoted fields may hold commas, newlines and doubled quotes. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i] as string;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      record.push(field);
      field = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[i + 1] === "\n") i += 1;
      record.push(field);
      records.push(record);
      record = [];
      field = "";
    } else field += char;
  }
  if (field !== "" || record.length > 0) records.push([...record, field]);
  return records;
}
