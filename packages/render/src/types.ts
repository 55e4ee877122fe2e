// The meme studio's picture contract: what a template is, what a render is asked for, and what it
// gives back. Templates and renders travel as plain data (bytes, numbers, strings) so any worker
// replica can render any community's template from what PostgreSQL holds.

/** How text sits on the picture. */
export type MemeLayout =
  /** Bold condensed capitals, white fill, black outline, over the picture (top and bottom boxes). */
  | "classic"
  /** Dark text on a white bar added above the picture. */
  | "caption-bar"
  /** Labelled multi-panel template: two or more boxes placed by the template. */
  | "panels";

export const MEME_LAYOUTS = ["classic", "caption-bar", "panels"] as const satisfies readonly MemeLayout[];

/** A text box, in the template picture's own pixels (origin top left). */
export interface TextBox {
  /** Stable within its template: "top", "bottom", "left", "right", "1"… */
  id: string;
  /** What goes in it, for the model and the offline engine ("the thing everyone ignores"). */
  label: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** "outlined": white letters with a black outline; "dark": black letters, no outline (on a light panel). */
  style: "outlined" | "dark";
}

/** A template: a picture and where its texts go. */
export interface TemplateSpec {
  /** Lower-case, [a-z0-9-], at most 32 characters; unique per community (starters share the namespace). */
  name: string;
  /** One sentence the model chooses by: what the meme says and when it fits. */
  description: string;
  tags: readonly string[];
  layout: MemeLayout;
  width: number;
  height: number;
  boxes: readonly TextBox[];
}

/** A template with its picture, as stored (PNG, JPEG or WebP bytes). */
export interface TemplateWithPicture extends TemplateSpec {
  picture: Uint8Array;
}

export type PictureFormat = "jpeg" | "webp";

export interface RenderedPicture {
  bytes: Uint8Array;
  mimeType: "image/jpeg" | "image/webp" | "image/png";
  width: number;
  height: number;
}

/** Why a picture could not be used or made; ids are stable (messages and tests key on them). */
export type PictureProblem =
  | { id: "picture.not_image" }
  | { id: "picture.corrupt" }
  | { id: "picture.too_large"; limit: string }
  | { id: "text.too_long"; box: string; limit: number }
  | { id: "template.box_outside"; box: string }
  | { id: "template.invalid"; detail: string };
