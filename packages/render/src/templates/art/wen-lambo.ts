import { emoji, linearGradient, svgDocument } from "../svg.ts";
import { captionBox, TWEMOJI_CREDIT, type StarterDrawing } from "../starter.ts";

const W = 1024;
const H = 768;

/** A low yellow supercar, drawn facing right, its wheels on y = base. */
function supercar(x: number, base: number, scale: number): string {
  return (
    `<g transform="translate(${x} ${base}) scale(${scale})">` +
    // Wedge body: high tail with a spoiler, long low nose.
    `<path d="M-215,-25 L-215,-70 L-240,-78 L-238,-92 L-170,-88 L-90,-100 L10,-108 L100,-70 L215,-48 L225,-22 L-215,-25 Z" fill="#ffcc00" stroke="#1b1b2f" stroke-width="8" stroke-linejoin="round"/>` +
    `<path d="M-70,-93 L10,-100 L85,-68 L-60,-66 Z" fill="#2b3a67"/>` +
    `<path d="M-20,-66 L-30,-40 L40,-40 Z" fill="#1b1b2f" opacity="0.85"/>` +
    `<path d="M150,-40 L215,-36" stroke="#1b1b2f" stroke-width="6"/>` +
    `<path d="M190,-52 L215,-48" stroke="#fff3b0" stroke-width="8" stroke-linecap="round"/>` +
    `<circle cx="-135" cy="-18" r="40" fill="#1b1b2f"/><circle cx="-135" cy="-18" r="18" fill="#c0c4cc"/>` +
    `<circle cx="135" cy="-18" r="40" fill="#1b1b2f"/><circle cx="135" cy="-18" r="18" fill="#c0c4cc"/>` +
    `</g>`
  );
}

export const wenLambo: StarterDrawing = {
  name: "wen-lambo",
  description:
    "A skeleton on a park bench still dreaming of a yellow supercar: endless waiting, for holders asking when the promised gains finally arrive.",
  tags: ["hodl", "waiting", "cope", "lambo"],
  layout: "caption-bar",
  width: W,
  height: H,
  boxes: captionBox(W, H, "what we are still waiting for"),
  credits: [TWEMOJI_CREDIT],
  svg() {
    const defs =
      linearGradient("sky", ["#7fc8f8", "#bde4f4", "#e8f6ef"]) +
      linearGradient("grass", ["#6cc551", "#3f8f3a"]);
    const bone = (d: string): string =>
      `<path d="${d}" stroke="#1b1b2f" stroke-width="30" stroke-linecap="round" fill="none"/>` +
      `<path d="${d}" stroke="#f4f1e8" stroke-width="18" stroke-linecap="round" fill="none"/>`;
    const ribs = [0, 1, 2, 3]
      .map((i) => bone(`M${285 - i * 2},${455 + i * 26} Q330,${445 + i * 26} ${375 + i * 2},${455 + i * 26}`))
      .join("");
    const body =
      `<rect width="${W}" height="${H}" fill="url(#sky)"/>` +
      `<circle cx="880" cy="110" r="60" fill="#fff6c2"/>` +
      `<path d="M0,560 C250,520 600,540 1024,520 V${H} H0 Z" fill="url(#grass)"/>` +
      // A tree behind the bench.
      `<rect x="90" y="230" width="50" height="340" fill="#7a4b2a"/>` +
      `<circle cx="115" cy="200" r="120" fill="#3f8f3a"/><circle cx="40" cy="260" r="80" fill="#4fa34a"/><circle cx="200" cy="250" r="90" fill="#4fa34a"/>` +
      // Thought bubble with the dream car.
      `<circle cx="430" cy="330" r="16" fill="#ffffff" stroke="#1b1b2f" stroke-width="5"/>` +
      `<circle cx="470" cy="280" r="26" fill="#ffffff" stroke="#1b1b2f" stroke-width="5"/>` +
      `<ellipse cx="720" cy="250" rx="270" ry="150" fill="#ffffff" stroke="#1b1b2f" stroke-width="6"/>` +
      supercar(720, 320, 1) +
      emoji("2728", 560, 170, 60) +
      emoji("2728", 880, 190, 50) +
      // The bench: back, seat, legs.
      `<rect x="190" y="440" width="320" height="22" rx="6" fill="#a0612e" stroke="#1b1b2f" stroke-width="5"/>` +
      `<rect x="190" y="472" width="320" height="22" rx="6" fill="#a0612e" stroke="#1b1b2f" stroke-width="5"/>` +
      `<rect x="200" y="440" width="14" height="130" fill="#1b1b2f"/><rect x="486" y="440" width="14" height="130" fill="#1b1b2f"/>` +
      // The skeleton, sitting: legs over the seat's edge, spine, ribs, arms, skull.
      bone("M300,545 L420,545 L430,650") +
      bone("M320,545 L450,548 L465,650") +
      bone("M330,430 L330,545") +
      ribs +
      bone("M290,445 L250,520 L300,560") +
      bone("M370,445 L420,510 L470,505") +
      emoji("1f480", 330, 360, 150) +
      `<rect x="0" y="650" width="${W}" height="${H - 650}" fill="#3f8f3a" opacity="0.35"/>` +
      emoji("23f3", 560, 610, 80);
    return svgDocument(W, H, body, defs);
  },
};
