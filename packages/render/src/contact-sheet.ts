// /template list's picture: every template of a community as a thumbnail with its name under it,
// the starters in one section and the community's own in another (framed in yellow), on one JPEG.
// The sheet is 1280 px wide, as wide as Telegram keeps a photo, and grows more columns rather
// than taller as templates are added, so names stay legible on a phone (about 30 px letters).
import sharp, { type OverlayOptions } from "sharp";
import { registerFonts } from "./fonts.ts";

export interface ContactSheetEntry {
  name: string;
  picture: Uint8Array;
  source: "starter" | "community";
}

export interface ContactSheetLabels {
  /** Over the whole sheet, e.g. "Meme templates (15)". */
  title: string;
  /** Over the starters' section. */
  starters: string;
  /** Over the community's own section. */
  own: string;
}

export interface ContactSheet {
  bytes: Uint8Array;
  mimeType: "image/jpeg";
  width: number;
  height: number;
}

export const CONTACT_SHEET_WIDTH = 1280;
const MARGIN = 16;
const NAME_BAND = 56;
/** Letters of a name under its thumbnail: about 9 px on a phone showing the sheet 400 px wide. */
const NAME_PX = 28;
const TITLE_BAND = 72;
const SECTION_BAND = 56;
const BACKGROUND = "#1b1c21";
const CELL_BACKGROUND = "#2c2e35";
const OWN_ACCENT = "#ffcc33";
const STARTER_ACCENT = "#9aa0ad";
/** A thumbnail decodes at most this many pixels: stored pictures are checked, but a bad row must not cost much. */
const THUMBNAIL_PIXEL_LIMIT = 40_000_000;

/** Columns for this many templates: 4 keeps thumbnails large; more columns keep a long list from getting too tall. */
const columnsFor = (count: number) => (count <= 16 ? 4 : count <= 30 ? 5 : 6);

interface TextOptions {
  color: string;
  align: "left" | "centre";
  /** Letter size in pixels; without it, the text is fitted into width × height. */
  px?: number;
  width?: number;
  height?: number;
}

async function textLayer(
  text: string,
  options: TextOptions,
): Promise<{ input: Buffer; width: number; height: number }> {
  const escaped = text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const { data, info } = await sharp({
    text: {
      text: `<span foreground="${options.color}">${escaped}</span>`,
      // At pango's 72 dpi a point is a pixel.
      font: options.px ? `Noto Sans ${options.px}` : "Noto Sans",
      ...(options.width ? { width: options.width } : {}),
      ...(options.height && !options.px ? { height: options.height } : {}),
      align: options.align,
      rgba: true,
      // Names break after their dashes first.
      wrap: "word-char",
    },
  })
    .png()
    .toBuffer({ resolveWithObject: true });
  return { input: data, width: info.width, height: info.height };
}

/** A name on one line at the usual size; a long one on two smaller lines; failing that, fitted. */
async function nameLayer(name: string, width: number, height: number, color: string) {
  const line = await textLayer(name, { color, align: "centre", px: NAME_PX });
  if (line.width <= width) return line;
  const twoLines = await textLayer(name, { color, align: "centre", px: Math.round(NAME_PX * 0.75), width });
  if (twoLines.height <= height) return twoLines;
  return textLayer(name, { color, align: "centre", width, height });
}

/** The picture fitted into the cell's frame, or a plain frame when it cannot be read. */
async function thumbnail(picture: Uint8Array, width: number, height: number): Promise<Buffer> {
  try {
    return await sharp(picture, { limitInputPixels: THUMBNAIL_PIXEL_LIMIT, pages: 1 })
      .resize({ width, height, fit: "contain", background: CELL_BACKGROUND })
      .flatten({ background: CELL_BACKGROUND })
      .png()
      .toBuffer();
  } catch {
    return sharp({ create: { width, height, channels: 3, background: CELL_BACKGROUND } })
      .png()
      .toBuffer();
  }
}

interface Cell {
  entry: ContactSheetEntry;
  left: number;
  top: number;
}

