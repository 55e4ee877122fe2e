import { emoji, svgDocument } from "../svg.ts";
import { TWEMOJI_CREDIT, type StarterDrawing } from "../starter.ts";

const W = 1024;
const H = 1024;

export const approveReject: StarterDrawing = {
  name: "approve-reject",
  description:
    "A face turning away in disgust from the top option and grinning at the bottom one: a preference, for contrasting the boring choice with the one the community loves.",
  tags: ["comparison", "choice", "reaction", "preference"],
  layout: "panels",
  width: W,
  height: H,
  boxes: [
    { id: "reject", label: "the thing rejected", x: 544, y: 32, width: 448, height: 448, style: "dark" },
    { id: "approve", label: "the thing preferred", x: 544, y: 544, width: 448, height: 448, style: "dark" },
  ],
  credits: [TWEMOJI_CREDIT],
  svg() {
    const body =
      `<rect width="${W}" height="${H}" fill="#ffffff"/>` +
      // Left column: warm panels, red-tinted for no, green-tinted for yes.
      `<rect width="512" height="512" fill="#f7a531"/>` +
      `<rect y="512" width="512" height="512" fill="#f9c74f"/>` +
      `<path d="M0,0 L512,0 L512,512 Z" fill="#ffffff" opacity="0.08"/>` +
      `<path d="M0,512 L512,512 L512,1024 Z" fill="#ffffff" opacity="0.12"/>` +
      // A hoodie-like body under each face.
      `<path d="M40,512 C40,400 120,360 220,360 C320,360 400,400 400,512 Z" fill="#e85d04"/>` +
      `<path d="M40,1024 C40,912 120,872 220,872 C320,872 400,912 400,1024 Z" fill="#e85d04"/>` +
      emoji("1f616", 210, 250, 270, { flip: true }) +
      emoji("270b", 400, 300, 200, { rotate: 10 }) +
      emoji("1f60f", 210, 760, 270) +
      emoji("1f449", 410, 800, 190) +
      // Small verdict badges in the corners of the art.
      `<circle cx="462" cy="52" r="34" fill="#d62828"/><path d="M446,36 L478,68 M478,36 L446,68" stroke="#ffffff" stroke-width="10" stroke-linecap="round"/>` +
      `<circle cx="462" cy="564" r="34" fill="#2a9d8f"/><path d="M444,566 L457,580 L481,550" stroke="#ffffff" stroke-width="10" stroke-linecap="round" stroke-linejoin="round" fill="none"/>` +
      // Panel rules.
      `<rect x="0" y="508" width="${W}" height="8" fill="#1b1b2f"/>` +
      `<rect x="508" y="0" width="8" height="${H}" fill="#1b1b2f"/>`;
    return svgDocument(W, H, body);
  },
};
