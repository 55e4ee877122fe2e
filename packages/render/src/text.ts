// One text box's lettering as raw pixel layers: pango (through libvips) wraps and sizes the text to the
// box, and the classic outline is grown from the letters' own alpha, so a box costs one text render
// (two when the text is short enough to hit the size cap) plus a small blur.
import sharp from "sharp";
import { FAMILIES } from "./fonts.ts";

export type LetteringStyle = "outlined" | "dark";

/** An overlay ready for sharp's composite: raw pixels at a place in the picture. */
export interface Layer {
  input: Buffer;
  raw: { width: number; height: number; channels: 2 | 4 };
  left: number;
  top: number;
}

export interface TextArea {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LetteringRequest {
  text: string;
  style: LetteringStyle;
  /** Where the letters may go (already inset by the safe margin). */
  area: TextArea;
  /** Largest letter size in pixels, so a two-word caption does not fill a whole band. */
  maxPx: number;
  /** Smallest size before long words are broken across lines instead of shrinking further. */
  minPx: number;
  vertical: "top" | "middle" | "bottom";
  /** Classic lettering is in capitals; caption bars keep the writer's case. */
  uppercase: boolean;
  family: keyof typeof FAMILIES;
  /** A set letter size instead of fitting the area (caption bars grow to their text instead). */
  fixedPx?: number;
}

export interface Lettering {
  layers: Layer[];
  /** The letter size chosen, in pixels. */
  px: number;
  /** The text block's size in pixels. */
  width: number;
  height: number;
}

/** Pango markup must not see the writer's angle brackets or ampersands as markup. */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Control characters other than line breaks would reach pango as boxes; tabs become spaces. */
export function cleanText(text: string): string {
  return (
    text
      .replace(/\r\n?/g, "\n")
      .replace(/\t/g, " ")
      // eslint-disable-next-line no-control-regex -- removing control characters is the point
      .replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, "")
      .trim()
  );
}

// Pango sizes the font in points at the given dpi; at 72 pt the dpi is the letter size in pixels.
const BASE_POINTS = 72;

/**
 * Letter sizes are taken from a ladder (about 6% apart) rather than fitted to the pixel: pango and
 * cairo keep a font instance and its glyphs per size, so a few dozen sizes stay warm across renders,
 * where libvips' own autofit lays the text out at a dozen fresh sizes per box (11–40 ms with emoji).
 */
export const SIZE_LADDER: readonly number[] = (() => {
  const sizes: number[] = [];
  for (let size = 8; size <= 400; size = Math.max(size + 1, Math.round(size * 1.06))) sizes.push(size);
  return sizes;
})();

function ladderAtMost(px: number): number {
  let best = SIZE_LADDER[0]!;
  for (const size of SIZE_LADDER) if (size <= px) best = size;
  return best;
}

/** The size used to measure a text before choosing its real size. */
const MEASURE_PX = 32;

interface Drawn {
  data: Buffer;
  width: number;
  height: number;
  px: number;
}

async function draw(
  markup: string,
  family: string,
  width: number,
  px: number,
  wrap: "word" | "word-char",
): Promise<Drawn> {
  const { data, info } = await sharp({
    text: {
      text: markup,
      font: `${family} ${BASE_POINTS}`,
      width,
      dpi: px,
      align: "centre",
      rgba: true,
      wrap,
    },
  })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, px };
}

/** The text on one unbounded line per paragraph: its width, its height and its line count. */
async function measure(
  markup: string,
  family: string,
  lines: number,
): Promise<{ width: number; lineHeight: number }> {
  const info = await sharp({ text: { text: markup, font: `${family} ${BASE_POINTS}`, dpi: MEASURE_PX } })
    .raw()
    .toBuffer({ resolveWithObject: true })
    .then((r) => r.info);
  return { width: info.width / MEASURE_PX, lineHeight: info.height / lines / MEASURE_PX };
}

/** The largest ladder size whose estimated wrapped block fits width × height. */
function estimate(
  m: { width: number; lineHeight: number },
  paragraphs: number,
  width: number,
  height: number,
  maxPx: number,
): number {
  for (let i = SIZE_LADDER.length - 1; i >= 0; i--) {
    const px = SIZE_LADDER[i]!;
    if (px > maxPx) continue;
    // Word wrapping wastes part of each line; 0.9 of the width is a fair guess for caption text.
    const lines = Math.max(paragraphs, Math.ceil((m.width * px) / (width * 0.9)));
    if (lines * m.lineHeight * px <= height) return px;
  }
  return SIZE_LADDER[0]!;
}

