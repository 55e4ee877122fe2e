// The meme renderer: templates and users' pictures in, platform-ready JPEG or WebP out, every
// expected failure a PictureProblem value. Bytes in, bytes out: nothing is written per render.
import { createHash } from "node:crypto";
import sharp from "sharp";
import { ByteBoundedCache } from "./cache.ts";
import { blend } from "./blend.ts";
import { composeAndEncode } from "./encode.ts";
import { registerFonts } from "./fonts.ts";
import { classicCaptionBoxes, letteringFor, scaleBox, validateTemplate } from "./layout.ts";
import {
  decode,
  DEFAULT_PICTURE_LIMITS,
  normalise,
  type Checked,
  type PictureLimits,
  type Pixels,
} from "./picture.ts";
import { letter, type Layer } from "./text.ts";
import type {
  PictureFormat,
  PictureProblem,
  RenderedPicture,
  TemplateSpec,
  TemplateWithPicture,
  TextBox,
} from "./types.ts";

export type RenderResult = { ok: true; value: RenderedPicture } | { ok: false; problem: PictureProblem };

export type InspectResult =
  | { ok: true; value: { picture: Uint8Array; width: number; height: number } }
  | { ok: false; problem: PictureProblem };

export interface RenderRequest {
  template: TemplateWithPicture;
  texts: Readonly<Record<string, string>>;
  watermark?: string;
  format?: PictureFormat;
}

export interface CaptionRequest {
  picture: Uint8Array;
  top: string;
  bottom: string;
  layout: "classic" | "caption-bar";
  watermark?: string;
  format?: PictureFormat;
}

export interface MemeRenderer {
  /** Texts keyed by box id into the template's boxes; an empty or missing text leaves its box empty. */
  render(request: RenderRequest): Promise<RenderResult>;
  /** A user's own picture with captions: "classic" puts top/bottom over it, "caption-bar" puts the text (top, then bottom) on a white bar above it. */
  caption(request: CaptionRequest): Promise<RenderResult>;
  /** Checks a user-supplied picture (byte and pixel limits, first frame of an animation) and returns it normalised for storage (PNG or JPEG, longest side capped) with its size. */
  inspect(bytes: Uint8Array): Promise<InspectResult>;
  /** Checks a template's boxes against its picture (inside, positive size, unique ids). */
  validateTemplate(template: TemplateSpec): PictureProblem | undefined;
}

export interface MemeRendererOptions {
  /** Byte, pixel and side limits for pictures (defaults: 10 MB, 40 MP, 1280 px). */
  limits?: Partial<PictureLimits>;
  /** Largest output file; quality is lowered until it fits (default 400 KB). */
  maxOutputBytes?: number;
  /** Longest caption per box, in characters as a reader counts them (default 120). */
  maxTextLength?: number;
  /** Memory for decoded template pictures (default 96 MB, about 30 pictures of 1024 × 1024). */
  templateCacheBytes?: number;
  /** Default output format (default JPEG). */
  format?: PictureFormat;
  /** Told of an error no check foresaw (reported to the caller as picture.corrupt); for logs. */
  onUnexpectedError?: (error: unknown) => void;
}

export const DEFAULT_MAX_OUTPUT_BYTES = 400 * 1024;
export const DEFAULT_MAX_TEXT_LENGTH = 120;

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

function lengthOf(text: string): number {
  let count = 0;
  for (const _ of graphemes.segment(text)) count++;
  return count;
}

// libvips runs each pipeline on its own threads; it needs no more than the machine has.
sharp.concurrency(0);

