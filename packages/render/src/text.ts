// One text box's lettering as raw pixel layers: the size is estimated from remembered grapheme widths
// (metrics.ts), pango (through libvips) wraps and draws the text once at that size (again, smaller, in
// the rare case it overflows), and the classic outline is grown in JS from the letters' own coverage
// (outline.ts). Text without emoji is drawn as a one-byte coverage mask, with emoji as RGBA.
import sharp from "sharp";
import type { Layer } from "./blend.ts";
import { FAMILIES } from "./fonts.ts";
import { measureText, type TextMetrics } from "./metrics.ts";
import { outlineGrid, outlineRadius } from "./outline.ts";

export type { Layer } from "./blend.ts";
export { outlineRadius } from "./outline.ts";

export type LetteringStyle = "outlined" | "dark";

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

/**
 * Pango sizes the font in points at a resolution; at 72 dpi a point is a pixel. The resolution stays
 * the same for every layout: pango keys its fonts and fontsets by it, and a layout at a new resolution
 * finds nothing warm (a draw costs twice as much when the dpi carries the size).
 */
export const DPI = 72;

const LINE_HEIGHT = "0.92";

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

/**
 * Letters, digits, punctuation and plain ASCII symbols draw as coverage only (a one-byte mask, a
 * quarter of the pixels to convert, blend and outline); anything else may be a colour emoji and is
 * drawn in RGBA.
 */
const MONOCHROME = /^[\p{L}\p{M}\p{N}\p{P}\p{Zs}\n$+<=>^`|~]*$/u;

interface Drawn {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 4;
  px: number;
}

async function draw(
  markup: string,
  family: string,
  width: number,
  px: number,
  wrap: "word" | "word-char",
  channels: 1 | 4,
): Promise<Drawn> {
  const text = sharp({
    text: {
      text: markup,
      font: `${family} ${px}`,
      width,
      dpi: DPI,
      align: "centre",
      rgba: channels === 4,
      wrap,
    },
  });
  // Without rgba libvips gives the coverage as one band; sharp would widen it to sRGB unless told.
  const { data, info } = await (channels === 4 ? text : text.toColourspace("b-w"))
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels, px };
}

/** The largest ladder size whose estimated wrapped block fits width × height. */
function estimate(m: TextMetrics, width: number, height: number, maxPx: number): number {
  for (let i = SIZE_LADDER.length - 1; i >= 0; i--) {
    const px = SIZE_LADDER[i]!;
    if (px > maxPx) continue;
    // Word wrapping wastes part of each line; 0.9 of the width is a fair guess for caption text.
    let lines = 0;
    for (const w of m.widths) lines += Math.max(1, Math.ceil((w * px) / (width * 0.9)));
    if ((m.lineHeight + (lines - 1) * m.lineAdvance) * px <= height) return px;
  }
  return SIZE_LADDER[0]!;
}

/** Lays the text out in the area at the largest size that fits (within the caps) and draws it. */
export async function letter(request: LetteringRequest): Promise<Lettering | undefined> {
  const cleaned = cleanText(request.text);
  if (cleaned === "") return undefined;
  const text = request.uppercase ? cleaned.toLocaleUpperCase() : cleaned;
  const colour = request.style === "outlined" ? 255 : 0;
  const channels = MONOCHROME.test(text) ? 1 : 4;
  // Meme captions sit tight: the fonts' own line gap leaves holes between capitals.
  const markup = `<span foreground="${colour === 255 ? "white" : "black"}" line_height="${LINE_HEIGHT}">${escapeMarkup(text)}</span>`;
  const family = FAMILIES[request.family];
  const { area } = request;
  const width = Math.max(1, Math.floor(area.width));
  const height = Math.max(1, Math.floor(area.height));

  if (request.fixedPx !== undefined) {
    const fixed = await draw(markup, family, width, Math.round(request.fixedPx), "word-char", channels);
    return place(
      request,
      colour,
      fixed.width > width || fixed.height > height ? clip(fixed, width, height) : fixed,
    );
  }
  const measured = await measureText(text, family, LINE_HEIGHT, escapeMarkup);
  let px = estimate(measured, width, height, request.maxPx);
  let wrap: "word" | "word-char" = "word";
  let drawn = await draw(markup, family, width, px, wrap, channels);
  // At most a few corrections: the estimate is usually right or one step too big.
  for (let attempt = 0; attempt < 4 && (drawn.width > width || drawn.height > height); attempt++) {
    const shrink = Math.min(width / drawn.width, height / drawn.height, 0.95);
    const next = ladderAtMost(px * Math.sqrt(shrink) * (drawn.width > width ? Math.sqrt(shrink) : 1));
    if (next < request.minPx && wrap === "word") {
      // A word longer than the line would shrink everything; break it across lines instead.
      wrap = "word-char";
      px = Math.max(ladderAtMost(request.minPx), estimate(measured, width, height, request.maxPx));
    } else {
      px = next < px ? next : ladderAtMost(px - 1);
    }
    drawn = await draw(markup, family, width, px, wrap, channels);
  }
  if (drawn.width > width || drawn.height > height) drawn = clip(drawn, width, height);
  return place(request, colour, drawn);
}

function place(request: LetteringRequest, colour: number, drawn: Drawn): Lettering {
  const { area } = request;
  const left = Math.round(area.x + (area.width - drawn.width) / 2);
  const slack = area.height - drawn.height;
  const offset = request.vertical === "top" ? 0 : request.vertical === "bottom" ? slack : slack / 2;
  const top = Math.round(area.y + offset);
  const fill: Layer = {
    input: drawn.data,
    raw: { width: drawn.width, height: drawn.height, channels: drawn.channels },
    colour,
    left,
    top,
  };
  const layers: Layer[] = [fill];
  if (request.style === "outlined") {
    const grid = outlineGrid(drawn.data, drawn.width, drawn.height, drawn.channels, outlineRadius(drawn.px));
    layers.unshift({
      input: grid.data,
      raw: { width: grid.width, height: grid.height, channels: 1 },
      colour: 0,
      left: left - grid.pad,
      top: top - grid.pad,
      scale: grid.scale,
    });
  }
  return { layers, px: drawn.px, width: drawn.width, height: drawn.height };
}

/** The middle of the block's top (where a too-long text starts), cut to the area. */
function clip(drawn: Drawn, width: number, height: number): Drawn {
  const w = Math.min(width, drawn.width);
  const h = Math.min(height, drawn.height);
  const left = Math.floor((drawn.width - w) / 2);
  const data = Buffer.alloc(w * h * drawn.channels);
  const rowBytes = w * drawn.channels;
  for (let y = 0; y < h; y++) {
    const from = (y * drawn.width + left) * drawn.channels;
    drawn.data.copy(data, y * rowBytes, from, from + rowBytes);
  }
  return { ...drawn, data, width: w, height: h };
}