/** Lays the text out in the area at the largest size that fits (within the caps) and draws it. */
export async function letter(request: LetteringRequest): Promise<Lettering | undefined> {
  const cleaned = cleanText(request.text);
  if (cleaned === "") return undefined;
  const text = request.uppercase ? cleaned.toLocaleUpperCase() : cleaned;
  const colour = request.style === "outlined" ? "white" : "black";
  // Meme captions sit tight: the fonts' own line gap leaves holes between capitals.
  const markup = `<span foreground="${colour}" line_height="0.92">${escapeMarkup(text)}</span>`;
  const family = FAMILIES[request.family];
  const { area } = request;
  const width = Math.max(1, Math.floor(area.width));
  const height = Math.max(1, Math.floor(area.height));

  if (request.fixedPx !== undefined) {
    const fixed = await draw(markup, family, width, Math.round(request.fixedPx), "word-char");
    return place(
      request,
      fixed.width > width || fixed.height > height ? await clip(fixed, width, height) : fixed,
    );
  }
  const paragraphs = text.split("\n").length;
  const measured = await measure(markup, family, paragraphs);
  let px = estimate(measured, paragraphs, width, height, request.maxPx);
  let wrap: "word" | "word-char" = "word";
  let drawn = await draw(markup, family, width, px, wrap);
  // At most a few corrections: the estimate is usually right or one step too big.
  for (let attempt = 0; attempt < 4 && (drawn.width > width || drawn.height > height); attempt++) {
    const shrink = Math.min(width / drawn.width, height / drawn.height, 0.95);
    const next = ladderAtMost(px * Math.sqrt(shrink) * (drawn.width > width ? Math.sqrt(shrink) : 1));
    if (next < request.minPx && wrap === "word") {
      // A word longer than the line would shrink everything; break it across lines instead.
      wrap = "word-char";
      px = Math.max(
        ladderAtMost(request.minPx),
        estimate(measured, paragraphs, width, height, request.maxPx),
      );
    } else {
      px = next < px ? next : ladderAtMost(px - 1);
    }
    drawn = await draw(markup, family, width, px, wrap);
  }
  if (drawn.width > width || drawn.height > height) drawn = await clip(drawn, width, height);
  return place(request, drawn);
}

async function place(request: LetteringRequest, drawn: Drawn): Promise<Lettering> {
  const { area } = request;
  const left = Math.round(area.x + (area.width - drawn.width) / 2);
  const slack = area.height - drawn.height;
  const offset = request.vertical === "top" ? 0 : request.vertical === "bottom" ? slack : slack / 2;
  const top = Math.round(area.y + offset);
  const fill: Layer = {
    input: drawn.data,
    raw: { width: drawn.width, height: drawn.height, channels: 4 },
    left,
    top,
  };
  const layers = request.style === "outlined" ? [await outline(drawn, left, top), fill] : [fill];
  return { layers, px: drawn.px, width: drawn.width, height: drawn.height };
}

async function clip(drawn: Drawn, width: number, height: number): Promise<Drawn> {
  const w = Math.min(width, drawn.width);
  const h = Math.min(height, drawn.height);
  const data = await sharp(drawn.data, { raw: { width: drawn.width, height: drawn.height, channels: 4 } })
    .extract({ left: Math.floor((drawn.width - w) / 2), top: 0, width: w, height: h })
    .raw()
    .toBuffer();
  return { data, width: w, height: h, px: drawn.px };
}

/** Outline thickness for a letter size: about a fourteenth of the letters, never under 2 px. */
export function outlineRadius(px: number): number {
  return Math.max(2, Math.round(px / 14));
}

/**
 * The black outline: the letters' alpha, padded, blurred and amplified, grows evenly in every
 * direction (round corners, unlike a square dilation) and covers emoji edges too. It is a grey+alpha
 * layer placed one radius up and left of the letters.
 */
async function outline(drawn: Drawn, left: number, top: number): Promise<Layer> {
  const r = outlineRadius(drawn.px);
  const pad = r * 2;
  const width = drawn.width + pad * 2;
  const height = drawn.height + pad * 2;
  // The letters' alpha, copied into a transparent frame one pad wide (a JS loop is cheaper than a
  // second libvips pipeline for a few hundred thousand bytes).
  const padded = Buffer.alloc(width * height);
  for (let y = 0; y < drawn.height; y++) {
    const row = (y + pad) * width + pad;
    const from = y * drawn.width * 4 + 3;
    for (let x = 0; x < drawn.width; x++) padded[row + x] = drawn.data[from + x * 4]!;
  }
  const alpha = await sharp(padded, { raw: { width, height, channels: 1 } })
    .blur({ sigma: r * 0.6, precision: "integer" })
    .linear(4, 0)
    .toColourspace("b-w")
    .raw()
    .toBuffer();
  const layer = Buffer.alloc(width * height * 2);
  for (let i = 0; i < width * height; i++) layer[i * 2 + 1] = alpha[i]!;
  return { input: layer, raw: { width, height, channels: 2 }, left: left - pad, top: top - pad };
}
