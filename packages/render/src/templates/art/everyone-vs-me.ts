import { emoji, linearGradient, radialGradient, sunburst, svgDocument } from "../svg.ts";
import { TWEMOJI_CREDIT, type StarterDrawing } from "../starter.ts";

const W = 1024;
const H = 768;

export const everyoneVsMe: StarterDrawing = {
  name: "everyone-vs-me",
  description:
    "A row of calm, content faces on the left and one exploding head in a burning red panel on the right: everyone else is fine, the poster is not, for lonely panic or lonely conviction.",
  tags: ["comparison", "reaction", "fear", "hype"],
  layout: "panels",
  width: W,
  height: H,
  boxes: [
    {
      id: "everyone",
      label: "what everyone else does",
      x: 24,
      y: 24,
      width: 464,
      height: 170,
      style: "outlined",
    },
    { id: "me", label: "what I do", x: 536, y: 24, width: 464, height: 170, style: "outlined" },
  ],
  credits: [TWEMOJI_CREDIT],
  svg() {
    const defs =
      linearGradient("calm", ["#b7e4c7", "#74c69d"]) +
      radialGradient("chaos", ["#ffbe0b", "#fb5607", "#8b0000"]);
    const calmFaces = [
      [120, 330],
      [256, 310],
      [392, 330],
      [120, 480],
      [256, 460],
      [392, 480],
    ]
      .map(([x, y]) => emoji("1f642", x ?? 0, y ?? 0, 110))
      .join("");
    const body =
      `<rect width="512" height="${H}" fill="url(#calm)"/>` +
      // A flat, boring chart line under the calm crowd.
      `<path d="M30,640 L120,630 L200,645 L290,628 L380,640 L480,632" stroke="#2d6a4f" stroke-width="12" fill="none" stroke-linejoin="round" stroke-linecap="round"/>` +
      calmFaces +
      `<rect x="512" width="512" height="${H}" fill="url(#chaos)"/>` +
      `<svg x="512" y="0" width="512" height="${H}" viewBox="512 0 512 ${H}">` +
      sunburst(768, 420, 700, 28, "#ffffff", 0.15) +
      emoji("1f525", 580, 680, 150) +
      emoji("1f525", 960, 690, 170) +
      emoji("1f4c8", 620, 270, 100, { rotate: -20 }) +
      emoji("1f4c9", 930, 280, 100, { rotate: 20 }) +
      emoji("1f92f", 768, 440, 300) +
      `</svg>` +
      `<rect x="506" y="0" width="12" height="${H}" fill="#1b1b2f"/>`;
    return svgDocument(W, H, body, defs);
  },
};
