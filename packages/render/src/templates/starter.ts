// What one starter template is before it has a picture: the spec, who to credit, and how to draw it.
import type { TemplateSpec, TemplateWithPicture, TextBox } from "../types.ts";

export interface StarterDrawing extends TemplateSpec {
  /** Whose graphics the picture uses beyond the project's own drawing ("Twemoji (CC-BY 4.0)"). */
  credits: readonly string[];
  /** The picture as an SVG document, width × height. */
  svg(): string;
}

export interface StarterTemplate extends TemplateWithPicture {
  credits: readonly string[];
}

export const TWEMOJI_CREDIT = "Twemoji graphics by Twitter, Inc. and other contributors, CC-BY 4.0";

/** The classic layout's two boxes: a band across the top and one across the bottom. */
export function classicBoxes(
  width: number,
  height: number,
  labels: { top: string; bottom: string },
): readonly TextBox[] {
  const band = Math.round(height * (height > width * 0.9 ? 0.2 : 0.22));
  const margin = Math.round(width * 0.03);
  return [
    {
      id: "top",
      label: labels.top,
      x: margin,
      y: margin,
      width: width - margin * 2,
      height: band,
      style: "outlined",
    },
    {
      id: "bottom",
      label: labels.bottom,
      x: margin,
      y: height - margin - band,
      width: width - margin * 2,
      height: band,
      style: "outlined",
    },
  ];
}

/** The caption-bar layout's one box: the renderer sets it in a white bar above the picture, full width. */
export function captionBox(width: number, height: number, label: string): readonly TextBox[] {
  return [{ id: "caption", label, x: 0, y: 0, width, height: Math.round(height / 4), style: "dark" }];
}