export function createMemeRenderer(options: MemeRendererOptions = {}): MemeRenderer {
  const limits: PictureLimits = { ...DEFAULT_PICTURE_LIMITS, ...options.limits };
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const maxTextLength = options.maxTextLength ?? DEFAULT_MAX_TEXT_LENGTH;
  const defaultFormat = options.format ?? "jpeg";
  const templates = new ByteBoundedCache<Pixels>(options.templateCacheBytes ?? 96 * 1024 * 1024);
  // Concurrent renders of a template not yet cached share one decode.
  const decoding = new Map<string, Promise<Checked<Pixels>>>();
  const watermarks = new ByteBoundedCache<Layer[]>(4 * 1024 * 1024);

  async function templatePixels(picture: Uint8Array): Promise<Checked<Pixels>> {
    const key = createHash("sha1").update(picture).digest("base64");
    const cached = templates.get(key);
    if (cached !== undefined) return { ok: true, value: cached };
    let pending = decoding.get(key);
    if (pending === undefined) {
      pending = decode(picture, limits).finally(() => decoding.delete(key));
      decoding.set(key, pending);
      const result = await pending;
      if (result.ok) templates.set(key, result.value, result.value.data.byteLength);
      return result;
    }
    return pending;
  }

  function tooLong(entries: Iterable<[string, string]>): PictureProblem | undefined {
    for (const [box, text] of entries) {
      if (text.length > maxTextLength && lengthOf(text) > maxTextLength) {
        return { id: "text.too_long", box, limit: maxTextLength };
      }
    }
    return undefined;
  }

  /** A small outlined mark in the bottom right corner, drawn once per text and picture size. */
  async function watermarkLayers(text: string, width: number, height: number): Promise<Layer[]> {
    const key = `${width}x${height}:${text}`;
    const cached = watermarks.get(key);
    if (cached !== undefined) return cached;
    const px = Math.max(11, Math.round(Math.min(width, height) / 42));
    const boxWidth = Math.round(width * 0.45);
    const area = { x: width - boxWidth - px * 0.6, y: height - px * 1.9, width: boxWidth, height: px * 1.5 };
    const lettering = await letter({
      text: text.slice(0, 40),
      style: "outlined",
      area,
      maxPx: px,
      minPx: 8,
      vertical: "bottom",
      uppercase: false,
      family: "plain",
    });
    // Right-aligned: the block is centred in its area, so shift it against the right edge.
    const layers = (lettering?.layers ?? []).map((layer) => ({
      ...layer,
      left: layer.left + Math.floor((area.width - (lettering?.width ?? 0)) / 2),
    }));
    watermarks.set(
      key,
      layers,
      layers.reduce((sum, l) => sum + l.input.byteLength, 0),
    );
    return layers;
  }

  async function letterBoxes(
    boxes: readonly TextBox[],
    texts: Readonly<Record<string, string>>,
    layout: TemplateSpec["layout"],
    picture: { width: number; height: number },
  ): Promise<Layer[]> {
    const letterings = await Promise.all(
      boxes.map((box) => {
        const text = texts[box.id];
        if (text === undefined || text.trim() === "") return undefined;
        return letter({ text, ...letteringFor(box, layout, picture) });
      }),
    );
    return letterings.flatMap((l) => l?.layers ?? []);
  }

  async function finish(
    base: Pixels,
    layers: Layer[],
    watermark: string | undefined,
    format: PictureFormat | undefined,
    owned = false,
  ): Promise<RenderResult> {
    if (watermark !== undefined && watermark.trim() !== "") {
      layers.push(...(await watermarkLayers(watermark, base.width, base.height)));
    }
    return {
      ok: true,
      value: await composeAndEncode(base, layers, format ?? defaultFormat, maxOutputBytes, owned),
    };
  }

  async function render(request: RenderRequest): Promise<RenderResult> {
    const { template } = request;
    const invalid = validateTemplate(template);
    if (invalid !== undefined) return { ok: false, problem: invalid };
    const long = tooLong(Object.entries(request.texts));
    if (long !== undefined) return { ok: false, problem: long };
    const [pixels] = await Promise.all([templatePixels(template.picture), registerFonts()]);
    if (!pixels.ok) return pixels;
    const base = pixels.value;
    const sx = base.width / template.width;
    const sy = base.height / template.height;
    if (template.layout === "caption-bar") {
      // The one box only says what the caption is about; its text goes on a white bar above the
      // picture, exactly as a user's own picture gets it.
      const first = template.boxes[0];
      const text = request.texts.caption ?? (first === undefined ? undefined : request.texts[first.id]);
      return captionBar(base, text ?? "", request.watermark, request.format);
    }
    const boxes = template.boxes.map((box) => scaleBox(box, sx, sy));
    const layers = await letterBoxes(boxes, request.texts, template.layout, base);
    return finish(base, layers, request.watermark, request.format);
  }

  async function caption(request: CaptionRequest): Promise<RenderResult> {
    const long = tooLong([
      ["top", request.top],
      ["bottom", request.bottom],
    ]);
    if (long !== undefined) return { ok: false, problem: long };
    const [pixels] = await Promise.all([decode(request.picture, limits), registerFonts()]);
    if (!pixels.ok) return pixels;
    const picture = pixels.value;
    if (request.layout === "classic") {
      const boxes = classicCaptionBoxes(picture.width, picture.height);
      const layers = await letterBoxes(
        boxes,
        { top: request.top, bottom: request.bottom },
        "classic",
        picture,
      );
      return finish(picture, layers, request.watermark, request.format);
    }
    const text = [request.top, request.bottom]
      .map((t) => t.trim())
      .filter((t) => t !== "")
      .join("\n");
    return captionBar(picture, text, request.watermark, request.format);
  }

  /** The text (dark, the writer's case) on a white bar added above the picture; the picture is not touched. */
  async function captionBar(
    picture: Pixels,
    text: string,
    watermark: string | undefined,
    format: PictureFormat | undefined,
  ): Promise<RenderResult> {
    const px = Math.max(14, Math.round(picture.width / 13));
    const margin = Math.round(px * 0.7);
    const lettering =
      text.trim() === ""
        ? undefined
        : await letter({
            text,
            style: "dark",
            area: { x: margin, y: margin, width: picture.width - margin * 2, height: picture.height * 2 },
            maxPx: px,
            minPx: px,
            vertical: "top",
            uppercase: false,
            family: "plain",
            fixedPx: px,
          });
    const bar = lettering === undefined ? 0 : lettering.height + margin * 2;
    let base: Pixels = picture;
    let owned = false;
    if (bar > 0) {
      // A white bar on top and the picture's rows below it, the letters blended into the bar.
      const data = Buffer.allocUnsafe(picture.width * (picture.height + bar) * 3);
      data.fill(255, 0, picture.width * bar * 3);
      picture.data.copy(data, picture.width * bar * 3);
      base = { data, width: picture.width, height: picture.height + bar };
      blend(base, lettering?.layers ?? [], data);
      owned = true;
    }
    if (Math.max(base.width, base.height) > limits.maxSide) {
      // The bar made a tall picture taller than the platforms take.
      const { data, info } = await sharp(base.data, {
        raw: { width: base.width, height: base.height, channels: 3 },
      })
        .resize({ width: limits.maxSide, height: limits.maxSide, fit: "inside" })
        .raw()
        .toBuffer({ resolveWithObject: true });
      base = { data, width: info.width, height: info.height };
    }
    return finish(base, [], watermark, format, owned);
  }

  return {
    render: (request) => guard(() => render(request), options.onUnexpectedError),
    caption: (request) => guard(() => caption(request), options.onUnexpectedError),
    inspect: (bytes) => guard(() => normalise(bytes, limits), options.onUnexpectedError),
    validateTemplate,
  };
}

/**
 * Everything expected is already a value; what is left is a bug or libvips failing mid-pipeline on a
 * picture it had accepted, which the caller can only treat as a picture it cannot use.
 */
async function guard<T>(
  run: () => Promise<T | { ok: false; problem: PictureProblem }>,
  onUnexpectedError: ((error: unknown) => void) | undefined,
): Promise<T | { ok: false; problem: PictureProblem }> {
  try {
    return await run();
  } catch (error) {
    onUnexpectedError?.(error);
    return { ok: false, problem: { id: "picture.corrupt" } };
  }
}
