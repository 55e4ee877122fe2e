import { emoji, linearGradient, memeCoin, svgDocument } from "../svg.ts";
import { captionBox, TWEMOJI_CREDIT, type StarterDrawing } from "../starter.ts";

const W = 1024;
const H = 768;

/** A person drawn upright around their head at (0, 0), then turned upside down mid-air at (x, y). */
function tumblingHolder(x: number, y: number): string {
  const limb = (d: string, colour: string): string =>
    `<path d="${d}" stroke="#1b1b2f" stroke-width="44" stroke-linecap="round" stroke-linejoin="round" fill="none"/>` +
    `<path d="${d}" stroke="${colour}" stroke-width="30" stroke-linecap="round" stroke-linejoin="round" fill="none"/>`;
  return (
    `<g transform="translate(${x} ${y}) rotate(160) scale(0.8)">` +
    limb("M-30,200 L-70,300 L-30,370", "#264653") +
    limb("M30,200 L100,280 L170,260", "#264653") +
    limb("M-50,110 L-140,60 L-170,-20", "#ffcc4d") +
    limb("M50,110 L150,150 L200,100", "#ffcc4d") +
    `<rect x="-70" y="70" width="140" height="160" rx="50" fill="#2ec4b6" stroke="#1b1b2f" stroke-width="7"/>` +
    emoji("1f635", 0, 0, 190) +
    `</g>`
  );
}

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
      // The holder, flung head over heels, coins flying out of their pockets.
      tumblingHolder(440, 330) +
      memeCoin(240, 240, 42, "1f438", { rotate: -20 }) +
      memeCoin(620, 200, 36, "1f436", { rotate: 30 }) +
      memeCoin(610, 420, 30, "1f438") +
      emoji("1f4b8", 230, 430, 80) +
      emoji("2757", 300, 140, 70, { rotate: -15 });
    return svgDocument(W, H, body, defs);
  },
};
