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

/** Per stored row, the first and last column holding any coverage (first > last when none). */
function extents(layer: Layer): Int32Array {
  const { input, raw } = layer;
  const out = new Int32Array(raw.height * 2);
  for (let r = 0; r < raw.height; r++) {
    const o = r * raw.width;
    let first = 0;
    while (first < raw.width && input[o + first] === 0) first++;
    let last = raw.width - 1;
    while (last > first && input[o + last] === 0) last--;
    out[r * 2] = first;
    out[r * 2 + 1] = first < raw.width ? last : -1;
  }
  return out;
}

/** Scratch row of vertically interpolated coverage (×256), reused: blending is synchronous. */
let rowScratch = new Int32Array(0);

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
  const f = layer.scale ?? 1;
  const rows = taps(y0, y1, layer.top, f, raw.height);
  // Horizontally, pixel d of a cell lies between the cell and one neighbour with a fixed weight.
  const side = new Int32Array(f);
  const weight = new Int32Array(f);
  for (let d = 0; d < f; d++) {
    const t = (d + 0.5) / f - 0.5;
    side[d] = t < 0 ? -1 : 1;
    weight[d] = Math.round(Math.abs(t) * 256);
  }
  if (rowScratch.length < raw.width + 2) rowScratch = new Int32Array(raw.width * 2 + 2);
  // v[k + 1] is cell k's coverage interpolated between the pixel row's two grid rows; v[0] and
  // v[width + 1] stay 0 (nothing past the grid's edges).
  const v = rowScratch;
  // Most of an outline's grid is empty (between lines, past the ends of short lines): each row is
  // only walked between the first and last cells its two grid rows hold.
  const ends = extents(layer);
  for (let y = y0; y < y1; y++) {
    const g0 = rows.c0[y - y0]!;
    const g1 = rows.c1[y - y0]!;
    const first = Math.min(ends[g0 * 2]!, ends[g1 * 2]!);
    const last = Math.max(ends[g0 * 2 + 1]!, ends[g1 * 2 + 1]!);
    if (last < first) continue;
    const r0 = g0 * raw.width;
    const r1 = g1 * raw.width;
    const wy = rows.w[y - y0]!;
    v[first] = 0;
    v[last + 2] = 0;
    for (let k = first; k <= last; k++) v[k + 1] = input[r0 + k]! * (256 - wy) + input[r1 + k]! * wy;
    const from = Math.max(0, first - 1);
    const to = Math.min(raw.width - 1, last + 1);
    const rowStart = y * base.width;
    for (let k = from; k <= to; k++) {
      const here = v[k + 1]!;
      const left = k >= first ? v[k]! : 0;
      const right = k + 2 <= last + 2 ? v[k + 2]! : 0;
      if ((here | left | right) === 0) continue;
      const full = here === 65280 && left === 65280 && right === 65280;
      const px = layer.left + k * f;
      for (let d = 0; d < f; d++) {
        const x = px + d;
        if (x < x0 || x >= x1) continue;
        let a: number;
        if (full) a = 255;
        else {
          const w = weight[d]!;
          a = (here * (256 - w) + (side[d]! < 0 ? left : right) * w + 32768) >> 16;
          if (a === 0) continue;
        }
        const o = (rowStart + x) * 3;
        if (a >= 255) {
          out[o] = c;
          out[o + 1] = c;
          out[o + 2] = c;
        } else {
          const k2 = 255 - a;
          const ca = c * a + 128;
          out[o] = div255(out[o]! * k2 + ca);
          out[o + 1] = div255(out[o + 1]! * k2 + ca);
          out[o + 2] = div255(out[o + 2]! * k2 + ca);
        }
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
