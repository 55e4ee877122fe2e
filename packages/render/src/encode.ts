// The last step: overlays composited onto the picture's pixels and encoded in one sharp pipeline,
// at the highest quality of a short ladder that fits the platforms' size budget.
import sharp from "sharp";
import { blend, type Layer } from "./blend.ts";
import type { Pixels } from "./picture.ts";
import type { PictureFormat, RenderedPicture } from "./types.ts";

/** Qualities tried in turn; a photo at 1280 px rarely needs the second. */
const QUALITY_LADDER = [84, 74, 62, 50, 38] as const;

/**
 * Scratch copies of pictures, reused: a fresh 3 MB buffer per meme costs page faults and zeroing in
 * the kernel (a millisecond or more of system time) and keeps the garbage collector busy. A few per
 * size cover the renders in flight; the rest are dropped.
 */
const scratch = new Map<number, Buffer[]>();
const SCRATCH_PER_SIZE = 4;
const SCRATCH_SIZES = 4;

function takeScratch(size: number): Buffer {
  return scratch.get(size)?.pop() ?? Buffer.allocUnsafeSlow(size);
}

function giveScratch(buffer: Buffer): void {
  let free = scratch.get(buffer.length);
  if (free === undefined) {
    if (scratch.size >= SCRATCH_SIZES) scratch.delete(scratch.keys().next().value!);
    free = [];
    scratch.set(buffer.length, free);
  }
  if (free.length < SCRATCH_PER_SIZE) free.push(buffer);
}

export async function composeAndEncode(
  base: Pixels,
  layers: readonly Layer[],
  format: PictureFormat,
  maxBytes: number,
  /** The picture's pixels are the caller's own scratch copy: blend straight into them. */
  owned = false,
): Promise<RenderedPicture> {
  let copy: Buffer | undefined;
  if (layers.length > 0 && !owned) {
    copy = takeScratch(base.data.length);
    base.data.copy(copy);
  }
  const pixels = layers.length === 0 ? base.data : blend(base, layers, copy ?? base.data);
  try {
    return await encode(pixels, base, format, maxBytes);
  } finally {
    // libvips is done with the pixels once the encoded bytes are back.
    if (copy !== undefined) giveScratch(copy);
  }
}

async function encode(
  pixels: Buffer,
  base: Pixels,
  format: PictureFormat,
  maxBytes: number,
): Promise<RenderedPicture> {
  let last: Buffer | undefined;
  for (const quality of QUALITY_LADDER) {
    const pipeline = sharp(pixels, { raw: { width: base.width, height: base.height, channels: 3 } });
    last =
      format === "webp"
        ? await pipeline.webp({ quality, effort: 2 }).toBuffer()
        : // Optimised Huffman tables save about 5 % of the bytes for a second pass over the picture that
          // more than doubles the encode (9 ms instead of 4 for 1024 × 1024).
          await pipeline.jpeg({ quality, chromaSubsampling: "4:2:0", optimiseCoding: false }).toBuffer();
    if (last.byteLength <= maxBytes) break;
  }
  return {
    bytes: new Uint8Array(last!.buffer, last!.byteOffset, last!.byteLength),
    mimeType: format === "webp" ? "image/webp" : "image/jpeg",
    width: base.width,
    height: base.height,
  };
}
