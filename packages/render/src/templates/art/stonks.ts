import { arrowHead, candles, emoji, linearGradient, svgDocument } from "../svg.ts";
import { classicBoxes, TWEMOJI_CREDIT, type StarterDrawing } from "../starter.ts";

const W = 1024;
const H = 768;

export const stonks: StarterDrawing = {
  name: "stonks",
  description:
    "A smug suited investor in front of a chart shooting up: ironic genius, for a dumb move that somehow made money or a chart that only goes up.",
  tags: ["pump", "bullish", "irony", "gains"],
  layout: "classic",
  width: W,
  height: H,
  boxes: classicBoxes(W, H, { top: "the dumb move", bottom: 'the result ("stonks")' }),
  credits: [TWEMOJI_CREDIT],
  svg() {
    const defs =
      linearGradient("bg", ["#0b1d3a", "#123a6b", "#1d5fa3"]) +
      linearGradient("area", ["#2ee59d", "#2ee59d"]);
    const grid: string[] = [];
    for (let x = 0; x <= W; x += 64)
      grid.push(`<path d="M${x},0 V${H}" stroke="#ffffff" stroke-opacity="0.08" stroke-width="2"/>`);
    for (let y = 0; y <= H; y += 64)
      grid.push(`<path d="M0,${y} H${W}" stroke="#ffffff" stroke-opacity="0.08" stroke-width="2"/>`);
    const path: [number, number][] = [
      [330, 640],
      [390, 600],
      [440, 620],
      [500, 520],
      [560, 545],
      [620, 430],
      [680, 455],
      [740, 330],
      [800, 350],
      [860, 220],
    ];
    const line = path.map(([x, y], index) => `${index === 0 ? "M" : "L"}${x},${y}`).join(" ");
    const body =
      `<rect width="${W}" height="${H}" fill="url(#bg)"/>` +
      grid.join("") +
      `<path d="${line} L860,${H} L330,${H} Z" fill="#2ee59d" opacity="0.16"/>` +
      candles(path, 30, { up: "#2ee59d", down: "#ff4d6d" }) +
      // The arrow: a thick green stroke along the rise with a big head.
      `<path d="M300,700 L470,560 L560,600 L760,360 L800,390 L900,250" stroke="#0b1d3a" stroke-width="64" stroke-linejoin="round" stroke-linecap="round" fill="none"/>` +
      `<path d="M300,700 L470,560 L560,600 L760,360 L800,390 L900,250" stroke="#2ee59d" stroke-width="44" stroke-linejoin="round" stroke-linecap="round" fill="none"/>` +
      arrowHead([800, 390], [900, 250], 90, "#2ee59d", "#0b1d3a") +
      // The investor: navy suit, white shirt, red tie, then a smug face.
      `<path d="M60,${H} C60,560 120,500 250,500 C380,500 440,560 440,${H} Z" fill="#1c2541"/>` +
      `<path d="M205,500 L250,620 L295,500 Z" fill="#ffffff"/>` +
      `<path d="M238,520 L262,520 L270,600 L250,640 L230,600 Z" fill="#e63946"/>` +
      `<path d="M120,${H} L150,600" stroke="#0f1630" stroke-width="6"/><path d="M380,${H} L350,600" stroke="#0f1630" stroke-width="6"/>` +
      emoji("1f60f", 250, 380, 250);
    return svgDocument(W, H, body, defs);
  },
};
