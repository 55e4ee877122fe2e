import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { createMemeRenderer, starterTemplates, type TemplateWithPicture } from "@memebot/render";
import { box, classicTemplate, greyPicture, inkIn, rawOf, type Raw } from "./fixtures.ts";

const renderer = createMemeRenderer({
  // A failure no check foresaw fails the test instead of passing as picture.corrupt.
  onUnexpectedError: (error) => {
    throw error;
  },
});

describe("render: layout", () => {
  it("GIVEN top and bottom texts THEN ink lies inside both boxes and nowhere else", async () => {
    const template = await classicTemplate(512);
    const result = await renderer.render({
      template,
      texts: { top: "one does not simply", bottom: "write tests" },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const raw = await rawOf(result.value.bytes);
    const [top, bottom] = template.boxes;
    expect(inkIn(raw, top!.x, top!.y, top!.x + top!.width, top!.y + top!.height)).toBeGreaterThan(2000);
    expect(
      inkIn(raw, bottom!.x, bottom!.y, bottom!.x + bottom!.width, bottom!.y + bottom!.height),
    ).toBeGreaterThan(2000);
    // Between the boxes and around them the grey is untouched (2 px allowance for JPEG ringing).
    expect(inkIn(raw, 0, top!.y + top!.height + 2, 512, bottom!.y - 2)).toBe(0);
    expect(inkIn(raw, 0, 0, 512, top!.y - 2)).toBe(0);
    expect(inkIn(raw, 0, bottom!.y + bottom!.height + 2, 512, 512)).toBe(0);
  });

  it("GIVEN a missing or empty text THEN its box stays empty", async () => {
    const template = await classicTemplate(512);
    const result = await renderer.render({ template, texts: { top: "only the top", bottom: "  " } });
    if (!result.ok) throw new Error(result.problem.id);
    const raw = await rawOf(result.value.bytes);
    const bottom = template.boxes[1]!;
    expect(inkIn(raw, 0, bottom.y - 2, 512, 512)).toBe(0);
  });

  it("GIVEN a panels template THEN each labelled box gets its own text", async () => {
    const template: TemplateWithPicture = {
      ...(await classicTemplate(600)),
      layout: "panels",
      boxes: [
        box("left", 20, 20, 260, 200, "dark"),
        box("right", 320, 380, 260, 200, "outlined"),
        box("middle", 200, 250, 200, 100),
      ],
    };
    const result = await renderer.render({ template, texts: { left: "me", right: "also me", middle: "" } });
    if (!result.ok) throw new Error(result.problem.id);
    const raw = await rawOf(result.value.bytes);
    expect(inkIn(raw, 20, 20, 280, 220)).toBeGreaterThan(300);
    expect(inkIn(raw, 320, 380, 580, 580)).toBeGreaterThan(300);
    expect(inkIn(raw, 200, 250, 400, 350)).toBe(0);
    expect(inkIn(raw, 0, 230, 600, 370)).toBe(0);
  });

  it("GIVEN a word longer than its box THEN it is broken across lines inside the box", async () => {
    const template: TemplateWithPicture = {
      ...(await classicTemplate(512)),
      layout: "panels",
      boxes: [box("a", 156, 100, 200, 300), box("b", 10, 10, 40, 40)],
    };
    const result = await renderer.render({
      template,
      texts: { a: "Pneumonoultramicroscopicsilicovolcanoconiosis" },
    });
    if (!result.ok) throw new Error(result.problem.id);
    const raw = await rawOf(result.value.bytes);
    expect(inkIn(raw, 0, 0, 154, 512)).toBe(0);
    expect(inkIn(raw, 358, 0, 512, 512)).toBe(0);
    // Broken, the letters fill several lines: ink above and below the box's middle.
    expect(inkIn(raw, 156, 100, 356, 230)).toBeGreaterThan(200);
    expect(inkIn(raw, 156, 270, 356, 400)).toBeGreaterThan(200);
  });
});

describe("render: platform limits", () => {
  it("GIVEN a large noisy template THEN the JPEG is at most 1280 px on its longest side and under 400 KB", async () => {
    const picture = await sharp({
      create: {
        width: 2400,
        height: 1200,
        channels: 3,
        background: "#000",
        noise: { type: "gaussian", mean: 128, sigma: 90 },
      },
    })
      .png()
      .toBuffer();
    const template: TemplateWithPicture = {
      ...(await classicTemplate(512)),
      width: 2400,
      height: 1200,
      picture: new Uint8Array(picture),
      boxes: [box("top", 50, 30, 2300, 250), box("bottom", 50, 920, 2300, 250)],
    };
    const result = await renderer.render({
      template,
      texts: { top: "so much noise", bottom: "still small" },
    });
    if (!result.ok) throw new Error(result.problem.id);
    expect(result.value.width).toBe(1280);
    expect(result.value.height).toBe(640);
    expect(result.value.mimeType).toBe("image/jpeg");
    expect(result.value.bytes.byteLength).toBeLessThanOrEqual(400 * 1024);
    expect((await sharp(result.value.bytes).metadata()).format).toBe("jpeg");
  });

  it("GIVEN format webp THEN a WebP comes back", async () => {
    const result = await renderer.caption({
      picture: await greyPicture(),
      top: "top",
      bottom: "bottom",
      layout: "classic",
      format: "webp",
    });
    if (!result.ok) throw new Error(result.problem.id);
    expect(result.value.mimeType).toBe("image/webp");
    expect((await sharp(result.value.bytes).metadata()).format).toBe("webp");
  });

  it("GIVEN the caption-bar layout THEN a white bar with dark text sits above the untouched picture", async () => {
    const result = await renderer.caption({
      picture: await greyPicture(400, 300),
      top: "when the tests pass",
      bottom: "",
      layout: "caption-bar",
    });
    if (!result.ok) throw new Error(result.problem.id);
    const { width, height } = result.value;
    expect(width).toBe(400);
    expect(height).toBeGreaterThan(300);
    const raw = await rawOf(result.value.bytes);
    const bar = height - 300;
    expect(inkIn(raw, 0, 0, 400, bar - 2, 255)).toBeGreaterThan(500);
    expect(inkIn(raw, 0, bar + 2, 400, height)).toBe(0);
  });

  it("GIVEN a caption-bar template THEN its text sits on a white bar above the template, not over it", async () => {
    const template: TemplateWithPicture = {
      ...(await classicTemplate(400)),
      layout: "caption-bar",
      boxes: [box("caption", 0, 0, 400, 100, "dark")],
    };
    const result = await renderer.render({ template, texts: { caption: "when the tests pass" } });
    if (!result.ok) throw new Error(result.problem.id);
    expect(result.value.width).toBe(400);
    expect(result.value.height).toBeGreaterThan(400);
    const raw = await rawOf(result.value.bytes);
    const bar = result.value.height - 400;
    expectBar(raw, bar);
    // The template's grey is below the bar, untouched: no ink where the caption box was declared.
    expect(inkIn(raw, 0, bar + 2, 400, result.value.height)).toBe(0);
  });

  it("GIVEN the starter caption-bar templates THEN each gets the bar and keeps its own pixels below it", async () => {
    const starters = (await starterTemplates()).filter((t) => t.layout === "caption-bar");
    expect(starters.map((t) => t.name)).toEqual(
      expect.arrayContaining(["rug-pull", "wen-lambo", "whale-alert"]),
    );
    for (const template of starters) {
      const result = await renderer.render({ template, texts: { caption: "who pulled the rug" } });
      if (!result.ok) throw new Error(result.problem.id);
      expect(result.value.width, template.name).toBe(template.width);
      const bar = result.value.height - template.height;
      expect(bar, template.name).toBeGreaterThan(40);
      const raw = await rawOf(result.value.bytes);
      expectBar(raw, bar);
      // Below the bar: the template's picture as it was (JPEG noise aside), with no caption over it.
      const own = await rawOf(template.picture);
      let sum = 0;
      for (let i = 0; i < own.data.length; i++)
        sum += Math.abs(own.data[i]! - raw.data[bar * raw.width * 3 + i]!);
      expect(sum / own.data.length, template.name).toBeLessThan(3);
    }
  });

  it("GIVEN a caption over 120 characters THEN text.too_long names its box", async () => {
    const template = await classicTemplate(256);
    const result = await renderer.render({ template, texts: { top: "x".repeat(121) } });
    expect(result).toEqual({ ok: false, problem: { id: "text.too_long", box: "top", limit: 120 } });
    const caption = await renderer.caption({
      picture: template.picture,
      top: "",
      bottom: "y".repeat(200),
      layout: "classic",
    });
    expect(caption).toEqual({ ok: false, problem: { id: "text.too_long", box: "bottom", limit: 120 } });
  });

  it("GIVEN 120 emoji (more UTF-16 units than characters) THEN it is within the limit", async () => {
    const result = await renderer.render({
      template: await classicTemplate(256),
      texts: { top: "👍🏽".repeat(120) },
    });
    expect(result.ok).toBe(true);
  });
});

describe("validateTemplate", () => {
  it("GIVEN boxes outside, overlapping ids or no size THEN a stable problem", async () => {
    const base = await classicTemplate(256);
    expect(renderer.validateTemplate(base)).toBeUndefined();
    expect(renderer.validateTemplate({ ...base, boxes: [box("top", 200, 10, 100, 50)] })).toEqual({
      id: "template.box_outside",
      box: "top",
    });
    expect(
      renderer.validateTemplate({ ...base, boxes: [box("a", 0, 0, 50, 50), box("a", 60, 60, 50, 50)] })?.id,
    ).toBe("template.invalid");
    expect(renderer.validateTemplate({ ...base, boxes: [box("a", 0, 0, 0, 50)] })?.id).toBe(
      "template.invalid",
    );
    expect(renderer.validateTemplate({ ...base, boxes: [] })?.id).toBe("template.invalid");
    const result = await renderer.render({
      template: { ...base, boxes: [box("top", -5, 10, 100, 50)] },
      texts: { top: "hi" },
    });
    expect(result).toEqual({ ok: false, problem: { id: "template.box_outside", box: "top" } });
  });
});

/** The top `bar` rows: mostly white, with dark letters on them. */
function expectBar(raw: Raw, bar: number): void {
  let white = 0;
  let dark = 0;
  for (let i = 0; i < bar * raw.width * 3; i += 3) {
    const sum = raw.data[i]! + raw.data[i + 1]! + raw.data[i + 2]!;
    if (sum > 735) white++;
    else if (sum < 150) dark++;
  }
  const pixels = bar * raw.width;
  expect(white / pixels).toBeGreaterThan(0.6);
  expect(dark).toBeGreaterThan(500);
}
