import { arrowHead, candles, emoji, linearGradient, svgDocument } from "../svg.ts";
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
    const path: [number, number][] = [
      [60, 250],
      [110, 230],
      [160, 240],
      [210, 215],
      [260, 230],
      [310, 300],
      [360, 280],
      [410, 390],
      [460, 370],
      [510, 500],
      [560, 470],
      [610, 620],
      [660, 600],
      [710, 740],
    ];
    const arrow = "M80,240 L240,225 L330,300 L420,380 L520,480 L640,620";
    const body =
      `<rect width="${W}" height="${H}" fill="url(#bg)"/>` +
      grid.join("") +
      candles(
        path.map(([x, y]) => [x + 40, y + 70] as [number, number]),
        30,
        { up: "#2ee59d", down: "#ff2e4d" },
        16,
      ) +
      `<path d="${arrow}" stroke="#1a0610" stroke-width="66" stroke-linejoin="round" stroke-linecap="round" fill="none"/>` +
      `<path d="${arrow}" stroke="#ff2e4d" stroke-width="46" stroke-linejoin="round" stroke-linecap="round" fill="none"/>` +
      arrowHead([520, 480], [640, 620], 80, "#ff2e4d", "#1a0610") +
      // Red alert glow behind the screaming face.
      `<circle cx="800" cy="370" r="190" fill="#ff2e4d" opacity="0.18"/>` +
      emoji("1f631", 800, 370, 260) +
      emoji("1f4b8", 620, 250, 90, { rotate: 25 }) +
      emoji("1f4b8", 930, 560, 80, { rotate: -20 }) +
      emoji("1f4b8", 170, 480, 80, { rotate: 10 });
    return svgDocument(W, H, body, defs);
  },
};
