import { arrowHead, candles, emoji, linearGradient, seededRandom, svgDocument } from "../svg.ts";
import { classicBoxes, TWEMOJI_CREDIT, type StarterDrawing } from "../starter.ts";

const W = 1024;
const H = 768;

export const chartCrash: StarterDrawing = {
  name: "chart-crash",
  description:
    "A screaming trader as red candles and a giant arrow plunge off the chart: panic, for a dump, a liquidation cascade or a portfolio checked at the worst moment.",
  tags: ["dump", "fear", "bearish", "panic", "reaction"],
  layout: "classic",
  width: W,
  height: H,
  boxes: classicBoxes(W, H, { top: "what just happened to the price", bottom: "the holder's reaction" }),
  credits: [TWEMOJI_CREDIT],
  svg() {
    const defs = linearGradient("bg", ["#1a0610", "#3d0b1c", "#6e1024"]);
    const grid: string[] = [];
    for (let x = 0; x <= W; x += 64)
      grid.push(`<path d="M${x},0 V${H}" stroke="#ff8aa0" stroke-opacity="0.08" stroke-width="2"/>`);
    for (let y = 0; y <= H; y += 64)
      grid.push(`<path d="M0,${y} H${W}" stroke="#ff8aa0" stroke-opacity="0.08" stroke-width="2"/>`);
    // A price that drifts sideways, then falls off a cliff: closes every 44 px, a little noise.
    const random = seededRandom(3);
    const path: [number, number][] = [];
    for (let x = 40; x <= W + 20; x += 44) {
      const fall = x < 260 ? 0 : ((x - 260) / (W - 260)) ** 1.3 * 560;
      path.push([x, 230 + fall + (random() - 0.5) * 50]);
    }
    const arrow = "M60,190 L250,185 L340,230 L430,300 L520,390 L600,480";
    const body =
      `<rect width="${W}" height="${H}" fill="url(#bg)"/>` +
      grid.join("") +
      `<g opacity="0.75">${candles(path, 28, { up: "#2ee59d", down: "#ff2e4d" }, 14)}</g>` +
      `<path d="${arrow}" stroke="#1a0610" stroke-width="66" stroke-linejoin="round" stroke-linecap="round" fill="none"/>` +
      `<path d="${arrow}" stroke="#ff2e4d" stroke-width="46" stroke-linejoin="round" stroke-linecap="round" fill="none"/>` +
      arrowHead([520, 390], [600, 480], 80, "#ff2e4d", "#1a0610") +
      // Red alert glow behind the screaming face.
      `<circle cx="800" cy="370" r="190" fill="#ff2e4d" opacity="0.18"/>` +
      emoji("1f631", 800, 370, 260) +
      emoji("1f4b8", 620, 250, 90, { rotate: 25 }) +
      emoji("1f4b8", 930, 560, 80, { rotate: -20 }) +
      emoji("1f4b8", 170, 480, 80, { rotate: 10 });
    return svgDocument(W, H, body, defs);
  },
};
