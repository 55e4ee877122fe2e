// Reading pictures nobody vetted: every decode goes through here with a byte limit, a pixel limit and
// only the first frame, and sharp's failures become PictureProblem values.
import sharp, { type Sharp } from "sharp";
import type { PictureProblem } from "./types.ts";

export interface PictureLimits {
  /** Largest accepted file, in bytes. */
  maxBytes: number;
  /** Largest accepted picture, in pixels (width × height of one frame), checked before decoding. */
  maxPixels: number;
  /** Longest side of what is stored and sent. */
  maxSide: number;
}

export const DEFAULT_PICTURE_LIMITS: PictureLimits = {
  maxBytes: 10 * 1024 * 1024,
  maxPixels: 40_000_000,
  maxSide: 1280,
};

/** Formats a user or template picture may be in; SVG and PDF are documents, not pictures, and stay out. */
const ACCEPTED_FORMATS = new Set(["jpeg", "png", "webp", "gif", "avif", "heif", "tiff"]);

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: PictureProblem };

/** Decoded pixels: 3 channels (RGB), at most maxSide on the longest side. */
export interface Pixels {
  data: Buffer;
  width: number;
  height: number;
}

function formatLimit(limits: PictureLimits, what: "bytes" | "pixels"): string {
  if (what === "pixels") return `${Math.round(limits.maxPixels / 1_000_000)} megapixels`;
  const mb = limits.maxBytes / 1024 / 1024;
  return mb >= 1 ? `${Math.round(mb)} MB` : `${Math.ceil(limits.maxBytes / 1024)} KB`;
}

/** Maps sharp's error messages (its only error signal) to the stable problems. */
export function problemOf(error: unknown, limits: PictureLimits): PictureProblem {
  const message = error instanceof Error ? error.message : String(error);
  if (/unsupported image format|bad seek|source is not|is not a known file format/i.test(message)) {
    return { id: "picture.not_image" };
  }
  if (/pixel limit|exceeds.*limit|too large/i.test(message)) {
    return { id: "picture.too_large", limit: formatLimit(limits, "pixels") };
  }
  return { id: "picture.corrupt" };
}

function input(bytes: Uint8Array, limits: PictureLimits): Sharp {
  // failOn "error" rejects truncated and broken files but lets through the harmless warnings
  // (extraneous bytes, odd EXIF) that many pictures from the internet carry.
  return sharp(bytes, {
    limitInputPixels: limits.maxPixels,
    failOn: "error",
    pages: 1,
    sequentialRead: true,
  });
}

/**
 * Checks bytes before sharp decodes them: the byte limit, then the header (format and the size it
 * claims, so a decompression bomb is refused before a pixel is allocated).
 */
export async function probe(
  bytes: Uint8Array,
  limits: PictureLimits,
): Promise<Checked<{ format: string; width: number; height: number; hasAlpha: boolean }>> {
  if (bytes.byteLength === 0) return { ok: false, problem: { id: "picture.not_image" } };
  if (bytes.byteLength > limits.maxBytes) {
    return { ok: false, problem: { id: "picture.too_large", limit: formatLimit(limits, "bytes") } };
  }
  try {
    const meta = await input(bytes, limits).metadata();
    if (meta.format === undefined || !ACCEPTED_FORMATS.has(meta.format)) {
      return { ok: false, problem: { id: "picture.not_image" } };
    }
    // For animations metadata reports one frame's height as pageHeight and the strip's as height.
    const width = meta.width;
    const height = meta.pageHeight ?? meta.height;
    if (!width || !height) return { ok: false, problem: { id: "picture.corrupt" } };
    if (width * height > limits.maxPixels) {
      return { ok: false, problem: { id: "picture.too_large", limit: formatLimit(limits, "pixels") } };
    }
    return { ok: true, value: { format: meta.format, width, height, hasAlpha: meta.hasAlpha } };
  } catch (error) {
    return { ok: false, problem: problemOf(error, limits) };
  }
}

/** The first frame, upright (EXIF orientation applied), flattened on white, longest side capped. */
export async function decode(bytes: Uint8Array, limits: PictureLimits): Promise<Checked<Pixels>> {
  const probed = await probe(bytes, limits);
  if (!probed.ok) return probed;
  try {
    const { data, info } = await input(bytes, limits)
      .autoOrient()
      .resize({ width: limits.maxSide, height: limits.maxSide, fit: "inside", withoutEnlargement: true })
      .flatten({ background: "#ffffff" })
      .removeAlpha()
      .toColourspace("srgb")
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { ok: true, value: { data, width: info.width, height: info.height } };
  } catch (error) {
    return { ok: false, problem: problemOf(error, limits) };
  }
}

/** What inspect() keeps: PNG when the picture has transparency (stickers), JPEG otherwise. */
export async function normalise(
  bytes: Uint8Array,
  limits: PictureLimits,
): Promise<Checked<{ picture: Uint8Array; width: number; height: number }>> {
  const probed = await probe(bytes, limits);
  if (!probed.ok) return probed;
  try {
    const pipeline = input(bytes, limits)
      .autoOrient()
      .resize({ width: limits.maxSide, height: limits.maxSide, fit: "inside", withoutEnlargement: true })
      .toColourspace("srgb");
    const encoded = probed.value.hasAlpha
      ? pipeline.png({ compressionLevel: 6 })
      : pipeline.flatten({ background: "#ffffff" }).jpeg({ quality: 88 });
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    return { ok: true, value: { picture: new Uint8Array(data), width: info.width, height: info.height } };
  } catch (error) {
    return { ok: false, problem: problemOf(error, limits) };
  }
}
