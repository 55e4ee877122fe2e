import { describe, expect, it } from "vitest";
import { createMemeRenderer, type TemplateWithPicture } from "@memebot/render";
import { box, classicTemplate, colourfulIn, difference, inkIn, rawOf, type Raw } from "./fixtures.ts";

const renderer = createMemeRenderer({
  // A failure no check foresaw fails the test instead of passing as picture.corrupt.
  onUnexpectedError: (error) => {
    throw error;
  },
});

async function panel(text: string, style: "outlined" | "dark" = "outlined"): Promise<Raw> {
  const template: TemplateWithPicture = {
    ...(await classicTemplate(512)),
    layout: "panels",
    boxes: [box("a", 16, 156, 480, 200, style), box("b", 0, 0, 20, 20)],
  };
  const result = await renderer.render({ template, texts: { a: text } });
  if (!result.ok) throw new Error(result.problem.id);
  return rawOf(result.value.bytes);
}

/** Mean x of the pixels matching a test, or NaN. */
function meanX(raw: Raw, test: (r: number, g: number, b: number) => boolean): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < raw.data.length; i += 3) {
    if (test(raw.data[i]!, raw.data[i + 1]!, raw.data[i + 2]!)) {
      sum += (i / 3) % raw.width;
      n++;
    }
  }
  return sum / n;
}
const colourful = (r: number, g: number, b: number) => Math.max(r, g, b) - Math.min(r, g, b) > 80;
const white = (r: number, g: number, b: number) => r > 235 && g > 235 && b > 235;

describe("lettering: emoji and scripts", () => {
  it("GIVEN emoji THEN they are drawn in colour, not as boxes", async () => {
    const plain = await panel("OK");
    const withEmoji = await panel("OK 😂🔥");
    expect(colourfulIn(plain)).toBe(0);
    expect(colourfulIn(withEmoji)).toBeGreaterThan(500);
  });

  it.each([
    ["Cyrillic", "Привет мир"],
    ["Greek", "Γειά σου κόσμε"],
    ["Arabic", "مرحبا بالعالم"],
    ["Hebrew", "שלום עולם"],
    ["Japanese", "日本語のテキスト"],
    ["Chinese", "这是中文"],
    ["Devanagari", "नमस्ते दुनिया"],
    ["Thai", "สวัสดีชาวโลก"],
  ])(
    "GIVEN %s text THEN letters are drawn, and differ from the same count of Latin letters",
    async (_, text) => {
      const drawn = await panel(text);
      expect(inkIn(drawn, 16, 156, 496, 356)).toBeGreaterThan(1500);
      const latin = await panel("x".repeat([...text].length));
      expect(difference(drawn, latin)).toBeGreaterThan(0.5);
    },
  );

  it("GIVEN the same text twice THEN the two renders are identical (no missing-glyph boxes vary)", async () => {
    const a = await panel("这是中文 ✓ 😂");
    const b = await panel("这是中文 ✓ 😂");
    expect(difference(a, b)).toBe(0);
  });

  it("GIVEN Hebrew after an emoji THEN the emoji stands right of the words (right-to-left order kept)", async () => {
    const rtl = await panel("😂 שלום עולם");
    expect(meanX(rtl, colourful)).toBeGreaterThan(meanX(rtl, white));
    const ltr = await panel("😂 hello world");
    expect(meanX(ltr, colourful)).toBeLessThan(meanX(ltr, white));
  });

  it("GIVEN markup characters THEN they are drawn as text, not read as markup", async () => {
    const drawn = await panel("<b>a & b</b>");
    expect(inkIn(drawn, 16, 156, 496, 356)).toBeGreaterThan(1000);
  });
});

describe("lettering: sizes from remembered grapheme widths", () => {
  it.each([
    ["a two-word caption", "me irl"],
    [
      "a long caption",
      "when you finally understand recursion but then you have to explain it to someone else",
    ],
    ["several paragraphs", "first line\nsecond line\nthird"],
    ["Chinese and emoji", "这是中文 ✓ 😂 日本語のテキスト"],
    ["Arabic (measured whole)", "مرحبا بالعالم 😂"],
  ])("GIVEN %s THEN its letters fill the box and stay inside it", async (_, text) => {
    const drawn = await panel(text);
    // The box is 480 × 200 at (16, 156): nothing outside it, and a real share of it inked.
    expect(inkIn(drawn, 0, 0, 512, 154)).toBe(0);
    expect(inkIn(drawn, 0, 358, 512, 512)).toBe(0);
    expect(inkIn(drawn, 0, 154, 14, 358)).toBe(0);
    expect(inkIn(drawn, 498, 154, 512, 358)).toBe(0);
    expect(inkIn(drawn, 16, 156, 496, 356)).toBeGreaterThan(480 * 200 * 0.12);
  });
});
