// /sentiment's numbers, from scored chatter: pure functions, so the worker's job only reads rows and
// draws. Every score is author-weighted: each author's messages are averaged into one voice first,
// then voices are averaged, so one loud member posting fifty times counts as much as one who posted once.
import { stripUnsafeText } from "../safe-text.ts";

export const SENTIMENT_WINDOWS = {
  "1h": 60 * 60_000,
  "6h": 6 * 60 * 60_000,
  "24h": 24 * 60 * 60_000,
  "7d": 7 * 24 * 60 * 60_000,
} as const;
export type SentimentWindow = keyof typeof SENTIMENT_WINDOWS;
export const DEFAULT_SENTIMENT_WINDOW: SentimentWindow = "24h";
/** Chart buckets per window: fine enough to show a turn, coarse enough that buckets hold messages. */
const BUCKETS: Record<SentimentWindow, number> = { "1h": 12, "6h": 12, "24h": 24, "7d": 28 };
/** Fewer scored messages than this in a window is "not enough chatter yet". */
export const MIN_REPORT_MESSAGES = 5;
export const QUOTES_PER_SIDE = 2;
export const MAX_QUOTE_LENGTH = 120;

export const isSentimentWindow = (text: string): text is SentimentWindow =>
  Object.hasOwn(SENTIMENT_WINDOWS, text);

/** One scored message, as the report reads it (score -1..1, confidence 0..1). */
export interface ScoredMessage {
  authorId: string;
  text: string;
  label: string;
  score: number;
  confidence: number;
  createdAt: Date;
}

export interface SentimentBucket {
  start: Date;
  /** Author-weighted score -100..100; null when nobody spoke in the bucket. */
  score: number | null;
  messages: number;
}

export interface SentimentReport {
  /** -100..100, author-weighted. */
  score: number;
  /** The window before this one, when it had enough chatter. */
  previousScore: number | null;
  change: number | null;
  /** Shares of messages by label, in whole percent. */
  shares: { bullish: number; bearish: number; neutral: number };
  messages: number;
  authors: number;
  quotes: { bullish: string[]; bearish: string[] };
  buckets: SentimentBucket[];
}

/** Mean over authors of each author's mean score, ×100 and rounded; null without messages. */
export function authorWeightedScore(messages: readonly ScoredMessage[]): number | null {
  const byAuthor = new Map<string, { sum: number; count: number }>();
  for (const message of messages) {
    const voice = byAuthor.get(message.authorId) ?? { sum: 0, count: 0 };
    voice.sum += clamp(message.score, -1, 1);
    voice.count += 1;
    byAuthor.set(message.authorId, voice);
  }
  if (byAuthor.size === 0) return null;
  let total = 0;
  for (const { sum, count } of byAuthor.values()) total += sum / count;
  // `+ 0` turns a -0 into 0: "-0" would read oddly in a reply.
  return Math.round((total / byAuthor.size) * 100) + 0;
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : 0;
}

/** Whole-percent shares of each label (other labels count as neutral). */
export function labelShares(messages: readonly ScoredMessage[]): SentimentReport["shares"] {
  if (messages.length === 0) return { bullish: 0, bearish: 0, neutral: 0 };
  const bullish = messages.filter((message) => message.label === "bullish").length;
  const bearish = messages.filter((message) => message.label === "bearish").length;
  const percent = (count: number) => Math.round((count / messages.length) * 100);
  // Neutral takes the rounding's remainder so the three add up to 100.
  return {
    bullish: percent(bullish),
    bearish: percent(bearish),
    neutral: 100 - percent(bullish) - percent(bearish),
  };
}

/** A chat line fit to quote: links, handles, mentions and addresses gone, spaces collapsed, shortened. */
export function quoteOf(text: string, maxLength = MAX_QUOTE_LENGTH): string {
  const clean = stripUnsafeText(text).replace(/\s+/g, " ").trim();
  if (clean.length <= maxLength) return clean;
  const cut = clean.slice(0, maxLength - 1);
  const space = cut.lastIndexOf(" ");
  // At a word's end when one is near; a single long word is cut where it must be.
  return `${(space > maxLength * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** The strongest messages of a side (|score| × confidence), one per author, as quotes. */
export function quotesOf(messages: readonly ScoredMessage[], label: "bullish" | "bearish"): string[] {
  const strength = (message: ScoredMessage) => Math.abs(message.score) * clamp(message.confidence, 0, 1);
  const candidates = messages
    .filter((message) => message.label === label)
    .sort((a, b) => strength(b) - strength(a) || b.createdAt.getTime() - a.createdAt.getTime());
  const quotes: string[] = [];
  const authors = new Set<string>();
  for (const message of candidates) {
    if (quotes.length === QUOTES_PER_SIDE) break;
    if (authors.has(message.authorId)) continue;
    const quote = quoteOf(message.text);
    // Too little left once links and handles are gone, or the same words twice: not a quote.
    if (!/\p{L}.*\p{L}/u.test(quote) || quotes.includes(quote)) continue;
    quotes.push(quote);
    authors.add(message.authorId);
  }
  return quotes;
}

/** The window split in equal buckets, each with its author-weighted score and message count. */
export function bucketsOf(
  messages: readonly ScoredMessage[],
  range: { from: Date; to: Date },
  count: number,
): SentimentBucket[] {
  const from = range.from.getTime();
  const width = (range.to.getTime() - from) / count;
  const groups: ScoredMessage[][] = Array.from({ length: count }, () => []);
  for (const message of messages) {
    const index = Math.floor((message.createdAt.getTime() - from) / width);
    if (index >= 0 && index < count) groups[index]?.push(message);
  }
  return groups.map((group, index) => ({
    start: new Date(from + index * width),
    score: authorWeightedScore(group),
    messages: group.length,
  }));
}

/**
 * The report of the window ending at `to`, from the messages of it and of the window before it
 * (`messages` may hold both: they are split by time). Undefined when the window has too little chatter.
 */
export function buildSentimentReport(
  messages: readonly ScoredMessage[],
  window: SentimentWindow,
  to: Date,
): SentimentReport | undefined {
  const length = SENTIMENT_WINDOWS[window];
  const from = new Date(to.getTime() - length);
  const current = messages.filter((message) => message.createdAt >= from && message.createdAt < to);
  const previous = messages.filter(
    (message) => message.createdAt < from && message.createdAt.getTime() >= from.getTime() - length,
  );
  const score = authorWeightedScore(current);
  if (score === null || current.length < MIN_REPORT_MESSAGES) return undefined;
  const previousScore = previous.length >= MIN_REPORT_MESSAGES ? authorWeightedScore(previous) : null;
  return {
    score,
    previousScore,
    change: previousScore === null ? null : score - previousScore,
    shares: labelShares(current),
    messages: current.length,
    authors: new Set(current.map((message) => message.authorId)).size,
    quotes: { bullish: quotesOf(current, "bullish"), bearish: quotesOf(current, "bearish") },
    buckets: bucketsOf(current, { from, to }, BUCKETS[window]),
  };
}
