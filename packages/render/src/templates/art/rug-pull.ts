import { emoji, linearGradient, svgDocument } from "../svg.ts";
import { captionBox, TWEMOJI_CREDIT, type StarterDrawing } from "../starter.ts";

const W = 1024;
const H = 768;

export const rugPull: StarterDrawing = {
  name: "rug-pull",
  description:
    "A rug yanked out from under a holder who flies off with their coins: betrayal, for a dev dumping, liquidity vanishing or a project that disappeared overnight.",
  tags: ["dump", "rug", "scam", "fear"],
  layout: "caption-bar",
  width: W,
  height: H,
  boxes: captionBox(W, H, "who pulled the rug, or who got rugged"),
  credits: [TWEMOJI_CREDIT],
  svg() {
    const defs =
      linearGradient("wall", ["#5a3fa0", "#7b5cc8"]) + linearGradient("floor", ["#c98b52", "#a86b3a"]);
    const stripes = [0, 1, 2, 3, 4]
      .map(
        (i) =>
          `<rect x="${150 + i * 0}" y="${598 + i * 20}" width="600" height="8" fill="${i % 2 === 0 ? "#ffd23f" : "#1b998b"}"/>`,
      )
      .join("");
    const fringe = Array.from(
      { length: 10 },
      (_, i) =>
        `<path d="M${140},${600 + i * 10} l-30,${(i % 2) * 6 - 3}" stroke="#ffd23f" stroke-width="5"/>`,
    ).join("");
    const motion = [560, 600, 640, 680]
      .map(
        (y, i) =>
          `<path d="M${120 - i * 10},${y} H${20 + i * 15}" stroke="#ffffff" stroke-width="8" stroke-linecap="round" opacity="0.7"/>`,
      )
      .join("");
    const body =
      `<rect width="${W}" height="${H}" fill="url(#wall)"/>` +
      // Wallpaper dots and a window with the chart going down outside.
      Array.from(
        { length: 48 },
        (_, i) =>
          `<circle cx="${40 + (i % 12) * 86}" cy="${50 + Math.floor(i / 12) * 110}" r="6" fill="#ffffff" opacity="0.12"/>`,
      ).join("") +
      `<rect x="700" y="120" width="250" height="200" rx="10" fill="#1b1b2f"/><rect x="715" y="135" width="220" height="170" fill="#2b2d5c"/>` +
      `<path d="M725,160 L780,190 L810,175 L860,250 L925,290" stroke="#ff4d6d" stroke-width="10" fill="none" stroke-linejoin="round"/>` +
      `<path d="M0,560 H${W} V${H} H0 Z" fill="url(#floor)"/>` +
      // The rug, sliding left in a wave, a hand pulling it from the right edge.
      `<path d="M150,590 C300,560 450,620 600,585 C680,570 760,600 860,590 L880,700 C760,715 650,690 560,705 C420,725 290,690 150,705 Z" fill="#d7263d" stroke="#1b1b2f" stroke-width="6"/>` +
      stripes +
      fringe +
      motion +
      emoji("270a", 930, 640, 140, { flip: true, rotate: -90 }) +
      `<path d="M990,620 L1024,610 L1024,680 L990,670 Z" fill="#f4a261"/>` +
      // The holder, flung into the air upside down, coins flying out of their pockets.
      emoji("1f635", 420, 330, 210, { rotate: -150 }) +
      emoji("1fa99", 250, 250, 80, { rotate: -20 }) +
      emoji("1fa99", 590, 220, 70, { rotate: 30 }) +
      emoji("1fa99", 560, 420, 60) +
      emoji("1f4b8", 230, 430, 80) +
      emoji("2757", 560, 300, 70, { rotate: 15 });
    return svgDocument(W, H, body, defs);
  },
};
