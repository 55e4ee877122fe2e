import { emoji, linearGradient, memeCoin, radialGradient, sunburst, svgDocument } from "../svg.ts";
import { TWEMOJI_CREDIT, type StarterDrawing } from "../starter.ts";

const W = 1024;
const H = 768;

export const distracted: StarterDrawing = {
  name: "distracted",
  description:
    "A holder ogling a shiny new frog coin while their old, dull dog coin fumes beside them: temptation, for chasing the new hype instead of the bag you already hold.",
  tags: ["comparison", "fomo", "hype", "choice"],
  layout: "panels",
  width: W,
  height: H,
  boxes: [
    { id: "new", label: "the shiny new thing", x: 24, y: 560, width: 330, height: 180, style: "outlined" },
    { id: "me", label: "the distracted holder", x: 370, y: 560, width: 300, height: 180, style: "outlined" },
    {
      id: "old",
      label: "the neglected old thing",
      x: 690,
      y: 560,
      width: 310,
      height: 180,
      style: "outlined",
    },
  ],
  credits: [TWEMOJI_CREDIT],
  svg() {
    const defs =
      linearGradient("sky", ["#8ecae6", "#cdeaf5"]) +
      radialGradient("shine", ["#fff3b0", "#ffd23f"], [0.95, 0]) +
      linearGradient("street", ["#adb5bd", "#6c757d"]);
    const buildings = [
      [0, 200, 150, "#577590"],
      [140, 140, 130, "#43aa8b"],
      [260, 230, 120, "#90be6d"],
      [560, 160, 140, "#f9844a"],
      [690, 100, 150, "#4d908e"],
      [830, 190, 194, "#577590"],
    ]
      .map(([x, y, w, colour]) => {
        const windows: string[] = [];
        for (let wy = (y as number) + 30; wy < 480; wy += 60) {
          for (let wx = (x as number) + 20; wx < (x as number) + (w as number) - 30; wx += 45) {
            windows.push(`<rect x="${wx}" y="${wy}" width="24" height="30" fill="#ffffff" opacity="0.35"/>`);
          }
        }
        return (
          `<rect x="${x}" y="${y}" width="${w}" height="${500 - (y as number)}" fill="${colour}"/>` +
          windows.join("")
        );
      })
      .join("");
    const body =
      `<rect width="${W}" height="${H}" fill="url(#sky)"/>` +
      buildings +
      `<rect y="480" width="${W}" height="${H - 480}" fill="url(#street)"/>` +
      `<rect y="480" width="${W}" height="10" fill="#495057"/>` +
      // The new coin, glowing on the left.
      sunburst(190, 330, 260, 24, "#ffd23f", 0.35) +
      `<circle cx="190" cy="330" r="200" fill="url(#shine)"/>` +
      memeCoin(190, 330, 120, "1f438") +
      emoji("2728", 70, 200, 70) +
      emoji("2728", 310, 190, 60) +
      emoji("1f680", 320, 460, 80) +
      // The holder in the middle, heart-eyed, turning to look left.
      `<path d="M410,${H} C410,560 450,500 530,500 C610,500 650,560 650,${H} Z" fill="#3a86ff"/>` +
      `<path d="M470,520 L530,600 L590,520" stroke="#1b1b2f" stroke-width="6" fill="none"/>` +
      emoji("1f60d", 530, 390, 210, { rotate: -12 }) +
      emoji("1f440", 420, 270, 80, { flip: true }) +
      // The old coin on the right, dull and furious.
      `<path d="M740,${H} C740,580 780,530 860,530 C940,530 980,580 980,${H} Z" fill="#9d4edd"/>` +
      emoji("1f620", 860, 420, 190, { rotate: 8 }) +
      emoji("1f4a2", 770, 300, 70) +
      // The old coin it holds: grey, dull and cracked.
      memeCoin(958, 470, 62, "1f436", { dull: true, rotate: 12 }) +
      `<path d="M940,418 L960,456 L942,476 L968,526" stroke="#3a3a3a" stroke-width="6" fill="none" stroke-linejoin="round"/>`;
    return svgDocument(W, H, body, defs);
  },
};
