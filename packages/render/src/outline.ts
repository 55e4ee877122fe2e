// The classic black outline, grown in JS from the letters' own coverage: a Gaussian blur (three box
// blurs, running sums, so the cost does not grow with the radius) amplified four times, which grows the
// letters evenly in every direction with round corners, and covers emoji edges too. Big letters are
// blurred at half resolution and scaled back up: the outline's edge is soft over several pixels, so
// nothing is lost, and it costs a quarter of the work (about 1 ms for a full-width box instead of 3–6 ms
// for libvips' blur plus its thread hops).

/** Outline thickness for a letter size: about a fourteenth of the letters, never under 2 px. */
export function outlineRadius(px: number): number {
  return Math.max(2, Math.round(px / 14));
}

export interface OutlineMask {
  /** Coverage of the outline, one byte a pixel, width × height. */
  data: Buffer;
  width: number;
  height: number;
  /** How far the mask reaches past the letters on each side (the letters sit at pad, pad). */
  pad: number;
}

/** Box widths for three box blurs that together approximate a Gaussian of sigma (Kutskir's method). */
function boxRadii(sigma: number): [number, number, number] {
  const ideal = Math.sqrt((12 * sigma * sigma) / 3 + 1);
  let lower = Math.floor(ideal);
  if (lower % 2 === 0) lower--;
  const upper = lower + 2;
  const m = Math.round((12 * sigma * sigma - 3 * lower * lower - 12 * lower - 9) / (-4 * lower - 4));
  const widths = [0, 1, 2].map((i) => (i < m ? lower : upper));
  return widths.map((w) => Math.max(0, (w - 1) >> 1)) as [number, number, number];
}

function blurRows(src: Float32Array, dst: Float32Array, width: number, height: number, r: number): void {
  const scale = 1 / (2 * r + 1);
  for (let y = 0; y < height; y++) {
    const o = y * width;
    let sum = 0;
    for (let x = 0; x < r && x < width; x++) sum += src[o + x]!;
    for (let x = 0; x < width; x++) {
      if (x + r < width) sum += src[o + x + r]!;
      dst[o + x] = sum * scale;
      if (x - r >= 0) sum -= src[o + x - r]!;
    }
  }
}

/** The vertical pass row by row (a running sum per column), so memory is read in order. */
function blurColumns(
  src: Float32Array,
  dst: Float32Array,
  sums: Float32Array,
  width: number,
  height: number,
  r: number,
): void {
  const scale = 1 / (2 * r + 1);
  sums.fill(0);
  for (let y = 0; y < r && y < height; y++) {
    const o = y * width;
    for (let x = 0; x < width; x++) sums[x] = sums[x]! + src[o + x]!;
  }
  for (let y = 0; y < height; y++) {
    if (y + r < height) {
      const add = (y + r) * width;
      for (let x = 0; x < width; x++) sums[x] = sums[x]! + src[add + x]!;
    }
    const o = y * width;
    for (let x = 0; x < width; x++) dst[o + x] = sums[x]! * scale;
    if (y - r >= 0) {
      const remove = (y - r) * width;
      for (let x = 0; x < width; x++) sums[x] = sums[x]! - src[remove + x]!;
    }
  }
}

/**
 * The outline mask of letters drawn as `channels`-byte pixels (coverage in the last byte), for an
 * outline radius r.
 */
export function outlineMask(
  letters: Uint8Array,
  width: number,
  height: number,
  channels: 1 | 4,
  r: number,
): OutlineMask {
  const pad = r * 2;
  const fullWidth = width + pad * 2;
  const fullHeight = height + pad * 2;
  // Half resolution once the radius is big enough for its blur to stay smooth at half the pixels.
  const f = r >= 4 ? 2 : 1;
  const w = Math.ceil(fullWidth / f);
  const h = Math.ceil(fullHeight / f);
  const a = new Float32Array(w * h);
  const b = new Float32Array(w * h);
  // Coverage summed into f × f cells: at half resolution a cell holds four pixels' worth, which is the
  // fourfold amplification already; at full resolution it is applied when the mask is written.
  const alpha = channels - 1;
  for (let y = 0; y < height; y++) {
    const row = Math.floor((y + pad) / f) * w;
    const from = y * width * channels + alpha;
    if (f === 2) {
      for (let x = 0; x < width; x++) {
        const at = row + ((x + pad) >> 1);
        a[at] = a[at]! + letters[from + x * channels]!;
      }
    } else {
      for (let x = 0; x < width; x++) a[row + x + pad] = letters[from + x * channels]! * 4;
    }
  }
  const sums = new Float32Array(w);
  for (const radius of boxRadii((r * 0.6) / f)) {
    if (radius === 0) continue;
    blurRows(a, b, w, h, radius);
    blurColumns(b, a, sums, w, h, radius);
  }
  const out = new Uint8ClampedArray(fullWidth * fullHeight);
  if (f === 1) {
    out.set(a);
  } else {
    // Back to full resolution, bilinear: a pixel's centre lies a quarter cell from its own cell's
    // centre, so it is 3/4 its cell plus 1/4 the neighbour on that side, in each direction.
    const wide = new Float32Array(fullWidth * h);
    for (let y = 0; y < h; y++) {
      const o = y * w;
      const q = y * fullWidth;
      for (let k = 0; k < w; k++) {
        const here = a[o + k]! * 0.75;
        const x = k * 2;
        wide[q + x] = here + (k > 0 ? a[o + k - 1]! * 0.25 : 0);
        if (x + 1 < fullWidth) wide[q + x + 1] = here + (k + 1 < w ? a[o + k + 1]! * 0.25 : 0);
      }
    }
    for (let y = 0; y < fullHeight; y++) {
      const k = y >> 1;
      const near = k * fullWidth;
      const side = y & 1 ? k + 1 : k - 1;
      const o = y * fullWidth;
      if (side < 0 || side >= h) {
        for (let x = 0; x < fullWidth; x++) out[o + x] = wide[near + x]! * 0.75;
      } else {
        const far = side * fullWidth;
        for (let x = 0; x < fullWidth; x++) out[o + x] = wide[near + x]! * 0.75 + wide[far + x]! * 0.25;
      }
    }
  }
  return {
    data: Buffer.from(out.buffer, out.byteOffset, out.byteLength),
    width: fullWidth,
    height: fullHeight,
    pad,
  };
}
