// Small helpers for drawing the starter templates as SVG text. The pictures are built from code so
// the project owns them outright; Twemoji graphics (CC-BY 4.0, see LICENSES.md) add faces and props.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const twemojiDir = dirname(createRequire(import.meta.url).resolve("@twemoji/svg/package.json"));
const twemojiCache = new Map<string, string>();

/** The inner markup of one Twemoji SVG (36×36 viewBox), by its code point file name ("1f680"). */
function twemojiInner(code: string): string {
  const cached = twemojiCache.get(code);
  if (cached !== undefined) return cached;
  const source = readFileSync(join(twemojiDir, `${code}.svg`), "utf8");
  const inner = source.replace(/^<svg[^>]*>/, "").replace(/<\/svg>\s*$/, "");
  twemojiCache.set(code, inner);
  return inner;
}

export interface EmojiOptions {
  rotate?: number;
  /** Mirror left-right (faces and hands that should look or point the other way). */
  flip?: boolean;
  opacity?: number;
}

/** A Twemoji graphic centred on (cx, cy), `size` pixels square. */
export function emoji(
  code: string,
  cx: number,
  cy: number,
  size: number,
  options: EmojiOptions = {},
): string {
  const scale = size / 36;
  const sx = options.flip === true ? -scale : scale;
  const transform = `translate(${cx} ${cy}) rotate(${options.rotate ?? 0}) scale(${sx} ${scale}) translate(-18 -18)`;
  const opacity = options.opacity === undefined ? "" : ` opacity="${options.opacity}"`;
  return `<g transform="${transform}"${opacity}>${twemojiInner(code)}</g>`;
}

/** A whole SVG document. */
export function svgDocument(width: number, height: number, body: string, defs = ""): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<defs>${defs}</defs>${body}</svg>`
  );
}

/** Deterministic pseudo-random numbers (mulberry32), so every process draws the same stars. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function linearGradient(id: string, stops: readonly string[], vertical = true): string {
  const direction = vertical ? `x1="0" y1="0" x2="0" y2="1"` : `x1="0" y1="0" x2="1" y2="0"`;
  const last = Math.max(stops.length - 1, 1);
  const body = stops
    .map((colour, index) => `<stop offset="${index / last}" stop-color="${colour}"/>`)
    .join("");
  return `<linearGradient id="${id}" ${direction}>${body}</linearGradient>`;
}

export function radialGradient(id: string, stops: readonly string[], opacities?: readonly number[]): string {
  const last = Math.max(stops.length - 1, 1);
  const body = stops
    .map((colour, index) => {
      const opacity = opacities?.[index] ?? 1;
      return `<stop offset="${index / last}" stop-color="${colour}" stop-opacity="${opacity}"/>`;
    })
    .join("");
  return `<radialGradient id="${id}">${body}</radialGradient>`;
}

/** Sunburst rays around (cx, cy): `count` wedges alternating with the background. */
export function sunburst(
  cx: number,
  cy: number,
  radius: number,
  count: number,
  fill: string,
  opacity = 1,
): string {
  const wedges: string[] = [];
  const step = (Math.PI * 2) / count;
  for (let index = 0; index < count; index += 2) {
    const a = index * step;
    const b = a + step;
    const p1 = `${cx + Math.cos(a) * radius},${cy + Math.sin(a) * radius}`;
    const p2 = `${cx + Math.cos(b) * radius},${cy + Math.sin(b) * radius}`;
    wedges.push(`<path d="M${cx},${cy} L${p1} L${p2} Z"/>`);
  }
  return `<g fill="${fill}" opacity="${opacity}">${wedges.join("")}</g>`;
}

/** Scattered stars (small circles and a few four-point sparkles). */
export function stars(
  seed: number,
  count: number,
  width: number,
  height: number,
  colour = "#ffffff",
): string {
  const random = seededRandom(seed);
  const parts: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const x = random() * width;
    const y = random() * height;
    const r = 0.8 + random() * 2.6;
    const opacity = (0.35 + random() * 0.65).toFixed(2);
    if (index % 9 === 0) {
      const s = r * 4;
      parts.push(
        `<path d="M${x},${y - s} Q${x},${y} ${x + s},${y} Q${x},${y} ${x},${y + s} Q${x},${y} ${x - s},${y} Q${x},${y} ${x},${y - s} Z" fill="${colour}" opacity="${opacity}"/>`,
      );
    } else {
      parts.push(
        `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${r.toFixed(1)}" fill="${colour}" opacity="${opacity}"/>`,
      );
    }
  }
  return parts.join("");
}

