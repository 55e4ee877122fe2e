// Overlays blended into the picture's RGB pixels in JS. libvips' composite works in float over the
// whole picture (about 30 ms for two boxes on 1024 × 1024); the layers cover a fraction of it, and
// integer blending of only their pixels takes a millisecond or two. Layers reaching past the picture's
// edges are clipped here, without copies.
import type { Pixels } from "./picture.ts";

/**
 * An overlay at a place in the picture: a coverage mask (one byte a pixel) of one grey level (white
 * letters, dark letters, the black outline), or straight-alpha RGBA pixels when the text has colour
 * emoji. An outline is stored on a coarser grid (`scale` pixels a cell) and read back bilinearly.
 */
export interface Layer {
  input: Buffer;
  raw: { width: number; height: number; channels: 1 | 4 };
  /** The grey level a mask paints (0 black, 255 white); unused for RGBA. */
  colour: number;
  left: number;
  top: number;
  /** Pixels per stored value along each side; 1 unless given. */
  scale?: number;
}

/** (v·(255 − a) + c·a) / 255 rounded, for v·(255 − a) + c·a + 128 = t: a multiply and shifts, no divide. */
function div255(t: number): number {
  return (t + (t >> 8)) >> 8;
}

/** The part of a layer inside the picture, in picture pixels, or undefined. */
function bounds(layer: Layer, width: number, height: number) {
  const scale = layer.scale ?? 1;
  const x0 = Math.max(0, layer.left);
  const y0 = Math.max(0, layer.top);
  const x1 = Math.min(width, layer.left + layer.raw.width * scale);
  const y1 = Math.min(height, layer.top + layer.raw.height * scale);
  return x1 <= x0 || y1 <= y0 ? undefined : { x0, y0, x1, y1 };
}

function paintMask(out: Buffer, base: Pixels, layer: Layer, x0: number, y0: number, x1: number, y1: number) {
  const { input, raw, colour: c } = layer;
  for (let y = y0; y < y1; y++) {
    let o = (y * base.width + x0) * 3;
    let i = (y - layer.top) * raw.width + (x0 - layer.left);
    for (let x = x0; x < x1; x++, o += 3, i++) {
      const a = input[i]!;
      if (a === 0) continue;
      if (a === 255) {
        out[o] = c;
        out[o + 1] = c;
        out[o + 2] = c;
      } else {
        const k = 255 - a;
        const ca = c * a + 128;
        out[o] = div255(out[o]! * k + ca);
        out[o + 1] = div255(out[o + 1]! * k + ca);
        out[o + 2] = div255(out[o + 2]! * k + ca);
      }
    }
  }
}

function paintRgba(out: Buffer, base: Pixels, layer: Layer, x0: number, y0: number, x1: number, y1: number) {
  const { input, raw } = layer;
  for (let y = y0; y < y1; y++) {
    let o = (y * base.width + x0) * 3;
    let i = ((y - layer.top) * raw.width + (x0 - layer.left)) * 4;
    for (let x = x0; x < x1; x++, o += 3, i += 4) {
      const a = input[i + 3]!;
      if (a === 0) continue;
      if (a === 255) {
        out[o] = input[i]!;
        out[o + 1] = input[i + 1]!;
        out[o + 2] = input[i + 2]!;
      } else {
        const k = 255 - a;
        out[o] = div255(out[o]! * k + input[i]! * a + 128);
        out[o + 1] = div255(out[o + 1]! * k + input[i + 1]! * a + 128);
        out[o + 2] = div255(out[o + 2]! * k + input[i + 2]! * a + 128);
      }
    }
  }
}

/** Bilinear taps along one side: for pixel p, cells c0 and c1 and c1's weight out of 256. */
function taps(from: number, to: number, origin: number, scale: number, cells: number) {
  const c0 = new Int32Array(to - from);
  const c1 = new Int32Array(to - from);
  const w = new Int32Array(to - from);
  for (let p = from; p < to; p++) {
    // A pixel's centre in cell coordinates, where cell i's centre is at i.
    const u = (p - origin + 0.5) / scale - 0.5;
    const i = Math.floor(u);
    c0[p - from] = Math.min(cells - 1, Math.max(0, i));
    c1[p - from] = Math.min(cells - 1, Math.max(0, i + 1));
    w[p - from] = Math.round((u - i) * 256);
  }
  return { c0, c1, w };
}

function paintScaled(
  out: Buffer,
  base: Pixels,
  layer: Layer,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
) {
  const { input, raw, colour: c } = layer;
  const scale = layer.scale ?? 1;
  const cols = taps(x0, x1, layer.left, scale, raw.width);
  const rows = taps(y0, y1, layer.top, scale, raw.height);
  for (let y = y0; y < y1; y++) {
    const r0 = rows.c0[y - y0]! * raw.width;
    const r1 = rows.c1[y - y0]! * raw.width;
    const wy = rows.w[y - y0]!;
    let o = (y * base.width + x0) * 3;
    for (let j = 0; j < x1 - x0; j++, o += 3) {
      const i0 = cols.c0[j]!;
      const i1 = cols.c1[j]!;
      const a00 = input[r0 + i0]!;
      const a01 = input[r0 + i1]!;
      const a10 = input[r1 + i0]!;
      const a11 = input[r1 + i1]!;
      if ((a00 | a01 | a10 | a11) === 0) continue;
      const wx = cols.w[j]!;
      const top = a00 * (256 - wx) + a01 * wx;
      const bottom = a10 * (256 - wx) + a11 * wx;
      const a = (top * (256 - wy) + bottom * wy + 32768) >> 16;
      if (a === 0) continue;
      if (a >= 255) {
        out[o] = c;
        out[o + 1] = c;
        out[o + 2] = c;
      } else {
        const k = 255 - a;
        const ca = c * a + 128;
        out[o] = div255(out[o]! * k + ca);
        out[o + 1] = div255(out[o + 1]! * k + ca);
        out[o + 2] = div255(out[o + 2]! * k + ca);
      }
    }
  }
}

/**
 * Blends the layers, in order, into `into` (the picture's RGB pixels, a copy unless the caller owns
 * them) and returns it.
 */
export function blend(base: Pixels, layers: readonly Layer[], into: Buffer = Buffer.from(base.data)): Buffer {
  for (const layer of layers) {
    const b = bounds(layer, base.width, base.height);
    if (b === undefined) continue;
    if ((layer.scale ?? 1) !== 1) paintScaled(into, base, layer, b.x0, b.y0, b.x1, b.y1);
    else if (layer.raw.channels === 1) paintMask(into, base, layer, b.x0, b.y0, b.x1, b.y1);
    else paintRgba(into, base, layer, b.x0, b.y0, b.x1, b.y1);
  }
  return into;
}
