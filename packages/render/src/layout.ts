// Where text goes: template checks, the boxes of a user's own picture, and each box's safe area.
import { outlineRadius, type LetteringRequest, type TextArea } from "./text.ts";
import type { PictureProblem, TemplateSpec, TextBox } from "./types.ts";

const BOX_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** Checks a template's boxes against its picture: inside, positive size, unique ids. */
export function validateTemplate(template: TemplateSpec): PictureProblem | undefined {
  const { width, height, boxes } = template;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    return { id: "template.invalid", detail: "the picture needs a positive whole width and height" };
  }
  if (boxes.length === 0) return { id: "template.invalid", detail: "a template needs at least one text box" };
  if (template.layout === "panels" && boxes.length < 2) {
    return { id: "template.invalid", detail: "a panels template needs two or more boxes" };
  }
  const seen = new Set<string>();
  for (const box of boxes) {
    if (!BOX_ID.test(box.id)) return { id: "template.invalid", detail: `box id "${box.id.slice(0, 40)}"` };
    if (seen.has(box.id)) return { id: "template.invalid", detail: `two boxes are called "${box.id}"` };
    seen.add(box.id);
    const numbers = [box.x, box.y, box.width, box.height];
    if (!numbers.every(Number.isFinite) || box.width < 8 || box.height < 8) {
      return { id: "template.invalid", detail: `box "${box.id}" needs a size of at least 8 × 8` };
    }
    if (box.x < 0 || box.y < 0 || box.x + box.width > width || box.y + box.height > height) {
      return { id: "template.box_outside", box: box.id };
    }
  }
  return undefined;
}

/** Boxes of a user's own picture in the classic layout: a band across the top and one across the bottom. */
export function classicCaptionBoxes(width: number, height: number): TextBox[] {
  const margin = Math.round(Math.min(width, height) * 0.03);
  const band = Math.round(height * (height > width ? 0.2 : 0.24));
  const common = { x: margin, width: width - margin * 2, height: band, style: "outlined" as const };
  return [
    { id: "top", label: "top text", y: margin, ...common },
    { id: "bottom", label: "bottom text", y: height - margin - band, ...common },
  ];
}

/** Scales a box given in the template's declared pixels to the decoded (possibly capped) picture. */
export function scaleBox(box: TextBox, scaleX: number, scaleY: number): TextBox {
  return {
    ...box,
    x: box.x * scaleX,
    y: box.y * scaleY,
    width: box.width * scaleX,
    height: box.height * scaleY,
  };
}

/**
 * The lettering settings for a box. The safe margin leaves room for the outline; letters are capped
 * at a sixth of the picture's shorter side (a bigger word reads as shouting, not as a meme) and at
 * least a fortieth before long words get broken.
 */
export function letteringFor(
  box: TextBox,
  layout: TemplateSpec["layout"],
  picture: { width: number; height: number },
): Omit<LetteringRequest, "text"> {
  const short = Math.min(picture.width, picture.height);
  const maxPx = Math.max(12, short / 6);
  // The outline grows about one and a half radii past the letters; it must stay in the box too.
  const outlineRoom = box.style === "outlined" ? Math.ceil(outlineRadius(maxPx) * 1.5) : 0;
  const margin =
    Math.max(2, Math.round(Math.min(box.width, box.height) * 0.04), Math.round(short * 0.008)) + outlineRoom;
  const area: TextArea = {
    x: box.x + margin,
    y: box.y + margin,
    width: Math.max(1, box.width - margin * 2),
    height: Math.max(1, box.height - margin * 2),
  };
  const classic = layout === "classic";
  const vertical = classic
    ? box.id === "bottom"
      ? "bottom"
      : box.id === "top"
        ? "top"
        : "middle"
    : "middle";
  return {
    style: box.style,
    area,
    maxPx,
    minPx: Math.max(10, short / 40),
    vertical,
    uppercase: box.style === "outlined",
    family: box.style === "outlined" ? "impact" : "plain",
  };
}