/** Japanese-style candlesticks along a price path: points are (x, close) pairs, `open` of each is the previous close. */
export function candles(
  points: readonly (readonly [number, number])[],
  width: number,
  colours: { up: string; down: string },
  wick = 18,
): string {
  const parts: string[] = [];
  for (let index = 1; index < points.length; index += 1) {
    const [x, close] = points[index] as readonly [number, number];
    const open = (points[index - 1] as readonly [number, number])[1];
    const up = close < open; // screen y grows downwards
    const top = Math.min(open, close);
    const bottom = Math.max(open, close);
    const colour = up ? colours.up : colours.down;
    parts.push(
      `<rect x="${x - 2}" y="${top - wick}" width="4" height="${bottom - top + wick * 2}" fill="${colour}"/>` +
        `<rect x="${x - width / 2}" y="${top}" width="${width}" height="${Math.max(bottom - top, 6)}" rx="3" fill="${colour}"/>`,
    );
  }
  return parts.join("");
}

/** A flat shadow ellipse under a character or object. */
export function shadow(cx: number, cy: number, rx: number, ry: number, opacity = 0.25): string {
  return `<ellipse cx="${cx}" cy="${cy}" rx="${rx}" ry="${ry}" fill="#000" opacity="${opacity}"/>`;
}

/** Art text drawn in the picture itself (chart labels, badges); DejaVu is the only system font. */
export function label(
  text: string,
  x: number,
  y: number,
  size: number,
  fill: string,
  options: { anchor?: "start" | "middle" | "end"; weight?: "bold" | "normal"; stroke?: string } = {},
): string {
  const stroke =
    options.stroke === undefined
      ? ""
      : ` stroke="${options.stroke}" stroke-width="${size / 8}" paint-order="stroke"`;
  return `<text x="${x}" y="${y}" font-family="DejaVu Sans" font-size="${size}" font-weight="${options.weight ?? "bold"}" text-anchor="${options.anchor ?? "middle"}" fill="${fill}"${stroke}>${text}</text>`;
}

/** A filled triangle arrow head at `to`, pointing away from `from`. */
export function arrowHead(
  from: readonly [number, number],
  to: readonly [number, number],
  size: number,
  fill: string,
  outline: string,
): string {
  const dx = to[0] - from[0];
  const dy = to[1] - from[1];
  const length = Math.hypot(dx, dy) || 1;
  const ux = dx / length;
  const uy = dy / length;
  const tip = [to[0] + ux * size, to[1] + uy * size];
  const left = [to[0] - uy * size * 0.75, to[1] + ux * size * 0.75];
  const right = [to[0] + uy * size * 0.75, to[1] - ux * size * 0.75];
  const points = [tip, left, right]
    .map((p) => `${(p[0] ?? 0).toFixed(1)},${(p[1] ?? 0).toFixed(1)}`)
    .join(" ");
  return `<polygon points="${points}" fill="${fill}" stroke="${outline}" stroke-width="10" stroke-linejoin="round"/>`;
}

/**
 * A meme coin: a gold (or, dull, grey) coin with a rim, ridges and a Twemoji face stamped on it,
 * so a coin reads as "some token", not as a bank.
 */
export function memeCoin(
  cx: number,
  cy: number,
  r: number,
  face: string,
  options: { dull?: boolean; rotate?: number } = {},
): string {
  const dull = options.dull === true;
  const [edge, body, rim, shine] = dull
    ? ["#5c5c5c", "#9e9e9e", "#b8b8b8", "#d0d0d0"]
    : ["#b8860b", "#f4b400", "#ffd54a", "#fff3b0"];
  const ridges = Array.from({ length: 24 }, (_, i) => {
    const a = (i / 24) * Math.PI * 2;
    const x1 = cx + Math.cos(a) * r * 0.93;
    const y1 = cy + Math.sin(a) * r * 0.93;
    const x2 = cx + Math.cos(a) * r;
    const y2 = cy + Math.sin(a) * r;
    return `<path d="M${x1.toFixed(1)},${y1.toFixed(1)} L${x2.toFixed(1)},${y2.toFixed(1)}" stroke="${edge}" stroke-width="${Math.max(2, r / 30)}"/>`;
  }).join("");
  return (
    `<g transform="rotate(${options.rotate ?? 0} ${cx} ${cy})">` +
    `<circle cx="${cx}" cy="${cy + r * 0.08}" r="${r}" fill="${edge}"/>` +
    `<circle cx="${cx}" cy="${cy}" r="${r}" fill="${rim}"/>` +
    ridges +
    `<circle cx="${cx}" cy="${cy}" r="${r * 0.8}" fill="${body}" stroke="${edge}" stroke-width="${r / 18}"/>` +
    `<path d="M${cx - r * 0.55},${cy - r * 0.35} A${r * 0.7},${r * 0.7} 0 0 1 ${cx + r * 0.1},${cy - r * 0.68}" stroke="${shine}" stroke-width="${r / 10}" stroke-linecap="round" fill="none" opacity="0.8"/>` +
    emoji(face, cx, cy + r * 0.04, r * 1.05, dull ? { opacity: 0.75 } : {}) +
    `</g>`
  );
}
