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

export async function composeAndEncode(
  base: Pixels,
  layers: readonly Layer[],
  format: PictureFormat,
  maxBytes: number,
): Promise<RenderedPicture> {
  const overlays = layers.flatMap((layer) => clipLayer(layer, base.width, base.height) ?? []);
  let last: Buffer | undefined;
  for (const quality of QUALITY_LADDER) {
    const pipeline = sharp(base.data, { raw: { width: base.width, height: base.height, channels: 3 } }).composite(
      overlays.map((o) => ({ input: o.input, raw: o.raw, left: o.left, top: o.top })),
    );
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
