import { emoji, radialGradient, stars, sunburst, svgDocument } from "../svg.ts";
import { TWEMOJI_CREDIT, type StarterDrawing } from "../starter.ts";

const W = 1024;
const H = 1024;
const ROW = 256;

export const expandingBrain: StarterDrawing = {
  name: "expanding-brain",
  description:
    "Four rows of a brain glowing ever brighter next to four ideas: escalating galaxy-brain logic, for ranking takes from sensible to gloriously absurd.",
  tags: ["comparison", "escalation", "irony", "galaxy-brain"],
  layout: "panels",
  width: W,
  height: H,
  boxes: [1, 2, 3, 4].map((n) => ({
    id: String(n),
    label:
      ["the normal idea", "a smarter-sounding idea", "a big-brain idea", "the absurd galaxy-brain idea"][
        n - 1
      ] ?? "",
    x: 24,
    y: (n - 1) * ROW + 20,
    width: 464,
    height: ROW - 40,
    style: "dark" as const,
  })),
  credits: [TWEMOJI_CREDIT],
  svg() {
    const defs =
      radialGradient("g1", ["#ff9ecd", "#ff9ecd"], [0.35, 0]) +
      radialGradient("g2", ["#fff5a5", "#ff6bd6"], [0.9, 0]) +
      radialGradient("g3", ["#ffffff", "#a0f0ff", "#7b2ff7"], [1, 0.9, 0]) +
      radialGradient("cosmos", ["#ffffff", "#f72585", "#3a0ca3", "#10002b"]);
    const panels = ["#3d405b", "#2b2d6e", "#4a148c", "url(#cosmos)"];
    const parts: string[] = [`<rect width="${W}" height="${H}" fill="#ffffff"/>`];
    for (let row = 0; row < 4; row += 1) {
      const top = row * ROW;
      const cx = 768;
      const cy = top + ROW / 2;
      parts.push(`<rect x="512" y="${top}" width="512" height="${ROW}" fill="${panels[row] ?? "#000"}"/>`);
      parts.push(`<svg x="512" y="${top}" width="512" height="${ROW}" viewBox="512 ${top} 512 ${ROW}">`);
      if (row >= 2) parts.push(sunburst(cx, cy, 520, 32, "#ffffff", row === 2 ? 0.1 : 0.22));
      if (row === 3) parts.push(`<g transform="translate(512 ${top})">${stars(31, 60, 512, ROW)}</g>`);
      if (row >= 1)
        parts.push(`<circle cx="${cx}" cy="${cy}" r="${90 + row * 40}" fill="url(#g${Math.min(row, 3)})"/>`);
      // A head in profile facing the text, the brain showing through it.
      parts.push(
        `<path transform="translate(${cx - 30} ${cy + 10})" d="M-110,150 C-120,80 -140,40 -120,-30 C-100,-110 -10,-140 60,-115 C120,-95 140,-40 135,0 L160,40 L135,50 C140,80 125,95 95,90 L90,150 Z" fill="${row === 3 ? "#ffffff" : "#e0e1dd"}" opacity="${row === 3 ? 0.35 : 0.18}"/>`,
      );
      parts.push(
        emoji("1f9e0", cx - 10, cy - 20, 120 + row * 22, row === 3 ? {} : { opacity: 0.75 + row * 0.08 }),
      );
      if (row === 3) parts.push(emoji("2728", cx + 120, cy - 70, 60) + emoji("2728", cx - 140, cy + 60, 50));
      parts.push(`</svg>`);
      parts.push(`<rect x="0" y="${top + ROW - 3}" width="${W}" height="6" fill="#1b1b2f"/>`);
    }
    parts.push(`<rect x="509" y="0" width="6" height="${H}" fill="#1b1b2f"/>`);
    return svgDocument(W, H, parts.join(""), defs);
  },
};
