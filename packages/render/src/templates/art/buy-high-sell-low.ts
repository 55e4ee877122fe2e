import { emoji, label, linearGradient, svgDocument } from "../svg.ts";
import { TWEMOJI_CREDIT, type StarterDrawing } from "../starter.ts";

const W = 1024;
const H = 768;

/** A rounded marker badge ("BUY", "SELL") with a pointer towards (px, py). */
function badge(text: string, x: number, y: number, px: number, py: number, fill: string): string {
  return (
    `<path d="M${x - 20},${y + 30} L${px},${py} L${x + 20},${y + 30} Z" fill="${fill}" stroke="#0d1321" stroke-width="5"/>` +
    `<rect x="${x - 90}" y="${y - 38}" width="180" height="76" rx="18" fill="${fill}" stroke="#0d1321" stroke-width="6"/>` +
    label(text, x, y + 16, 44, "#ffffff")
  );
}

export const buyHighSellLow: StarterDrawing = {
  name: "buy-high-sell-low",
  description:
    "A chart with the buy marker at the very top and the sell marker at the very bottom right before it pumps again: perfect bad timing, for self-roasting trades.",
  tags: ["dump", "irony", "trading", "self-roast"],
  layout: "panels",
  width: W,
  height: H,
  boxes: [
    { id: "buy", label: "when I bought", x: 24, y: 24, width: 380, height: 190, style: "outlined" },
    { id: "sell", label: "when I sold", x: 300, y: 590, width: 520, height: 160, style: "outlined" },
  ],
  credits: [TWEMOJI_CREDIT],
  svg() {
    const defs =
      linearGradient("bg", ["#0d1321", "#1d2d44"]) + linearGradient("area", ["#ffffff", "#ffffff"]);
    const grid: string[] = [];
    for (let x = 0; x <= W; x += 64)
      grid.push(`<path d="M${x},0 V${H}" stroke="#ffffff" stroke-opacity="0.06" stroke-width="2"/>`);
    for (let y = 0; y <= H; y += 64)
      grid.push(`<path d="M0,${y} H${W}" stroke="#ffffff" stroke-opacity="0.06" stroke-width="2"/>`);
    // Up, a spike (bought here), the dump (sold here), then the pump without us.
    const rise = "M0,520 L80,500 L140,530 L220,440 L280,470 L360,330 L420,360 L500,180";
    const fall = "M500,180 L540,300 L580,260 L640,420 L690,390 L730,520 L770,500 L810,600";
    const pump = "M810,600 L850,520 L880,560 L930,380 L960,410 L1024,200";
    const stroke = (d: string, colour: string): string =>
      `<path d="${d}" stroke="#0d1321" stroke-width="30" stroke-linejoin="round" stroke-linecap="round" fill="none"/>` +
      `<path d="${d}" stroke="${colour}" stroke-width="16" stroke-linejoin="round" stroke-linecap="round" fill="none"/>`;
    const body =
      `<rect width="${W}" height="${H}" fill="url(#bg)"/>` +
      grid.join("") +
      stroke(rise, "#2ee59d") +
      stroke(fall, "#ff4d6d") +
      stroke(pump, "#2ee59d") +
      `<circle cx="500" cy="180" r="16" fill="#ffd23f" stroke="#0d1321" stroke-width="5"/>` +
      `<circle cx="810" cy="600" r="16" fill="#ffd23f" stroke="#0d1321" stroke-width="5"/>` +
      badge("BUY", 610, 90, 510, 170, "#2a9d8f") +
      badge("SELL", 930, 690, 820, 612, "#d62828") +
      emoji("1f921", 690, 220, 130) +
      emoji("1f680", 980, 110, 80);
    return svgDocument(W, H, body, defs);
  },
};
