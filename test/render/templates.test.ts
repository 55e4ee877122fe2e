// The starter templates: a valid, complete set whose pictures are what they declare, drawn once.
import { createMemeRenderer, starterTemplates } from "@memebot/render";
import sharp from "sharp";
import { describe, expect, it } from "vitest";

const NAME = /^[a-z0-9-]{1,32}$/;

describe("starter templates", () => {
  it("are at least twelve, with unique valid names, descriptions, tags and credits", async () => {
    const templates = await starterTemplates();
    expect(templates.length).toBeGreaterThanOrEqual(12);
    const names = templates.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const template of templates) {
      expect(template.name).toMatch(NAME);
      expect(template.description.trim().length).toBeGreaterThan(40);
      expect(template.tags.length).toBeGreaterThan(0);
      for (const tag of template.tags) expect(tag).toMatch(/^[a-z0-9-]+$/);
      expect(template.credits.every((credit) => credit.trim() !== "")).toBe(true);
    }
  });

  it("cover the three layouts with the boxes each layout expects", async () => {
    const templates = await starterTemplates();
    const of = (layout: string) => templates.filter((t) => t.layout === layout);
    expect(of("classic").length).toBeGreaterThanOrEqual(3);
    expect(of("caption-bar").length).toBeGreaterThanOrEqual(2);
    expect(of("panels").length).toBeGreaterThanOrEqual(3);
    for (const template of of("classic")) expect(template.boxes.map((b) => b.id)).toEqual(["top", "bottom"]);
    for (const template of of("caption-bar")) expect(template.boxes.map((b) => b.id)).toEqual(["caption"]);
    for (const template of of("panels")) {
      expect(template.boxes.length).toBeGreaterThanOrEqual(2);
      expect(template.boxes.length).toBeLessThanOrEqual(4);
    }
  });

  it("keep every box inside its picture, big enough to read and labelled", async () => {
    const renderer = createMemeRenderer();
    for (const template of await starterTemplates()) {
      expect(Math.max(template.width, template.height), template.name).toBe(1024);
      const ids = template.boxes.map((b) => b.id);
      expect(new Set(ids).size, template.name).toBe(ids.length);
      for (const box of template.boxes) {
        const where = `${template.name}/${box.id}`;
        expect(box.label.trim(), where).not.toBe("");
        expect(box.x, where).toBeGreaterThanOrEqual(0);
        expect(box.y, where).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width, where).toBeLessThanOrEqual(template.width);
        expect(box.y + box.height, where).toBeLessThanOrEqual(template.height);
        expect(box.width, where).toBeGreaterThanOrEqual(200);
        expect(box.height, where).toBeGreaterThanOrEqual(120);
      }
      expect(renderer.validateTemplate(template), template.name).toBeUndefined();
    }
  });

  it("have PNG pictures that decode to the declared size", async () => {
    for (const template of await starterTemplates()) {
      const meta = await sharp(template.picture).metadata();
      expect(meta.format, template.name).toBe("png");
      expect([meta.width, meta.height], template.name).toEqual([template.width, template.height]);
    }
  });

  it("put every dark-lettered box on a plain light panel", async () => {
    for (const template of await starterTemplates()) {
      // A caption-bar template's text goes on the renderer's own white bar, not on the picture.
      if (template.layout === "caption-bar") continue;
      for (const box of template.boxes.filter((b) => b.style === "dark")) {
        const region = await sharp(template.picture)
          .extract({ left: box.x, top: box.y, width: box.width, height: box.height })
          .removeAlpha()
          .png()
          .toBuffer();
        const { channels } = await sharp(region).stats();
        const rgb = channels.slice(0, 3);
        const mean = rgb.reduce((sum, c) => sum + c.mean, 0) / rgb.length;
        const spread = rgb.reduce((sum, c) => sum + c.stdev, 0) / rgb.length;
        expect(mean, `${template.name}/${box.id}`).toBeGreaterThanOrEqual(220);
        expect(spread, `${template.name}/${box.id}`).toBeLessThanOrEqual(30);
      }
    }
  });

  it("are drawn once per process: a second call gives the same pictures", async () => {
    const first = await starterTemplates();
    const second = await starterTemplates();
    expect(second).toBe(first);
    second.forEach((template, index) => {
      const picture = first[index]?.picture ?? new Uint8Array();
      expect(Buffer.from(template.picture).equals(Buffer.from(picture)), template.name).toBe(true);
    });
  });

  it("render with sample texts in every box", async () => {
    const renderer = createMemeRenderer();
    for (const template of await starterTemplates()) {
      const texts = Object.fromEntries(
        template.boxes.map((box) => [box.id, `sample: ${box.label}`.slice(0, 100)]),
      );
      const result = await renderer.render({ template, texts });
      if (!result.ok) throw new Error(`${template.name}: ${JSON.stringify(result.problem)}`);
      expect(result.value.width, template.name).toBeGreaterThan(0);
      expect(result.value.bytes.length, template.name).toBeGreaterThan(1000);
    }
  });
});
