import { emoji, linearGradient, radialGradient, seededRandom, svgDocument } from "../svg.ts";
import { captionBox, TWEMOJI_CREDIT, type StarterDrawing } from "../starter.ts";

const W = 1024;
const H = 768;

export const whaleAlert: StarterDrawing = {
  name: "whale-alert",
  description:
    "A gigantic whale surfacing next to tiny fish under flashing sirens: a big wallet moving, for whale buys or sells that shake the chart and scare small holders.",
  tags: ["whale", "pump", "dump", "fear", "hype"],
  layout: "caption-bar",
  width: W,
  height: H,
  boxes: captionBox(W, H, "what the whale just did"),
  credits: [TWEMOJI_CREDIT],
  svg() {
    const random = seededRandom(5);
    const defs =
      linearGradient("sky", ["#ff5f6d", "#ffc371"]) +
      linearGradient("sea", ["#0d3b7a", "#061f4a", "#020b24"]) +
      radialGradient("alarm", ["#ff2e4d", "#ff2e4d"], [0.55, 0]) +
      radialGradient("whaleGlow", ["#7fe7ff", "#7fe7ff"], [0.45, 0]);
    const bubbles = Array.from({ length: 26 }, () => {
      const x = random() * W;
      const y = 330 + random() * 420;
      return `<circle cx="${x.toFixed(0)}" cy="${y.toFixed(0)}" r="${(4 + random() * 12).toFixed(0)}" fill="none" stroke="#ffffff" stroke-width="3" opacity="0.35"/>`;
    }).join("");
    const fish = [
      [120, 560, 60, false],
      [190, 620, 50, false],
      [860, 600, 56, true],
      [920, 520, 44, true],
      [90, 680, 40, false],
    ]
      .map(([x, y, s, flip]) =>
        emoji("1f41f", x as number, y as number, s as number, { flip: flip as boolean }),
      )
      .join("");
    const body =
      `<rect width="${W}" height="${H}" fill="url(#sky)"/>` +
      `<circle cx="150" cy="140" r="200" fill="url(#alarm)"/><circle cx="874" cy="140" r="200" fill="url(#alarm)"/>` +
      `<path d="M0,300 C120,270 220,330 340,300 C460,270 560,330 680,300 C800,270 900,330 1024,300 V${H} H0 Z" fill="url(#sea)"/>` +
      // The splash where the whale breaks the surface.
      `<path d="M260,310 C280,220 330,200 360,260 C380,180 440,170 470,250 C500,160 580,170 600,250 C640,190 700,210 720,300 Z" fill="#ffffff" opacity="0.85"/>` +
      bubbles +
      `<ellipse cx="500" cy="470" rx="360" ry="260" fill="url(#whaleGlow)"/>` +
      emoji("1f40b", 500, 430, 560) +
      fish +
      emoji("1f6a8", 150, 140, 150) +
      emoji("1f6a8", 874, 140, 150);
    return svgDocument(W, H, body, defs);
  },
};
