// The starter meme templates every community gets: drawn by the project's own code (SVG built in
// TypeScript, Twemoji graphics for faces and props), rasterised to PNG with sharp once per process.
import sharp from "sharp";
import { approveReject } from "./art/approve-reject.ts";
import { bellCurve } from "./art/bell-curve.ts";
import { buyHighSellLow } from "./art/buy-high-sell-low.ts";
import { chartCrash } from "./art/chart-crash.ts";
import { diamondHands } from "./art/diamond-hands.ts";
import { distracted } from "./art/distracted.ts";
import { everyoneVsMe } from "./art/everyone-vs-me.ts";
import { expandingBrain } from "./art/expanding-brain.ts";
import { gm } from "./art/gm.ts";
import { rugPull } from "./art/rug-pull.ts";
import { stonks } from "./art/stonks.ts";
import { thisIsFine } from "./art/this-is-fine.ts";
import { toTheMoon } from "./art/to-the-moon.ts";
import { twoButtons } from "./art/two-buttons.ts";
import { wenLambo } from "./art/wen-lambo.ts";
import { whaleAlert } from "./art/whale-alert.ts";
import type { StarterDrawing, StarterTemplate } from "./starter.ts";

export type { StarterTemplate } from "./starter.ts";

/** Every starter, in the order a picker shows them. */
export const STARTER_DRAWINGS: readonly StarterDrawing[] = [
  approveReject,
  twoButtons,
  expandingBrain,
  bellCurve,
  distracted,
  everyoneVsMe,
  buyHighSellLow,
  toTheMoon,
  stonks,
  chartCrash,
  diamondHands,
  thisIsFine,
  gm,
  rugPull,
  wenLambo,
  whaleAlert,
];

async function rasterise(drawing: StarterDrawing): Promise<StarterTemplate> {
  const { svg, ...spec } = drawing;
  const png = await sharp(Buffer.from(svg.call(drawing)))
    .resize(drawing.width, drawing.height, { fit: "fill" })
    .png({ compressionLevel: 9, palette: false })
    .toBuffer();
  return { ...spec, picture: new Uint8Array(png.buffer, png.byteOffset, png.byteLength) };
}

let starters: Promise<readonly StarterTemplate[]> | undefined;

/**
 * The starter templates with their PNG pictures. Rasterising all of them takes a noticeable moment
 * (librsvg draws every gradient and emoji), so it happens once per process and is shared; a failure
 * is not remembered, so the next call tries again.
 */
export function starterTemplates(): Promise<readonly StarterTemplate[]> {
  if (starters === undefined) {
    const pending = (async () => {
      const done: StarterTemplate[] = [];
      // One at a time: the worker shares two cores with everything else.
      for (const drawing of STARTER_DRAWINGS) done.push(Object.freeze(await rasterise(drawing)));
      return Object.freeze(done);
    })();
    starters = pending;
    pending.catch(() => {
      if (starters === pending) starters = undefined;
    });
  }
  return starters;
}
