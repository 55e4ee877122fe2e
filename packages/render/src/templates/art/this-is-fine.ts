import { emoji, linearGradient, radialGradient, seededRandom, svgDocument } from "../svg.ts";
import { classicBoxes, TWEMOJI_CREDIT, type StarterDrawing } from "../starter.ts";

const W = 1024;
const H = 768;

/** A tongue of flame: a teardrop pointing up, three nested colours. */
function flame(x: number, base: number, height: number, width: number): string {
  const layer = (h: number, w: number, colour: string): string =>
    `<path d="M${x - w / 2},${base} C${x - w / 2},${base - h * 0.45} ${x - w * 0.1},${base - h * 0.6} ${x},${base - h} C${x + w * 0.15},${base - h * 0.6} ${x + w / 2},${base - h * 0.45} ${x + w / 2},${base} Z" fill="${colour}"/>`;
  return (
    layer(height, width, "#e8361c") +
    layer(height * 0.72, width * 0.7, "#ff8a1e") +
    layer(height * 0.42, width * 0.42, "#ffd93b")
  );
}

export const thisIsFine: StarterDrawing = {
  name: "this-is-fine",
  description:
    "A dog sipping coffee at a table while the room burns around him: calm denial, for holding through a crash, a hack or any disaster everyone pretends is fine.",
  tags: ["dump", "fear", "hodl", "cope", "reaction"],
  layout: "classic",
  width: W,
  height: H,
  boxes: classicBoxes(W, H, { top: "the disaster happening", bottom: 'the calm denial ("this is fine")' }),
  credits: [TWEMOJI_CREDIT],
  svg() {
    const random = seededRandom(11);
    const defs =
      linearGradient("wall", ["#5b2a1a", "#a8471f", "#e07a2c"]) +
      linearGradient("smoke", ["#2b2230", "#2b2230"]) +
      radialGradient("heat", ["#ffcf5a", "#ff7b2c"], [0.55, 0]);
    const flames: string[] = [];
    // Two rows of fire behind the table, taller towards the sides so the dog stays readable in the
    // middle; random spacing and sizes so it reads as fire, not as a striped wallpaper.
    for (const row of [0, 1]) {
      for (let x = -40; x <= W + 40; x += 60 + random() * 70) {
        const edge = Math.min(x, W - x) / (W / 2);
        const height = (row === 0 ? 300 : 170) + (1 - edge) * (row === 0 ? 320 : 200) + random() * 120;
        flames.push(flame(x, row === 0 ? 560 : 575, height, (row === 0 ? 150 : 110) + random() * 90));
      }
    }
    const body =
      `<rect width="${W}" height="${H}" fill="url(#wall)"/>` +
      `<ellipse cx="${W / 2}" cy="430" rx="560" ry="340" fill="url(#heat)"/>` +
      flames.join("") +
      // Smoke under the ceiling.
      `<path d="M0,0 H${W} V150 C900,190 820,120 700,170 C600,210 520,130 400,175 C300,210 200,140 100,180 C60,195 20,170 0,160 Z" fill="#2b2230" opacity="0.85"/>` +
      // Floor.
      `<rect x="0" y="560" width="${W}" height="${H - 560}" fill="#6b3a22"/>` +
      `<rect x="0" y="560" width="${W}" height="14" fill="#4a2614"/>` +
      `<rect x="395" y="430" width="234" height="180" rx="24" fill="#3b1d10"/>` +
      // The dog: body (torso with a little hat), then the face.
      `<path d="M400,600 C400,520 430,470 512,470 C594,470 624,520 624,600 Z" fill="#c98a3e"/>` +
      `<path d="M470,600 C470,560 480,520 512,520 C544,520 554,560 554,600 Z" fill="#f1d3a1"/>` +
      emoji("1f436", 512, 395, 210) +
      `<ellipse cx="512" cy="300" rx="120" ry="18" fill="#2f4858"/><path d="M452,302 C452,240 470,220 512,220 C554,220 572,240 572,302 Z" fill="#2f4858"/><rect x="452" y="280" width="120" height="14" fill="#e63946"/>` +
      // Table and coffee.
      `<rect x="330" y="590" width="364" height="26" rx="8" fill="#8b5a2b"/>` +
      `<rect x="350" y="616" width="22" height="130" fill="#3b1d10"/><rect x="652" y="616" width="22" height="130" fill="#3b1d10"/>` +
      emoji("2615", 600, 548, 110);
    return svgDocument(W, H, body, defs);
  },
};
