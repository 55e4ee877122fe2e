import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cleanText, stripFormatCharacters } from "../../packages/core/src/commands/text.ts";

describe("cleanText", () => {
  it.each([
    ["bidi override", "wen \u202Elambo", "wen lambo"],
    ["isolates and marks", "\u2066moon\u2069\u200F", "moon"],
    ["zero-width space and soft hyphen", "ad\u200Bm\u00ADin", "admin"],
    ["a joiner inside a Latin word", "ad\u200Dmin", "admin"],
    ["byte order mark", "\uFEFFgm", "gm"],
    ["tag characters", "hi\u{E0041}\u{E0042}\u{E007F}", "hi"],
    ["lone surrogates", "a\uD800b\uDFFF", "a\uFFFDb\uFFFD"],
  ])("GIVEN %s THEN strips them", (_case, typed, clean) => {
    expect(cleanText(typed)).toBe(clean);
  });

  it.each([
    ["a family emoji", "👨‍👩‍👧‍👦"],
    ["a flag sequence with VS16", "🏳️‍🌈"],
    ["a skin-toned profession", "👩🏽‍💻"],
    ["Persian with a zero-width non-joiner", "می‌خواهم"],
    ["Hindi with a joiner after the virama", "क्‍ष"],
    ["Malayalam chillu", "ന്‍"],
    ["Urdu", "ہم‌آہنگی"],
  ])("GIVEN %s THEN keeps the joiners it needs", (_case, text) => {
    expect(cleanText(text)).toBe(text);
  });

  it("GIVEN decomposed accents THEN composes them (NFC)", () => {
    expect(cleanText("cafe\u0301")).toBe("café");
  });

  it("GIVEN any text THEN no format character but a kept joiner survives, and other text is untouched", () => {
    const unit = fc.oneof(
      fc.constantFrom(
        "\u200B",
        "\u200C",
        "\u200D",
        "\u202E",
        "\u2066",
        "\uFEFF",
        "\u{E0041}",
        "👩",
        "🏽",
        "\uFE0F",
        "ک",
        "्",
      ),
      fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }), (text) => {
        const stripped = stripFormatCharacters(text);
        for (const character of stripped) {
          if (/[\p{Cf}\u{E0000}-\u{E007F}]/u.test(character))
            expect(["\u200C", "\u200D"]).toContain(character);
        }
        // Removing invisible characters is all it does: the visible ones stay, in order.
        const visible = (value: string) =>
          [...value].filter((c) => !/[\p{Cf}\u{E0000}-\u{E007F}]/u.test(c)).join("");
        expect(visible(stripped)).toBe(visible(text));
      }),
      { numRuns: 500 },
    );
  });
});
