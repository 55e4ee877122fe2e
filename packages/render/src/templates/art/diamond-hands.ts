import { emoji, radialGradient, sunburst, svgDocument } from "../svg.ts";
import { classicBoxes, TWEMOJI_CREDIT, type StarterDrawing } from "../starter.ts";

const W = 1024;
const H = 1024;

export const diamondHands: StarterDrawing = {
  name: "diamond-hands",
  description:
    "A glowing diamond held up high by two hands: proud holding, for refusing to sell through a dip or celebrating holders who never sold.",
  tags: ["hodl", "bullish", "hype", "conviction"],
  layout: "classic",
  width: W,
  height: H,
  boxes: classicBoxes(W, H, { top: "what happened (the dip, the fud)", bottom: "the holder's answer" }),
  credits: [TWEMOJI_CREDIT],
  svg() {
    const defs =
      radialGradient("bg", ["#3ee6ff", "#1a7fd6", "#0a1f5c"]) +
      radialGradient("glow", ["#ffffff", "#bff6ff"], [0.9, 0]);
    const sparkles = [
      [250, 330, 70],
      [790, 300, 90],
      [840, 560, 60],
      [190, 600, 55],
      [650, 240, 45],
    ]
      .map(([x, y, s]) => emoji("2728", x ?? 0, y ?? 0, s ?? 0))
      .join("");
    const body =
      `<rect width="${W}" height="${H}" fill="url(#bg)"/>` +
      sunburst(512, 440, 900, 36, "#ffffff", 0.09) +
      `<circle cx="512" cy="420" r="300" fill="url(#glow)"/>` +
      emoji("1f48e", 512, 420, 330) +
      emoji("1f64c", 512, 680, 300) +
      sparkles;
    return svgDocument(W, H, body, defs);
  },
};
