// Pictures for the render tests, made in memory: a mid-grey photo-like template and helpers to read pixels.
import sharp from "sharp";
import type { TemplateWithPicture, TextBox } from "@memebot/render";

export async function greyPicture(
  width = 512,
  height = 512,
  format: "jpeg" | "png" = "png",
): Promise<Uint8Array> {
  const image = sharp({ create: { width, height, channels: 3, background: "#7f7f7f" } });
  const bytes = format === "png" ? await image.png().toBuffer() : await image.jpeg().toBuffer();
  return new Uint8Array(bytes);
}

export function box(
  id: string,
  x: number,
  y: number,
  width: number,
  height: number,
  style: TextBox["style"] = "outlined",
): TextBox {
  return { id, label: id, x, y, width, height, style };
}

export async function classicTemplate(size = 512): Promise<TemplateWithPicture> {
  const band = Math.round(size * 0.22);
  const m = Math.round(size * 0.03);
  return {
    name: "test-classic",
    description: "a grey square",
    tags: [],
    layout: "classic",
    width: size,
    height: size,
    picture: await greyPicture(size, size),
    boxes: [box("top", m, m, size - 2 * m, band), box("bottom", m, size - m - band, size - 2 * m, band)],
  };
}

export interface Raw {
  data: Buffer;
  width: number;
  height: number;
}

export async function rawOf(bytes: Uint8Array): Promise<Raw> {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Pixels in the rectangle that differ from the plain grey background by more than the JPEG noise. */
export function inkIn(raw: Raw, x0: number, y0: number, x1: number, y1: number, grey = 127): number {
  let count = 0;
  for (let y = Math.max(0, y0); y < Math.min(raw.height, y1); y++) {
    for (let x = Math.max(0, x0); x < Math.min(raw.width, x1); x++) {
      const i = (y * raw.width + x) * 3;
      const d =
        Math.abs(raw.data[i]! - grey) + Math.abs(raw.data[i + 1]! - grey) + Math.abs(raw.data[i + 2]! - grey);
      if (d > 40) count++;
    }
  }
  return count;
}

/** Pixels that are clearly coloured (not grey, white or black): emoji. */
export function colourfulIn(raw: Raw): number {
  let count = 0;
  for (let i = 0; i < raw.data.length; i += 3) {
    const r = raw.data[i]!,
      g = raw.data[i + 1]!,
      b = raw.data[i + 2]!;
    if (Math.max(r, g, b) - Math.min(r, g, b) > 80) count++;
  }
  return count;
}

/** Mean absolute difference per channel between two same-sized pictures. */
export function difference(a: Raw, b: Raw): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i]! - b.data[i]!);
  return sum / a.data.length;
}
