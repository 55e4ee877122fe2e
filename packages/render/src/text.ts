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
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/\t/g, " ")
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, "")
    .trim();
}

// Pango sizes the font in points at the given dpi; at 72 pt, the dpi libvips reports is the pixel size.
const BASE_POINTS = 72;

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
  fit: { height: number } | { px: number },
  wrap: "word" | "word-char",
): Promise<Drawn> {
  const { data, info } = await sharp({
    text: {
      text: markup,
      font: `${family} ${BASE_POINTS}`,
      width,
      ...("height" in fit ? { height: fit.height } : { dpi: fit.px }),
      align: "centre",
      rgba: true,
      wrap,
    },
  })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const px = "height" in fit ? (info.textAutofitDpi ?? BASE_POINTS) : fit.px;
  return { data, width: info.width, height: info.height, px };
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
    const fixed = await draw(markup, family, width, { px: Math.round(request.fixedPx) }, "word-char");
    return place(request, fixed.width > width || fixed.height > height ? await clip(fixed, width, height) : fixed);
  }
  let drawn = await draw(markup, family, width, { height }, "word");
  if (drawn.px < request.minPx) {
    // A word longer than the line shrank everything; break it across lines instead.
    drawn = await draw(markup, family, width, { height }, "word-char");
  }
  if (drawn.px > request.maxPx) {
    drawn = await draw(markup, family, width, { px: Math.floor(request.maxPx) }, "word");
  }
  // Autofit keeps the block inside the area; a capped or broken layout is clipped to be sure.
  if (drawn.width > width || drawn.height > height) {
    drawn = await clip(drawn, width, height);
  }
  return place(request, drawn);
}

async function place(request: LetteringRequest, drawn: Drawn): Promise<Lettering> {
  const { area } = request;
  const left = Math.round(area.x + (area.width - drawn.width) / 2);
  const slack = area.height - drawn.height;
  const offset = request.vertical === "top" ? 0 : request.vertical === "bottom" ? slack : slack / 2;
  const top = Math.round(area.y + offset);
  const fill: Layer = { input: drawn.data, raw: { width: drawn.width, height: drawn.height, channels: 4 }, left, top };
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
  const alpha = await sharp(drawn.data, { raw: { width: drawn.width, height: drawn.height, channels: 4 } })
    .extractChannel(3)
    .extend({ top: pad, bottom: pad, left: pad, right: pad, background: 0 })
    .blur(r * 0.6)
    .linear(4, 0)
    .raw()
    .toBuffer();
  const width = drawn.width + pad * 2;
  const height = drawn.height + pad * 2;
  const layer = Buffer.alloc(width * height * 2);
  for (let i = 0; i < width * height; i++) layer[i * 2 + 1] = alpha[i]!;
  return { input: layer, raw: { width, height, channels: 2 }, left: left - pad, top: top - pad };
}
