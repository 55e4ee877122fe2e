// The last step: overlays composited onto the picture's pixels and encoded in one sharp pipeline,
// at the highest quality of a short ladder that fits the platforms' size budget.
import sharp from "sharp";
import type { Layer } from "./text.ts";
import type { Pixels } from "./picture.ts";
import type { PictureFormat, RenderedPicture } from "./types.ts";

/** Qualities tried in turn; a photo at 1280 px rarely needs the second. */
const QUALITY_LADDER = [84, 74, 62, 50, 38] as const;

/** Crops a layer to the picture: sharp refuses overlays that reach past its edges. */
export function clipLayer(layer: Layer, width: number, height: number): Layer | undefined {
  const { raw } = layer;
  const left = Math.max(0, layer.left);
  const top = Math.max(0, layer.top);
  const right = Math.min(width, layer.left + raw.width);
  const bottom = Math.min(height, layer.top + raw.height);
  if (right <= left || bottom <= top) return undefined;
  if (left === layer.left && top === layer.top && right - left === raw.width && bottom - top === raw.height) {
    return layer;
  }
  const w = right - left;
  const h = bottom - top;
  const out = Buffer.alloc(w * h * raw.channels);
  const rowBytes = w * raw.channels;
  for (let y = 0; y < h; y++) {
    const from = ((top - layer.top + y) * raw.width + (left - layer.left)) * raw.channels;
    layer.input.copy(out, y * rowBytes, from, from + rowBytes);
  }
  return { input: out, raw: { width: w, height: h, channels: raw.channels }, left, top };
}

/**
 * Blends the layers into a copy of the picture's pixels in JS. libvips' composite works in float over
 * the whole picture (about 30 ms for two boxes on 1024 × 1024); the layers cover a fraction of it, and
 * integer blending of only their pixels takes a millisecond or two.
 */
export function blend(base: Pixels, layers: readonly Layer[]): Buffer {
  const out = Buffer.from(base.data);
  for (const layer of layers) {
    const clipped = clipLayer(layer, base.width, base.height);
    if (clipped === undefined) continue;
    const { input, raw } = clipped;
    const grey = raw.channels === 2;
    for (let y = 0; y < raw.height; y++) {
      let o = ((clipped.top + y) * base.width + clipped.left) * 3;
      let i = y * raw.width * raw.channels;
      for (let x = 0; x < raw.width; x++, o += 3, i += raw.channels) {
        const a = grey ? input[i + 1]! : input[i + 3]!;
        if (a === 0) continue;
        const r = input[i]!;
        const g = grey ? r : input[i + 1]!;
        const b = grey ? r : input[i + 2]!;
        if (a === 255) {
          out[o] = r;
          out[o + 1] = g;
          out[o + 2] = b;
        } else {
          const k = 255 - a;
          out[o] = (r * a + out[o]! * k + 127) / 255;
          out[o + 1] = (g * a + out[o + 1]! * k + 127) / 255;
          out[o + 2] = (b * a + out[o + 2]! * k + 127) / 255;
        }
      }
    }
  }
  return out;
}

export async function composeAndEncode(
  base: Pixels,
  layers: readonly Layer[],
  format: PictureFormat,
  maxBytes: number,
): Promise<RenderedPicture> {
  const pixels = layers.length === 0 ? base.data : blend(base, layers);
  let last: Buffer | undefined;
  for (const quality of QUALITY_LADDER) {
    const pipeline = sharp(pixels, { raw: { width: base.width, height: base.height, channels: 3 } });
    last =
      format === "webp"
        ? await pipeline.webp({ quality, effort: 2 }).toBuffer()
        : await pipeline.jpeg({ quality, chromaSubsampling: "4:2:0" }).toBuffer();
    if (last.byteLength <= maxBytes) break;
  }
  return {
    bytes: new Uint8Array(last!.buffer, last!.byteOffset, last!.byteLength),
    mimeType: format === "webp" ? "image/webp" : "image/jpeg",
    width: base.width,
    height: base.height,
  };
}
