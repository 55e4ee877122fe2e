// Golden pictures: each layout rendered and compared, downscaled, with a tolerance (JPEG and small
// rasteriser differences pass; a moved box, a lost outline or a changed font do not).
// UPDATE_GOLDEN=1 pnpm vitest run test/render/golden.test.ts rewrites them; look at them before committing.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { createMemeRenderer, type RenderResult, type TemplateWithPicture } from "@memebot/render";
import { box } from "./fixtures.ts";

const renderer = createMemeRenderer({
  // A failure no check foresaw fails the test instead of passing as picture.corrupt.
  onUnexpectedError: (error) => {
    throw error;
  },
});
const GOLDEN_SIDE = 160;
const TOLERANCE = 4; // mean absolute difference per channel, 0–255

async function scene(width: number, height: number): Promise<Uint8Array> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="#5b7fa6"/><circle cx="${width / 2}" cy="${height / 2}" r="${height / 4}" fill="#e8c170"/></svg>`;
  return new Uint8Array(await sharp(Buffer.from(svg)).png().toBuffer());
}

async function compare(name: string, result: RenderResult): Promise<void> {
  if (!result.ok) throw new Error(result.problem.id);
  const small = await sharp(result.value.bytes)
    .resize({ width: GOLDEN_SIDE, height: GOLDEN_SIDE, fit: "inside" })
    .removeAlpha()
    .png()
    .toBuffer();
  const path = fileURLToPath(new URL(`golden/${name}.png`, import.meta.url));
  if (process.env.UPDATE_GOLDEN === "1" || !existsSync(path)) {
    writeFileSync(path, small);
    if (process.env.UPDATE_GOLDEN !== "1")
      throw new Error(`golden ${name}.png was missing and is now written: check it`);
    return;
  }
  const [a, b] = await Promise.all(
    [small, readFileSync(path)].map((p) =>
      sharp(p).removeAlpha().raw().toBuffer({ resolveWithObject: true }),
    ),
  );
  expect([a!.info.width, a!.info.height]).toEqual([b!.info.width, b!.info.height]);
  let sum = 0;
  for (let i = 0; i < a!.data.length; i++) sum += Math.abs(a!.data[i]! - b!.data[i]!);
  expect(sum / a!.data.length).toBeLessThan(TOLERANCE);
}

describe("golden renders", () => {
  it("classic template", async () => {
    const template: TemplateWithPicture = {
      name: "golden-classic",
      description: "",
      tags: [],
      layout: "classic",
      width: 640,
      height: 640,
      picture: await scene(640, 640),
      boxes: [box("top", 20, 20, 600, 140), box("bottom", 20, 480, 600, 140)],
    };
    await compare(
      "classic",
      await renderer.render({
        template,
        texts: { top: "one does not simply", bottom: "change the renderer 😂" },
        watermark: "@memebot",
      }),
    );
  });

  it("panels template", async () => {
    const template: TemplateWithPicture = {
      name: "golden-panels",
      description: "",
      tags: [],
      layout: "panels",
      width: 640,
      height: 480,
      picture: await scene(640, 480),
      boxes: [box("left", 20, 20, 280, 200, "dark"), box("right", 340, 260, 280, 200, "outlined")],
    };
    await compare(
      "panels",
      await renderer.render({ template, texts: { left: "me explaining the meme", right: "my friends 🤷" } }),
    );
  });

  it("caption bar", async () => {
    await compare(
      "caption-bar",
      await renderer.caption({
        picture: await scene(640, 400),
        top: "when the tests pass",
        bottom: "on the first try",
        layout: "caption-bar",
      }),
    );
  });

  it("classic caption on a user's picture", async () => {
    await compare(
      "caption-classic",
      await renderer.caption({
        picture: await scene(800, 500),
        top: "top text",
        bottom: "bottom text",
        layout: "classic",
      }),
    );
  });
});
