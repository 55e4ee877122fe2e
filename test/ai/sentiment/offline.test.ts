// The offline scorer: VADER's rules, the crypto and emoji layer, and its figures on the public
// calibration sets asserted as floors (measured: TweetEval macro recall 0.6180, TFNS weighted F1
// 0.6311 with OFFLINE_THRESHOLDS; see calibrate.ts). Missing data fails, it does not skip.
import { describe, expect, it } from "vitest";
import { compoundScore, labelOf, macroRecall, scoreOffline, weightedF1 } from "@memebot/ai";
import { tfns, tweetEval, type LabelledText } from "./data.ts";

const predictions = (rows: LabelledText[]) =>
  rows.map((row) => ({ expected: row.label, predicted: scoreOffline(row.text).label }));

describe("calibration", () => {
  it("GIVEN TweetEval's validation split THEN macro-averaged recall is at least 0.61", () => {
    const rows = tweetEval();
    expect(rows).toHaveLength(2_000);
    expect(macroRecall(predictions(rows))).toBeGreaterThanOrEqual(0.61);
  });

  it("GIVEN TFNS's validation split THEN weighted F1 is at least 0.62", () => {
    const rows = tfns();
    expect(rows).toHaveLength(2_388);
    expect(weightedF1(predictions(rows))).toBeGreaterThanOrEqual(0.62);
  });
});

describe("the rules", () => {
  it("GIVEN crypto slang, phrases and emoji THEN they carry their community's meaning", () => {
    expect(scoreOffline("wagmi lfg 🚀").label).toBe("bullish");
    expect(scoreOffline("💎🙌🏽").label).toBe("bullish");
    expect(scoreOffline("going to the moon").label).toBe("bullish");
    expect(scoreOffline("buy the dip").label).toBe("bullish");
    expect(scoreOffline("classic rug pull, we got rekt").label).toBe("bearish");
    expect(scoreOffline("ngmi 📉").label).toBe("bearish");
    expect(scoreOffline("what time is the AMA").label).toBe("neutral");
  });

  it("GIVEN a negation THEN the sentiment turns; GIVEN 'but' THEN what follows weighs more", () => {
    expect(compoundScore("this is good")).toBeGreaterThan(0);
    expect(compoundScore("this is not good")).toBeLessThan(0);
    expect(compoundScore("the chart is bad but the team is great")).toBeGreaterThan(0);
    expect(compoundScore("the team is great but the chart is bad")).toBeLessThan(0);
  });

  it("GIVEN intensifiers, capitals and exclamation marks THEN the score grows", () => {
    const plain = compoundScore("the launch was good");
    expect(compoundScore("the launch was very good")).toBeGreaterThan(plain);
    expect(compoundScore("the launch was GOOD")).toBeGreaterThan(plain);
    expect(compoundScore("the launch was good!!!")).toBeGreaterThan(plain);
    expect(compoundScore("the launch was slightly good")).toBeLessThan(plain);
  });

  it("GIVEN links, handles and cashtags THEN they carry no sentiment", () => {
    expect(compoundScore("@happy_winner $LOVE https://great.example/amazing")).toBe(0);
  });

  it("GIVEN any text THEN the score is in -1..1, confidence in 0..1, and the label follows the thresholds", () => {
    for (const text of ["", "!!!!", "🚀".repeat(200), "scam ".repeat(100), "\\u2019 &amp; <3"]) {
      const { label, score, confidence } = scoreOffline(text);
      expect(score).toBeGreaterThanOrEqual(-1);
      expect(score).toBeLessThanOrEqual(1);
      expect(confidence).toBeGreaterThanOrEqual(0);
      expect(confidence).toBeLessThanOrEqual(1);
      expect(label).toBe(labelOf(compoundScore(text)));
    }
  });
});