/** Draws the sheet; entries keep their order within each section. */
export async function drawContactSheet(
  entries: readonly ContactSheetEntry[],
  labels: ContactSheetLabels,
): Promise<ContactSheet> {
  await registerFonts();
  const columns = columnsFor(entries.length);
  const cellWidth = Math.floor((CONTACT_SHEET_WIDTH - MARGIN * (columns + 1)) / columns);
  const thumbHeight = Math.round(cellWidth * 0.75);
  const cellHeight = thumbHeight + NAME_BAND;

  const sections = [
    { label: labels.starters, color: STARTER_ACCENT, entries: entries.filter((e) => e.source === "starter") },
    { label: labels.own, color: OWN_ACCENT, entries: entries.filter((e) => e.source === "community") },
  ];
  const overlays: OverlayOptions[] = [];
  const cells: Cell[] = [];
  let y = MARGIN;
  const title = await textLayer(labels.title, {
    width: CONTACT_SHEET_WIDTH - MARGIN * 2,
    px: 44,
    color: "#ffffff",
    align: "left",
  });
  overlays.push({ input: title.input, left: MARGIN, top: y });
  y += TITLE_BAND;

  for (const section of sections) {
    const header = await textLayer(section.label, {
      width: CONTACT_SHEET_WIDTH - MARGIN * 2,
      px: 30,
      color: section.color,
      align: "left",
    });
    overlays.push({ input: header.input, left: MARGIN, top: y });
    // A rule under the header in the section's colour, so the sections read apart at a glance.
    overlays.push({
      input: {
        create: {
          width: CONTACT_SHEET_WIDTH - MARGIN * 2,
          height: 3,
          channels: 4,
          background: section.color,
        },
      },
      left: MARGIN,
      top: y + SECTION_BAND - MARGIN,
    });
    y += SECTION_BAND;
    section.entries.forEach((entry, index) => {
      const column = index % columns;
      const row = Math.floor(index / columns);
      cells.push({
        entry,
        left: MARGIN + column * (cellWidth + MARGIN),
        top: y + row * (cellHeight + MARGIN),
      });
    });
    const rows = Math.ceil(section.entries.length / columns);
    y += rows * (cellHeight + MARGIN);
  }
  const height = y;

  // One cell at a time: 37 decoded pictures at once would cost far more memory than the sheet.
  for (const cell of cells) {
    const own = cell.entry.source === "community";
    if (own) {
      // The frame: a yellow rectangle 4 px larger on each side, under the picture and its name.
      overlays.push({
        input: {
          create: { width: cellWidth + 8, height: cellHeight + 8, channels: 4, background: OWN_ACCENT },
        },
        left: cell.left - 4,
        top: cell.top - 4,
      });
    }
    overlays.push({
      input: await thumbnail(cell.entry.picture, cellWidth, thumbHeight),
      left: cell.left,
      top: cell.top,
    });
    overlays.push({
      input: {
        create: { width: cellWidth, height: NAME_BAND, channels: 4, background: own ? "#3a3320" : "#24262c" },
      },
      left: cell.left,
      top: cell.top + thumbHeight,
    });
    const name = await nameLayer(
      cell.entry.name,
      cellWidth - 12,
      NAME_BAND - 4,
      own ? OWN_ACCENT : "#ffffff",
    );
    overlays.push({
      input: name.input,
      left: cell.left + Math.max(0, Math.floor((cellWidth - name.width) / 2)),
      top: cell.top + thumbHeight + Math.max(0, Math.floor((NAME_BAND - name.height) / 2)),
    });
  }

  const { data, info } = await sharp({
    create: { width: CONTACT_SHEET_WIDTH, height, channels: 3, background: BACKGROUND },
  })
    .composite(overlays)
    .jpeg({ quality: 84, mozjpeg: true })
    .toBuffer({ resolveWithObject: true });
  return { bytes: new Uint8Array(data), mimeType: "image/jpeg", width: info.width, height: info.height };
}
