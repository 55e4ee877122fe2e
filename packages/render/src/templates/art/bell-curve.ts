import { emoji, label, linearGradient, svgDocument } from "../svg.ts";
import { TWEMOJI_CREDIT, type StarterDrawing } from "../starter.ts";

const W = 1024;
const H = 768;
const MEAN = 512;
const SIGMA = 140;
const BASE = 660;
const PEAK = 400;

function curveY(x: number): number {
  const z = (x - MEAN) / SIGMA;
  return BASE - PEAK * Math.exp(-(z * z) / 2);
}

export const bellCurve: StarterDrawing = {
  name: "bell-curve",
  description:
    "The IQ bell curve with a simple face and a wizard on the tails agreeing while the crying midwit overthinks: both extremes land on the same simple take.",
  tags: ["comparison", "irony", "midwit", "hodl"],
  layout: "panels",
  width: W,
  height: H,
  boxes: [
    { id: "left", label: "the simple take (low end)", x: 16, y: 180, width: 300, height: 250, style: "dark" },
    {
      id: "middle",
      label: "the overthought midwit take",
      x: 292,
      y: 16,
      width: 440,
      height: 200,
      style: "dark",
    },
    {
      id: "right",
      label: "the same simple take (high end)",
      x: 708,
      y: 180,
      width: 300,
      height: 250,
      style: "dark",
    },
  ],
  credits: [TWEMOJI_CREDIT],
  svg() {
    const defs = linearGradient("fill", ["#4cc9f0", "#4361ee"]);
    const points: string[] = [];
    for (let x = 30; x <= W - 30; x += 6) points.push(`${x},${curveY(x).toFixed(1)}`);
    const curve = `M${points.join(" L")}`;
    const lines = [-3, -2, -1, 0, 1, 2, 3]
      .map((k) => {
        const x = MEAN + k * SIGMA;
        return `<path d="M${x},${BASE} V${curveY(x).toFixed(1)}" stroke="#1b1b2f" stroke-width="3" stroke-dasharray="8 8" opacity="0.55"/>`;
      })
      .join("");
    const shares = ["0.1%", "2%", "14%", "34%", "34%", "14%", "2%", "0.1%"];
    const shareLabels = shares
      .map((text, index) => label(text, MEAN + (index - 3.5) * SIGMA, BASE - 14, 22, "#1b1b2f"))
      .filter((_, index) => index > 1 && index < 6)
      .join("");
    const iq = [55, 70, 85, 100, 115, 130, 145]
      .map((value, index) => label(String(value), MEAN + (index - 3) * SIGMA, BASE + 40, 26, "#1b1b2f"))
      .join("");
    const body =
      `<rect width="${W}" height="${H}" fill="#fdf6e3"/>` +
      `<path d="${curve} L${W - 30},${BASE} L30,${BASE} Z" fill="url(#fill)" opacity="0.9"/>` +
      `<path d="${curve}" stroke="#1b1b2f" stroke-width="6" fill="none" stroke-linejoin="round"/>` +
      lines +
      `<path d="M20,${BASE} H${W - 20}" stroke="#1b1b2f" stroke-width="6"/>` +
      shareLabels +
      iq +
      label("IQ", W - 40, BASE + 80, 24, "#1b1b2f") +
      emoji("1f974", 150, 540, 150) +
      emoji("1f62d", 512, 330, 190) +
      emoji("1f9d9", 874, 530, 170);
    return svgDocument(W, H, body, defs);
  },
};
