import { emoji, linearGradient, radialGradient, svgDocument } from "../svg.ts";
import { TWEMOJI_CREDIT, type StarterDrawing } from "../starter.ts";

const W = 768;
const H = 1024;

/** A big red push button on a steel base, centred on (cx, cy). */
function button(cx: number, cy: number): string {
  return (
    `<ellipse cx="${cx}" cy="${cy + 40}" rx="120" ry="46" fill="#1b1b2f"/>` +
    `<rect x="${cx - 120}" y="${cy}" width="240" height="40" fill="#8d99ae"/>` +
    `<ellipse cx="${cx}" cy="${cy}" rx="120" ry="46" fill="#c0c8d6" stroke="#1b1b2f" stroke-width="6"/>` +
    `<path d="M${cx - 85},${cy} V${cy - 40} H${cx + 85} V${cy} Z" fill="#b5121b"/>` +
    `<ellipse cx="${cx}" cy="${cy}" rx="85" ry="30" fill="#b5121b" stroke="#1b1b2f" stroke-width="5"/>` +
    `<ellipse cx="${cx}" cy="${cy - 40}" rx="85" ry="30" fill="url(#red)" stroke="#1b1b2f" stroke-width="6"/>` +
    `<ellipse cx="${cx - 25}" cy="${cy - 50}" rx="30" ry="9" fill="#ffffff" opacity="0.6"/>`
  );
}

export const twoButtons: StarterDrawing = {
  name: "two-buttons",
  description:
    "Someone sweating over which of two big red buttons to press: an impossible choice, for two options a holder wants equally (or fears equally).",
  tags: ["comparison", "choice", "fear", "reaction"],
  layout: "panels",
  width: W,
  height: H,
  boxes: [
    { id: "left", label: "the first option", x: 32, y: 40, width: 330, height: 170, style: "dark" },
    { id: "right", label: "the second option", x: 406, y: 40, width: 330, height: 170, style: "dark" },
    { id: "me", label: "who has to choose", x: 24, y: 860, width: 720, height: 140, style: "outlined" },
  ],
  credits: [TWEMOJI_CREDIT],
  svg() {
    const defs =
      linearGradient("wall", ["#3a506b", "#1c2541"]) +
      radialGradient("red", ["#ff5a5f", "#e01e37"]) +
      linearGradient("sweatBg", ["#5bc0eb", "#2274a5"]) +
      linearGradient("desk", ["#6c757d", "#495057"]);
    const plate = (x: number): string =>
      `<rect x="${x}" y="30" width="350" height="190" rx="16" fill="#1b1b2f"/><rect x="${x + 8}" y="38" width="334" height="174" rx="12" fill="#fff8e1"/>` +
      `<circle cx="${x + 22}" cy="52" r="6" fill="#adb5bd"/><circle cx="${x + 328}" cy="52" r="6" fill="#adb5bd"/>`;
    const drops = [
      [250, 640, 1],
      [520, 620, 1.3],
      [560, 760, 0.9],
      [210, 780, 1.1],
    ]
      .map(
        ([x, y, s]) =>
          `<path transform="translate(${x} ${y}) scale(${s})" d="M0,-30 C12,-10 20,2 20,12 A20,20 0 0 1 -20,12 C-20,2 -12,-10 0,-30 Z" fill="#bde0fe" stroke="#1b1b2f" stroke-width="4"/>`,
      )
      .join("");
    const body =
      `<rect width="${W}" height="512" fill="url(#wall)"/>` +
      plate(22) +
      plate(396) +
      `<path d="M0,330 L${W},330 L${W},512 L0,512 Z" fill="url(#desk)"/>` +
      `<rect x="0" y="322" width="${W}" height="14" fill="#adb5bd"/>` +
      `<path d="M197,230 L197,300 M571,230 L571,300" stroke="#ffd23f" stroke-width="10" stroke-dasharray="14 10"/>` +
      button(197, 390) +
      button(571, 390) +
      `<rect y="512" width="${W}" height="${H - 512}" fill="url(#sweatBg)"/>` +
      `<rect y="506" width="${W}" height="12" fill="#1b1b2f"/>` +
      `<path d="M180,${H} C180,860 260,820 384,820 C508,820 588,860 588,${H} Z" fill="#ef476f"/>` +
      emoji("1f630", 384, 700, 300) +
      drops +
      emoji("1f91a", 600, 700, 150, { rotate: -15 });
    return svgDocument(W, H, body, defs);
  },
};
