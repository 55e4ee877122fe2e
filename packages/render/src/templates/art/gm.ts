import { emoji, linearGradient, radialGradient, sunburst, svgDocument } from "../svg.ts";
import { classicBoxes, TWEMOJI_CREDIT, type StarterDrawing } from "../starter.ts";

const W = 1024;
const H = 1024;

export const gm: StarterDrawing = {
  name: "gm",
  description:
    'A smiling sun rising over the hills, coffee ready: the daily "gm" greeting, for good-morning posts, fresh starts and green mornings.',
  tags: ["gm", "wholesome", "community", "hype"],
  layout: "classic",
  width: W,
  height: H,
  boxes: classicBoxes(W, H, { top: 'the greeting ("gm")', bottom: "to whom, or today's vibe" }),
  credits: [TWEMOJI_CREDIT],
  svg() {
    const defs =
      linearGradient("sky", ["#3b1c6e", "#b0306a", "#ff7a45", "#ffc857"]) +
      radialGradient("sunGlow", ["#fff3b0", "#ffc857"], [0.9, 0]) +
      linearGradient("hillA", ["#6b2d5c", "#3a1740"]) +
      linearGradient("hillB", ["#2f1b4d", "#180c2b"]);
    const body =
      `<rect width="${W}" height="${H}" fill="url(#sky)"/>` +
      sunburst(512, 640, 1100, 28, "#fff3b0", 0.12) +
      `<circle cx="512" cy="640" r="420" fill="url(#sunGlow)"/>` +
      emoji("1f31e", 512, 520, 440) +
      // Birds.
      `<path d="M200,320 q25,-25 50,0 q25,-25 50,0" stroke="#3b1c6e" stroke-width="8" fill="none" stroke-linecap="round"/>` +
      `<path d="M720,260 q20,-20 40,0 q20,-20 40,0" stroke="#3b1c6e" stroke-width="7" fill="none" stroke-linecap="round"/>` +
      // Two hill ranges in front of the sun.
      `<path d="M0,700 C160,600 300,620 460,690 C620,760 780,600 1024,640 V${H} H0 Z" fill="url(#hillA)"/>` +
      `<path d="M0,800 C200,720 380,760 560,800 C740,840 880,740 1024,760 V${H} H0 Z" fill="url(#hillB)"/>` +
      emoji("2615", 170, 640, 120);
    return svgDocument(W, H, body, defs);
  },
};
