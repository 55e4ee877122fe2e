// How wide a text is before it is laid out. A pango layout pass only to measure costs about 1.3 ms a
// box, so the widths of single graphemes (as pango draws them, fallback fonts included) are measured
// once per process and summed. Scripts whose letters change shape with their neighbours (Arabic, the
// Indic scripts, Thai…) or texts with many graphemes not seen yet are measured whole, as before.
import sharp from "sharp";

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** Graphemes whose width in a line is the sum of their own (no joining or reordering across them). */
const SUMMABLE =
  /^[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hebrew}\p{Script=Common}\p{Script=Inherited}]+$/u;

/** Measured at 100 px per em: a pixel of rounding is a hundredth of a letter. */
const PX = 100;
/** Beyond this many graphemes not yet measured, one measure of the whole text is cheaper. */
const MAX_NEW = 6;
const MAX_ENTRIES = 20_000;
/** Graphemes measured in the background after a text had too many new ones. */
const LEARN = 24;

interface Size {
  width: number;
  height: number;
}

export interface TextMetrics {
  /** Width of each paragraph on one unbounded line, in ems. */
  widths: number[];
  /** Height of a one-line block, in ems. */
  lineHeight: number;
  /** What each further line adds, in ems. */
  lineAdvance: number;
}

const sizes = new Map<string, Promise<Size>>();

function span(text: string, lineHeight: string): string {
  return `<span line_height="${lineHeight}">${text}</span>`;
}

async function pangoSize(markup: string, family: string, px: number): Promise<Size> {
  // The size in points at 72 dpi, as every layout is made (see DPI in text.ts): pango keys its fonts
  // by resolution, and another one would make cold fonts for every size.
  const { info } = await sharp({ text: { text: markup, font: `${family} ${px}`, dpi: 72 } })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width / px, height: info.height / px };
}

function remembered(key: string, measure: () => Promise<Size>): Promise<Size> {
  let size = sizes.get(key);
  if (size === undefined) {
    if (sizes.size >= MAX_ENTRIES) sizes.clear();
    size = measure();
    sizes.set(key, size);
    size.catch(() => sizes.delete(key));
  }
  return size;
}

/** The family's bars "||" (the frame spaces are measured in) and two lines of them (its line advance). */
function frame(family: string, lineHeight: string): Promise<[Size, Size]> {
  return Promise.all([
    remembered(`${family}\u0000${lineHeight}\u0000||`, () => pangoSize(span("||", lineHeight), family, PX)),
    remembered(`${family}\u0000${lineHeight}\u0000|\n|`, () =>
      pangoSize(span("|\n|", lineHeight), family, PX),
    ),
  ]);
}

/**
 * A grapheme's advance and height: three of it in a row, over three (a line is about as wide as its
 * letters' advances). Spaces alone draw nothing, so they are measured between two bars, less the bars.
 */
async function grapheme(escaped: string, family: string, lineHeight: string, bars: Size): Promise<Size> {
  if (/^\s+$/u.test(escaped)) {
    const size = await pangoSize(span(`|${escaped.repeat(3)}|`, lineHeight), family, PX);
    return { width: Math.max(0, (size.width - bars.width) / 3), height: 0 };
  }
  const size = await pangoSize(span(escaped.repeat(3), lineHeight), family, PX);
  return { width: size.width / 3, height: size.height };
}

/**
 * Widths and line heights of a text in a pango family, in ems. `escape` turns a piece of text into
 * markup (the caller's escaping); `lineHeight` is the span's line_height.
 */
export async function measureText(
  text: string,
  family: string,
  lineHeight: string,
  escape: (text: string) => string,
): Promise<TextMetrics> {
  const [bars, twoLines] = await frame(family, lineHeight);
  const lineAdvance = twoLines.height - bars.height;
  const paragraphs = text.split("\n");
  const pieces = paragraphs.map((p) => Array.from(graphemes.segment(p), (s) => s.segment));
  const all = pieces.flat();
  const unknown = new Set(all.filter((g) => !sizes.has(`${family}\u0000${lineHeight}\u0000g${g}`)));
  const summable = all.every((g) => SUMMABLE.test(g));
  if (unknown.size > MAX_NEW || !summable) {
    if (summable) {
      // Learnt in the background, a few at a time, so the next text with these letters needs no layout.
      for (const g of [...unknown].slice(0, LEARN)) {
        remembered(`${family}\u0000${lineHeight}\u0000g${g}`, () =>
          grapheme(escape(g), family, lineHeight, bars),
        ).catch(() => undefined);
      }
    }
    // One layout of the whole text: the widest paragraph stands for each (a slight overestimate).
    const whole = await pangoSize(span(escape(text), lineHeight), family, 32);
    const lineHeightEm = Math.max(bars.height, whole.height - lineAdvance * (paragraphs.length - 1));
    return { widths: paragraphs.map(() => whole.width), lineHeight: lineHeightEm, lineAdvance };
  }
  const measured = new Map<string, Size>();
  await Promise.all(
    [...new Set(all)].map(async (g) => {
      const key = `${family}\u0000${lineHeight}\u0000g${g}`;
      measured.set(g, await remembered(key, () => grapheme(escape(g), family, lineHeight, bars)));
    }),
  );
  let height = 0;
  const widths = pieces.map((piece) => {
    let width = 0;
    for (const g of piece) {
      const size = measured.get(g)!;
      width += size.width;
      height = Math.max(height, size.height);
    }
    return width;
  });
  // Line spacing is the first family's, whatever fallback fonts the line holds.
  return { widths, lineHeight: height > 0 ? height : bars.height, lineAdvance };
}
