import { describe, expect, it } from "vitest";
import { createSettingsModel, DEFAULT_RATE_LIMIT_PER_MINUTE, defaultCommands } from "@memebot/core";

const model = createSettingsModel(defaultCommands);

describe("settings model", () => {
  it("GIVEN nothing stored THEN every setting has its default", () => {
    const settings = model.parse(null);
    expect(settings.language).toBe("en");
    expect(settings.rateLimitPerMinute).toBe(DEFAULT_RATE_LIMIT_PER_MINUTE);
    expect(model.commandOf(settings, "meme")).toEqual({ enabled: true, cooldownSeconds: 10 });
  });
  it("GIVEN one corrupt stored field THEN keeps the others", () => {
    const settings = model.parse({
      language: "klingon",
      commands: { meme: { enabled: false, cooldownSeconds: -3 } },
    });
    expect(settings.language).toBe("en");
    expect(model.commandOf(settings, "meme")).toEqual({ enabled: false, cooldownSeconds: 10 });
  });
  it("GIVEN a valid change THEN returns the new settings with old and new values", () => {
    const change = model.change(model.defaults(), "meme.enabled", "off");
    expect(change.ok && change.value.oldValue).toBe(true);
    expect(change.ok && change.value.newValue).toBe(false);
    expect(change.ok && model.commandOf(change.value.settings, "meme").enabled).toBe(false);
  });
  it("GIVEN a value out of range THEN the error names the allowed values", () => {
    expect(model.change(model.defaults(), "meme.cooldown", "99999")).toEqual({
      ok: false,
      error: {
        id: "error.invalidSetting",
        params: { key: "meme.cooldown", value: "99999", allowed: "0-3600 seconds" },
      },
    });
    expect(model.change(model.defaults(), "language", "xx")).toMatchObject({
      ok: false,
      error: { params: { allowed: "en | es" } },
    });
  });
  it("GIVEN an unknown key THEN lists the keys there are", () => {
    const change = model.change(model.defaults(), "colour", "red");
    expect(change).toMatchObject({ ok: false, error: { id: "error.unknownSetting" } });
    expect(!change.ok && String(change.error.params?.keys)).toContain("meme.enabled");
  });
  it("GIVEN an attempt to switch off /config THEN refuses it as locked", () => {
    expect(model.change(model.defaults(), "config.enabled", "off")).toMatchObject({
      ok: false,
      error: { id: "error.settingLocked" },
    });
  });
});
