import { emoji, linearGradient, memeCoin, radialGradient, stars, svgDocument } from "../svg.ts";
import { classicBoxes, TWEMOJI_CREDIT, type StarterDrawing } from "../starter.ts";

const W = 1024;
const H = 1024;

export const toTheMoon: StarterDrawing = {
  name: "to-the-moon",
  description:
    "A rocket blasting off towards a giant moon through a starry sky: pure hype, for a pump, a launch or a holder's wildest price dream.",
  tags: ["pump", "hype", "moon", "bullish"],
  layout: "classic",
  width: W,
  height: H,
  boxes: classicBoxes(W, H, {
    top: "what is pumping or launching",
    bottom: "where it is going (the punchline)",
  }),
  credits: [TWEMOJI_CREDIT],
  svg() {
    const defs =
      linearGradient("sky", ["#070b26", "#1b1452", "#4a1d7a", "#b23a8a"]) +
      radialGradient("moonGlow", ["#fff6d5", "#fff6d5"], [0.55, 0]) +
      radialGradient("moonFace", ["#fffbe8", "#f3dfa2", "#d9b86a"]) +
      linearGradient("trail", ["#ffe259", "#ff7a3d", "#ff3d6e"], false) +
      radialGradient("flame", ["#ffffff", "#ffe259", "#ff7a3d"], [1, 0.9, 0]);
    const craters = [
      [650, 380, 34],
      [760, 470, 22],
      [700, 520, 46],
      [815, 380, 28],
      [600, 470, 18],
    ]
      .map(([x, y, r]) => `<circle cx="${x}" cy="${y}" r="${r}" fill="#d6b772" opacity="0.7"/>`)
      .join("");
    const body =
      `<rect width="${W}" height="${H}" fill="url(#sky)"/>` +
      stars(7, 220, W, H) +
      `<circle cx="720" cy="440" r="330" fill="url(#moonGlow)"/>` +
      `<circle cx="720" cy="440" r="200" fill="url(#moonFace)"/>` +
      craters +
      // The exhaust: a fat curved trail from the lower left corner to the rocket's nozzle.
      `<path d="M-60,1100 C120,900 200,780 330,690" stroke="url(#trail)" stroke-width="120" stroke-linecap="round" fill="none" opacity="0.85"/>` +
      `<path d="M-40,1080 C130,900 210,790 330,690" stroke="#fff3b0" stroke-width="40" stroke-linecap="round" fill="none" opacity="0.8"/>` +
      `<circle cx="330" cy="690" r="110" fill="url(#flame)"/>` +
      // Puffs of smoke along the trail.
      [
        [120, 900, 70],
        [40, 980, 90],
        [210, 820, 50],
      ]
        .map(([x, y, r]) => `<circle cx="${x}" cy="${y}" r="${r}" fill="#ffffff" opacity="0.18"/>`)
        .join("") +
      emoji("1f680", 440, 580, 330) +
      memeCoin(880, 700, 50, "1f436", { rotate: 20 }) +
      memeCoin(170, 360, 40, "1f438", { rotate: -15 }) +
      emoji("2728", 560, 300, 70);
    return svgDocument(W, H, body, defs);
  },
};
