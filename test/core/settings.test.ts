import { describe, expect, it } from "vitest";
import {
  createSettingsModel,
  DEFAULT_RATE_LIMIT_PER_MINUTE,
  defaultCommands,
  languagePacks,
  modelChoiceOf,
  translate,
} from "@memebot/core";

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
  it("GIVEN a value out of range THEN the error names the allowed values, in the reply's language", () => {
    const change = model.change(model.defaults(), "meme.cooldown", "99999");
    expect(change).toMatchObject({ ok: false, error: { id: "error.invalidSetting" } });
    if (change.ok) return;
    expect(translate("en", change.error.id, change.error.params)).toBe(
      "“99999” is not a valid value for meme.cooldown. Allowed: 0-3600 seconds.",
    );
    expect(translate("es", change.error.id, change.error.params)).toBe(
      "«99999» no es un valor válido para meme.cooldown. Permitidos: 0-3600 segundos.",
    );
    const language = model.change(model.defaults(), "language", "xx");
    expect(!language.ok && translate("es", language.error.id, language.error.params)).toBe(
      "«xx» no es un valor válido para language. Permitidos: en | es.",
    );
  });
  it("GIVEN on or off in any language's words THEN switches accordingly, whatever the community speaks", () => {
    const switchTo = (word: string) => {
      const change = model.change(model.defaults(), "meme.enabled", word);
      return change.ok ? change.value.newValue : `refused ${word}`;
    };
    for (const { code, messages } of languagePacks) {
      const on = [messages["value.on"], ...messages["value.onWords"].split(",")].map((word) => word.trim());
      const off = [messages["value.off"], ...messages["value.offWords"].split(",")].map((word) =>
        word.trim(),
      );
      for (const word of on) expect(switchTo(word), `${code} ${word}`).toBe(true);
      for (const word of off) expect(switchTo(word), `${code} ${word}`).toBe(false);
    }
    expect(["activado", "Sí", "SI", "on", "TRUE", "1"].map(switchTo)).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(["desactivado", "No", "off", "0"].map(switchTo)).toEqual([false, false, false, false]);
    // Typed with a combining accent, as some keyboards send it.
    expect(switchTo("si\u0301")).toBe(true);
    expect(switchTo("quizás")).toBe("refused quizás");
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

  describe("model settings", () => {
    const withModels = createSettingsModel(defaultCommands, { models: ["qwen2.5-32b", "qwen2.5-7b"] });

    it("GIVEN nothing stored THEN no budget, conversation on, and every task on its default models", () => {
      const settings = withModels.defaults();
      expect(settings.tokenBudgetPerDay).toBe(0);
      expect(settings.conversation).toBe(true);
      expect(settings.models).toEqual({});
      expect(modelChoiceOf(settings, "meme-text")).toEqual({});
    });

    it("GIVEN a configured model for a task THEN the community's choice is stored and used for that task only", () => {
      const change = withModels.change(withModels.defaults(), "model.sentiment", "qwen2.5-7b");
      expect(change).toMatchObject({ ok: true, value: { oldValue: "default", newValue: "qwen2.5-7b" } });
      if (!change.ok) return;
      expect(modelChoiceOf(change.value.settings, "sentiment")).toEqual({ preferredModel: "qwen2.5-7b" });
      expect(modelChoiceOf(change.value.settings, "meme-text")).toEqual({});
      const back = withModels.change(change.value.settings, "model.sentiment", "DEFAULT");
      expect(back.ok && back.value.settings.models).toEqual({});
    });

    it("GIVEN a model that is not configured THEN refuses it and lists the configured ones", () => {
      const change = withModels.change(withModels.defaults(), "model.chat", "gpt-4o");
      expect(change.ok).toBe(false);
      if (change.ok) return;
      expect(translate("en", change.error.id, change.error.params)).toBe(
        "“gpt-4o” is not a valid value for model.chat. Allowed: default | qwen2.5-32b | qwen2.5-7b.",
      );
    });

    it("GIVEN a token budget THEN it applies to every task; 0 turns it off; junk is refused", () => {
      const change = withModels.change(withModels.defaults(), "token_budget", "50000");
      expect(change.ok && modelChoiceOf(change.value.settings, "chat")).toEqual({ dailyTokenBudget: 50_000 });
      const off = change.ok ? withModels.change(change.value.settings, "token_budget", "0") : change;
      expect(off.ok && modelChoiceOf(off.value.settings, "chat")).toEqual({});
      for (const junk of ["-5", "1e6", "lots", "1000000000"]) {
        expect(withModels.change(withModels.defaults(), "token_budget", junk).ok).toBe(false);
      }
    });

    it("GIVEN conversation switched off in Spanish words THEN it is off", () => {
      const change = withModels.change(withModels.defaults(), "conversation", "desactivado");
      expect(change.ok && change.value.settings.conversation).toBe(false);
    });

    it("GIVEN corrupt stored model settings THEN they read as defaults", () => {
      const settings = withModels.parse({
        models: { chat: 42, "meme-text": "qwen2.5-7b" },
        tokenBudgetPerDay: -1,
      });
      expect(settings.models).toEqual({ "meme-text": "qwen2.5-7b" });
      expect(settings.tokenBudgetPerDay).toBe(0);
    });
  });
});
