// The studio's settings: which layouts /meme may use, the template tags it prefers, a watermark;
// how /config reads them, and what /meme and /caption make of them.
import { describe, expect, it } from "vitest";
import {
  captionLayoutOf,
  createSettingsModel,
  defaultCommands,
  templatesFor,
  translate,
  type CommunitySettings,
} from "@memebot/core";
import type { TemplateWithPicture } from "@memebot/render";

const model = createSettingsModel(defaultCommands);

function changed(key: string, raw: string): CommunitySettings {
  const change = model.change(model.defaults(), key, raw);
  if (!change.ok)
    throw new Error(`${key} ${raw} refused: ${translate("en", change.error.id, change.error.params)}`);
  return change.value.settings;
}

const refusal = (key: string, raw: string) => {
  const change = model.change(model.defaults(), key, raw);
  return change.ok ? undefined : translate("en", change.error.id, change.error.params);
};

describe("the studio's settings", () => {
  it("GIVEN nothing stored THEN every layout, no preferred tags and no watermark", () => {
    expect(model.defaults().studio).toEqual({
      layouts: ["classic", "caption-bar", "panels"],
      tags: [],
      watermark: "",
    });
  });

  it("GIVEN meme.layouts THEN takes a list or all, and refuses unknown layouts and an empty list", () => {
    expect(changed("meme.layouts", "Classic, panels").studio.layouts).toEqual(["classic", "panels"]);
    expect(changed("meme.layouts", "all").studio.layouts).toEqual(["classic", "caption-bar", "panels"]);
    expect(refusal("meme.layouts", "classic,drake")).toBe(
      "“classic,drake” is not a valid value for meme.layouts. Allowed: all | classic | caption-bar | panels (several separated by commas, e.g. classic,panels).",
    );
    expect(refusal("meme.layouts", " , ")).toMatch(/not a valid value/);
  });

  it("GIVEN meme.tags THEN takes up to 8 tags, clears with -, and refuses what is no tag", () => {
    expect(changed("meme.tags", "pump, HODL").studio.tags).toEqual(["pump", "hodl"]);
    expect(changed("meme.tags", "-").studio.tags).toEqual([]);
    expect(refusal("meme.tags", "a,b,c,d,e,f,g,h,i")).toMatch(/up to 8 template tags/);
    expect(refusal("meme.tags", "<script>")).toMatch(/not a valid value/);
  });

  it("GIVEN meme.watermark THEN takes a short text, off clears it, and refuses a long one", () => {
    expect(changed("meme.watermark", "  $PEPE   army ").studio.watermark).toBe("$PEPE army");
    expect(changed("meme.watermark", "off").studio.watermark).toBe("");
    expect(refusal("meme.watermark", "x".repeat(33))).toMatch(/at most 32 characters/);
  });

  it("GIVEN stored studio settings that are broken THEN each falls back to its default alone", () => {
    const settings = model.parse({ studio: { layouts: [], tags: ["ok", 7], watermark: "fine" } });
    expect(settings.studio).toEqual({
      layouts: ["classic", "caption-bar", "panels"],
      tags: [],
      watermark: "fine",
    });
  });
});

const template = (
  name: string,
  layout: TemplateWithPicture["layout"],
  tags: string[],
): TemplateWithPicture => ({
  name,
  description: `${name}.`,
  tags,
  layout,
  width: 100,
  height: 100,
  boxes: [{ id: "top", label: "top", x: 0, y: 0, width: 100, height: 30, style: "outlined" }],
  picture: new Uint8Array(),
});

describe("what /meme and /caption make of them", () => {
  const all = [
    template("moon", "classic", ["hype"]),
    template("bar", "caption-bar", ["pump"]),
    template("panel", "panels", ["pump", "comparison"]),
    template("crash", "classic", ["dump"]),
  ];

  it("GIVEN enabled layouts THEN /meme chooses among their templates only", () => {
    const names = templatesFor(all, { layouts: ["classic"], tags: [] }).map((t) => t.name);
    expect(names).toEqual(["moon", "crash"]);
  });

  it("GIVEN preferred tags THEN their templates come first, the others after", () => {
    const names = templatesFor(all, { layouts: ["classic", "caption-bar", "panels"], tags: ["pump"] }).map(
      (t) => t.name,
    );
    expect(names).toEqual(["bar", "panel", "moon", "crash"]);
  });

  it("GIVEN layouts that no template has THEN every template stays usable rather than none", () => {
    const onlyClassic = [template("moon", "classic", [])];
    expect(templatesFor(onlyClassic, { layouts: ["panels"], tags: [] }).map((t) => t.name)).toEqual(["moon"]);
  });

  it("GIVEN /caption THEN classic lettering unless the community kept only the caption bar", () => {
    expect(captionLayoutOf({ layouts: ["classic", "caption-bar"] })).toBe("classic");
    expect(captionLayoutOf({ layouts: ["caption-bar", "panels"] })).toBe("caption-bar");
    expect(captionLayoutOf({ layouts: ["panels"] })).toBe("classic");
  });
});
