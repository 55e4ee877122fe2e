import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MESSAGE_LIMITS, splitMessage } from "../../packages/core/src/conversation/split.ts";

const graphemes = (text: string) =>
  [...new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(text)].map((s) => s.segment);

/** The text without the whitespace a split may drop between parts. */
const squeezed = (text: string) => text.replace(/\s+/g, "");

describe("splitMessage", () => {
  it("GIVEN text within the limit THEN gives it whole, trimmed", () => {
    expect(splitMessage("  gm ser  ", 10)).toEqual(["gm ser"]);
    expect(splitMessage("   ", 10)).toEqual([]);
  });

  it("GIVEN a 9,000-character answer in paragraphs THEN 3 Telegram parts and 5 Discord parts, in order, each within the limit", () => {
    const paragraph = (n: number) =>
      `Paragraph ${n}. ${"wagmi frens, the chart is a meme. ".repeat(26)}`.trim();
    const text = Array.from({ length: 10 }, (_, n) => paragraph(n + 1)).join("\n\n");
    expect(text.length).toBeGreaterThanOrEqual(8_900);
    expect(text.length).toBeLessThanOrEqual(9_100);

    const telegram = splitMessage(text, MESSAGE_LIMITS.telegram);
    const discord = splitMessage(text, MESSAGE_LIMITS.discord);

    expect(telegram).toHaveLength(3);
    expect(discord).toHaveLength(5);
    for (const part of telegram) expect(part.length).toBeLessThanOrEqual(4_096);
    for (const part of discord) expect(part.length).toBeLessThanOrEqual(2_000);
    // Cut at paragraph breaks: each part starts with a paragraph.
    for (const part of [...telegram, ...discord]) expect(part).toMatch(/^Paragraph \d+\./);
    expect(telegram.join("\n\n")).toBe(text);
    expect(discord.join("\n\n")).toBe(text);
  });

  it("GIVEN one long paragraph THEN cuts after a sentence", () => {
    const text = "The dip is a discount. ".repeat(120).trim();
    const parts = splitMessage(text, 2_000);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(2_000);
      expect(part.endsWith(".")).toBe(true);
    }
    expect(parts.join(" ")).toBe(text);
  });

  it("GIVEN one long sentence THEN cuts between words", () => {
    const text = Array.from({ length: 800 }, (_, n) => `word${n}`).join(" ");
    const parts = splitMessage(text, 2_000);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part).toMatch(/^word\d+( word\d+)*$/);
    expect(parts.join(" ")).toBe(text);
  });

  it("GIVEN emoji sequences with no spaces THEN never cuts inside one", () => {
    const family = "👨‍👩‍👧‍👦";
    const text = family.repeat(700);
    const parts = splitMessage(text, 2_000);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(2_000);
      expect(graphemes(part).every((grapheme) => grapheme === family)).toBe(true);
    }
    expect(parts.join("")).toBe(text);
  });

  it("GIVEN any text THEN parts stay within the limit, keep every non-space character in order, and cut no grapheme", () => {
    const unit = fc.constantFrom("a", "b", " ", ".", "\n", "é", "🚀", "👩🏽‍💻", "🇪🇸", "e\u0301", "字", "ک");
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 400 }), fc.integer({ min: 12, max: 60 }), (text, max) => {
        const parts = splitMessage(text, max);
        for (const part of parts) {
          expect(part.length).toBeLessThanOrEqual(max);
          expect(part.length).toBeGreaterThan(0);
        }
        expect(squeezed(parts.join(""))).toBe(squeezed(text));
        // Every part is made of whole graphemes of the original text.
        const whole = new Set(graphemes(text));
        for (const part of parts)
          for (const grapheme of graphemes(part)) expect(whole.has(grapheme)).toBe(true);
      }),
    );
  });
});
