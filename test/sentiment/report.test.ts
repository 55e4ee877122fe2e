// /sentiment's numbers: author-weighted scores (one loud author is one voice), shares, the change
// against the window before, quotes without names or links, and the chart's buckets.
import { describe, expect, it } from "vitest";
import {
  authorWeightedScore,
  buildSentimentReport,
  quoteOf,
  type ScoredMessage,
} from "../../packages/core/src/sentiment/report.ts";

const NOW = new Date("2026-12-02T12:00:00Z");
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);

function message(
  authorId: string,
  label: string,
  score: number,
  at: Date,
  text = `${label} words here`,
): ScoredMessage {
  return { authorId, text, label, score, confidence: 0.9, createdAt: at };
}

describe("sentiment report", () => {
  it("counts one loud author as one voice: 50 bullish messages lose to 3 bearish authors", () => {
    const loud = Array.from({ length: 50 }, (_, index) =>
      message("loud", "bullish", 0.9, minutesAgo(index + 1)),
    );
    const bears = ["a", "b", "c"].map((author) => message(author, "bearish", -0.6, minutesAgo(30)));
    const messages = [...loud, ...bears];
    // Per author: 0.9, -0.6, -0.6, -0.6 → mean -0.225.
    expect(authorWeightedScore(messages)).toBe(-23);
    const report = buildSentimentReport(messages, "24h", NOW);
    expect(report?.score).toBe(-23);
    expect(report?.messages).toBe(53);
    expect(report?.authors).toBe(4);
    expect(report?.shares).toEqual({ bullish: 94, bearish: 6, neutral: 0 });
  });

  it("says the change against the window before, of the same length", () => {
    const now = ["a", "b", "c", "d", "e"].map((author) => message(author, "bullish", 0.5, minutesAgo(30)));
    const before = ["a", "b", "c", "d", "e"].map((author) =>
      message(author, "bearish", -0.2, minutesAgo(90)),
    );
    const older = ["x", "y", "z", "w", "v"].map((author) => message(author, "bearish", -1, minutesAgo(150)));
    const report = buildSentimentReport([...older, ...before, ...now], "1h", NOW);
    expect(report).toMatchObject({ score: 50, previousScore: -20, change: 70 });
    // Without enough chatter before, no change is claimed.
    expect(buildSentimentReport(now, "1h", NOW)).toMatchObject({
      score: 50,
      previousScore: null,
      change: null,
    });
  });

  it("is undefined with too little chatter", () => {
    const few = ["a", "b", "c", "d"].map((author) => message(author, "bullish", 0.5, minutesAgo(10)));
    expect(buildSentimentReport(few, "24h", NOW)).toBeUndefined();
    expect(buildSentimentReport([], "7d", NOW)).toBeUndefined();
  });

  it("quotes the strongest message of each side, two authors each, without links or handles", () => {
    const messages = [
      message(
        "a",
        "bullish",
        0.95,
        minutesAgo(5),
        "BONK to the moon, buy now at https://scam.example/x @shill",
      ),
      message("a", "bullish", 0.9, minutesAgo(6), "same author again, not quoted twice"),
      message("b", "bullish", 0.7, minutesAgo(7), "looking strong today"),
      message("c", "bullish", 0.2, minutesAgo(8), "meh slightly up"),
      message("d", "bearish", -0.9, minutesAgo(9), `dumping hard ${"really ".repeat(40)}`),
      message("e", "bearish", -0.5, minutesAgo(10), "rug vibes, join t.me/fakegroup"),
      message("f", "neutral", 0, minutesAgo(11), "anyone here?"),
    ];
    const report = buildSentimentReport(messages, "1h", NOW);
    expect(report?.quotes.bullish).toEqual(["BONK to the moon, buy now at", "looking strong today"]);
    const [first, second] = report?.quotes.bearish ?? [];
    expect(first?.length).toBeLessThanOrEqual(120);
    expect(first?.endsWith("…")).toBe(true);
    expect(second).toBe("rug vibes, join");
    const all = [...(report?.quotes.bullish ?? []), ...(report?.quotes.bearish ?? [])].join(" ");
    expect(all).not.toMatch(/https?:|@|t\.me|scam\.example/);
    expect(quoteOf("  spaced \n out  ")).toBe("spaced out");
  });

  it("splits the window in buckets with author-weighted scores and volume", () => {
    const messages = [
      ...Array.from({ length: 10 }, (_, index) => message("loud", "bullish", 1, minutesAgo(2 + index / 10))),
      message("quiet", "bearish", -1, minutesAgo(3)),
      ...["a", "b", "c"].map((author) => message(author, "neutral", 0, minutesAgo(58))),
    ];
    const report = buildSentimentReport(messages, "1h", NOW);
    expect(report?.buckets).toHaveLength(12);
    expect(report?.buckets[0]).toMatchObject({ score: 0, messages: 3, start: minutesAgo(60) });
    expect(report?.buckets[11]).toMatchObject({ score: 0, messages: 11 });
    expect(report?.buckets[5]).toMatchObject({ score: null, messages: 0 });
  });
});
