// Where the texts go on a template an admin adds: a layout's default boxes, or boxes the admin
// wrote as percentages of the picture (`top:0,0,100,20 bottom:0,80,100,20`, id:x,y,width,height).
// The command reads them before the picture is fetched; the job turns them into pixels once it
// knows the picture's size, and the renderer validates the result.
import type { MemeLayout, TextBox } from "@memebot/render";
import { err, ok, userError, type Result, type UserError } from "../result.ts";

/** A box with x, y, width and height in fractions of the picture (0–1), as it travels in the template.add job. */
export type FractionBox = TextBox;

/** What the admin may name after the template's name; explicit boxes make a "panels" template. */
export const TEMPLATE_LAYOUT_WORDS = ["classic", "caption-bar"] as const;
export type TemplateLayoutWord = (typeof TEMPLATE_LAYOUT_WORDS)[number];

/** The job's payload allows this many. */
export const MAX_TEMPLATE_BOXES = 8;
export const MAX_TEMPLATE_DESCRIPTION = 200;

const BOX_ID = /^[a-z0-9][a-z0-9-]{0,15}$/;
/** Looks like a box someone meant to write, well formed or not. */
const BOX_LIKE = /^[^\s:]+:[\d.,%-]*$/;

/** Each layout's boxes, in percent: classic's bands inside a small margin, caption-bar's bar above the picture. */
const DEFAULT_BOXES: Record<TemplateLayoutWord, readonly FractionBox[]> = {
  classic: [
    { id: "top", label: "top text", x: 0.03, y: 0.03, width: 0.94, height: 0.2, style: "outlined" },
    { id: "bottom", label: "bottom text", x: 0.03, y: 0.77, width: 0.94, height: 0.2, style: "outlined" },
  ],
  "caption-bar": [{ id: "caption", label: "the caption", x: 0, y: 0, width: 1, height: 0.25, style: "dark" }],
};

export const defaultBoxesOf = (layout: MemeLayout): readonly FractionBox[] =>
  DEFAULT_BOXES[layout === "caption-bar" ? "caption-bar" : "classic"];

export interface TemplateLayoutChoice {
  layout: MemeLayout;
  /** Absent: the layout's default boxes. */
  boxes?: FractionBox[];
  description?: string;
}

function parseBox(word: string): Result<FractionBox, UserError> {
  const colon = word.indexOf(":");
  const id = word.slice(0, colon).toLowerCase();
  const numbers = word
    .slice(colon + 1)
    .replaceAll("%", "")
    .split(",")
    .map((part) => (part.trim() === "" ? Number.NaN : Number(part)));
  const bad = userError("template.error.badBox", { box: word });
  if (!BOX_ID.test(id) || numbers.length !== 4 || numbers.some((n) => !Number.isFinite(n))) return err(bad);
  const [x = 0, y = 0, width = 0, height = 0] = numbers;
  if (x < 0 || y < 0 || width <= 0 || height <= 0) return err(bad);
  if (x + width > 100 || y + height > 100) return err(userError("template.problem.box_outside", { box: id }));
  return ok({
    id,
    label: id,
    x: x / 100,
    y: y / 100,
    width: width / 100,
    height: height / 100,
    style: "outlined",
  });
}

/**
 * Reads what follows `/template add <name>`: an optional layout word or boxes, then an optional
 * description (the sentence the model chooses templates by).
 */
export function parseTemplateLayout(words: readonly string[]): Result<TemplateLayoutChoice, UserError> {
  let layout: MemeLayout = "classic";
  const boxes: FractionBox[] = [];
  let index = 0;
  const first = words[0]?.toLowerCase();
  if (first === "classic" || first === "caption-bar") {
    layout = first;
    index = 1;
  }
  for (; index < words.length; index += 1) {
    const word = words[index] ?? "";
    if (!BOX_LIKE.test(word)) break;
    const box = parseBox(word);
    if (!box.ok) return box;
    if (boxes.some((known) => known.id === box.value.id)) {
      return err(userError("template.error.duplicateBox", { box: box.value.id }));
    }
    boxes.push(box.value);
  }
  if (boxes.length > MAX_TEMPLATE_BOXES)
    return err(userError("template.error.tooManyBoxes", { max: MAX_TEMPLATE_BOXES }));
  const description = words.slice(index).join(" ").trim();
  if (description.length > MAX_TEMPLATE_DESCRIPTION) {
    return err(userError("template.error.descriptionTooLong", { max: MAX_TEMPLATE_DESCRIPTION }));
  }
  return ok({
    // Boxes of the admin's own: two or more are a panels template, one is a caption over the picture.
    layout: boxes.length === 0 ? layout : boxes.length > 1 ? "panels" : "classic",
    ...(boxes.length > 0 ? { boxes } : {}),
    ...(description !== "" ? { description } : {}),
  });
}

/** Boxes in the picture's own pixels, rounded inward-safe (a box at 100 % ends on the last pixel). */
export function boxesInPixels(boxes: readonly FractionBox[], width: number, height: number): TextBox[] {
  return boxes.map((box) => {
    const x = Math.round(box.x * width);
    const y = Math.round(box.y * height);
    return {
      id: box.id,
      label: box.label,
      x,
      y,
      width: Math.max(1, Math.round((box.x + box.width) * width) - x),
      height: Math.max(1, Math.round((box.y + box.height) * height) - y),
      style: box.style,
    };
  });
}
